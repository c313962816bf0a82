"""The built-in memory cache passes the shared conformance suite, plus its size bounds."""
from __future__ import annotations

import pytest
import pytest_asyncio

from pipecd_cp.cache.memory import MemoryCache
from pipecd_cp.errors import ConfigError
from pipecd_cp.testing import CacheConformance, driver_context


class TestMemoryConformance(CacheConformance):
    @pytest_asyncio.fixture
    async def cache(self):
        c = MemoryCache()
        await c.open()
        yield c
        await c.close()


async def test_entry_bound_evicts_least_recently_used() -> None:
    c = MemoryCache(max_entries=3)
    for k in "abc":
        await c.put(k, b"1")
    assert await c.get("a") == b"1"  # a becomes most recent
    await c.put("d", b"1")
    assert await c.get("b") is None
    assert [await c.get(k) for k in "acd"] == [b"1", b"1", b"1"]


async def test_byte_bound_evicts() -> None:
    c = MemoryCache(max_bytes=10_000)
    for i in range(20):
        await c.put(f"k{i}", b"x" * 1000)
    kept = [i for i in range(20) if await c.get(f"k{i}") is not None]
    assert kept and kept == list(range(20 - len(kept), 20)) and len(kept) < 10
    assert c._bytes <= 10_000


async def test_expired_entries_are_never_returned() -> None:
    now = [100.0]
    c = MemoryCache(clock=lambda: now[0])
    await c.put("k", b"v", ttl=5)
    now[0] = 104.9
    assert await c.get("k") == b"v"
    now[0] = 105.0
    assert await c.get("k") is None


def test_config(tmp_path) -> None:
    ctx = driver_context("cache", tmp_path)
    assert MemoryCache.from_config({"maxEntries": 5, "maxBytes": 1 << 20}, ctx).max_entries == 5
    with pytest.raises(ConfigError) as err:
        MemoryCache.from_config({"maxEntries": 0}, ctx)
    assert err.value.field == "maxEntries"
