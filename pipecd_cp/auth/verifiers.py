"""Verify piped tokens and API keys with at most one bcrypt per key, and revoke within seconds.

Per process, each verifier keeps:
- the *state* of each piped or API key (disabled flag, project, stored hashes), re-read from the
  datastore after `state_ttl` (5 minutes while the change feed works, 5 seconds when it cannot)
  and dropped at once when the feed reports a change;
- *verified* credentials: SHA-256 of the presented key -> the stored hash it matched. A key is
  accepted while that hash is still among the current state's hashes, so deleting a key or
  disabling its owner takes effect without another bcrypt;
- *rejected* credentials (short TTL) and a per-owner failure counter, so repeated wrong keys do
  not reach the datastore, and cannot make the server run bcrypt without bound.

A verified entry is also shared through the cache, sealed with an HMAC of the encryption key, so
other replicas and a restarted process skip bcrypt too; a cache writer without the key cannot
forge one. bcrypt runs on the host's thread pool, a few at a time.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from pipecd_cp.auth.changes import ChangeFeed
from pipecd_cp.auth.credentials import APIKeyToken, PipedToken, check_key, digest
from pipecd_cp.cache.base import Cache
from pipecd_cp.concurrency import BlockingRunner
from pipecd_cp.errors import NotFound, PermissionDenied, PipeCDError, Unauthenticated
from pipecd_cp.proto.model import apikey_pb2, piped_pb2

K = TypeVar("K")
V = TypeVar("V")
STATE_TTL = 300.0
DEGRADED_STATE_TTL = 5.0
REJECT_TTL = 60.0
MISSING_TTL = 5.0
MAX_FAILURES = 20  # per owner per FAILURE_WINDOW, before wrong keys are refused without bcrypt
FAILURE_WINDOW = 60.0
SHARED_TTL = 3600.0


class _Bounded(Generic[K, V]):
    """A small LRU map with per-entry expiry (monotonic seconds)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[K, tuple[V, float]] = OrderedDict()

    def get(self, key: K, now: float) -> V | None:
        item = self._data.get(key)
        if item is None:
            return None
        if item[1] <= now:
            del self._data[key]
            return None
        self._data.move_to_end(key)
        return item[0]

    def put(self, key: K, value: V, expires: float) -> None:
        self._data[key] = (value, expires)
        self._data.move_to_end(key)
        while len(self._data) > self.size:
            self._data.popitem(last=False)

    def pop(self, key: K) -> None:
        self._data.pop(key, None)


@dataclass(frozen=True)
class PipedPrincipal:
    project_id: str
    piped_id: str


@dataclass(frozen=True)
class APIKeyPrincipal:
    project_id: str
    key_id: str
    key_name: str
    role: int

    @property
    def read_only(self) -> bool:
        return self.role == apikey_pb2.APIKey.READ_ONLY


