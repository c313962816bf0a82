"""The OAuth `state` of an SSO login: signed, bound to the project, short-lived and single-use.

PipeCD uses an xsrftoken signed with `stateKey`, valid 24 hours and reusable. Here a state is
hex(16-byte nonce || 8-byte expiry || HMAC-SHA256(stateKey, nonce || expiry || project)), valid
`STATE_TTL` seconds (the `state` cookie's lifetime, as PipeCD's cookie), and its nonce is
registered in the cache with `add` when issued and consumed with `take` at the callback, so a
callback can be replayed at most once across every replica. When the cache cannot be used the
nonce is kept in this process instead.

The key is `spec.stateKey`; when the config has none, a key derived from the encryption key
(HMAC-SHA256(key, "pipecd-cp oauth state")), stable across restarts and shared by replicas.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable

from pipecd_cp.cache.base import Cache
from pipecd_cp.errors import PipeCDError, Unauthenticated

log = logging.getLogger("pipecd_cp.auth")

STATE_TTL = 1800
PREFIX = "pipecd-cp:oauth-state:"
_NONCE, _EXPIRY, _MAC = 16, 8, 32


class InvalidState(Unauthenticated):
    """The state is not one we issued for this project (or was tampered with)."""


class ExpiredState(Unauthenticated):
    """The state was ours but is too old."""


class ReusedState(Unauthenticated):
    """The state was already used by a callback."""


def default_state_key(encryption_key: bytes) -> bytes:
    return hmac.new(encryption_key, b"pipecd-cp oauth state", hashlib.sha256).digest()


class OAuthStates:
    def __init__(self, key: bytes, cache: Cache, clock: Callable[[], float], ttl: int = STATE_TTL,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.key, self.cache, self.clock, self.ttl, self._monotonic = key, cache, clock, ttl, monotonic
        self._local: OrderedDict[str, float] = OrderedDict()

    def _mac(self, nonce: bytes, expiry: bytes, project_id: str) -> bytes:
        return hmac.new(self.key, nonce + expiry + project_id.encode(), hashlib.sha256).digest()

    async def issue(self, project_id: str) -> str:
        """A new state for a login into `project_id`."""
        nonce = secrets.token_bytes(_NONCE)
        expiry = int(self.clock() + self.ttl).to_bytes(_EXPIRY, "big")
        try:
            await self.cache.add(PREFIX + nonce.hex(), b"1", float(self.ttl))
        except (PipeCDError, OSError) as exc:
            log.warning("auth | the cache cannot hold OAuth states (%s); keeping them in this process", exc)
            self._local[nonce.hex()] = self._monotonic() + self.ttl
            while len(self._local) > 100_000:
                self._local.popitem(last=False)
        return (nonce + expiry + self._mac(nonce, expiry, project_id)).hex()

    def verify(self, state: str, project_id: str) -> str:
        """The state's nonce; `InvalidState` or `ExpiredState` (nothing is consumed)."""
        try:
            raw = bytes.fromhex(state)
        except ValueError:
            raise InvalidState("invalid login state") from None
        if len(raw) != _NONCE + _EXPIRY + _MAC:
            raise InvalidState("invalid login state")
        nonce, expiry, mac = raw[:_NONCE], raw[_NONCE:_NONCE + _EXPIRY], raw[_NONCE + _EXPIRY:]
        if not hmac.compare_digest(mac, self._mac(nonce, expiry, project_id)):
            raise InvalidState("invalid login state")
        if int.from_bytes(expiry, "big") <= self.clock():
            raise ExpiredState("the login took too long; please try again")
        return nonce.hex()

    async def redeem(self, state: str, project_id: str) -> None:
        """Verify and consume a state; `ReusedState` when it was already used (or is unknown)."""
        nonce = self.verify(state, project_id)
        local = self._local.pop(nonce, None)
        if local is not None:
            if local <= self._monotonic():
                raise ExpiredState("the login took too long; please try again")
            return
        try:
            taken = await self.cache.take(PREFIX + nonce)
        except (PipeCDError, OSError) as exc:
            raise ReusedState(f"the login state cannot be checked right now ({exc}); please try again") from None
        if taken is None:
            raise ReusedState("this login was already completed; please log in again")
