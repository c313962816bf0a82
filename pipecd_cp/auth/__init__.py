"""Credentials: piped tokens, API keys, web sessions, and the verifiers that check them cheaply.

`Auth` holds one host's verifiers (pipeds, API keys, web users) and the change feed that revokes
cached credentials.
"""
from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING

from pipecd_cp.auth.changes import ChangeFeed
from pipecd_cp.auth.credentials import parse_api_key, parse_piped_token
from pipecd_cp.auth.verifiers import APIKeyPrincipal, APIKeyVerifier, PipedPrincipal, PipedVerifier
from pipecd_cp.auth.web import WebVerifier
from pipecd_cp.errors import NotFound, PermissionDenied

if TYPE_CHECKING:
    from pipecd_cp.app import Host
    from pipecd_cp.server.grpc.dispatch import CallContext

LAST_USED_EVERY = 60.0  # seconds between two last-used writes of one API key, per process


def peer_host(peer: str) -> str:
    """The address part of a gRPC peer (`ipv4:10.0.0.1:5000` -> `10.0.0.1`, `ipv6:[::1]:5000` -> `::1`)."""
    kind, _, rest = peer.partition(":")
    if kind == "ipv6" and rest.startswith("["):
        return rest[1:rest.find("]")]
    return rest.rsplit(":", 1)[0] if kind in ("ipv4", "ipv6") else peer


class Auth:
    def __init__(self, host: "Host") -> None:
        self.host = host
        raw_cache = host.cache.inner
        self.feed = ChangeFeed(raw_cache, host.clock)
        #: The encryption key (a random one when the host has none: sessions then end with the process).
        self.key = host.settings.encryption_key or secrets.token_bytes(64)
        common = dict(runner=host.runner, feed=self.feed, shared=raw_cache, seal_key=self.key,
                      observe=host.metrics.auth_observer)
        self.pipeds = PipedVerifier(host.stores.pipeds.get, self._project_exists, **common)
        self.apikeys = APIKeyVerifier(host.stores.apikeys.get, **common)
        self.web = WebVerifier(host, self.key, self.feed)
        self._last_used: dict[str, float] = {}

    async def _project_exists(self, project_id: str) -> bool:
        if self.host.config.spec.project(project_id) is not None:
            return True
        try:
            await self.host.stores.projects.get(project_id)
            return True
        except NotFound:
            return False

    async def piped(self, ctx: "CallContext") -> PipedPrincipal:
        """The dispatch authenticator of PipedService."""
        return await self.pipeds.verify(parse_piped_token(ctx.metadata.get("authorization")), peer_host(ctx.peer()))

    def api(self, read_only_methods: frozenset[str]):  # noqa: ANN201 - returns an Authenticator
        """The dispatch authenticator of APIService: READ_ONLY keys only for `read_only_methods`."""
        async def authenticate(ctx: "CallContext") -> APIKeyPrincipal:
            principal = await self.apikeys.verify(parse_api_key(ctx.metadata.get("authorization")),
                                                  peer_host(ctx.peer()))
            method = ctx.method.rsplit("/", 1)[-1]
            if principal.read_only and method not in read_only_methods:
                raise PermissionDenied(f"a READ_ONLY API key cannot call {method}")
            await self._used(principal.key_id)
            return principal
        return authenticate

    async def _used(self, key_id: str) -> None:
        now = time.monotonic()
        if now - self._last_used.get(key_id, -LAST_USED_EVERY) >= LAST_USED_EVERY:
            self._last_used[key_id] = now
            await self.host.stores.hashes.put_api_key_used(key_id, self.host.now())  # best effort (resilient cache)
