"""`redis`: the Cache contract on a Redis server, with redis-py's asyncio client.

Plain values are Redis strings under the key as given; hashes are Redis hashes (no TTL, as in
PipeCD). TTLs are sent in milliseconds (PX / PEXPIRE). Every operation is one command or one Lua
script, so each is atomic on the server.

Failure behaviour: every call has one short deadline (`timeout`, 0.5 s by default, covering
connecting and the command; waiting for a free connection is bounded apart, at twice that) and
nothing is retried by the client (a retried INCR could count twice), so a down or stalled server
turns into `Unavailable` at once, which callers treat as a miss. The pool checks a connection
before lending it and reconnects when the server closed it, so the same driver works again as
soon as Redis is back, with no restart of pipecd-cp.
"""
from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from redis import exceptions as rx
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from pipecd_cp.cache.base import Cache, check_key, check_ttl, check_value
from pipecd_cp.errors import ConfigError, InvalidArgument
from pipecd_cp_redis.config import RedisSettings, parse_settings
from pipecd_cp_redis.errors import Guard
from pipecd_cp_redis.scripts import DELETE_IF_EQUAL, EXTEND_IF_EQUAL, INCR_WITH_TTL
from pipecd_cp_redis.tls import SharedContextSSLConnection, client_context

if TYPE_CHECKING:
    from pipecd_cp.drivers import DriverContext

log = logging.getLogger("pipecd_cp.cache.redis")

#: How long a caller may wait for its turn, in call deadlines: long enough for a burst on fresh
#: connections to be served, short enough that a stalled server answers everyone within ~1.5 s.
QUEUE_WAIT_FACTOR = 2


def _ms(ttl: float) -> int:
    """Seconds to whole milliseconds, at least 1 (PX 0 is an error in Redis)."""
    return max(1, round(ttl * 1000))


def _field(field: str) -> bytes:
    if not isinstance(field, str) or not field:
        raise InvalidArgument("a hash field must be a non-empty string", field="field")
    # surrogateescape: a field name another writer stored as non-UTF-8 bytes round-trips unchanged.
    return field.encode("utf-8", "surrogateescape")


def build_pool(settings: RedisSettings) -> BlockingConnectionPool:
    """A bounded pool of connections as `settings` describe (also used by the benchmark's raw client)."""
    kwargs: dict[str, Any] = dict(
        host=settings.host, port=settings.port, db=settings.db, username=settings.username,
        password=settings.password, socket_connect_timeout=settings.connect_timeout,
        # No socket_timeout and no pool timeout: `Guard` bounds each call and the calls in flight
        # (see pipecd_cp_redis.errors for why redis-py's own socket timeout is avoided).
        socket_timeout=None, socket_keepalive=True, retry=Retry(NoBackoff(), 0),
        max_connections=settings.max_connections, timeout=None)
    if settings.tls:
        kwargs.update(connection_class=SharedContextSSLConnection,
                      shared_ssl_context=client_context(settings.tls_ca_file))
    return BlockingConnectionPool(**kwargs)


