"""Fixtures: the machine's Redis (kept running whatever happens) and a private TLS/password Redis."""
from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import redis_servers

from pipecd_cp.testing import driver_context
from pipecd_cp_redis import RedisCache


@pytest.fixture(scope="session", autouse=True)
def _main_redis_running() -> Iterator[None]:
    """Redis on 127.0.0.1:6379 is up before the first test and again after the last one, even when
    a test that stops it fails half-way."""
    redis_servers.start_main()
    try:
        yield
    finally:
        redis_servers.start_main()


@pytest.fixture(scope="session")
def private_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[redis_servers.PrivateRedis]:
    server = redis_servers.PrivateRedis(tmp_path_factory.mktemp("private-redis")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest_asyncio.fixture
async def cache_factory(tmp_path: Path) -> AsyncIterator[Any]:
    """`await cache_factory(config, cache_address=...)`: an opened RedisCache, closed after the test."""
    opened: list[RedisCache] = []

    async def make(config: dict[str, Any] | None = None, cache_address: str | None = None) -> RedisCache:
        cache = RedisCache.from_config(config or {}, driver_context("cache", tmp_path, cache_address=cache_address))
        await cache.open()
        opened.append(cache)
        return cache
    yield make
    for cache in opened:
        await cache.close()


@pytest.fixture
def key() -> str:
    return f"test:{secrets.token_hex(4)}"
