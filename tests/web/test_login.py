"""Login pages against a running server: static admin, GitHub and OIDC SSO through fake providers,
state checks, throttling, cookies and logout."""
from __future__ import annotations

import base64
import json
import urllib.parse

import grpc
import pytest
import tornado.httpclient
from cryptography.hazmat.primitives.asymmetric import rsa

from pipecd_cp.auth.aes import SecretBox
from pipecd_cp.auth.throttle import LIMIT
from pipecd_cp.proto.grpc.service.webservice import service_pb2 as pb
from pipecd_cp.proto.model import project_pb2 as ppb
from tests.web.conftest import DEBUG, DEBUG_PASSWORD, DEBUG_USER, KEY, OTHER, PROJECT, WebServer
from tests.web.fakes import FakeGitHub, FakeOIDC, FakeUser
from tests.web.helpers import cookie_value, set_cookies

OK = grpc.StatusCode.OK
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
async def github():
    fake = await FakeGitHub("gh-client", "gh-secret").start()
    yield fake
    await fake.stop()


@pytest.fixture
async def oidc():
    fake = await FakeOIDC("oidc-client", "oidc-secret").start()
    yield fake
    await fake.stop()


def claims_of(token_cookie_header: str) -> dict:
    token = cookie_value(token_cookie_header)
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def attributes(header: str) -> set[str]:
    return {part.strip() for part in header.split(";")[1:]}


async def fetch(s: WebServer, url: str, cookie: str | None = None) -> tornado.httpclient.HTTPResponse:
    headers = {"Cookie": cookie} if cookie else {}
    return await s.client.http.fetch(url, headers=headers, follow_redirects=False, raise_error=False)


async def static_login(s: WebServer, project: str, username: str, password: str) -> tornado.httpclient.HTTPResponse:
    body = urllib.parse.urlencode({"project": project, "username": username, "password": password}).encode()
    return await s.client.post("/auth/login/static", body, FORM)


def error_of(resp: tornado.httpclient.HTTPResponse) -> str:
    assert resp.code == 303 and resp.headers["Location"] == "/", (resp.code, resp.headers)
    header = set_cookies(resp)["error"]
    assert {"Path=/", "Max-Age=600", "SameSite=Strict"} <= attributes(header) and "HttpOnly" not in attributes(header)
    return cookie_value(header)


async def admin_call(s: WebServer, method: str, request, project: str = PROJECT) -> None:
    r = await s.client.call(method, request, cookie=s.cookie(["Admin"], project=project))
    assert r.code is OK, (method, r.details)


async def use_github(s: WebServer, gh: FakeGitHub, project: str = PROJECT, ttl_hours: int = 2) -> None:
    await admin_call(s, "UpdateProjectSSOConfig", pb.UpdateProjectSSOConfigRequest(sso=ppb.ProjectSSOConfig(
        provider=ppb.ProjectSSOConfig.GITHUB, session_ttl=ttl_hours, github=ppb.ProjectSSOConfig.GitHub(
            client_id=gh.client_id, client_secret=gh.client_secret, base_url=gh.url + "/"))), project)


async def sso_login(s: WebServer, provider, project: str = PROJECT) -> tornado.httpclient.HTTPResponse:
    """The whole browser dance; returns the callback's answer."""
    start = await s.client.post("/auth/login", urllib.parse.urlencode({"project": project}).encode(), FORM)
    assert start.code == 302, (start.code, set_cookies(start))
    state = set_cookies(start)["state"]
    assert {"Path=/", "Max-Age=1800", "HttpOnly", "SameSite=Lax"} <= attributes(state)
    consent = await fetch(s, start.headers["Location"])
    assert consent.code == 302
    return await fetch(s, consent.headers["Location"], cookie=f"state={cookie_value(state)}")


async def begin(s: WebServer, provider, project: str = PROJECT) -> tuple[str, str]:
    """Start a login and pass the provider's consent: (callback URL, state cookie value)."""
    start = await s.client.post("/auth/login", urllib.parse.urlencode({"project": project}).encode(), FORM)
    consent = await fetch(s, start.headers["Location"])
    return consent.headers["Location"], cookie_value(set_cookies(start)["state"])