class _Verifier(Generic[V]):
    """The shared machinery; subclasses load state and say which hashes a state accepts."""

    label = "credential"

    def __init__(self, load: Callable[[str], Awaitable[V]], runner: BlockingRunner, feed: ChangeFeed,
                 shared: Cache | None, seal_key: bytes, bcrypt_slots: int = 2,
                 clock: Callable[[], float] = time.monotonic,
                 observe: Callable[[str, str], None] | None = None) -> None:
        self._load, self._runner, self._feed, self._shared = load, runner, feed, shared
        self._observe = observe or (lambda verifier, event: None)
        self._seal_key = hashlib.sha256(b"pipecd-cp verified credential\x00" + seal_key).digest()
        self._bcrypt = asyncio.Semaphore(bcrypt_slots)
        self._clock = clock
        self._state: dict[str, tuple[V, float]] = {}
        self._missing = _Bounded[str, bool](10_000)
        self._verified = _Bounded[str, str](100_000)
        self._rejected = _Bounded[str, bool](100_000)
        self._failures: dict[str, tuple[float, int]] = {}
        self._loading: dict[str, asyncio.Future[V]] = {}
        self._checking: dict[str, asyncio.Future[str | None]] = {}
        feed.subscribe(self.invalidate)
        self.bcrypt_calls = 0

    def invalidate(self, ids: set[str]) -> None:
        for entity_id in ids:
            self._state.pop(entity_id, None)

    def hashes(self, state: V) -> list[str]:
        raise NotImplementedError

    async def state(self, entity_id: str, max_age: float | None = None) -> V:
        """The entity's cached state, loaded once even under concurrent calls."""
        now = self._clock()
        if self._missing.get(entity_id, now):
            raise Unauthenticated(f"unknown {self.label}")
        ttl = STATE_TTL if self._feed.healthy else DEGRADED_STATE_TTL
        if max_age is not None:
            ttl = min(ttl, max_age)
        cached = self._state.get(entity_id)
        if cached is not None and now - cached[1] < ttl:
            return cached[0]
        pending = self._loading.get(entity_id)
        if pending is None:
            pending = asyncio.get_running_loop().create_future()
            self._loading[entity_id] = pending
            try:
                self._observe(self.label, "state_load")
                value = await self._load(entity_id)
                self._state[entity_id] = (value, self._clock())
                pending.set_result(value)
            except NotFound:
                self._missing.put(entity_id, True, now + MISSING_TTL)
                pending.set_exception(Unauthenticated(f"unknown {self.label}"))
            except BaseException as exc:
                pending.set_exception(exc)
            finally:
                del self._loading[entity_id]
                if pending.done() and not pending.cancelled():
                    pending.exception()  # mark retrieved
        return await asyncio.shield(pending)

    def _seal(self, token_digest: str, stored_hash: str) -> str:
        return hmac.new(self._seal_key, f"{token_digest}|{stored_hash}".encode(), hashlib.sha256).hexdigest()

    async def _shared_match(self, token_digest: str, hashes: list[str]) -> str | None:
        if self._shared is None:
            return None
        try:
            raw = await self._shared.get(f"pipecd-cp:auth:ok:{token_digest}")
        except PipeCDError:
            return None
        if not raw:
            return None
        stored_hash, _, mac = raw.decode(errors="replace").rpartition("|")
        if stored_hash in hashes and hmac.compare_digest(mac, self._seal(token_digest, stored_hash)):
            return stored_hash
        return None

    async def _remember(self, token_digest: str, stored_hash: str) -> None:
        self._verified.put(token_digest, stored_hash, float("inf"))
        if self._shared is not None:
            value = f"{stored_hash}|{self._seal(token_digest, stored_hash)}".encode()
            try:
                await self._shared.put(f"pipecd-cp:auth:ok:{token_digest}", value, SHARED_TTL)
            except PipeCDError:
                pass

    async def _bcrypt_match(self, key: str, hashes: list[str]) -> str | None:
        async with self._bcrypt:
            for stored in hashes:
                self.bcrypt_calls += 1
                self._observe(self.label, "bcrypt")
                if await self._runner.run(check_key, key, stored):
                    return stored
        return None

    async def check(self, owner_id: str, key: str, state: V, peer: str = "") -> V:
        """Accept `key` for the owner whose `state` is given, or raise Unauthenticated.

        Failures are counted per (owner, peer address): a flood of wrong keys from one address is
        refused without bcrypt, while the owner's real key from its own address still gets in.
        """
        now = self._clock()
        token_digest = digest(f"{owner_id}\x00{key}")
        hashes = self.hashes(state)
        known = self._verified.get(token_digest, now)
        if known is not None and known in hashes:
            return state
        if self._rejected.get(token_digest, now):
            self._observe(self.label, "rejected_cached")
            raise Unauthenticated(f"invalid {self.label}")
        shared = await self._shared_match(token_digest, hashes)
        if shared is not None:
            self._verified.put(token_digest, shared, float("inf"))
            return state
        failure_key = f"{owner_id}\x00{peer}"
        start, count = self._failures.get(failure_key, (now, 0))
        if now - start > FAILURE_WINDOW:
            start, count = now, 0
        if count >= MAX_FAILURES:
            self._observe(self.label, "throttled")
            raise Unauthenticated(f"invalid {self.label}")
        pending = self._checking.get(token_digest)
        if pending is None:
            pending = asyncio.get_running_loop().create_future()
            self._checking[token_digest] = pending
            try:
                matched = await self._bcrypt_match(key, hashes)
                if matched is None:
                    # The key may be newer than our cached state (just recreated): read it again.
                    # Bounded by the rejected-key cache and the per-peer failure throttle.
                    fresh = await self.state(owner_id, max_age=0.0)
                    fresh_hashes = [h for h in self.hashes(fresh) if h not in hashes]
                    if fresh_hashes:
                        matched = await self._bcrypt_match(key, fresh_hashes)
                        state = fresh
                pending.set_result(matched)
            except BaseException as exc:
                pending.set_exception(exc)
            finally:
                del self._checking[token_digest]
                if pending.done() and not pending.cancelled():
                    pending.exception()
        matched = await asyncio.shield(pending)
        if matched is None:
            self._failures[failure_key] = (start, count + 1)
            if len(self._failures) > 100_000:  # bounded: forget the oldest windows
                for stale in sorted(self._failures, key=lambda k: self._failures[k][0])[:10_000]:
                    del self._failures[stale]
            self._rejected.put(token_digest, True, now + REJECT_TTL)
            raise Unauthenticated(f"invalid {self.label}")
        await self._remember(token_digest, matched)
        return state


