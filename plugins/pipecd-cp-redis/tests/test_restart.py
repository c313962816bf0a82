"""Redis restarts under a running driver: calls fail fast while it is down, then work again unaided."""
from __future__ import annotations

import time

import pytest
import redis_servers

from pipecd_cp.errors import Unavailable


async def test_a_redis_restart_in_the_middle_of_a_run(cache_factory, key) -> None:
    cache = await cache_factory(cache_address=redis_servers.MAIN_ADDRESS)
    await cache.put(key, b"before")
    await cache.hput(f"{key}:h", "f", b"v")
    assert await cache.incr(f"{key}:n", ttl=60) == 1
    assert await cache.get(key) == b"before"  # the pool now holds live connections

    try:
        redis_servers.stop_main()
        calls = {
            "get": lambda: cache.get(key), "put": lambda: cache.put(key, b"x", ttl=5),
            "add": lambda: cache.add(f"{key}:a", b"x"), "take": lambda: cache.take(key),
            "delete": lambda: cache.delete(key), "incr": lambda: cache.incr(f"{key}:n", ttl=60),
            "delete_if_equal": lambda: cache.delete_if_equal(key, b"x"),
            "extend_if_equal": lambda: cache.extend_if_equal(key, b"x", 5),
            "hget": lambda: cache.hget(f"{key}:h", "f"), "hput": lambda: cache.hput(f"{key}:h", "f", b"v"),
            "hdelete": lambda: cache.hdelete(f"{key}:h", "f"), "hgetall": lambda: cache.hgetall(f"{key}:h"),
        }
        for name, call in calls.items():
            t0 = time.monotonic()
            with pytest.raises(Unavailable):
                await call()
            assert time.monotonic() - t0 < 0.5, f"{name} took too long to fail"
    finally:
        redis_servers.start_main()  # whatever happened above, Redis runs again

    # The same driver, no reopen: the pool notices its dead connections and reconnects.
    assert await cache.get(key) is None  # the server keeps nothing across a restart (--save "")
    await cache.put(key, b"after")
    assert await cache.get(key) == b"after"
    assert await cache.incr(f"{key}:n", ttl=60) == 1
    assert await cache.delete_if_equal(key, b"after") is True  # scripts reload after NOSCRIPT
    assert await cache.extend_if_equal(key, b"after", 1) is False
    await cache.hput(f"{key}:h", "f", b"again")
    assert await cache.hgetall(f"{key}:h") == {"f": b"again"}
