"""A deployment driven by a scripted piped, watched in Chromium: the stage pipeline, stage logs
that grow while the page is open, approval of a WAIT_APPROVAL stage, and the deployment list."""
from __future__ import annotations

import time

from playwright.sync_api import expect

from pipecd_cp.proto.grpc.service.apiservice import service_pb2 as apb
from pipecd_cp.proto.grpc.service.pipedservice import service_pb2 as pb
from pipecd_cp.proto.model import command_pb2, common_pb2, deployment_pb2 as dpb, logblock_pb2
from tests.browser.conftest import PHONE, Tab
from tests.browser.world import ScriptedPiped, stage


def _app(tab: Tab, piped: ScriptedPiped, name: str):  # noqa: ANN202
    api = tab.console.cp.api(tab.console.cp.api_key("READ_WRITE", name=f"setup-{name}"))
    api.AddApplication(apb.AddApplicationRequest(
        name=name, piped_id=piped.id, kind=common_pb2.KUBERNETES, labels={"env": "prod"},
        git_path=common_pb2.ApplicationGitPath(repo=common_pb2.ApplicationGitRepository(id="deployments"),
                                               path=f"apps/{name}")))
    api.close()
    return next(a for a in piped.applications() if a.name == name)


def test_watch_a_deployment_with_live_logs_and_approve_it(admin: Tab) -> None:
    piped_id, key = admin.console.cp.register_piped("deployer")
    piped = ScriptedPiped(admin.console.cp.addr("piped"), admin.console.project, piped_id, key)
    piped.start()
    app = _app(admin, piped, "checkout")
    piped.deploy(app, "dep-live", [
        stage("s-sync", "K8S_CANARY_ROLLOUT", 0, desc="Rollout the canary"),
        stage("s-approve", "WAIT_APPROVAL", 1, requires=["s-sync"], desc="Wait for an approval"),
        stage("s-primary", "K8S_PRIMARY_ROLLOUT", 2, requires=["s-approve"]),
        stage("s-rollback", "ROLLBACK", 3, rollback=True, visible=False)])
    piped.stage("dep-live", "s-sync", dpb.STAGE_RUNNING)
    piped.log("dep-live", "s-sync", 0, ["Start rolling out the canary", "Applying 2 manifests"])

    page = admin.page
    admin.goto("/deployments/dep-live")
    expect(page.get_by_role("heading", name="checkout")).to_contain_text("Running")
    stages = page.get_by_role("list", name="Stages")
    expect(stages.get_by_role("button", name="K8S_CANARY_ROLLOUT")).to_have_attribute("aria-pressed", "true")
    expect(stages).to_contain_text("WAIT_APPROVAL")
    expect(stages).not_to_contain_text("ROLLBACK")
    log = page.get_by_role("log")
    expect(log.locator("li")).to_have_count(2)
    expect(log).to_contain_text("Applying 2 manifests")
    # Mark the rendered lines: when new blocks arrive they must be appended, not re-rendered.
    page.evaluate("() => document.querySelectorAll('.log li').forEach((li) => { li.__seen = true; })")
    url = page.url

    piped.log("dep-live", "s-sync", 2, ["deployment.apps/checkout-canary configured"])
    piped.log("dep-live", "s-sync", 3, ["Canary is not healthy yet"], severity=logblock_pb2.ERROR)
    expect(log.locator("li")).to_have_count(4, timeout=10_000)
    expect(log.locator("li.sev-ERROR")).to_contain_text("Canary is not healthy yet")
    assert page.evaluate("() => [...document.querySelectorAll('.log li')].slice(0, 2).every((li) => li.__seen)")
    assert page.url == url, "no reload"
    admin.shot("deployment-running")

    # The canary stage ends; approval is awaited. The approve button appears on its own.
    piped.client.ReportStageLogsFromLastCheckpoint(pb.ReportStageLogsFromLastCheckpointRequest(
        deployment_id="dep-live", stage_id="s-sync", completed=True, blocks=[
            logblock_pb2.LogBlock(index=4, log="Canary rolled out", severity=logblock_pb2.SUCCESS, created_at=int(time.time()))]))
    piped.stage("dep-live", "s-sync", dpb.STAGE_SUCCESS)
    piped.stage("dep-live", "s-approve", dpb.STAGE_RUNNING)
    piped.log("dep-live", "s-approve", 0, ["Waiting for an approval from anyone"])
    approve = stages.get_by_role("button", name="Approve WAIT_APPROVAL")
    expect(approve).to_be_visible(timeout=10_000)
    stages.get_by_role("button", name="WAIT_APPROVAL").first.click()
    expect(log).to_contain_text("Waiting for an approval from anyone", timeout=10_000)
    admin.shot("deployment-wait-approval")
    approve.click()
    expect(page.get_by_role("status").filter(has_text="Approval of WAIT_APPROVAL requested")).to_be_visible()

    # The APPROVE_STAGE command reaches the piped, from the signed-in user.
    cmd = piped.next_command(command_pb2.Command.APPROVE_STAGE)
    assert cmd.approve_stage.deployment_id == "dep-live" and cmd.approve_stage.stage_id == "s-approve"
    assert cmd.commander == admin.console.username
    piped.handled(cmd.id)
    expect(page.get_by_role("status").filter(has_text="Approval of WAIT_APPROVAL: Succeeded")).to_be_visible(
        timeout=10_000)
    piped.stage("dep-live", "s-approve", dpb.STAGE_SUCCESS)
    piped.stage("dep-live", "s-primary", dpb.STAGE_SUCCESS)
    piped.complete("dep-live")
    expect(page.get_by_role("heading", name="checkout")).to_contain_text("Success", timeout=10_000)
    expect(page.get_by_role("button", name="Cancel deployment")).to_have_count(0)
    admin.shot("deployment")
    page.set_viewport_size(PHONE)
    admin.shot("deployment")
    piped.close()
    assert not admin.errors, admin.errors


