"""Signing in and out of the console in Chromium, against a real `pipecd-cp serve`."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, Tab


def test_signed_out_visitors_land_on_the_login_page(tab: Tab) -> None:
    tab.goto("/applications")
    tab.page.wait_for_url("**/login")
    expect(tab.page.get_by_role("heading", name="Sign in to PipeCD")).to_be_visible()
    tab.shot("login")
    tab.page.set_viewport_size(PHONE)
    tab.shot("login")


def test_a_wrong_password_is_explained_on_the_login_page(tab: Tab) -> None:
    tab.login(password="not-the-password")
    tab.page.wait_for_url("**/login")
    alert = tab.page.get_by_role("alert")
    expect(alert).to_contain_text("Login failed")
    # The server's reason travels in the `error` cookie, which the console clears once shown.
    assert not [c for c in tab.context.cookies() if c["name"] == "error"]
    tab.page.get_by_label("Project name").fill(tab.console.project)
    tab.page.get_by_role("button", name="Continue").click()
    expect(tab.page.get_by_role("heading", name=f"Sign in to {tab.console.project}")).to_be_visible()
    expect(tab.page.get_by_role("button", name="Log in with SSO")).to_be_visible()
    tab.shot("login-error")


def test_the_static_admin_signs_in_and_out(tab: Tab) -> None:
    tab.login()
    tab.page.wait_for_url("**/applications")
    expect(tab.page.get_by_role("heading", name="Applications")).to_be_visible()
    expect(tab.page.locator(".user")).to_contain_text(tab.console.username)
    token = [c for c in tab.context.cookies() if c["name"] == "token"]
    assert token and token[0]["httpOnly"], "the session cookie is HttpOnly"
    assert tab.page.evaluate("() => document.cookie.includes('token=')") is False
    tab.page.get_by_role("link", name="Log out").click()
    tab.page.wait_for_url("**/login")
    tab.goto("/deployments")
    tab.page.wait_for_url("**/login")
    assert not tab.errors or all("401" in e or "UNAUTHENTICATED" in e for e in tab.errors), tab.errors


def test_keyboard_focus_is_visible(tab: Tab) -> None:
    tab.goto("/login")
    tab.page.get_by_label("Project name").wait_for()
    tab.page.keyboard.press("Tab")
    style = tab.page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return {tag: document.activeElement.tagName, outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }""")
    assert style["outline"] != "none" and style["width"] >= 2, style


def test_sso_without_a_configuration_explains_why(tab: Tab) -> None:
    tab.goto(f"/login?project={tab.console.project}")
    tab.page.get_by_role("button", name="Log in with SSO").click()
    tab.page.wait_for_url("**/login")
    expect(tab.page.get_by_role("alert")).to_contain_text("Login failed:")
    assert not [c for c in tab.context.cookies() if c["name"] in ("error", "token")]
