"""Leases: at most one replica runs a given task at a time, and a dead holder's lease expires.

Two implementations with one contract (`acquire` → a `Held` lease or None; `renew`; `release`):

- `CacheLeases`, on a shared cache (Redis): `add` with a TTL takes the key `ops-lease:{task}`,
  `extend_if_equal` renews it and `delete_if_equal` releases it, so only the holder's token can
  do either. The TTL runs on the cache server's clock.
- `DatastoreLeases`, when the cache is private to each process (the memory cache): a document
  `OpsLease/{task}` holding `{token, holder, expires_at}`, changed only by compare-and-set through
  `DataStore.update`. Expiry is read from the scheduler's clock.

The raw cache driver is used (`host.cache.inner`): a lease must fail loudly when the cache is
down, never degrade into "acquired".
"""
from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from pipecd_cp.cache.base import Cache
from pipecd_cp.datastore.base import DataStore, Document, KindSchema
from pipecd_cp.errors import AlreadyExists, FailedPrecondition, NotFound

if TYPE_CHECKING:
    from pipecd_cp.app import Host
    from pipecd_cp.ops.clock import Clock

log = logging.getLogger("pipecd_cp.ops")

LEASE_KIND = "OpsLease"
LEASE_SCHEMA = KindSchema(LEASE_KIND, {})


def holder_id() -> str:
    """Who this process is, for lease documents and logs: `host:pid:random`."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def lease_key(task: str) -> str:
    return f"ops-lease:{task}"


@dataclass
class Held:
    """A lease this process holds."""

    task: str
    token: str
    ttl: float


class Leases(Protocol):
    """Where leases live. Every method may raise `Unavailable` when the backend cannot be reached."""

    kind: str

    async def acquire(self, task: str, ttl: float) -> Held | None:
        """Take the lease for `task` for `ttl` seconds; None while another holder has it."""

    async def renew(self, lease: Held) -> bool:
        """Extend a held lease by its TTL; False when it was lost (expired and taken, or released)."""

    async def release(self, lease: Held) -> None:
        """Give the lease up (only if still ours)."""

    async def holder(self, task: str) -> str | None:
        """Who holds the lease now (the holder id part of the token), or None."""

    async def sleep_renewal(self, lease: Held) -> None:
        """Wait until the lease should be renewed (a third of its TTL)."""


class CacheLeases:
    """Leases as cache keys with a TTL (see the module docstring)."""

    kind = "cache"

    def __init__(self, cache: Cache, holder: str) -> None:
        self.cache, self.holder_name = cache, holder

    async def acquire(self, task: str, ttl: float) -> Held | None:
        token = f"{self.holder_name}/{secrets.token_hex(8)}"
        if await self.cache.add(lease_key(task), token.encode(), ttl):
            return Held(task, token, ttl)
        return None

    async def renew(self, lease: Held) -> bool:
        return await self.cache.extend_if_equal(lease_key(lease.task), lease.token.encode(), lease.ttl)

    async def release(self, lease: Held) -> None:
        await self.cache.delete_if_equal(lease_key(lease.task), lease.token.encode())

    async def holder(self, task: str) -> str | None:
        raw = await self.cache.get(lease_key(task))
        return raw.decode(errors="replace").rsplit("/", 1)[0] if raw else None

    async def sleep_renewal(self, lease: Held) -> None:
        await asyncio.sleep(lease.ttl / 3)  # the TTL runs on the cache server's clock


class _Held(Exception):
    pass


class DatastoreLeases:
    """Leases as documents changed by compare-and-set (see the module docstring)."""

    kind = "datastore"

    def __init__(self, ds: DataStore, clock: "Clock", holder: str) -> None:
        self.ds, self.clock, self.holder_name = ds, clock, holder

    async def declare(self) -> None:
        await self.ds.declare(LEASE_SCHEMA)

    def _doc(self, token: str, ttl: float) -> Document:
        now = self.clock.time()
        return {"id": "", "token": token, "holder": self.holder_name, "acquired_at": now, "expires_at": now + ttl}

    async def acquire(self, task: str, ttl: float) -> Held | None:
        token = f"{self.holder_name}/{secrets.token_hex(8)}"
        doc = self._doc(token, ttl) | {"id": task}
        try:
            await self.ds.create(LEASE_KIND, task, doc)
            return Held(task, token, ttl)
        except AlreadyExists:
            pass

        def take(current: Document) -> Document:
            if current.get("token") and float(current.get("expires_at") or 0) > self.clock.time():
                raise _Held()
            return doc
        try:
            await self.ds.update(LEASE_KIND, task, take)
        except _Held:
            return None
        except NotFound:  # released and removed meanwhile: try once more from scratch
            try:
                await self.ds.create(LEASE_KIND, task, doc)
            except AlreadyExists:
                return None
        return Held(task, token, ttl)

    async def renew(self, lease: Held) -> bool:
        def extend(current: Document) -> Document:
            if current.get("token") != lease.token:
                raise FailedPrecondition("lease lost")
            current["expires_at"] = self.clock.time() + lease.ttl
            return current
        try:
            await self.ds.update(LEASE_KIND, lease.task, extend)
        except (FailedPrecondition, NotFound):
            return False
        return True

    async def release(self, lease: Held) -> None:
        def give_up(current: Document) -> Document:
            if current.get("token") != lease.token:
                raise FailedPrecondition("lease lost")
            current.update(token="", expires_at=0.0)
            return current
        try:
            await self.ds.update(LEASE_KIND, lease.task, give_up)
        except (FailedPrecondition, NotFound):
            pass

    async def holder(self, task: str) -> str | None:
        try:
            doc = await self.ds.get(LEASE_KIND, task)
        except NotFound:
            return None
        if doc.get("token") and float(doc.get("expires_at") or 0) > self.clock.time():
            return str(doc.get("holder") or "?")
        return None

    async def sleep_renewal(self, lease: Held) -> None:
        await self.clock.sleep_until(self.clock.time() + lease.ttl / 3)


def leases_for(host: "Host", clock: "Clock", holder: str) -> CacheLeases | DatastoreLeases:
    """Cache leases when the host's cache is shared between processes, else datastore leases."""
    inner = host.cache.inner
    if getattr(type(inner), "shared", True):
        return CacheLeases(inner, holder)
    return DatastoreLeases(host.datastore, clock, holder)
