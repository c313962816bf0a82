"""The redis cache plugin beside redis-py's asyncio client doing the same commands on the same pool settings.

get/put/hget/hput stand for the control plane's cache reads, creates and updates. Needs Redis on
127.0.0.1:6379 (scripts/services up) and pipecd-cp-redis installed.
"""
from __future__ import annotations

import os
import secrets
import socket
from typing import Any

from bench.backends.harness import Case, Unreachable

ADDRESS = ("127.0.0.1", 6379)
_state: dict[str, Any] = {}  # what teardown() closes (the harness's convention, as in builtin.py)


async def cases(args: Any) -> list[Case]:
    try:
        import redis.asyncio as redis_asyncio

        from pipecd_cp_redis.cache import RedisCache, build_pool
        from pipecd_cp_redis.config import parse_settings
    except ImportError as exc:
        raise Unreachable(f"pipecd-cp-redis is not installed ({exc})") from None
    try:
        socket.create_connection(ADDRESS, timeout=0.5).close()
    except OSError:
        raise Unreachable(f"nothing listens on {ADDRESS[0]}:{ADDRESS[1]} (scripts/services up)") from None

    settings = parse_settings({}, f"{ADDRESS[0]}:{ADDRESS[1]}")
    cache = RedisCache(settings)
    await cache.open()
    raw = redis_asyncio.Redis(connection_pool=build_pool(settings))  # the same pool settings, no plugin code
    _state.update(cache=cache, raw=raw)
    run = secrets.token_hex(3)
    value = os.urandom(512)  # about a cached command or live-state entry
    hkey_p, hkey_r = f"bench:{run}:h:plugin", f"bench:{run}:h:raw"
    for i in range(100):
        await cache.put(f"bench:{run}:p:{i}", value, ttl=300)
        await raw.set(f"bench:{run}:r:{i}", value, px=300_000)
        await cache.hput(hkey_p, f"piped-{i}", value)
        await raw.hset(hkey_r, f"piped-{i}", value)
    return [
        Case("redis", "get", lambda i: cache.get(f"bench:{run}:p:{i % 100}"),
             lambda i: raw.get(f"bench:{run}:r:{i % 100}")),
        Case("redis", "put (create)", lambda i: cache.put(f"bench:{run}:pc:{i}", value, ttl=60),
             lambda i: raw.set(f"bench:{run}:rc:{i}", value, px=60_000)),
        Case("redis", "hget", lambda i: cache.hget(hkey_p, f"piped-{i % 100}"),
             lambda i: raw.hget(hkey_r, f"piped-{i % 100}")),
        Case("redis", "hput (update)", lambda i: cache.hput(hkey_p, f"piped-{i % 100}", value),
             lambda i: raw.hset(hkey_r, f"piped-{i % 100}", value)),
    ]


async def teardown() -> None:
    await _state["cache"].close()
    await _state["raw"].aclose()
    await _state["raw"].connection_pool.disconnect()
