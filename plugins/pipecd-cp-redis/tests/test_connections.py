"""Passwords, ACL users, databases and TLS against real servers; failures that must be fast and clear."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import redis.asyncio as redis_asyncio
import redis_servers

from pipecd_cp.errors import ConfigError, InvalidArgument, Unavailable

PW = quote(redis_servers.PASSWORD, safe="")


async def _raw(port: int, db: int = 0) -> redis_asyncio.Redis:
    return redis_asyncio.Redis(host="127.0.0.1", port=port, db=db, password=redis_servers.PASSWORD)


async def test_a_password_in_the_url_and_the_database_number(cache_factory, private_redis, key) -> None:
    cache = await cache_factory({"url": f"redis://:{PW}@127.0.0.1:{private_redis.port}/3"})
    await cache.put(key, b"in db 3")
    raw3, raw0 = await _raw(private_redis.port, 3), await _raw(private_redis.port, 0)
    try:
        assert await raw3.get(key) == b"in db 3"
        assert await raw0.get(key) is None
    finally:
        await raw3.aclose()
        await raw0.aclose()


async def test_an_acl_user_with_a_password_file(cache_factory, private_redis, key, tmp_path: Path) -> None:
    secret = tmp_path / "redis-password"
    secret.write_text(redis_servers.ACL_PASSWORD + "\n")  # as `echo` and Kubernetes secrets write it
    cache = await cache_factory({"address": f"127.0.0.1:{private_redis.port}", "username": redis_servers.ACL_USER,
                                 "passwordFile": str(secret), "db": 1})
    await cache.hput(key, "f", b"v")
    assert await cache.hgetall(key) == {"f": b"v"}


async def test_tls_with_a_private_ca(cache_factory, private_redis, key, tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text(redis_servers.PASSWORD)
    cache = await cache_factory({"address": f"127.0.0.1:{private_redis.tls_port}", "tls": True,
                                 "tlsCAFile": str(private_redis.ca_file), "passwordFile": str(secret)})
    assert await cache.add(key, b"over tls", ttl=5) is True
    assert await cache.take(key) == b"over tls"


async def test_refused_credentials_stop_start_up(cache_factory, private_redis) -> None:
    with pytest.raises(ConfigError, match="refused the credentials") as info:
        await cache_factory({"url": f"redis://:wrong@127.0.0.1:{private_redis.port}"})
    assert "wrong" not in str(info.value)
    with pytest.raises(ConfigError, match="refused the credentials"):  # NOAUTH: no password at all
        await cache_factory(cache_address=f"127.0.0.1:{private_redis.port}")


async def test_an_untrusted_tls_certificate_stops_start_up(cache_factory, private_redis) -> None:
    with pytest.raises(ConfigError, match="TLS"):
        await cache_factory({"url": f"rediss://:{PW}@127.0.0.1:{private_redis.tls_port}"})


async def test_open_tolerates_a_down_server_and_calls_fail_fast(cache_factory, key) -> None:
    port = redis_servers.free_port()  # nothing listens there
    cache = await cache_factory(cache_address=f"127.0.0.1:{port}")
    for call in (cache.get(key), cache.put(key, b"v"), cache.incr(key, ttl=1), cache.hgetall(key),
                 cache.delete_if_equal(key, b"v")):
        t0 = time.monotonic()
        with pytest.raises(Unavailable, match=f"127.0.0.1:{port}"):
            await call
        assert time.monotonic() - t0 < 0.5


async def test_a_server_that_never_answers_times_out_quickly(cache_factory, key) -> None:
    """A stalled server (accepts, reads, never replies) must not hold a caller past the timeouts."""
    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await reader.read(1 << 16):
            pass
        writer.close()
    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        t0 = time.monotonic()
        cache = await cache_factory(cache_address=f"127.0.0.1:{port}")  # the start-up PING times out too
        assert time.monotonic() - t0 < 1.0
        t0 = time.monotonic()
        with pytest.raises(Unavailable, match="did not answer within 0.5s"):
            await cache.get(key)
        assert time.monotonic() - t0 < 1.0
        fast = await cache_factory({"address": f"127.0.0.1:{port}", "timeout": "100ms"})
        t0 = time.monotonic()
        with pytest.raises(Unavailable):
            await fast.put(key, b"v")
        assert time.monotonic() - t0 < 0.4
        # More callers than connections: each waits its turn at most 2 x timeout, then its deadline.
        one = await cache_factory({"address": f"127.0.0.1:{port}", "timeout": "100ms", "maxConnections": 1})
        t0 = time.monotonic()
        results = await asyncio.gather(*(one.get(f"{key}:{i}") for i in range(6)), return_exceptions=True)
        assert all(isinstance(r, Unavailable) for r in results), results
        assert any("busy" in str(r) for r in results), [str(r) for r in results]
        assert time.monotonic() - t0 < 0.3 + 0.2
    finally:
        server.close()
        await server.wait_closed()


async def test_ttls_are_sent_in_milliseconds(cache_factory, key) -> None:
    cache = await cache_factory(cache_address=redis_servers.MAIN_ADDRESS)
    raw = redis_asyncio.Redis(host="127.0.0.1", port=redis_servers.MAIN_PORT)
    try:
        await cache.put(f"{key}:p", b"v", ttl=0.25)
        assert 0 < await raw.pttl(f"{key}:p") <= 250
        await cache.add(f"{key}:a", b"v", ttl=1.5)
        assert 1000 < await raw.pttl(f"{key}:a") <= 1500
        await cache.incr(f"{key}:i", ttl=2.75)
        assert 2000 < await raw.pttl(f"{key}:i") <= 2750
        await cache.incr(f"{key}:i", ttl=100)  # an existing counter keeps its expiry
        assert await raw.pttl(f"{key}:i") <= 2750
        await cache.put(f"{key}:l", b"lease", ttl=1)
        assert await cache.extend_if_equal(f"{key}:l", b"lease", 30.125)
        assert 30000 < await raw.pttl(f"{key}:l") <= 30125
        await cache.put(f"{key}:forever", b"v")
        assert await raw.pttl(f"{key}:forever") == -1
        await cache.hput(f"{key}:h", "f", b"v")
        assert await raw.pttl(f"{key}:h") == -1  # hashes have no TTL, as in PipeCD
        await cache.put(f"{key}:tiny", b"v", ttl=0.0001)  # rounds up to 1 ms, never to "no TTL"
        await asyncio.sleep(0.01)
        assert await cache.get(f"{key}:tiny") is None
    finally:
        await raw.aclose()


async def test_type_mismatches_are_invalid_argument(cache_factory, key) -> None:
    cache = await cache_factory(cache_address=redis_servers.MAIN_ADDRESS)
    await cache.hput(f"{key}:h", "f", b"v")
    await cache.put(f"{key}:s", b"not a number")
    for call in (cache.get(f"{key}:h"), cache.take(f"{key}:h"), cache.incr(f"{key}:h"),
                 cache.delete_if_equal(f"{key}:h", b"v"), cache.hget(f"{key}:s", "f"), cache.incr(f"{key}:s"),
                 cache.incr(f"{key}:s", ttl=1), cache.incr(key, True), cache.hput(key, "", b"v")):
        with pytest.raises(InvalidArgument):
            await call
    await cache.delete(f"{key}:h")  # delete removes a hash too
    assert await cache.hgetall(f"{key}:h") == {}


async def test_hash_fields_written_by_another_client_round_trip(cache_factory, key) -> None:
    cache = await cache_factory(cache_address=redis_servers.MAIN_ADDRESS)
    raw = redis_asyncio.Redis(host="127.0.0.1", port=redis_servers.MAIN_PORT)
    try:
        await raw.hset(key, mapping={"ünï".encode(): b"1", b"\xff\xfe": b"2"})
        fields = await cache.hgetall(key)
        assert fields["ünï"] == b"1"
        (odd,) = [f for f in fields if f != "ünï"]
        assert await cache.hget(key, odd) == b"2"
        await cache.hdelete(key, odd)
        assert await raw.hkeys(key) == ["ünï".encode()]
    finally:
        await raw.aclose()


async def test_cancelling_a_caller_is_never_swallowed(cache_factory, key) -> None:
    """A task cancelled during a cache call ends cancelled (host shutdown cancels its pollers).

    redis-py's own socket timeout would lose the cancellation on Python 3.11 (asyncio.wait_for,
    CPython gh-86296); the driver's deadlines must not.
    """
    cache = await cache_factory(cache_address=redis_servers.MAIN_ADDRESS)

    async def poll_forever() -> None:
        while True:
            await cache.hgetall(f"{key}:h")
            await cache.put(key, b"v", ttl=5)
    for delay in (0.0, 0.001, 0.003, 0.01, 0.02, 0.05) * 5:
        task = asyncio.create_task(poll_forever())
        await asyncio.sleep(delay)
        task.cancel()
        done, _ = await asyncio.wait([task], timeout=2)
        assert done and task.cancelled(), "the cancellation was swallowed"