def test_cancel_a_running_deployment(admin: Tab) -> None:
    piped_id, key = admin.console.cp.register_piped("canceller")
    piped = ScriptedPiped(admin.console.cp.addr("piped"), admin.console.project, piped_id, key)
    piped.start()
    app = _app(admin, piped, "billing")
    piped.deploy(app, "dep-cancel", [stage("c-sync", "K8S_SYNC", 0)])
    piped.stage("dep-cancel", "c-sync", dpb.STAGE_RUNNING)
    page = admin.page
    admin.goto("/deployments/dep-cancel")
    page.get_by_role("button", name="Cancel deployment").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Do not roll back").check()
    dialog.get_by_role("button", name="Cancel deployment").click()
    cmd = piped.next_command(command_pb2.Command.CANCEL_DEPLOYMENT)
    assert cmd.cancel_deployment.force_no_rollback and not cmd.cancel_deployment.force_rollback
    piped.handled(cmd.id)
    piped.complete("dep-cancel", dpb.DEPLOYMENT_CANCELLED)
    expect(page.get_by_role("heading", name="billing")).to_contain_text("Cancelled", timeout=10_000)
    piped.close()


def test_skip_a_running_analysis_stage(admin: Tab) -> None:
    piped_id, key = admin.console.cp.register_piped("analyser")
    piped = ScriptedPiped(admin.console.cp.addr("piped"), admin.console.project, piped_id, key)
    piped.start()
    app = _app(admin, piped, "search")
    piped.deploy(app, "dep-skip", [stage("a-analysis", "ANALYSIS", 0, desc="Analyze the canary"),
                                   stage("a-sync", "K8S_SYNC", 1, requires=["a-analysis"])])
    piped.stage("dep-skip", "a-analysis", dpb.STAGE_RUNNING)
    page = admin.page
    admin.goto("/deployments/dep-skip")
    stages = page.get_by_role("list", name="Stages")
    expect(stages.get_by_role("button", name="Approve ANALYSIS")).to_have_count(0)
    stages.get_by_role("button", name="Skip ANALYSIS").click()
    cmd = piped.next_command(command_pb2.Command.SKIP_STAGE)
    assert cmd.skip_stage.stage_id == "a-analysis" and cmd.skip_stage.deployment_id == "dep-skip"
    piped.handled(cmd.id)
    expect(page.get_by_role("status").filter(has_text="Skip of ANALYSIS: Succeeded")).to_be_visible(timeout=10_000)
    piped.close()
    assert not admin.errors, admin.errors


def test_the_deployment_list_filters_and_pages(admin: Tab) -> None:
    piped_id, key = admin.console.cp.register_piped("lister")
    piped = ScriptedPiped(admin.console.cp.addr("piped"), admin.console.project, piped_id, key)
    piped.start()
    app = _app(admin, piped, "catalog")
    for i in range(55):  # more than the first page (50)
        piped.deploy(app, f"dep-many-{i:02d}", [stage(f"m{i}", "K8S_SYNC", 0)])
        if i % 2:
            piped.complete(f"dep-many-{i:02d}", dpb.DEPLOYMENT_FAILURE)
    page = admin.page
    admin.goto("/deployments")
    rows = page.locator(".row-deployment")
    expect(rows).to_have_count(50)
    page.get_by_role("button", name="Load more").click()
    expect(page.locator(".row-deployment").filter(has_text="catalog")).to_have_count(55, timeout=10_000)
    page.get_by_role("button", name="Filters").click()
    page.get_by_label("Status").select_option("DEPLOYMENT_FAILURE")
    expect(rows).to_have_count(27)
    assert "status=DEPLOYMENT_FAILURE" in page.url
    admin.shot("deployments")
    page.set_viewport_size(PHONE)
    admin.shot("deployments")
    piped.close()
    assert not admin.errors, admin.errors
