"""Applications in Chromium: add one for a piped's repository, see it synced, filter, edit,
disable, encrypt a secret, and render hostile names as text."""
from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from playwright.sync_api import expect

from pipecd_cp.domain.sealed import decrypt
from pipecd_cp.proto.grpc.service.pipedservice import service_pb2 as pb
from pipecd_cp.proto.model import application_live_state_pb2 as lpb, application_pb2, command_pb2
from tests.browser.conftest import PHONE, Console, Tab
from tests.browser.world import ScriptedPiped, now


PRIVATE = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def piped(console: Console):  # noqa: ANN201
    piped_id, key = console.cp.register_piped("prod-cluster")
    p = ScriptedPiped(console.cp.addr("piped"), console.project, piped_id, key)
    p.start(public_key=PRIVATE.public_key().public_bytes(serialization.Encoding.PEM,
                                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode())
    yield p
    p.close()


def _add(tab: Tab, name: str, path: str, labels: str = "") -> None:
    page = tab.page
    page.get_by_role("button", name="Add application").click()
    dialog = page.get_by_role("dialog", name="Add application")
    dialog.get_by_label("Name").fill(name)
    dialog.get_by_label("Piped").select_option(label="prod-cluster")
    dialog.get_by_label("Repository").select_option("deployments")
    dialog.get_by_label("Path").fill(path)
    dialog.get_by_label("Platform provider").select_option("kubernetes-default")
    dialog.get_by_label("Labels").fill(labels)
    dialog.get_by_role("button", name="Add").click()
    page.wait_for_url("**/applications/*")


def test_add_an_application_and_follow_its_state(admin: Tab, piped: ScriptedPiped) -> None:
    page = admin.page
    _add(admin, "web", "apps/web", "env:prod, team:a")
    expect(page.get_by_role("heading", name="web")).to_be_visible()
    details = page.locator("[data-info]")
    expect(details).to_contain_text("prod-cluster")
    expect(details).to_contain_text("apps/web")
    expect(details).to_contain_text("kubernetes-default")
    expect(details).to_contain_text("env: prod")

    # The piped sees the application, reports it synced and its live state: the page follows.
    app = next(a for a in piped.applications() if a.name == "web")
    piped.client.ReportApplicationSyncState(pb.ReportApplicationSyncStateRequest(
        application_id=app.id, state=application_pb2.ApplicationSyncState(
            status=application_pb2.SYNCED, short_reason="", reason="", timestamp=now())))
    t = now()
    deployment = lpb.KubernetesResourceState(id="dep", name="web", api_version="apps/v1", kind="Deployment",
                                             namespace="web", health_status=lpb.KubernetesResourceState.HEALTHY,
                                             created_at=t, updated_at=t)
    pod = lpb.KubernetesResourceState(id="pod", owner_ids=["dep"], parent_ids=["dep"], name="web-7d9f-x2", kind="Pod",
                                      api_version="v1", namespace="web", health_status=lpb.KubernetesResourceState.OTHER,
                                      health_description="ContainerCreating", created_at=t, updated_at=t)
    piped.client.ReportApplicationLiveState(pb.ReportApplicationLiveStateRequest(snapshot=lpb.ApplicationLiveStateSnapshot(
        application_id=app.id, piped_id=piped.id, project_id=app.project_id, kind=app.kind,
        health_status=lpb.ApplicationLiveStateSnapshot.OTHER,
        kubernetes=lpb.KubernetesApplicationLiveState(resources=[deployment, pod]),
        version=lpb.ApplicationLiveStateVersion(timestamp=t, index=1))))
    expect(page.locator("[data-sync]")).to_contain_text("Synced", timeout=10_000)
    tree = page.get_by_role("list", name="Resources")
    expect(tree).to_contain_text("Deployment", timeout=10_000)
    expect(tree.locator("li li")).to_contain_text("web-7d9f-x2")
    expect(tree.locator("li li")).to_contain_text("ContainerCreating")
    admin.shot("application")

    # Sync from the console: the command reaches the piped, and the console hears it was handled.
    page.get_by_label("Sync strategy").select_option("QUICK_SYNC")
    page.get_by_role("button", name="Sync", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Sync of web requested")).to_be_visible()
    cmd = piped.next_command(command_pb2.Command.SYNC_APPLICATION)
    assert cmd.application_id == app.id and cmd.commander == admin.console.username
    piped.handled(cmd.id)
    expect(page.get_by_role("status").filter(has_text="Sync of web: Succeeded")).to_be_visible(timeout=10_000)
    page.set_viewport_size(PHONE)
    admin.shot("application")
    assert not admin.errors, admin.errors


def test_list_filter_edit_disable_and_delete(admin: Tab, piped: ScriptedPiped) -> None:
    page = admin.page
    _add(admin, "api", "apps/api", "env:staging")
    admin.goto("/applications")
    table = page.locator("[data-apps]")
    expect(table.get_by_role("link", name="api", exact=True)).to_be_visible()
    page.get_by_role("button", name="Filters").click()
    page.get_by_label("Labels").fill("env:staging")
    page.get_by_role("button", name="Apply").click()
    expect(table.get_by_role("link")).to_have_count(1)
    assert "labels=env%3Astaging" in page.url
    page.reload()  # the filters live in the URL
    expect(page.locator("[data-apps]").get_by_role("link")).to_have_count(1)
    page.get_by_role("button", name="Clear").click()
    expect(page.locator("[data-count]")).to_contain_text("applications")

    page.get_by_role("button", name="Actions for api").click()
    page.get_by_role("menuitem", name="Edit").click()
    dialog = page.get_by_role("dialog", name="Edit api")
    dialog.get_by_label("Config file").fill("api.pipecd.yaml")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Application api saved")).to_be_visible()

    page.get_by_role("button", name="Actions for api").click()
    page.get_by_role("menuitem", name="Disable").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="api", exact=True))
    expect(row).to_contain_text("Disabled")
    page.get_by_label("Active status").select_option("enabled")
    expect(page.get_by_role("link", name="api", exact=True)).to_have_count(0)
    page.get_by_label("Active status").select_option("")

    page.get_by_role("button", name="Actions for api").click()
    page.get_by_role("menuitem", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page.get_by_role("link", name="api", exact=True)).to_have_count(0)
    admin.shot("applications")
    page.set_viewport_size(PHONE)
    admin.shot("applications")
    assert not admin.errors, admin.errors


