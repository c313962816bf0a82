"""SSO providers for the login pages: GitHub OAuth and OpenID Connect (PipeCD's `pkg/oauth`).

GitHub (scope `read:org`): the user's teams become groups `{org}/{team-slug}`. Every page of
teams is read (PipeCD reads only the first 100). `base_url` selects GitHub Enterprise: the
authorize and token URLs move to its host and the API to `{base_url}/api/v3/`.

OIDC: the provider is discovered from `issuer` (`/.well-known/openid-configuration`); the
configured authorization, token and user-info endpoints override the discovered ones (PipeCD
ignores the authorization override). The `id_token` is verified against the provider's JWKS
(audience = client id, issuer = the discovered issuer). User-info claims are merged in. The
values of the roles claim (`roles_claim_key`, else the first of `groups`, `roles`,
`cognito:groups`, `custom:roles`, `custom:groups`) become groups.
"""
from __future__ import annotations

import base64
import json
import logging
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt

from pipecd_cp.errors import FailedPrecondition, Unauthenticated
from pipecd_cp.proto.model import project_pb2 as ppb
from pipecd_cp.server.http.outbound import Outbound

log = logging.getLogger("pipecd_cp.http")

GITHUB_SCOPES = ("read:org",)
TEAM_PAGES = 20
ROLE_CLAIMS = ("groups", "roles", "cognito:groups", "custom:roles", "custom:groups")
USERNAME_CLAIMS = ("username", "preferred_username", "name", "cognito:username")
AVATAR_CLAIMS = ("picture", "avatar_url")
ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
DISCOVERY_TTL = 600.0


@dataclass(frozen=True)
class SSOUser:
    username: str
    avatar_url: str
    groups: tuple[str, ...]


def _add_query(url: str, params: Mapping[str, str]) -> str:
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.urlencode([*urllib.parse.parse_qsl(parts.query), *params.items()])
    return urllib.parse.urlunsplit(parts._replace(query=query))


def _warn_proxy(proxy_url: str) -> None:
    if proxy_url:
        log.warning("sso | proxy_url is not supported; connecting directly")


class GitHubSSO:
    def __init__(self, cfg: ppb.ProjectSSOConfig.GitHub, http: Outbound) -> None:
        if not cfg.client_id or not cfg.client_secret:
            raise FailedPrecondition("missing GitHub OAuth settings in the SSO configuration")
        self.cfg, self.http = cfg, http
        _warn_proxy(cfg.proxy_url)
        if cfg.base_url:
            u = urllib.parse.urlsplit(cfg.base_url)
            self.auth_url = f"{u.scheme}://{u.netloc}/login/oauth/authorize"
            self.token_url = f"{u.scheme}://{u.netloc}/login/oauth/access_token"
            api = cfg.base_url if cfg.base_url.endswith("/") else cfg.base_url + "/"
            self.api = api if api.endswith("/api/v3/") else api + "api/v3/"
        else:
            self.auth_url = "https://github.com/login/oauth/authorize"
            self.token_url = "https://github.com/login/oauth/access_token"
            self.api = "https://api.github.com/"

    def authorize_url(self, state: str, redirect_url: str) -> str:
        return _add_query(self.auth_url, {"access_type": "online", "client_id": self.cfg.client_id,
                                          "prompt": "consent", "redirect_uri": redirect_url,
                                          "response_type": "code", "scope": " ".join(GITHUB_SCOPES),
                                          "state": state})

    async def user(self, code: str, redirect_url: str) -> SSOUser:
        token = await self.http.json(self.token_url, method="POST", form={
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_url,
            "client_id": self.cfg.client_id, "client_secret": self.cfg.client_secret})
        access = token.get("access_token") if isinstance(token, dict) else None
        if not access:
            raise Unauthenticated("GitHub did not accept the login")
        auth = {"Authorization": f"Bearer {access}", "Accept": "application/vnd.github+json"}
        user = await self.http.json(self.api + "user", headers=auth)
        if not isinstance(user, dict) or not isinstance(user.get("login"), str):
            raise FailedPrecondition("GitHub did not return the user")
        groups: list[str] = []
        for page in range(1, TEAM_PAGES + 1):
            teams = await self.http.json(f"{self.api}user/teams?per_page=100&page={page}", headers=auth)
            if not isinstance(teams, list):
                break
            for team in teams:
                org = (team.get("organization") or {}).get("login") if isinstance(team, dict) else None
                if org and team.get("slug"):
                    groups.append(f"{org}/{team['slug']}")
            if len(teams) < 100:
                break
        return SSOUser(user["login"], user.get("avatar_url") or "", tuple(groups))


@dataclass
class Discovery:
    """Cached OIDC discovery documents and JWKS, per issuer (owned by the login plugin state)."""

    documents: dict[str, tuple[dict[str, Any], float]] = field(default_factory=dict)
    jwks: dict[str, tuple[dict[str, Any], float]] = field(default_factory=dict)