def session_cookie(resp: tornado.httpclient.HTTPResponse) -> str:
    assert resp.code == 302 and resp.headers["Location"] == "/", (resp.code, set_cookies(resp))
    return "token=" + cookie_value(set_cookies(resp)["token"])


# ----------------------------------------------------------------------------- static admin
async def test_static_admin_login_cookie_and_session(web_server) -> None:
    s = await web_server(insecure_cookie=False)
    user, password = s.passwords[PROJECT]
    resp = await static_login(s, PROJECT, user, password)
    assert resp.code == 302 and resp.headers["Location"] == "/"
    header = set_cookies(resp)["token"]
    assert attributes(header) == {"Path=/", "Max-Age=604800", "HttpOnly", "Secure", "SameSite=Strict"}
    claims = claims_of(header)
    assert claims["iss"] == "PipeCD" and claims["sub"] == user and claims["exp"] - claims["iat"] == 604800
    assert claims["nbf"] == claims["iat"] and claims["role"] == {"project_id": PROJECT, "project_rbac_roles": ["Admin"]}
    r = await s.client.web("GetMe", cookie="token=" + cookie_value(header))
    assert r.code is OK and (r.response.subject, r.response.project_id) == (user, PROJECT)
    r = await s.client.call("RegisterPiped", pb.RegisterPipedRequest(name="p"), cookie="token=" + cookie_value(header))
    assert r.code is OK, "the static admin is an Admin"


async def test_static_login_failures_redirect_with_the_error_cookie(web_server) -> None:
    s = await web_server()
    user, password = s.passwords[PROJECT]
    assert error_of(await static_login(s, PROJECT, user, password + "x")) == "Wrong username or password"
    assert error_of(await static_login(s, PROJECT, user + "x", password)) == "Wrong username or password"
    assert error_of(await static_login(s, "no-such-project", user, password)) == "Wrong username or password"
    assert "Missing" in error_of(await static_login(s, PROJECT, user, ""))
    assert error_of(await fetch(s, s.http + "/auth/login/static")) == "Method not allowed"
    await admin_call(s, "DisableStaticAdmin", pb.DisableStaticAdminRequest())
    assert error_of(await static_login(s, PROJECT, user, password)) == "Static admin is disabled"
    await admin_call(s, "EnableStaticAdmin", pb.EnableStaticAdminRequest())
    await admin_call(s, "UpdateProjectStaticAdmin", pb.UpdateProjectStaticAdminRequest(username="boss",
                                                                                      password="new-password"))
    assert (await static_login(s, PROJECT, "boss", "new-password")).code == 302


async def test_config_project_static_login(web_server) -> None:
    s = await web_server()
    resp = await static_login(s, DEBUG, DEBUG_USER, DEBUG_PASSWORD)
    cookie = session_cookie(resp)
    r = await s.client.call("GetProject", cookie=cookie)
    assert r.code is OK and r.response.project.id == DEBUG


async def test_static_login_is_throttled_after_five_failures(web_server) -> None:
    s = await web_server()
    user, password = s.passwords[PROJECT]
    for _ in range(LIMIT):
        error_of(await static_login(s, PROJECT, user, "wrong-password"))
    for attempt in (password, "wrong-password"):  # even the right password waits
        resp = await static_login(s, PROJECT, user, attempt)
        assert resp.code == 429 and 1 <= int(resp.headers["Retry-After"]) <= 60
        assert "Too many" in cookie_value(set_cookies(resp)["error"]) and "token" not in set_cookies(resp)
    # The address is throttled too: another user of another project from here waits as well.
    other_user, other_password = s.passwords[OTHER]
    assert (await static_login(s, OTHER, other_user, other_password)).code == 429


async def test_logout_expires_both_cookies(web_server) -> None:
    s = await web_server(insecure_cookie=False)
    resp = await fetch(s, s.http + "/auth/logout", cookie=s.cookie(["Admin"]))
    assert resp.code == 302 and resp.headers["Location"] == "/"
    cookies = set_cookies(resp)
    for name in ("token", "state"):
        assert "Max-Age=0" in attributes(cookies[name]) and cookie_value(cookies[name]) == ""
        assert "Secure" in attributes(cookies[name])


