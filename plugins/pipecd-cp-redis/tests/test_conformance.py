"""The redis cache passes pipecd-cp's cache conformance suite, plainly and over TLS with a password."""
from __future__ import annotations

from urllib.parse import quote

import pytest_asyncio
import redis_servers

from pipecd_cp.testing import CacheConformance, driver_context
from pipecd_cp_redis import RedisCache


class TestRedisConformance(CacheConformance):
    """Selected as PipeCD selects it: `--cache-address host:port`, no config block."""

    @pytest_asyncio.fixture
    async def cache(self, tmp_path):
        cache = RedisCache.from_config({}, driver_context("cache", tmp_path, cache_address=redis_servers.MAIN_ADDRESS))
        await cache.open()
        yield cache
        await cache.close()


class TestRedisOverTLSWithPasswordConformance(CacheConformance):
    """Every operation again through a rediss:// URL with a password and a database number."""

    @pytest_asyncio.fixture
    async def cache(self, tmp_path, private_redis):
        url = f"rediss://:{quote(redis_servers.PASSWORD, safe='')}@127.0.0.1:{private_redis.tls_port}/5"
        cache = RedisCache.from_config({"url": url, "tlsCAFile": str(private_redis.ca_file)},
                                       driver_context("cache", tmp_path))
        await cache.open()
        yield cache
        await cache.close()