def test_encrypt_a_secret_only_the_piped_can_read(admin: Tab, piped: ScriptedPiped) -> None:
    page = admin.page
    admin.goto("/applications")
    page.get_by_role("button", name="Actions for web").click()
    page.get_by_role("menuitem", name="Encrypt secret").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="Secret").fill("s3cr3t-password")
    dialog.get_by_role("button", name="Encrypt").click()
    result = page.get_by_role("dialog", name="Encrypted secret")
    sealed = result.get_by_label("Encrypted data", exact=True).input_value()
    private_pem = PRIVATE.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    assert decrypt(private_pem, sealed) == b"s3cr3t-password"
    admin.shot("application-sealed-secret")
    result.get_by_role("button", name="Done").click()
    assert not admin.errors, admin.errors


def test_names_from_the_api_are_rendered_as_text(admin: Tab, piped: ScriptedPiped) -> None:
    hostile = '<img src=x onerror="window.__xss=1">'
    _add(admin, hostile, "apps/xss", "note:<b>bold</b>")
    page = admin.page
    expect(page.get_by_role("heading", name=hostile)).to_be_visible()
    admin.goto("/applications")
    expect(page.get_by_role("link", name=hostile)).to_be_visible()
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("[data-apps] img").count() == 0 and page.locator("[data-apps] b").count() == 0