# ----------------------------------------------------------------------------- GitHub
async def test_github_login_maps_teams_to_roles(web_server, github: FakeGitHub) -> None:
    s = await web_server(insecure_cookie=False)
    await use_github(s, github)
    for group, role in (("acme/devs", "Editor"), ("acme/devs", "KeyManager")):  # one team, two roles
        if role == "KeyManager":
            await admin_call(s, "AddProjectRBACRole", pb.AddProjectRBACRoleRequest(name=role, policies=[
                ppb.ProjectRBACPolicy(resources=[ppb.ProjectRBACResource(type=ppb.ProjectRBACResource.API_KEY)],
                                      actions=[ppb.ProjectRBACPolicy.ALL])]))
        await admin_call(s, "AddProjectUserGroup", pb.AddProjectUserGroupRequest(sso_group=group, role=role))
    teams = [f"acme/team{i}" for i in range(150)] + ["acme/devs"]  # beyond the first page of 100
    github.next_user = FakeUser("octocat", "https://avatars.example.com/octocat", teams)
    resp = await sso_login(s, github)
    cookies = set_cookies(resp)
    assert attributes(cookies["token"]) == {"Path=/", "Max-Age=7200", "HttpOnly", "Secure", "SameSite=Strict"}
    assert "Max-Age=0" in attributes(cookies["state"]), "the state cookie is expired"
    claims = claims_of(cookies["token"])
    assert claims["exp"] - claims["iat"] == 7200
    assert claims["role"] == {"project_id": PROJECT, "project_rbac_roles": ["Editor", "KeyManager"]}
    assert claims["avatarUrl"] == "https://avatars.example.com/octocat"
    cookie = session_cookie(resp)
    me = await s.client.web("GetMe", cookie=cookie)
    assert (me.response.subject, me.response.avatar_url) == ("octocat", "https://avatars.example.com/octocat")
    assert (await s.client.call("GenerateAPIKey", pb.GenerateAPIKeyRequest(name="k"), cookie=cookie)).code is OK
    assert (await s.client.call("RegisterPiped", pb.RegisterPipedRequest(name="p"), cookie=cookie)).code is \
        grpc.StatusCode.PERMISSION_DENIED
    authorize = github.last_authorize
    assert authorize["scope"] == [b"read:org"] and authorize["redirect_uri"][0].decode().endswith(
        f"/auth/callback?project={PROJECT}")


async def test_github_secrets_are_encrypted_at_rest_and_redacted(web_server, github: FakeGitHub) -> None:
    s = await web_server()
    await use_github(s, github)
    stored = (await s.host.stores.projects.get(PROJECT)).sso
    assert stored.session_ttl == 2 and stored.github.base_url == github.url + "/"
    assert github.client_secret not in stored.SerializeToString().decode(errors="replace")
    box = SecretBox(KEY)
    assert box.decrypt(stored.github.client_id) == github.client_id
    assert box.decrypt(stored.github.client_secret) == github.client_secret
    raw = base64.b64decode(stored.github.client_secret)
    assert len(raw) == 12 + len(github.client_secret) + 16, "base64(nonce || ciphertext || tag)"
    project = (await s.client.call("GetProject", cookie=s.cookie(["Admin"]))).response.project
    assert project.sso.github.client_id == project.sso.github.client_secret == "redacted"


