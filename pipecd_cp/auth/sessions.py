"""Web sessions: PipeCD's JWT in the `token` cookie (`pkg/jwt`).

A session token is an HS256 JWT signed with the **whole** encryption key file, with the claims
PipeCD writes:

    {"sub": "octocat", "iss": "PipeCD", "iat": 1700000000, "nbf": 1700000000, "exp": 1700604800,
     "avatarUrl": "https://...", "role": {"project_id": "p", "project_rbac_roles": ["Admin"]}}

so a cookie minted by PipeCD with the same key is accepted here and the other way round. Only
HS256 is accepted; `iss` must be `PipeCD`; `exp` is required. Times are checked against the
host's clock (with a small leeway for `iat`/`nbf`, as replicas' clocks differ a little).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import jwt

from pipecd_cp.errors import Unauthenticated

ISSUER = "PipeCD"
TOKEN_COOKIE = "token"
DEFAULT_TTL = 7 * 24 * 3600  # PipeCD's defaultTokenTTL
LEEWAY = 30


@dataclass(frozen=True)
class Session:
    """What a verified session token says about its user."""

    subject: str
    project_id: str
    roles: tuple[str, ...]
    avatar_url: str = ""
    issued_at: int = 0
    expires_at: int = 0


def mint(key: bytes, subject: str, project_id: str, roles: Iterable[str], *, now: int, ttl: int,
         avatar_url: str = "") -> str:
    """A signed session token valid from `now` for `ttl` seconds."""
    role: dict[str, object] = {"project_id": project_id}
    names = list(roles)
    if names:  # Go's omitempty
        role["project_rbac_roles"] = names
    claims: dict[str, object] = {"sub": subject, "iss": ISSUER, "iat": now, "nbf": now, "exp": now + ttl,
                                 "role": role}
    if avatar_url:
        claims["avatarUrl"] = avatar_url
    return jwt.encode(claims, key, algorithm="HS256")


def verify(key: bytes, token: str, *, now: float) -> Session:
    """The session a token carries; `Unauthenticated` (never echoing the token) when it is bad."""
    try:
        claims = jwt.decode(token, key, algorithms=["HS256"], issuer=ISSUER,
                            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False,
                                     "require": ["exp", "iss", "sub"]})
    except jwt.PyJWTError:
        raise Unauthenticated("invalid session token") from None
    exp, iat, nbf = claims.get("exp"), claims.get("iat", 0), claims.get("nbf", 0)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (exp, iat, nbf)):
        raise Unauthenticated("invalid session token")
    if exp <= now:
        raise Unauthenticated("the session has expired; log in again")
    if iat > now + LEEWAY or nbf > now + LEEWAY:
        raise Unauthenticated("invalid session token")
    role = claims.get("role")
    if not isinstance(role, dict) or not isinstance(role.get("project_id"), str) or not role["project_id"]:
        raise Unauthenticated("invalid session token")
    names = role.get("project_rbac_roles") or []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise Unauthenticated("invalid session token")
    avatar = claims.get("avatarUrl", "")
    return Session(subject=claims["sub"], project_id=role["project_id"], roles=tuple(names),
                   avatar_url=avatar if isinstance(avatar, str) else "", issued_at=int(iat), expires_at=int(exp))


def cookie_value(headers: Iterable[str], name: str = TOKEN_COOKIE) -> str | None:
    """The first cookie called `name` in `Cookie` header values (or gRPC `cookie` metadata).

    Items are split on `;` and then on the first `=`; an item without `=` is skipped (PipeCD's
    parser panics on one). Surrounding double quotes are removed, as browsers may send them.
    """
    for header in headers:
        for item in header.split(";"):
            key, sep, value = item.strip().partition("=")
            if not sep or key.strip() != name:
                continue
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            return value
    return None