class PipedVerifier(_Verifier[piped_pb2.Piped]):
    """Checks `PIPED-TOKEN project,piped,key` (PipeCD's pipedverifier, without bcrypt per call)."""

    label = "piped credentials"

    def __init__(self, load_piped: Callable[[str], Awaitable[piped_pb2.Piped]],
                 project_exists: Callable[[str], Awaitable[bool]], **kwargs: object) -> None:
        super().__init__(load_piped, **kwargs)  # type: ignore[arg-type]
        self._project_exists = project_exists
        self._projects = _Bounded[str, bool](10_000)

    def hashes(self, state: piped_pb2.Piped) -> list[str]:
        return [k.hash for k in state.keys]

    async def verify(self, token: PipedToken, peer: str = "") -> PipedPrincipal:
        now = self._clock()
        if self._projects.get(token.project_id, now) is None:
            if not await self._project_exists(token.project_id):
                raise Unauthenticated("invalid piped credentials")
            self._projects.put(token.project_id, True, now + STATE_TTL)
        piped = await self.state(token.piped_id)
        if piped.project_id != token.project_id or piped.disabled:
            raise Unauthenticated("invalid piped credentials")
        piped = await self.check(token.piped_id, token.key, piped, peer)
        if piped.disabled:
            raise Unauthenticated("invalid piped credentials")
        return PipedPrincipal(token.project_id, token.piped_id)


class APIKeyVerifier(_Verifier[apikey_pb2.APIKey]):
    """Checks `API-KEY id.secret`; READ_ONLY keys may call only the read methods."""

    label = "API key"

    def hashes(self, state: apikey_pb2.APIKey) -> list[str]:
        return [state.key_hash]

    async def verify(self, token: APIKeyToken, peer: str = "") -> APIKeyPrincipal:
        key = await self.state(token.key_id)
        if key.disabled:
            raise Unauthenticated("invalid API key")
        key = await self.check(token.key_id, token.key, key, peer)
        if key.disabled:
            raise Unauthenticated("invalid API key")
        if key.role not in (apikey_pb2.APIKey.READ_ONLY, apikey_pb2.APIKey.READ_WRITE):
            raise PermissionDenied("the API key has an unknown role")
        return APIKeyPrincipal(key.project_id, key.id, key.name, key.role)


__all__ = ["APIKeyPrincipal", "APIKeyVerifier", "PipedPrincipal", "PipedVerifier", "PipeCDError"]