async def test_state_must_match_the_cookie_and_be_ours(web_server, github: FakeGitHub) -> None:
    s = await web_server()
    await use_github(s, github)
    await admin_call(s, "AddProjectUserGroup", pb.AddProjectUserGroupRequest(sso_group="acme/devs", role="Viewer"))
    github.next_user = FakeUser("mallory", groups=["acme/devs"])
    url, state = await begin(s, github)
    assert "does not match" in error_of(await fetch(s, url))  # no state cookie
    assert "does not match" in error_of(await fetch(s, url, cookie="state=" + "0" * len(state)))
    forged = "1" * len(state)
    forged_url = url.replace(state, forged)
    assert "invalid" in error_of(await fetch(s, forged_url, cookie=f"state={forged}")).lower()
    other_project = url.replace(f"project={PROJECT}", f"project={OTHER}")
    assert "invalid" in error_of(await fetch(s, other_project, cookie=f"state={state}")).lower()
    # The genuine state still works once (the bad attempts did not consume it) ...
    resp = await fetch(s, url, cookie=f"state={state}")
    session_cookie(resp)
    # ... and only once.
    assert "already" in error_of(await fetch(s, url, cookie=f"state={state}"))


async def test_an_expired_state_is_refused(web_server, github: FakeGitHub) -> None:
    s = await web_server()
    await use_github(s, github)
    await admin_call(s, "AddProjectUserGroup", pb.AddProjectUserGroupRequest(sso_group="acme/devs", role="Viewer"))
    github.next_user = FakeUser("slowpoke", groups=["acme/devs"])
    url, state = await begin(s, github)
    s.clock[0] += 1801
    assert "too long" in error_of(await fetch(s, url, cookie=f"state={state}"))


async def test_missing_user_groups_and_strays(web_server, github: FakeGitHub) -> None:
    s = await web_server()
    await use_github(s, github)
    github.next_user = FakeUser("nobody", groups=["acme/outsiders"])
    assert error_of(await sso_login(s, github)) == "Missing User Group configuration"
    await admin_call(s, "AddProjectUserGroup", pb.AddProjectUserGroupRequest(sso_group="acme/devs", role="Editor"))
    assert "not in any user group" in error_of(await sso_login(s, github))

    def allow_strays(p: ppb.Project) -> None:
        p.allow_stray_as_viewer = True
    await s.host.stores.projects.update(PROJECT, allow_strays)
    claims = claims_of(set_cookies(await sso_login(s, github))["token"])
    assert claims["role"]["project_rbac_roles"] == ["Viewer"] and claims["sub"] == "nobody"


async def test_insecure_cookie_applies_to_sso_too(web_server, github: FakeGitHub) -> None:
    s = await web_server(insecure_cookie=True)
    await use_github(s, github)
    await admin_call(s, "AddProjectUserGroup", pb.AddProjectUserGroupRequest(sso_group="acme/devs", role="Viewer"))
    github.next_user = FakeUser("dev", groups=["acme/devs"])
    resp = await sso_login(s, github)
    assert "Secure" not in attributes(set_cookies(resp)["token"])
    assert "Secure" not in attributes(set_cookies(resp)["state"])


async def test_sso_errors(web_server, github: FakeGitHub) -> None:
    s = await web_server()
    start = await s.client.post("/auth/login", b"project=no-such", FORM)
    assert error_of(start) == "Unable to find project"
    start = await s.client.post("/auth/login", b"project=" + PROJECT.encode(), FORM)
    assert "no SSO configuration" in error_of(start)
    start = await s.client.post("/auth/login", b"project=" + DEBUG.encode(), FORM)
    assert error_of(start) == "Unable to find project", "config projects cannot use SSO, as in PipeCD"
    await use_github(s, github)
    await admin_call(s, "AddProjectUserGroup", pb.AddProjectUserGroupRequest(sso_group="acme/devs", role="Viewer"))
    url, state = await begin(s, github)
    no_code = url.split("code=")[0] + "state=" + state
    assert "Missing code" in error_of(await fetch(s, no_code + f"&project={PROJECT}", cookie=f"state={state}"))
    await github.stop()  # the provider goes away mid-login
    url, state = await begin_after_stop(s)
    assert "cannot be reached" in error_of(await fetch(s, url, cookie=f"state={state}"))


async def begin_after_stop(s: WebServer) -> tuple[str, str]:
    start = await s.client.post("/auth/login", urllib.parse.urlencode({"project": PROJECT}).encode(), FORM)
    state = cookie_value(set_cookies(start)["state"])
    return f"{s.http}/auth/callback?project={PROJECT}&code=abc&state={state}", state


