"""The cache conformance suite (see `pipecd_cp.cache.base` for the contract)."""
from __future__ import annotations

import asyncio
import secrets

import pytest

from pipecd_cp.cache.base import Cache

pytestmark = pytest.mark.asyncio

TTL = 0.4
WAIT = 1.2


class CacheConformance:
    """Subclass and provide an async fixture `cache` yielding an opened driver."""

    @pytest.fixture
    def key(self) -> str:
        """A fresh key prefix per test, so a shared server needs no clean-up."""
        return f"conf:{secrets.token_hex(4)}"

    @pytest.mark.asyncio
    async def test_missing_keys(self, cache: Cache, key: str) -> None:
        assert await cache.get(f"{key}:missing") is None
        assert await cache.take(f"{key}:missing") is None
        assert await cache.hget(f"{key}:h", "f") is None
        assert await cache.hgetall(f"{key}:h") == {}
        await cache.delete(f"{key}:missing")
        await cache.hdelete(f"{key}:h", "f")

    @pytest.mark.asyncio
    async def test_put_get_overwrite_and_binary_values(self, cache: Cache, key: str) -> None:
        blob = bytes(range(256))
        await cache.put(key, blob)
        assert await cache.get(key) == blob
        await cache.put(key, "ünï".encode())
        assert await cache.get(key) == "ünï".encode()
        await cache.put(f"{key}:big", b"x" * (1 << 20))
        assert await cache.get(f"{key}:big") == b"x" * (1 << 20)
        await cache.delete(key)
        assert await cache.get(key) is None

    @pytest.mark.asyncio
    async def test_ttl_expiry(self, cache: Cache, key: str) -> None:
        await cache.put(f"{key}:short", b"1", ttl=TTL)
        await cache.put(f"{key}:forever", b"2")
        assert await cache.get(f"{key}:short") == b"1"
        await asyncio.sleep(WAIT)
        assert await cache.get(f"{key}:short") is None
        assert await cache.get(f"{key}:forever") == b"2"

    @pytest.mark.asyncio
    async def test_add_only_when_absent(self, cache: Cache, key: str) -> None:
        assert await cache.add(key, b"first", ttl=TTL) is True
        assert await cache.add(key, b"second", ttl=TTL) is False
        assert await cache.get(key) == b"first"
        await asyncio.sleep(WAIT)
        assert await cache.add(key, b"third") is True
        assert await cache.get(key) == b"third"

    @pytest.mark.asyncio
    async def test_take_hands_a_value_to_one_caller(self, cache: Cache, key: str) -> None:
        await cache.put(key, b"state")
        results = await asyncio.gather(*(cache.take(key) for _ in range(10)))
        assert results.count(b"state") == 1 and results.count(None) == 9

    @pytest.mark.asyncio
    async def test_incr(self, cache: Cache, key: str) -> None:
        assert await cache.incr(key) == 1
        assert await cache.incr(key, 4) == 5
        await asyncio.gather(*(cache.incr(f"{key}:n") for _ in range(50)))
        assert await cache.incr(f"{key}:n", 0) == 50
        assert await cache.incr(f"{key}:t", ttl=TTL) == 1
        assert await cache.incr(f"{key}:t", ttl=TTL) == 2
        await asyncio.sleep(WAIT)
        assert await cache.incr(f"{key}:t", ttl=TTL) == 1

    @pytest.mark.asyncio
    async def test_conditional_delete_and_extend(self, cache: Cache, key: str) -> None:
        await cache.put(key, b"owner-a", ttl=TTL)
        assert await cache.delete_if_equal(key, b"owner-b") is False
        assert await cache.extend_if_equal(key, b"owner-b", 10) is False
        assert await cache.extend_if_equal(key, b"owner-a", 10) is True
        await asyncio.sleep(WAIT)
        assert await cache.get(key) == b"owner-a", "extend must reset the TTL"
        assert await cache.delete_if_equal(key, b"owner-a") is True
        assert await cache.get(key) is None
        assert await cache.extend_if_equal(key, b"owner-a", 10) is False

    @pytest.mark.asyncio
    async def test_hashes(self, cache: Cache, key: str) -> None:
        h = f"{key}:HASHKEY:PIPED:STATS"
        await cache.hput(h, "piped-1", b'{"timestamp":1}')
        await cache.hput(h, "piped-2", b"\x00\xff")
        await cache.hput(h, "piped-1", b'{"timestamp":2}')
        assert await cache.hget(h, "piped-1") == b'{"timestamp":2}'
        assert await cache.hgetall(h) == {"piped-1": b'{"timestamp":2}', "piped-2": b"\x00\xff"}
        await cache.hdelete(h, "piped-1")
        assert await cache.hgetall(h) == {"piped-2": b"\x00\xff"}
        await cache.delete(h)
        assert await cache.hgetall(h) == {}

    @pytest.mark.asyncio
    async def test_many_concurrent_hash_writers(self, cache: Cache, key: str) -> None:
        h = f"{key}:hash"
        await asyncio.gather(*(cache.hput(h, f"f{i}", str(i).encode()) for i in range(100)))
        assert await cache.hgetall(h) == {f"f{i}": str(i).encode() for i in range(100)}
