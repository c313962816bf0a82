"""Settings in Chromium: pipeds (key shown once), API keys (key shown once), the project with SSO,
and a Viewer (signed in through SSO) kept out of what they may not change."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from pipecd_cp.proto.grpc.service.apiservice import service_pb2 as apb
from pipecd_cp.proto.model import command_pb2
from tests.browser.conftest import DESKTOP, PHONE, Tab
from tests.browser.helpers import ThreadedFake
from tests.browser.world import ScriptedPiped
from tests.web.fakes import FakeOIDC, FakeUser


def _secret(tab: Tab, label: str) -> str:
    return tab.page.get_by_role("dialog").get_by_label(label, exact=True).input_value()


def test_register_a_piped_and_see_its_key_once(admin: Tab) -> None:
    page = admin.page
    page.get_by_role("link", name="Settings").click()
    page.wait_for_url("**/settings/piped")
    page.get_by_role("button", name="Add piped").click()
    dialog = page.get_by_role("dialog", name="Add piped")
    dialog.get_by_label("Name").fill("staging")
    dialog.get_by_label("Description").fill("the staging cluster")
    dialog.get_by_role("button", name="Register").click()
    shown = page.get_by_role("dialog", name="Piped registered")
    expect(shown).to_contain_text("shown only once")
    piped_id, key = _secret(admin, "Piped ID"), _secret(admin, "Piped key")
    assert piped_id and len(key) >= 20
    admin.shot("settings-piped-key")
    shown.get_by_role("button", name="Done").click()

    # The key works for a real piped, and the console never shows it again.
    piped = ScriptedPiped(admin.console.cp.addr("piped"), admin.console.project, piped_id, key)
    piped.start("v0.52.1")
    page.reload()
    row = page.locator(f'tr[data-piped="{piped_id}"]')
    expect(row).to_contain_text("staging")
    expect(row).to_contain_text("Online")
    expect(row).to_contain_text("v0.52.1")
    assert key not in page.content()
    admin.shot("settings-piped")

    # Recreate the key: the new one is shown once; the old one is deleted afterwards.
    row.get_by_role("button", name="Actions for staging").click()
    page.get_by_role("menuitem", name="Recreate key").click()
    page.get_by_role("dialog").get_by_role("button", name="Recreate key").click()
    expect(page.get_by_role("dialog", name="New piped key")).to_be_visible()
    new_key = _secret(admin, "Piped key")
    assert new_key and new_key != key
    page.get_by_role("dialog").get_by_role("button", name="Done").click()
    expect(row).to_contain_text("2")
    row.get_by_role("button", name="Actions for staging").click()
    page.get_by_role("menuitem", name="Delete old key").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete old key").click()
    expect(page.get_by_role("status").filter(has_text="Old key deleted")).to_be_visible()

    # The piped now authenticates with the new key (the old one is gone).
    piped.close()
    piped = ScriptedPiped(admin.console.cp.addr("piped"), admin.console.project, piped_id, new_key)

    # Restart: the RESTART_PIPED command reaches the piped.
    row.get_by_role("button", name="Actions for staging").click()
    page.get_by_role("menuitem", name="Restart").click()
    restart = piped.next_command(command_pb2.Command.RESTART_PIPED)
    assert restart.restart_piped.piped_id == piped_id
    piped.handled(restart.id)
    expect(page.get_by_role("status").filter(has_text="Restart of staging: Succeeded")).to_be_visible()

    # Desired version, then disable.
    page.get_by_role("button", name="Upgrade").click()
    upgrade = page.get_by_role("dialog", name="Upgrade pipeds")
    upgrade.get_by_label("Version").fill("v0.53.0")
    upgrade.get_by_role("button", name="Set desired version").click()
    expect(row).to_contain_text("v0.53.0")
    row.get_by_role("button", name="Actions for staging").click()
    page.get_by_role("menuitem", name="Disable").click()
    page.get_by_role("dialog").get_by_role("button", name="Disable").click()
    expect(row).to_contain_text("Disabled")
    piped.close()
    page.set_viewport_size(PHONE)
    admin.shot("settings-piped")
    assert not admin.errors, admin.errors


def test_create_an_api_key_and_see_it_once(admin: Tab) -> None:
    page = admin.page
    admin.goto("/settings/api-key")
    page.get_by_role("button", name="Generate API key").click()
    dialog = page.get_by_role("dialog", name="Generate API key")
    dialog.get_by_label("Name").fill("ci-deployer")
    dialog.get_by_label("Role").select_option("READ_WRITE")
    dialog.get_by_role("button", name="Generate").click()
    key = _secret(admin, "API key")
    admin.shot("settings-api-key-created")
    page.get_by_role("dialog").get_by_role("button", name="Done").click()
    row = page.get_by_role("row").filter(has_text="ci-deployer")
    expect(row).to_contain_text("Read write")
    expect(row).to_contain_text("never")

    # The key is real: pipectl's API accepts it, and the console then shows it as used.
    api = admin.console.cp.api(key)
    assert api.ListApplications(apb.ListApplicationsRequest()).applications is not None
    api.close()
    page.reload()
    expect(row).not_to_contain_text("never")
    assert key not in page.content()
    admin.shot("settings-api-key")

    row.get_by_role("button", name=re.compile("Disable")).click()
    page.get_by_role("dialog").get_by_role("button", name="Disable").click()
    expect(row).to_contain_text("Disabled")
    assert not admin.errors, admin.errors


def test_project_settings_show_the_static_admin_and_roles(admin: Tab) -> None:
    page = admin.page
    admin.goto("/settings/project")
    expect(page.get_by_role("heading", name="Static admin")).to_be_visible()
    expect(page.locator("section").filter(has_text="Static admin")).to_contain_text(admin.console.username)
    for role in ("Admin", "Editor", "Viewer"):
        expect(page.get_by_role("row").filter(has_text=role).first).to_contain_text("built-in")

    page.get_by_role("button", name="Add role").click()
    dialog = page.get_by_role("dialog", name="Add role")
    dialog.get_by_label("Name").fill("Deployer")
    dialog.get_by_label("Policies").fill("resources=nothing;actions=get")
    dialog.get_by_role("button", name="Add").click()
    expect(dialog.get_by_role("alert")).to_contain_text('unknown resource "nothing"')
    dialog.get_by_label("Policies").fill("resources=application,deployment;actions=get,list\nresources=piped;actions=*")
    dialog.get_by_role("button", name="Add").click()
    expect(page.get_by_role("row").filter(has_text="Deployer")).to_contain_text(
        "resources=application,deployment;actions=get,list")

    page.get_by_role("button", name="Add user group").click()
    group = page.get_by_role("dialog", name="Add user group")
    group.get_by_label("Team / group").fill("acme/release")
    group.get_by_label("Role").select_option("Deployer")
    group.get_by_role("button", name="Add").click()
    expect(page.get_by_role("row").filter(has_text="acme/release")).to_contain_text("Deployer")
    admin.shot("settings-project")
    assert not admin.errors, admin.errors


def test_a_viewer_signs_in_with_sso_and_is_kept_out_of_settings(browser, admin: Tab) -> None:  # noqa: ANN001
    """SSO set up from the console against a fake OpenID provider on 127.0.0.1; a member of a
    group mapped to Viewer signs in through it and is refused every change."""
    idp = ThreadedFake(FakeOIDC("console-client", "console-secret"))
    try:
        page = admin.page
        admin.goto("/settings/project")
        page.get_by_role("button", name="Configure").click()
        dialog = page.get_by_role("dialog", name="Single sign-on")
        dialog.get_by_label("Provider").select_option("OIDC")
        oidc = dialog.get_by_role("group", name="OpenID Connect")
        oidc.get_by_label("Client ID").fill(idp.fake.client_id)
        oidc.get_by_label("Client secret").fill(idp.fake.client_secret)
        oidc.get_by_label("Issuer").fill(idp.fake.url)
        oidc.get_by_label("Redirect URI").fill(admin.console.url("/auth/callback"))
        oidc.get_by_label("Scopes").fill("openid groups")
        dialog.get_by_role("button", name="Save").click()
        expect(page.locator("section").filter(has_text="Single sign-on")).to_contain_text("OpenID Connect")
        expect(page.locator("section").filter(has_text="Single sign-on")).to_contain_text(idp.fake.url)
        page.get_by_role("button", name="Add user group").click()
        group = page.get_by_role("dialog", name="Add user group")
        group.get_by_label("Team / group").fill("acme/viewers")
        group.get_by_label("Role").select_option("Viewer")
        group.get_by_role("button", name="Add").click()
        expect(page.get_by_role("row").filter(has_text="acme/viewers")).to_contain_text("Viewer")

        idp.fake.next_user = FakeUser("vera", groups=["acme/viewers"])
        context = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="UTC")
        context.set_default_timeout(10_000)
        viewer = Tab(context, admin.console)
        try:
            _blocked(viewer)
        finally:
            context.close()
        assert not viewer.outside, viewer.outside
        assert ("GET", "/authorize") in idp.fake.requests, "the login went through the provider"
    finally:
        idp.stop()


def _blocked(tab: Tab) -> None:
    page = tab.page
    tab.goto(f"/login?project={tab.console.project}")
    page.get_by_role("button", name="Log in with SSO").click()
    page.wait_for_url("**/applications")
    expect(page.locator(".user")).to_contain_text("vera")
    expect(page.get_by_role("heading", name="Applications")).to_be_visible()  # reading is allowed

    tab.goto("/settings/api-key")
    expect(page.get_by_role("alert")).to_have_text("You do not have permission to list API keys.")
    tab.shot("viewer-api-keys")

    tab.goto("/settings/piped")
    expect(page.locator("[data-list]")).to_contain_text("staging")  # a Viewer may list pipeds
    page.get_by_role("button", name="Add piped").click()
    dialog = page.get_by_role("dialog", name="Add piped")
    dialog.get_by_label("Name").fill("sneaky")
    dialog.get_by_role("button", name="Register").click()
    expect(dialog.get_by_role("alert")).to_have_text("You do not have permission to register pipeds.")
    tab.shot("viewer-piped-refused")
    dialog.get_by_role("button", name="Cancel").click()

    tab.goto("/settings/project")
    page.locator("section").filter(has_text="Static admin").get_by_role("button", name="Disable").click()
    page.get_by_role("dialog").get_by_role("button", name="Disable").click()
    expect(page.get_by_role("dialog").get_by_role("alert")).to_have_text(
        "You do not have permission to disable static admin.")
    assert not tab.errors, tab.errors
