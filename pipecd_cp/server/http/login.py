"""Login, SSO and logout on the HTTP port (PipeCD's `pkg/app/server/httpapi`, reference 3.3, 3.4).

    POST /auth/login/static   form project, username, password: the static admin (always Admin)
    GET|POST /auth/login      form or query project: start SSO (GitHub or OIDC) -> 302 to the provider
    GET  /auth/callback       the provider's redirect: code, state (and project) -> session
    GET|POST /auth/logout     expire the cookies -> 302 to /

On success the `token` cookie carries the session JWT (Path=/, HttpOnly, SameSite=Strict,
Secure unless `--insecure-cookie`; Max-Age = the session TTL) and the browser is sent to `/`
with 302. A failed login never answers an HTTP error: it sets the `error` cookie (Max-Age 600,
readable by the console, SameSite=Strict) and redirects 303 to `/`, as PipeCD does. Static admin
logins are throttled: after 5 failures in a minute for one user or from one address, the page
answers 429 with Retry-After.

Differences from PipeCD: throttling; `--insecure-cookie` applies to the SSO cookies too;
`spec.sharedSSOConfigs`' and the project's `session_ttl` set both the JWT expiry and the cookie
Max-Age (PipeCD's cookie always lives 7 days); the OAuth state is single-use and bound to the
project; OIDC roles come from the project's user groups as well as from values named like a
role; bcrypt always runs (a wrong username costs as much as a wrong password).
"""
from __future__ import annotations

import hmac
import logging
import math
import secrets
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import bcrypt

from pipecd_cp.auth import sessions
from pipecd_cp.auth.aes import SecretBox
from pipecd_cp.auth.oauthstate import STATE_TTL, OAuthStates, default_state_key
from pipecd_cp.auth.rbac import roles_for_groups
from pipecd_cp.auth.throttle import LoginThrottle
from pipecd_cp.bootstrap import hash_password
from pipecd_cp.domain.projects import sso_project
from pipecd_cp.errors import NotFound, PipeCDError, Unavailable
from pipecd_cp.proto.model import project_pb2 as ppb
from pipecd_cp.server.http.base import BaseHandler
from pipecd_cp.server.http.outbound import outbound
from pipecd_cp.server.http.sso import Discovery, GitHubSSO, OIDCSSO, SSOUser
from pipecd_cp.stores.projects import ADMIN, BUILTIN_ROLES, VIEWER

if TYPE_CHECKING:
    from pipecd_cp.app import Host

log = logging.getLogger("pipecd_cp.http")

STATE_KEY = "pipecd_cp.server.http.login"
ERROR_COOKIE, STATE_COOKIE = "error", "state"
ERROR_MAX_AGE = 600
ROOT = "/"
WRONG_CREDENTIALS = "Wrong username or password"


@dataclass
class LoginState:
    """Per-host state of the login pages."""

    throttle: LoginThrottle
    states: OAuthStates
    box: SecretBox
    discovery: Discovery = field(default_factory=Discovery)
    dummy_hash: str | None = None


def login_state(host: "Host") -> LoginState:
    state = host.state.get(STATE_KEY)
    if state is None:
        key = host.config.spec.state_key.encode() if host.config.spec.state_key else default_state_key(host.auth.key)
        state = LoginState(LoginThrottle(host.cache), OAuthStates(key, host.cache, host.clock),
                           SecretBox(host.auth.key))
        host.state[STATE_KEY] = state
    return state


def check_password(password: str, hashed: str) -> bool:
    """bcrypt comparison (slow: run it off the event loop); malformed hashes and passwords
    longer than bcrypt's 72 bytes never match."""
    try:
        return bcrypt.checkpw(password.encode(), hashed.encode())
    except ValueError:
        return False


def go_cookie_value(value: str) -> str:
    """What Go's http.SetCookie writes for a value: invalid bytes dropped, quoted if it has a space or comma."""
    kept = "".join(c for c in value if 0x20 <= ord(c) < 0x7F and c not in '";\\')
    return f'"{kept}"' if (" " in kept or "," in kept) else kept


def cookie_header(name: str, value: str, *, max_age: int, http_only: bool, secure: bool, same_site: str) -> str:
    """A Set-Cookie value in Go's attribute order; `max_age <= 0` deletes the cookie."""
    parts = [f"{name}={value}", "Path=/"]
    if max_age > 0:
        parts.append(f"Max-Age={max_age}")
    else:
        parts += ["Expires=Thu, 01 Jan 1970 00:00:00 GMT", "Max-Age=0"]
    if http_only:
        parts.append("HttpOnly")
    if secure:
        parts.append("Secure")
    parts.append(f"SameSite={same_site}")
    return "; ".join(parts)