class RedisCache(Cache):
    """The `redis` cache; see the module docstring and `pipecd_cp_redis.config` for the config block."""

    name = "redis"

    def __init__(self, settings: RedisSettings, logger: logging.Logger | None = None) -> None:
        self.settings = settings
        self._log = logger or log
        self._guard: Guard | None = None
        self._pool: BlockingConnectionPool | None = None
        self._redis: Redis | None = None
        # Lua scripts bound to the client (redis-py AsyncScript objects), made in open().
        self._incr_with_ttl: Any = None
        self._delete_if_equal: Any = None
        self._extend_if_equal: Any = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: "DriverContext") -> "RedisCache":
        return cls(parse_settings(config, context.cache_address), context.logger)

    # ------------------------------------------------------------------ lifecycle
    async def open(self) -> None:
        """Create the pool and ping once. A server that is down (or does not answer) is logged and
        tolerated, since the cache may degrade; one that refuses the credentials or the TLS
        handshake is misconfigured, and that stops start-up with a `ConfigError`."""
        settings = self.settings
        self._guard = Guard(settings.describe(), settings.timeout, settings.max_connections,
                            queue_wait=QUEUE_WAIT_FACTOR * settings.timeout)
        self._pool = build_pool(settings)
        self._redis = Redis(connection_pool=self._pool)
        self._incr_with_ttl = self._redis.register_script(INCR_WITH_TTL)
        self._delete_if_equal = self._redis.register_script(DELETE_IF_EQUAL)
        self._extend_if_equal = self._redis.register_script(EXTEND_IF_EQUAL)
        where = self.settings.describe()
        try:
            async with asyncio.timeout(self.settings.timeout):
                await self._redis.ping()
        except (rx.AuthenticationError, rx.AuthorizationError, rx.NoPermissionError) as exc:
            await self.close()
            raise ConfigError(f"redis at {where} refused the credentials ({exc}); check the url, username "
                              "and passwordFile of spec.cache.config") from exc
        except (rx.RedisError, OSError) as exc:  # OSError includes TimeoutError
            if _is_tls_failure(exc):
                await self.close()
                raise ConfigError(f"TLS to redis at {where} failed ({exc}); check tls and tlsCAFile of "
                                  "spec.cache.config") from exc
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else f"no answer within {self.settings.timeout:g}s"
            self._log.warning("cache | redis at %s is unavailable at start-up (%s); the cache misses until it "
                              "answers", where, reason)
        else:
            self._log.info("cache | redis at %s ready", where)

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None
        if self._pool is not None:
            await self._pool.disconnect()
            self._pool = None

    @property
    def _r(self) -> Redis:
        if self._redis is None:
            raise RuntimeError("RedisCache is not open")
        return self._redis

    def _call(self) -> Any:
        """The guard of one call (see `pipecd_cp_redis.errors.Guard`)."""
        if self._guard is None:
            raise RuntimeError("RedisCache is not open")
        return self._guard()

    # ------------------------------------------------------------------ plain values
    async def get(self, key: str) -> bytes | None:
        async with self._call():
            return await self._r.get(check_key(key))

    async def put(self, key: str, value: bytes, ttl: float | None = None) -> None:
        value, ttl = check_value(value), check_ttl(ttl)
        async with self._call():
            await self._r.set(check_key(key), value, px=None if ttl is None else _ms(ttl))

    async def add(self, key: str, value: bytes, ttl: float | None = None) -> bool:
        value, ttl = check_value(value), check_ttl(ttl)
        async with self._call():
            return bool(await self._r.set(check_key(key), value, nx=True, px=None if ttl is None else _ms(ttl)))

    async def take(self, key: str) -> bytes | None:
        async with self._call():
            return await self._r.getdel(check_key(key))

    async def delete(self, key: str) -> None:
        async with self._call():
            await self._r.delete(check_key(key))

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise InvalidArgument("an increment must be an integer", field="amount")
        ttl = check_ttl(ttl)
        async with self._call():
            if ttl is None:
                return await self._r.incrby(check_key(key), amount)
            return await self._incr_with_ttl(keys=[check_key(key)], args=[amount, _ms(ttl)])

    async def delete_if_equal(self, key: str, value: bytes) -> bool:
        value = check_value(value)
        async with self._call():
            return bool(await self._delete_if_equal(keys=[check_key(key)], args=[value]))

    async def extend_if_equal(self, key: str, value: bytes, ttl: float) -> bool:
        value, ttl = check_value(value), check_ttl(ttl)
        if ttl is None:
            raise InvalidArgument("extend_if_equal needs a TTL", field="ttl")
        async with self._call():
            return bool(await self._extend_if_equal(keys=[check_key(key)], args=[value, _ms(ttl)]))

    # ------------------------------------------------------------------ hashes
    async def hget(self, key: str, field: str) -> bytes | None:
        async with self._call():
            return await self._r.hget(check_key(key), _field(field))

    async def hput(self, key: str, field: str, value: bytes) -> None:
        value = check_value(value)
        async with self._call():
            await self._r.hset(check_key(key), _field(field), value)

    async def hdelete(self, key: str, field: str) -> None:
        async with self._call():
            await self._r.hdel(check_key(key), _field(field))

    async def hgetall(self, key: str) -> dict[str, bytes]:
        async with self._call():
            raw = await self._r.hgetall(check_key(key))
        return {f.decode("utf-8", "surrogateescape"): v for f, v in raw.items()}


def _is_tls_failure(exc: BaseException) -> bool:
    """True when `exc`, or what caused it, is a TLS error (redis-py wraps them in ConnectionError)."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
