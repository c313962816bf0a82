"""The owner page: credentials, CSRF, escaping, PipeCD's pages, and the same flows in headless Chromium."""
from __future__ import annotations

import asyncio
import concurrent.futures
import http.cookiejar
import http.server
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import bcrypt
import pytest

from pipecd_cp.cli.common import HostFlags
from pipecd_cp.ops.ownerpage.auth import hash_owner_password
from tests.conftest import run_cli

PASSWORD = "correct horse battery staple"
TOKEN = "t0ken-" + "x" * 40
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def owner(procs, tmp_path: Path):
    """An ops process whose owner page takes PASSWORD (bcrypt file) or TOKEN (token file)."""
    (tmp_path / "owner.hash").write_text(hash_owner_password(PASSWORD) + "\n")
    (tmp_path / "owner.token").write_text(TOKEN + "\n")
    cfg = tmp_path / "cp.yaml"
    cfg.write_text("apiVersion: pipecd.dev/v1beta1\nkind: ControlPlane\nspec:\n  sharedSSOConfigs:\n"
                   "    - {name: corp, provider: GITHUB, github: {clientId: a, clientSecret: b}}\n"
                   "  projects:\n    - {id: from-config, staticAdmin: {username: u, passwordHash: x}}\n")
    p = procs("--config-file", str(cfg), "--data-dir", str(tmp_path / "data"),
              "--owner-password-file", str(tmp_path / "owner.hash"), "--owner-token-file", str(tmp_path / "owner.token"))
    p.base = f"http://127.0.0.1:{p.ports['ops']}"
    p.cfg = cfg
    p.data = tmp_path / "data"
    return p


class Client:
    """A cookie-keeping HTTP client that does not follow redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *a, **k):  # noqa: ANN002, ANN003, ANN201
                return None
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=15) as resp:
                return resp.status, resp.read().decode(), dict(resp.headers)
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode(), dict(err.headers)

    def xsrf(self, path: str = "/login") -> str:
        _, page, _ = self.request(path)
        m = re.search(r'name="_xsrf" value="([^"]+)"', page)
        assert m, page
        return m.group(1)

    def login(self, secret: str) -> tuple[int, str, dict]:
        return self.request("/login", {"_xsrf": self.xsrf(), "secret": secret, "next": "/projects"})


def test_needs_the_owner_credential(owner) -> None:
    c = Client(owner.base)
    code, _, headers = c.request("/projects")
    assert code == 302 and headers["Location"] == "/login?next=%2Fprojects"
    code, page, _ = c.login("wrong")
    assert code == 401 and "Wrong password or token." in page
    code, _, headers = c.login(PASSWORD)
    assert code == 302 and headers["Location"] == "/projects"
    cookie = next(k for k in c.jar if k.name == "pipecd_cp_owner")
    assert cookie.has_nonstandard_attr("HttpOnly") or "httponly" in str(cookie._rest).lower()
    code, page, headers = c.request("/projects")
    assert code == 200 and "Projects" in page and "default-src 'none'" in headers["Content-Security-Policy"]
    other = Client(owner.base)
    assert other.login(TOKEN)[0] == 302  # the token works in the form too


def test_posts_need_the_csrf_token(owner) -> None:
    c = Client(owner.base)
    assert c.login(PASSWORD)[0] == 302
    code, page, _ = c.request("/projects/add", {"ID": "evil"})
    assert code == 403 and "_xsrf" in page
    code, _, _ = c.request("/projects/add", {"ID": "evil", "_xsrf": "forged"})
    assert code == 403
    assert "evil" not in c.request("/projects")[1]


def test_scripts_use_the_bearer_token_without_cookies_or_csrf(owner) -> None:
    c = Client(owner.base)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    code, page, headers = c.request("/projects/add", {"ID": "scripted", "Description": "by a script"}, auth)
    assert code == 200 and headers["Cache-Control"] == "no-store"
    username = re.search(r'id="username">([^<]+)<', page).group(1)
    password = re.search(r'id="password">([^<]+)<', page).group(1)
    assert len(password) >= 20 and password not in c.request("/projects", headers=auth)[1]
    assert c.request("/projects", headers={"Authorization": "Bearer nope"})[0] == 401
    # The project is in the datastore with a bcrypt hash of the password shown once.
    stored = _in_thread(_project(owner, "scripted"))
    assert stored.static_admin.username == username
    assert bcrypt.checkpw(password.encode(), stored.static_admin.password_hash.encode())


def _in_thread(coro):  # noqa: ANN001, ANN202
    """Run a coroutine on its own loop in a thread (the test may run inside another loop)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result(60)


async def _project(owner, project_id: str):  # noqa: ANN001, ANN202
    host = HostFlags(owner.cfg, owner.data, component="test").build()
    await host.start()
    try:
        return await host.stores.projects.get(project_id)
    finally:
        await host.close()


def test_failed_logins_are_throttled(owner) -> None:
    c = Client(owner.base)
    for _ in range(10):
        assert c.login("wrong")[0] == 401
    code, page, _ = c.login(PASSWORD)
    assert code == 429 and "Too many failed attempts" in page