def github_callback(base_url: str, project_id: str) -> str:
    """PipeCD's GitHub redirect URL: `{address}/auth/callback?project={id}`."""
    return f"{base_url}/auth/callback?project={urllib.parse.quote(project_id, safe='')}"


class AuthHandler(BaseHandler):
    """Cookies, error redirects and session minting shared by the /auth pages."""

    @property
    def secure(self) -> bool:
        return not self.host.settings.insecure_cookie

    @property
    def login(self) -> LoginState:
        return login_state(self.host)

    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("Cache-Control", "no-store")

    def put_cookie(self, name: str, value: str, *, max_age: int, http_only: bool = True,
                   same_site: str = "Strict", secure: bool | None = None) -> None:
        self.add_header("Set-Cookie", cookie_header(name, value, max_age=max_age, http_only=http_only,
                                                    secure=self.secure if secure is None else secure,
                                                    same_site=same_site))

    def fail(self, message: str, status: int = 303) -> None:
        """PipeCD's login error: the `error` cookie for the console, and a redirect to /."""
        # As PipeCD: Secure only on TLS requests, so the console can read it behind any proxy.
        secure = self.secure and self.request.protocol == "https"
        self.put_cookie(ERROR_COOKIE, go_cookie_value(message), max_age=ERROR_MAX_AGE, http_only=False,
                        secure=secure)
        self.redirect(ROOT, status=status)

    def start_session(self, subject: str, project_id: str, roles: list[str], ttl: int, avatar_url: str = "") -> None:
        token = sessions.mint(self.host.auth.key, subject, project_id, roles, now=self.host.now(), ttl=ttl,
                              avatar_url=avatar_url)
        self.put_cookie(sessions.TOKEN_COOKIE, token, max_age=ttl)

    def base_url(self) -> str:
        return self.host.config.spec.address.rstrip("/") or f"{self.request.protocol}://{self.request.host}"


class StaticLoginHandler(AuthHandler):
    async def get(self) -> None:
        self.fail("Method not allowed")

    async def post(self) -> None:
        project_id = self.get_body_argument("project", "").strip()
        username = self.get_body_argument("username", "")
        password = self.get_body_argument("password", "")
        keys = [f"addr:{self.request.remote_ip}"] + ([f"user:{project_id}/{username}"] if username else [])
        wait = await self.login.throttle.retry_after(keys)
        if wait is not None:
            self._too_many(wait)
            return
        if not project_id or not username or not password:
            self.fail("Missing project, username or password")
            return
        stored = await self._static_admin(project_id)
        if stored is None:
            return
        stored_user, stored_hash = stored
        if not stored_hash:
            stored_hash = await self._dummy_hash()
        # bcrypt always runs, so a wrong username takes as long as a wrong password.
        password_ok = await self.host.runner.run(check_password, password, stored_hash)
        user_ok = bool(stored_user) and hmac.compare_digest(stored_user.encode(), username.encode())
        if not (password_ok and user_ok):
            await self.login.throttle.failed(keys)
            log.info("http | static login failed for project %s", project_id)
            self.fail(WRONG_CREDENTIALS)
            return
        await self.login.throttle.reset(keys[-1])
        self.start_session(username, project_id, [ADMIN], sessions.DEFAULT_TTL)
        self.redirect(ROOT, status=302)

    async def _static_admin(self, project_id: str) -> tuple[str, str] | None:
        """(username, bcrypt hash) of the project's static admin; ("", "") for an unknown project."""
        cfg = self.host.config.spec.project(project_id)
        if cfg is not None:
            return cfg.static_admin.username, cfg.static_admin.password_hash
        try:
            project = await self.host.stores.projects.get(project_id)
        except NotFound:
            return "", ""
        except PipeCDError as exc:
            log.error("http | static login cannot read project %s: %s", project_id, exc)
            self.fail("Unable to log in right now; please try again")
            return None
        if project.static_admin_disabled:
            self.fail("Static admin is disabled")
            return None
        return project.static_admin.username, project.static_admin.password_hash

    async def _dummy_hash(self) -> str:
        if self.login.dummy_hash is None:
            self.login.dummy_hash = await self.host.runner.run(hash_password, secrets.token_urlsafe(16))
        return self.login.dummy_hash

    def _too_many(self, wait: float) -> None:
        seconds = max(1, math.ceil(wait))
        self.put_cookie(ERROR_COOKIE, go_cookie_value(f"Too many failed logins; try again in {seconds} seconds"),
                        max_age=ERROR_MAX_AGE, http_only=False, secure=self.secure and self.request.protocol == "https")
        self.set_status(429)
        self.set_header("Retry-After", str(seconds))
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(f"<!doctype html><title>Too many attempts</title><p>Too many failed logins. "
                    f"Try again in {seconds} seconds.</p><p><a href=\"/\">Back</a></p>")


