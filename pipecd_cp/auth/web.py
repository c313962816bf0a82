"""Authenticate and authorize web console calls: the `token` cookie, then RBAC (reference 3.4, 3.5).

For every WebService call: read the `cookie` metadata (every value: HTTP/2 may split cookies),
verify the session JWT (bad or missing: UNAUTHENTICATED), look up the method's `(model.rbac)`
rule, resolve the token's role names against the project's roles, and require one of them to
grant the rule (else PERMISSION_DENIED). Config projects have only the built-in roles.

A project's roles are cached per process for `ROLES_TTL` seconds and dropped at once when the
web API changes them (locally, and on other replicas through the credential change feed), so a
role change applies within a few seconds everywhere (PipeCD caches them for 10 minutes).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipecd_cp.auth.changes import ChangeFeed
from pipecd_cp.auth.rbac import Rule, grants, method_rules, select_roles
from pipecd_cp.auth.sessions import Session, cookie_value, verify
from pipecd_cp.errors import NotFound, PermissionDenied, Unauthenticated
from pipecd_cp.proto.grpc.service.webservice import service_pb2 as web_pb
from pipecd_cp.proto.model import project_pb2 as ppb
from pipecd_cp.stores.projects import builtin_roles, with_rbac_view

if TYPE_CHECKING:
    from pipecd_cp.app import Host
    from pipecd_cp.server.grpc.dispatch import CallContext

ROLES_TTL = 3.0
CHANGE_PREFIX = "project:"
WEB_SERVICE = web_pb.DESCRIPTOR.services_by_name["WebService"]


@dataclass(frozen=True)
class WebPrincipal:
    """The user behind a web call: their subject, project and role names (from the session)."""

    subject: str
    project_id: str
    roles: tuple[str, ...]
    avatar_url: str = ""


class WebVerifier:
    """The dispatch authenticator of WebService (one per host)."""

    def __init__(self, host: "Host", key: bytes, feed: ChangeFeed,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.host, self.key, self.feed, self._clock = host, key, feed, clock
        self.rules: dict[str, Rule | None] = method_rules(WEB_SERVICE)
        self._roles: dict[str, tuple[list[ppb.ProjectRBACRole], float]] = {}
        feed.subscribe(self._invalidate)

    def _invalidate(self, ids: set[str]) -> None:
        for entity_id in ids:
            if entity_id.startswith(CHANGE_PREFIX):
                self._roles.pop(entity_id[len(CHANGE_PREFIX):], None)

    def session(self, cookie_headers: list[str]) -> Session:
        """The verified session of a request's `Cookie` headers; `Unauthenticated` otherwise."""
        token = cookie_value(cookie_headers)
        if not token:
            raise Unauthenticated("not logged in")
        return verify(self.key, token, now=self.host.clock())

    async def authenticate(self, ctx: "CallContext") -> WebPrincipal:
        cookies = [v for k, v in (ctx.grpc.invocation_metadata() or ()) if k.lower() == "cookie" and isinstance(v, str)]
        session = self.session(cookies)
        method = ctx.method.rsplit("/", 1)[-1]
        rule = self.rules.get(method)
        if rule is None:
            raise PermissionDenied(f"{method} is not available to web users")
        if not rule.ignored:
            roles = select_roles(await self.project_roles(session.project_id), session.roles)
            if not grants(roles, rule.resource, rule.action):
                raise PermissionDenied(f"your roles do not allow {rule.describe()}")
        return WebPrincipal(session.subject, session.project_id, session.roles, session.avatar_url)

    async def project_roles(self, project_id: str) -> list[ppb.ProjectRBACRole]:
        """Built-in plus custom roles of a project (none for a project that does not exist)."""
        if self.host.config.spec.project(project_id) is not None:
            return builtin_roles()
        now = self._clock()
        cached = self._roles.get(project_id)
        if cached is not None and now - cached[1] < ROLES_TTL:
            return cached[0]
        try:
            roles = list(with_rbac_view(await self.host.stores.projects.get(project_id)).rbac_roles)
        except NotFound:
            roles = []
        self._roles[project_id] = (roles, now)
        if len(self._roles) > 10_000:
            self._roles.pop(next(iter(self._roles)))
        return roles

    async def roles_changed(self, project_id: str) -> None:
        """Forget a project's cached roles here and on every replica."""
        self._roles.pop(project_id, None)
        await self.feed.publish(CHANGE_PREFIX + project_id)