async def test_shared_sso_config(web_server, github: FakeGitHub) -> None:
    s = await web_server(f"sharedSSOConfigs:\n- name: corp\n  provider: GITHUB\n  sessionTtl: 3\n"
                         f"  github: {{clientId: {github.client_id}, clientSecret: {github.client_secret}, "
                         f"baseUrl: '{github.url}'}}")

    def shared(p: ppb.Project) -> None:
        p.shared_sso_name = "corp"
        p.user_groups.add(sso_group="acme/devs", role="Editor")
    await s.host.stores.projects.update(OTHER, shared)
    github.next_user = FakeUser("shared-user", groups=["acme/devs"])
    resp = await sso_login(s, github, project=OTHER)
    claims = claims_of(set_cookies(resp)["token"])
    assert claims["role"] == {"project_id": OTHER, "project_rbac_roles": ["Editor"]}
    assert claims["exp"] - claims["iat"] == 3 * 3600


# ----------------------------------------------------------------------------- OIDC
async def use_oidc(s: WebServer, idp: FakeOIDC, **extra: object) -> None:
    await admin_call(s, "UpdateProjectSSOConfig", pb.UpdateProjectSSOConfigRequest(sso=ppb.ProjectSSOConfig(
        provider=ppb.ProjectSSOConfig.OIDC, session_ttl=1, oidc=ppb.ProjectSSOConfig.Oidc(
            client_id=idp.client_id, client_secret=idp.client_secret, issuer=idp.url,
            redirect_uri=f"{s.http}/auth/callback", scopes=["openid", "profile", "groups"], **extra))))


async def test_oidc_login_verifies_the_id_token_and_maps_groups(web_server, oidc: FakeOIDC) -> None:
    s = await web_server()
    await use_oidc(s, oidc)
    stored = (await s.host.stores.projects.get(PROJECT)).sso
    assert stored.oidc.issuer == oidc.url and stored.session_ttl == 1, "OIDC settings and the TTL are stored"
    assert SecretBox(KEY).decrypt(stored.oidc.client_secret) == oidc.client_secret != stored.oidc.client_secret
    await admin_call(s, "AddProjectUserGroup", pb.AddProjectUserGroupRequest(sso_group="devs", role="Editor"))
    oidc.next_user = FakeUser("jane", "https://img.example.com/jane.png", ["devs", "Viewer", "unrelated"])
    resp = await sso_login(s, oidc)
    claims = claims_of(set_cookies(resp)["token"])
    assert claims["sub"] == "jane" and claims["avatarUrl"] == "https://img.example.com/jane.png"
    assert claims["role"]["project_rbac_roles"] == ["Editor", "Viewer"]
    assert claims["exp"] - claims["iat"] == 3600
    assert oidc.last_authorize["state"][0].decode().endswith(f":{PROJECT}")
    assert set(oidc.last_authorize["scope"][0].decode().split()) == {"openid", "profile", "groups"}
    r = await s.client.web("ListApplications", cookie=session_cookie(resp))
    assert r.code is OK


async def test_oidc_refuses_a_token_signed_by_another_key(web_server, oidc: FakeOIDC) -> None:
    s = await web_server()
    await use_oidc(s, oidc)
    await admin_call(s, "AddProjectUserGroup", pb.AddProjectUserGroupRequest(sso_group="devs", role="Editor"))
    oidc.next_user = FakeUser("eve", groups=["devs"])
    url, state = await begin(s, oidc)
    oidc.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert "not valid" in error_of(await fetch(s, url, cookie=f"state={state}"))


async def test_oidc_without_roles_and_strays(web_server, oidc: FakeOIDC) -> None:
    s = await web_server()
    await use_oidc(s, oidc)
    oidc.next_user = FakeUser("anon", groups=[])
    assert "not in any user group" in error_of(await sso_login(s, oidc))

    def allow_strays(p: ppb.Project) -> None:
        p.allow_stray_as_viewer = True
    await s.host.stores.projects.update(PROJECT, allow_strays)
    claims = claims_of(set_cookies(await sso_login(s, oidc))["token"])
    assert claims["role"]["project_rbac_roles"] == ["Viewer"]