class SSOLoginHandler(AuthHandler):
    async def get(self) -> None:
        await self.post()

    async def post(self) -> None:
        project_id = self.get_argument("project", "").strip()
        if not project_id:
            self.fail("Missing project")
            return
        try:
            project, sso = await sso_project(self.host.stores, self.host.config.spec, self.login.box, project_id)
            state = await self.login.states.issue(project_id)
            if sso.provider == ppb.ProjectSSOConfig.GITHUB:
                url = GitHubSSO(sso.github, outbound(self.host)).authorize_url(state, self._callback(project_id))
            elif sso.provider == ppb.ProjectSSOConfig.OIDC:
                url = await OIDCSSO(sso.oidc, outbound(self.host), self.login.discovery).authorize_url(
                    f"{state}:{project_id}")
            else:
                self.fail("This SSO provider is not supported")
                return
        except NotFound:
            self.fail("Unable to find project")
            return
        except Unavailable as exc:
            log.warning("http | SSO login for %s: %s", project_id, exc)
            self.fail("The SSO provider cannot be reached right now; please try again")
            return
        except PipeCDError as exc:
            self.fail(exc.message)
            return
        self.put_cookie(STATE_COOKIE, state, max_age=STATE_TTL, same_site="Lax")
        self.redirect(url, status=302)

    def _callback(self, project_id: str) -> str:
        return github_callback(self.base_url(), project_id)


class CallbackHandler(AuthHandler):
    async def get(self) -> None:
        state = self.get_argument("state", "")
        project_id = self.get_argument("project", "")
        if ":" in state:  # OIDC sends "{state}:{project}"
            state, project_id = state.split(":", 1)
        cookie = self.get_cookie(STATE_COOKIE) or ""
        if not state or not project_id or not cookie or not hmac.compare_digest(cookie.encode(), state.encode()):
            self.fail("Unauthorized access: the login state does not match")
            return
        try:
            await self.login.states.redeem(state, project_id)
        except PipeCDError as exc:
            self.fail(exc.message)
            return
        code = self.get_argument("code", "")
        if not code:
            self.fail("Missing code: the SSO provider did not authorize the login")
            return
        try:
            await self._complete(project_id, code)
        except NotFound:
            self.fail("Unable to find project")
        except Unavailable as exc:
            log.warning("http | SSO callback for %s: %s", project_id, exc)
            self.fail("The SSO provider cannot be reached right now; please try again")
        except PipeCDError as exc:
            log.info("http | SSO login into %s refused: %s", project_id, exc.message)
            self.fail(exc.message)

    async def _complete(self, project_id: str, code: str) -> None:
        project, sso = await sso_project(self.host.stores, self.host.config.spec, self.login.box, project_id)
        github = sso.provider == ppb.ProjectSSOConfig.GITHUB
        if github and not project.user_groups and not project.allow_stray_as_viewer:
            self.fail("Missing User Group configuration")
            return
        user: SSOUser
        if sso.provider == ppb.ProjectSSOConfig.GITHUB:
            redirect = github_callback(self.base_url(), project_id)
            user = await GitHubSSO(sso.github, outbound(self.host)).user(code, redirect)
            roles = roles_for_groups(project, user.groups)
        elif sso.provider == ppb.ProjectSSOConfig.OIDC:
            user = await OIDCSSO(sso.oidc, outbound(self.host), self.login.discovery).user(code)
            # PipeCD maps only values equal to a built-in role; the project's user groups map too.
            roles = roles_for_groups(project, user.groups)
            roles += [g for g in user.groups if g in BUILTIN_ROLES and g not in roles]
        else:
            self.fail("This SSO provider is not supported")
            return
        if not roles:
            if not project.allow_stray_as_viewer:
                self.fail(f"{user.username} is not in any user group of the project")
                return
            roles = [VIEWER]
        ttl = int(sso.session_ttl) * 3600 if sso.session_ttl > 0 else sessions.DEFAULT_TTL
        self.start_session(user.username, project_id, roles, ttl, user.avatar_url)
        self.put_cookie(STATE_COOKIE, "", max_age=0, same_site="Lax")
        self.redirect(ROOT, status=302)


class LogoutHandler(AuthHandler):
    def get(self) -> None:
        self.put_cookie(sessions.TOKEN_COOKIE, "", max_age=0)
        self.put_cookie(STATE_COOKIE, "", max_age=0, same_site="Lax")
        self.redirect(ROOT, status=302)

    def post(self) -> None:
        self.get()


def routes() -> list[tuple[str, type, dict[str, Any]]]:
    """(pattern, handler, kwargs) of the /auth pages."""
    return [(r"/auth/login/static", StaticLoginHandler, {}), (r"/auth/login", SSOLoginHandler, {}),
            (r"/auth/callback", CallbackHandler, {}), (r"/auth/logout", LogoutHandler, {})]