class OIDCSSO:
    def __init__(self, cfg: ppb.ProjectSSOConfig.Oidc, http: Outbound, cache: Discovery) -> None:
        if not cfg.client_id or not cfg.issuer:
            raise FailedPrecondition("missing OIDC settings (client_id, issuer) in the SSO configuration")
        self.cfg, self.http, self.cache = cfg, http, cache
        _warn_proxy(cfg.proxy_url)

    async def _discovery(self) -> dict[str, Any]:
        issuer = self.cfg.issuer.rstrip("/")
        cached = self.cache.documents.get(issuer)
        if cached is not None and time.monotonic() - cached[1] < DISCOVERY_TTL:
            return cached[0]
        doc = await self.http.json(f"{issuer}/.well-known/openid-configuration")
        if not isinstance(doc, dict):
            raise FailedPrecondition("the OIDC discovery document is not an object")
        self.cache.documents[issuer] = (doc, time.monotonic())
        return doc

    def _scopes(self) -> str:
        scopes = list(self.cfg.scopes) or ["openid"]
        if "openid" not in scopes:
            scopes.insert(0, "openid")
        return " ".join(scopes)

    async def authorize_url(self, state: str) -> str:
        doc = await self._discovery()
        endpoint = self.cfg.authorization_endpoint or doc.get("authorization_endpoint")
        if not endpoint:
            raise FailedPrecondition("the OIDC provider has no authorization endpoint")
        return _add_query(endpoint, {"client_id": self.cfg.client_id, "redirect_uri": self.cfg.redirect_uri,
                                     "response_type": "code", "scope": self._scopes(), "state": state})

    async def _token(self, endpoint: str, code: str) -> dict[str, Any]:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.cfg.redirect_uri}
        q = urllib.parse.quote
        basic = base64.b64encode(f"{q(self.cfg.client_id, safe='')}:{q(self.cfg.client_secret, safe='')}".encode())
        code_, _, body = await self.http.request(endpoint, method="POST", form=form, headers={
            "Authorization": f"Basic {basic.decode()}", "Accept": "application/json"})
        if code_ in (400, 401):  # as golang.org/x/oauth2: retry with the credentials in the form
            code_, _, body = await self.http.request(endpoint, method="POST", headers={"Accept": "application/json"},
                                                     form={**form, "client_id": self.cfg.client_id,
                                                           "client_secret": self.cfg.client_secret})
        if not 200 <= code_ < 300:
            raise Unauthenticated("the OIDC provider did not accept the login")
        try:
            token = json.loads(body)
        except ValueError:
            raise FailedPrecondition("the OIDC token endpoint did not answer JSON") from None
        if not isinstance(token, dict) or not token.get("id_token"):
            raise Unauthenticated("the OIDC provider returned no id_token")
        return token

    async def _key(self, doc: dict[str, Any], kid: str | None) -> Any:
        uri = doc.get("jwks_uri")
        if not uri:
            raise FailedPrecondition("the OIDC provider has no jwks_uri")
        for attempt in range(2):
            cached = self.cache.jwks.get(uri)
            if attempt or cached is None or time.monotonic() - cached[1] >= DISCOVERY_TTL:
                jwks = await self.http.json(uri)
                if not isinstance(jwks, dict):
                    raise FailedPrecondition("the OIDC JWKS is not an object")
                self.cache.jwks[uri] = (jwks, time.monotonic())
            else:
                jwks = cached[0]
            keys = [k for k in jwks.get("keys") or [] if isinstance(k, dict) and k.get("use", "sig") == "sig"]
            match = [k for k in keys if kid is None or k.get("kid") == kid]
            if match:
                try:
                    return jwt.PyJWK(match[0]).key
                except jwt.PyJWTError as exc:
                    raise FailedPrecondition(f"the OIDC signing key cannot be used: {exc}") from None
        raise Unauthenticated("the id_token is signed with an unknown key")

    async def user(self, code: str) -> SSOUser:
        doc = await self._discovery()
        endpoint = self.cfg.token_endpoint or doc.get("token_endpoint")
        if not endpoint:
            raise FailedPrecondition("the OIDC provider has no token endpoint")
        token = await self._token(endpoint, code)
        id_token = token["id_token"]
        try:
            header = jwt.get_unverified_header(id_token)
        except jwt.PyJWTError:
            raise Unauthenticated("the id_token is malformed") from None
        key = await self._key(doc, header.get("kid"))
        try:
            claims: dict[str, Any] = jwt.decode(id_token, key, algorithms=ID_TOKEN_ALGORITHMS,
                                                audience=self.cfg.client_id,
                                                issuer=doc.get("issuer") or self.cfg.issuer, leeway=60)
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"the id_token is not valid: {exc}") from None
        userinfo = self.cfg.user_info_endpoint or doc.get("userinfo_endpoint")
        if userinfo and token.get("access_token"):
            extra = await self.http.json(userinfo, headers={"Authorization": f"Bearer {token['access_token']}"})
            if isinstance(extra, dict):
                claims.update({k: v for k, v in extra.items() if k not in ("iss", "aud", "sub", "exp", "iat")})
        return SSOUser(self._username(claims), self._first(claims, self.cfg.avatar_url_claim_key, AVATAR_CLAIMS),
                       tuple(self._roles(claims)))

    @staticmethod
    def _first(claims: Mapping[str, Any], configured: str, defaults: tuple[str, ...]) -> str:
        for key in ([configured] if configured else defaults):
            value = claims.get(key)
            if isinstance(value, str) and value:
                return value
        return ""

    def _username(self, claims: Mapping[str, Any]) -> str:
        name = self._first(claims, self.cfg.username_claim_key, USERNAME_CLAIMS)
        if not name:
            raise Unauthenticated("the OIDC provider returned no username")
        return name

    def _roles(self, claims: Mapping[str, Any]) -> list[str]:
        for key in ([self.cfg.roles_claim_key] if self.cfg.roles_claim_key else ROLE_CLAIMS):
            if key in claims:
                value = claims[key]
                if isinstance(value, str):
                    return [v for v in (p.strip() for p in value.split(",")) if v]
                if isinstance(value, list):
                    return [v for v in value if isinstance(v, str) and v]
                return []
        return []

