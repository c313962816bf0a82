"""Fixtures for the console's browser tests: a real `pipecd-cp serve`, Debian's Chromium driven
by Playwright (never a downloaded browser), a signed-in page, and screenshots of each page.

Chromium runs headless with networking features off, and every request it makes is checked:
one that leaves 127.0.0.1 is blocked and fails the test (the console must load nothing from
other sites).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.harness import EMBEDDED, PROJECT, ControlPlane

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
_ADMIN = re.compile(r"Static admin \(shown once\): username (\S+), password (\S+)")


def launch(playwright):  # noqa: ANN001, ANN201 - Playwright's types
    """Debian's Chromium with the flags every browser test and the benchmark use."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run scripts/browser-deps"
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


class Console:
    """A control plane with its static admin's credentials and the console's base URL."""

    def __init__(self, cp: ControlPlane) -> None:
        self.cp = cp
        out = cp.all_output()
        m = _ADMIN.search(out)
        assert m, "serve did not print the static admin's password on first start:\n" + out[-2000:]
        self.username, self.password = m.group(1), m.group(2)
        self.project = PROJECT

    def url(self, path: str = "/") -> str:
        return self.cp.url("http", path)


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    # --insecure-cookie: the test server is plain HTTP, so the session cookie cannot be Secure.
    cp = ControlPlane(EMBEDDED, tmp_path_factory.mktemp("console")).start("--insecure-cookie")
    try:
        yield Console(cp)
    finally:
        cp.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Chromium for one test module. Playwright's sync API keeps an event loop running in this
    thread while it is started, so it must stop before the next module: async tests elsewhere
    in the same pytest run need the thread's loop free."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


class Tab:
    """A browser page plus what it did: console errors, uncaught exceptions, blocked requests."""

    def __init__(self, context, console: Console) -> None:  # noqa: ANN001
        self.context, self.console = context, console
        self.page = context.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        context.route("**/*", self._route)

    def _route(self, route) -> None:  # noqa: ANN001
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def goto(self, path: str) -> None:
        self.page.goto(self.console.url(path))

    def shot(self, name: str, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        size = self.page.viewport_size or DESKTOP
        path = SCREENSHOTS / f"{name}-{size['width']}x{size['height']}.png"
        self.page.evaluate("() => window.scrollTo(0, 0)")  # a sticky header is drawn where the page is scrolled
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def login(self, username: str | None = None, password: str | None = None) -> None:
        """Sign in as the static admin through the login page (a real form post)."""
        self.goto("/login")
        self.page.get_by_label("Project name").fill(self.console.project)
        self.page.get_by_role("button", name="Continue").click()
        self.page.get_by_label("Username").fill(username or self.console.username)
        self.page.get_by_label("Password").fill(password or self.console.password)
        self.page.get_by_role("button", name="Log in", exact=True).click()

    def expected_errors_only(self, *allowed: str) -> list[str]:
        """Console errors except the ones a test provoked on purpose (e.g. a 403 it expects)."""
        return [e for e in self.errors if not any(a in e for a in allowed)]


@pytest.fixture
def tab(browser, console: Console) -> Iterator[Tab]:  # noqa: ANN001
    context = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="UTC")
    context.set_default_timeout(10_000)
    t = Tab(context, console)
    yield t
    context.close()
    assert not t.outside, f"the console tried to reach other sites: {t.outside}"


@pytest.fixture
def admin(tab: Tab) -> Tab:
    """A tab signed in as the static admin, on the applications page."""
    tab.login()
    tab.page.wait_for_url("**/applications")
    return tab