def test_add_reset_and_counts_pages(owner) -> None:
    c = Client(owner.base)
    c.login(PASSWORD)
    xsrf = c.xsrf("/projects/add")
    assert c.request("/projects/add", {"_xsrf": xsrf, "ID": "bad/id"})[0] == 400
    assert "is defined in the control-plane configuration" in c.request(
        "/projects/add", {"_xsrf": xsrf, "ID": "from-config"})[1]
    assert c.request("/projects/add", {"_xsrf": xsrf, "ID": "p1", "SharedSSO": "nope"})[0] == 400
    code, page, _ = c.request("/projects/add", {"_xsrf": xsrf, "ID": "p1", "Description": "<b>bold</b>",
                                                "SharedSSO": "corp", "AllowStrayAsViewer": "on"})
    assert code == 200 and "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page
    assert c.request("/projects/add", {"_xsrf": xsrf, "ID": "p1"})[0] == 409
    listing = c.request("/projects")[1]
    assert "from-config" not in listing and "corp" in listing  # datastore projects only, as PipeCD
    old = _in_thread(_project(owner, "p1"))
    assert old.shared_sso_name == "corp" and old.allow_stray_as_viewer
    code, page, _ = c.request("/projects/reset-password?ID=p1")
    assert code == 200 and "Type the project ID again" in page
    assert c.request("/projects/reset-password", {"_xsrf": xsrf, "ID": "p1", "confirmationID": "p2"})[0] == 400
    code, page, _ = c.request("/projects/reset-password", {"_xsrf": xsrf, "ID": "p1", "confirmationID": "p1"})
    assert code == 200
    new_password = re.search(r'id="password">([^<]+)<', page).group(1)
    new = _in_thread(_project(owner, "p1"))
    assert new.static_admin.username == old.static_admin.username
    assert bcrypt.checkpw(new_password.encode(), new.static_admin.password_hash.encode())
    assert c.request("/projects/reset-password?ID=nope")[0] == 404
    code, page, _ = c.request("/applicationcounts")
    assert code == 200 and "p1" in page and "never" in page


def test_bad_credential_files_stop_startup(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("hunter2\n")
    r = run_cli("ops", "--data-dir", str(tmp_path / "d"), "--owner-password-file", str(tmp_path / "plain"))
    assert r.returncode == 1
    assert r.stderr.strip() == (f"pipecd-cp: error: {tmp_path / 'plain'}: --owner-password-file: must hold a bcrypt "
                                "hash, not a password (make one with: pipecd-cp ops hash-password > FILE)")
    (tmp_path / "short").write_text("abc")
    r = run_cli("ops", "--data-dir", str(tmp_path / "d"), "--owner-token-file", str(tmp_path / "short"))
    assert r.returncode == 1 and "the token must be at least 32 characters" in r.stderr
    out = subprocess.run([sys.executable, "-m", "pipecd_cp", "ops", "hash-password"], input="a long enough one\n",
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and bcrypt.checkpw(b"a long enough one", out.stdout.strip().encode())


# ----------------------------------------------------------------------------- in headless Chromium
@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run scripts/browser-deps"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def evil_site() -> Iterator[type]:
    """Another origin whose page posts a form to the owner page (a CSRF attempt)."""
    class Handler(http.server.BaseHTTPRequestHandler):
        target = ""

        def do_GET(self) -> None:  # noqa: N802
            body = (f'<form id="f" method="post" action="{Handler.target}/projects/add">'
                    '<input name="ID" value="csrf-victim"></form><script>document.getElementById("f").submit()</script>')
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args) -> None:  # noqa: ANN002
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Handler.port = server.server_address[1]
    yield Handler
    server.shutdown()


def test_in_chromium_sign_in_add_list_reset_and_sign_out(owner, browser, evil_site) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(owner.base + "/projects")
    assert page.url.startswith(owner.base + "/login")
    page.fill("#secret", "wrong")
    page.click("#login")
    assert page.text_content("#error") == "Wrong password or token."
    page.fill("#secret", PASSWORD)
    page.click("#login")
    assert page.url == owner.base + "/projects"
    page.click("text=Add Project")
    xss = '<img src=x onerror="window.pwned=1">'
    page.fill("#project-id", "browser-project")
    page.fill("#project-desc", xss)
    page.select_option("#shared-sso", "corp")
    page.click("#add")
    assert page.text_content("#project") == "browser-project"
    username, password = page.text_content("#username"), page.text_content("#password")
    assert username and password and len(password) >= 20
    page.click("text=List Projects")
    row = page.locator("#projects tr", has_text="browser-project")
    assert row.locator(".desc").text_content() == xss  # shown as text, never run
    assert page.evaluate("window.pwned") is None
    row.locator("text=Reset static admin password").click()
    page.fill("#confirm-id", "browser-project")
    page.click("#reset")
    assert page.text_content("#username") == username and page.text_content("#password") != password
    # A form on another origin cannot post as the signed-in owner (no CSRF token).
    evil_site.target = owner.base
    attack = context.new_page()
    attack.goto(f"http://127.0.0.1:{evil_site.port}/")
    attack.wait_for_load_state()
    assert "403" in attack.content()
    page.goto(owner.base + "/projects")
    assert "csrf-victim" not in page.content()
    page.click("#logout")
    assert page.url.startswith(owner.base + "/login")
    page.goto(owner.base + "/projects")
    assert page.url.startswith(owner.base + "/login")
    assert errors == []
    context.close()


def test_in_chromium_not_configured(procs, browser, tmp_path: Path) -> None:
    p = procs("--data-dir", str(tmp_path / "data"))
    page = browser.new_page()
    response = page.goto(f"http://127.0.0.1:{p.ports['ops']}/projects/add")
    assert response.status == 503
    assert "Start pipecd-cp ops with --owner-password-file" in page.text_content("#not-configured")
    page.close()
