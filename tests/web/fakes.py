"""Fake external login providers on 127.0.0.1: GitHub (OAuth app + REST API) and an OIDC provider.

Each is a Tornado application on port 0 in the test's event loop. A test says who logs in next
(`next_user`); the provider's authorize page redirects back with a code for that user, as the
real ones do after the user consents.
"""
from __future__ import annotations

import base64
import json
import secrets
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import jwt
import tornado.httpserver
import tornado.netutil
import tornado.web
from cryptography.hazmat.primitives.asymmetric import rsa


@dataclass
class FakeUser:
    login: str
    avatar_url: str = ""
    groups: list[str] = field(default_factory=list)  # GitHub "org/team"; OIDC claim values


class _Fake:
    def __init__(self, client_id: str, client_secret: str) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.next_user = FakeUser("octocat")
        self.codes: dict[str, FakeUser] = {}
        self.tokens: dict[str, FakeUser] = {}
        self.requests: list[tuple[str, str]] = []  # (method, path)
        self.server: tornado.httpserver.HTTPServer | None = None
        self.port = 0

    def routes(self) -> list[tuple[str, type, dict[str, Any]]]:
        raise NotImplementedError

    async def start(self) -> "_Fake":
        app = tornado.web.Application([(p, h, {"fake": self, **kw}) for p, h, kw in self.routes()])
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        self.server = tornado.httpserver.HTTPServer(app)
        self.server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            await self.server.close_all_connections()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class _Handler(tornado.web.RequestHandler):
    fake: Any

    def initialize(self, fake: Any) -> None:
        self.fake = fake

    def prepare(self) -> None:
        self.fake.requests.append((self.request.method, self.request.path))

    def json(self, value: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(value))

    def bearer(self) -> FakeUser:
        auth = self.request.headers.get("Authorization", "")
        user = self.fake.tokens.get(auth.removeprefix("Bearer ").strip())
        if user is None:
            raise tornado.web.HTTPError(401)
        return user


class _Authorize(_Handler):
    def get(self) -> None:
        assert self.get_argument("client_id") == self.fake.client_id
        code = secrets.token_hex(8)
        self.fake.codes[code] = self.fake.next_user
        self.fake.last_authorize = dict(self.request.query_arguments)
        target = self.get_argument("redirect_uri")
        sep = "&" if "?" in target else "?"
        self.redirect(f"{target}{sep}{urllib.parse.urlencode({'code': code, 'state': self.get_argument('state')})}")


# ----------------------------------------------------------------------------- GitHub
class _GitHubToken(_Handler):
    def post(self) -> None:
        if (self.get_body_argument("client_id", "") != self.fake.client_id
                or self.get_body_argument("client_secret", "") != self.fake.client_secret):
            self.json({"error": "incorrect_client_credentials"})
            return
        user = self.fake.codes.pop(self.get_body_argument("code", ""), None)
        if user is None:
            self.json({"error": "bad_verification_code"})
            return
        token = secrets.token_hex(16)
        self.fake.tokens[token] = user
        self.json({"access_token": token, "token_type": "bearer", "scope": "read:org"})


class _GitHubUser(_Handler):
    def get(self) -> None:
        user = self.bearer()
        self.json({"login": user.login, "avatar_url": user.avatar_url})


class _GitHubTeams(_Handler):
    def get(self) -> None:
        user = self.bearer()
        per_page, page = int(self.get_argument("per_page", "30")), int(self.get_argument("page", "1"))
        teams = [{"slug": g.split("/", 1)[1], "organization": {"login": g.split("/", 1)[0]}} for g in user.groups]
        self.json(teams[(page - 1) * per_page:page * per_page])


class FakeGitHub(_Fake):
    """GitHub Enterprise at `url`: /login/oauth/*, and the REST API under /api/v3/."""

    def routes(self) -> list[tuple[str, type, dict[str, Any]]]:
        return [(r"/login/oauth/authorize", _Authorize, {}), (r"/login/oauth/access_token", _GitHubToken, {}),
                (r"/api/v3/user", _GitHubUser, {}), (r"/api/v3/user/teams", _GitHubTeams, {})]


# ----------------------------------------------------------------------------- OIDC
class _Discovery(_Handler):
    def get(self) -> None:
        base = self.fake.url
        self.json({"issuer": base, "authorization_endpoint": f"{base}/authorize", "token_endpoint": f"{base}/token",
                   "userinfo_endpoint": f"{base}/userinfo", "jwks_uri": f"{base}/jwks",
                   "response_types_supported": ["code"], "id_token_signing_alg_values_supported": ["RS256"]})


class _JWKS(_Handler):
    def get(self) -> None:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.fake.key.public_key()))
        jwk.update({"kid": self.fake.kid, "use": "sig", "alg": "RS256"})
        self.json({"keys": [jwk]})


class _OIDCToken(_Handler):
    def post(self) -> None:
        auth = self.request.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            cid, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
            cid, secret = urllib.parse.unquote(cid), urllib.parse.unquote(secret)
        else:
            cid, secret = self.get_body_argument("client_id", ""), self.get_body_argument("client_secret", "")
        if (cid, secret) != (self.fake.client_id, self.fake.client_secret):
            self.json({"error": "invalid_client"}, 401)
            return
        user = self.fake.codes.pop(self.get_body_argument("code", ""), None)
        if user is None:
            self.json({"error": "invalid_grant"}, 400)
            return
        access = secrets.token_hex(16)
        self.fake.tokens[access] = user
        now = int(time.time())
        claims = {"iss": self.fake.url, "aud": self.fake.client_id, "sub": f"sub-{user.login}", "iat": now,
                  "exp": now + 300, "preferred_username": user.login, "groups": user.groups}
        id_token = jwt.encode(claims, self.fake.signing_key or self.fake.key, algorithm="RS256",
                              headers={"kid": self.fake.kid})
        self.json({"access_token": access, "token_type": "Bearer", "id_token": id_token, "expires_in": 300})


class _UserInfo(_Handler):
    def get(self) -> None:
        user = self.bearer()
        self.json({"sub": f"sub-{user.login}", "picture": user.avatar_url})


class FakeOIDC(_Fake):
    """An OpenID provider at `url` (its issuer) signing id_tokens with an RSA key."""

    def __init__(self, client_id: str, client_secret: str) -> None:
        super().__init__(client_id, client_secret)
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # published in the JWKS
        self.signing_key: rsa.RSAPrivateKey | None = None  # signs id_tokens when set (default: `key`)
        self.kid = "test-key-1"

    def routes(self) -> list[tuple[str, type, dict[str, Any]]]:
        return [(r"/\.well-known/openid-configuration", _Discovery, {}), (r"/authorize", _Authorize, {}),
                (r"/token", _OIDCToken, {}), (r"/userinfo", _UserInfo, {}), (r"/jwks", _JWKS, {})]
