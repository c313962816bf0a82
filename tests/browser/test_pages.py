"""Every page of the console on PipeCD's paths, at 1280x800 and 390x844: it renders its data,
throws nothing, keeps WCAG AA text contrast, does not overflow sideways, loads nothing from other
sites, and the first load stays within the asset budget."""
from __future__ import annotations

import gzip
import re
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from pipecd_cp.proto.grpc.service.apiservice import service_pb2 as apb
from pipecd_cp.proto.grpc.service.pipedservice import service_pb2 as pb
from pipecd_cp.proto.model import application_pb2, command_pb2, common_pb2, deployment_pb2 as dpb
from tests.browser.conftest import DESKTOP, PHONE, Console, Tab
from tests.browser.helpers import horizontal_overflow, low_contrast
from tests.browser.world import ScriptedPiped, stage

BUDGET_GZIP = 300 * 1024


@pytest.fixture(scope="module")
def world(console: Console) -> dict:
    """Applications, deployments (some failed), an event with its trace, a chain, and insights."""
    cp = console.cp
    piped_id, key = cp.register_piped("prod-cluster")
    piped = ScriptedPiped(cp.addr("piped"), console.project, piped_id, key)
    piped.start()
    api = cp.api(cp.api_key("READ_WRITE", name="seed"))
    for name, kind in (("web", common_pb2.KUBERNETES), ("api", common_pb2.KUBERNETES), ("infra", common_pb2.TERRAFORM)):
        api.AddApplication(apb.AddApplicationRequest(
            name=name, piped_id=piped_id, kind=kind, labels={"env": "prod"},
            git_path=common_pb2.ApplicationGitPath(repo=common_pb2.ApplicationGitRepository(id="deployments"),
                                                   path=f"apps/{name}")))
    apps = {a.name: a for a in piped.applications()}
    for i, status in enumerate([dpb.DEPLOYMENT_SUCCESS, dpb.DEPLOYMENT_FAILURE, dpb.DEPLOYMENT_SUCCESS]):
        piped.deploy(apps["web"], f"dep-{i}", [stage(f"s{i}", "K8S_SYNC", 0)])
        piped.stage(f"dep-{i}", f"s{i}", dpb.STAGE_SUCCESS if status == dpb.DEPLOYMENT_SUCCESS else dpb.STAGE_FAILURE)
        piped.complete(f"dep-{i}", status)
    t = int(time.time())
    for name, status, reason in (("web", application_pb2.SYNCED, ""), ("api", application_pb2.OUT_OF_SYNC,
                                                                      "1 manifest differs from Git"),
                                 ("infra", application_pb2.DEPLOYING, "A deployment is running")):
        piped.client.ReportApplicationSyncState(pb.ReportApplicationSyncStateRequest(
            application_id=apps[name].id, state=application_pb2.ApplicationSyncState(
                status=status, short_reason=reason, reason=reason, timestamp=t)))
    piped.client.ReportApplicationMostRecentDeployment(pb.ReportApplicationMostRecentDeploymentRequest(
        application_id=apps["web"].id, status=dpb.DEPLOYMENT_SUCCESS,
        deployment=application_pb2.ApplicationDeploymentReference(
            deployment_id="dep-2", trigger=dpb.DeploymentTrigger(commit=dpb.Commit(
                hash="4f1c2d9e", message="Bump web to v2", author="dev", branch="main", created_at=t), timestamp=t),
            versions=[common_pb2.ArtifactVersion(name="web", version="v2.3.1")], started_at=t - 90,
            completed_at=t - 30)))
    api.RegisterEvent(apb.RegisterEventRequest(
        name="image-update", data="ghcr.io/acme/web:v3", labels={"app": "web"}, commit_hash="c0ffee1",
        commit_url="https://github.com/acme/web/commit/c0ffee1", commit_title="Release v3", commit_author="dev"))
    chained = dpb.Deployment(id="dep-chain-0", application_id=apps["web"].id, application_name="web",
                             piped_id=piped_id, project_id=console.project, kind=apps["web"].kind,
                             git_path=apps["web"].git_path, trigger=dpb.DeploymentTrigger(
                                 commit=dpb.Commit(hash="c0ffee1", message="Release v3", author="dev", branch="main",
                                                   created_at=1), timestamp=1),
                             status=dpb.DEPLOYMENT_PENDING, deployment_trace_commit_hash="c0ffee1")
    piped.client.CreateDeploymentChain(pb.CreateDeploymentChainRequest(
        first_deployment=chained, matchers=[pb.CreateDeploymentChainRequest.ApplicationMatcher(name="api")]))
    chain_id = ""
    for c in piped.commands():
        if c.type == command_pb2.Command.CHAIN_SYNC_APPLICATION:
            chain_id = c.chain_sync_application.deployment_chain_id
            piped.handled(c.id)
    for task in ("application_insight_collector", "deployment_insight_collector"):
        cp.cli("ops", "run", task, "--once")
    api.close()
    piped.close()
    return {"apps": apps, "chain": chain_id}


# (path, a heading on it, a text it shows from the seeded data)
PAGES = [
    ("/applications", "Applications", "web:v2.3.1"),
    ("/applications/{web}", "web", "prod-cluster"),
    ("/deployments", "Deployments", "web"),
    ("/deployments/dep-1", "web", "K8S_SYNC"),
    ("/deployment-traces", "Deployment traces", "Release v3"),
    ("/chains", "Deployment chains", "api"),
    ("/chains/{chain}", "Chain", "Block 2"),
    ("/events", "Events", "image-update"),
    ("/insights", "Insights", "3 applications"),
    ("/settings/piped", "Pipeds", "prod-cluster"),
    ("/settings/project", "Project", "Static admin"),
    ("/settings/api-key", "API keys", "seed"),
]


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_page_renders_readably(admin: Tab, world: dict, size: dict) -> None:
    page = admin.page
    page.set_viewport_size(size)
    for path, heading, text in PAGES:
        path = path.format(web=world["apps"]["web"].id, chain=world["chain"])
        admin.goto(path)  # a full load of the path: the server's SPA fallback serves the console
        expect(page.get_by_role("heading", name=heading, exact=False).first).to_be_visible()
        expect(page.locator("main")).to_contain_text(text)
        expect(page.get_by_text(re.compile("^Loading"))).to_have_count(0)
        named = path.replace(world["apps"]["web"].id, "ID").replace(world["chain"], "ID")
        name = re.sub(r"[^a-z0-9]+", "-", named.lower()).strip("-")
        admin.shot(f"page-{name}")
        assert not low_contrast(admin), (path, low_contrast(admin))
        assert horizontal_overflow(admin) <= 0, (path, horizontal_overflow(admin))
    assert not admin.errors, admin.errors


def test_insights_charts_count_the_deployments(admin: Tab, world: dict) -> None:
    page = admin.page
    admin.goto("/insights")
    freq = page.locator("section").filter(has=page.get_by_role("heading", name="Deployment frequency"))
    cfr = page.locator("section").filter(has=page.get_by_role("heading", name="Change failure rate"))
    expect(freq.get_by_role("img")).to_be_visible()
    expect(freq.locator("figcaption")).to_contain_text("Total 3")  # the three completed deployments, today
    expect(cfr.get_by_role("img")).to_have_attribute("aria-label", re.compile(r"highest 33\.3%"))  # 1 failed of 3
    expect(page.locator("section").filter(has_text="By kind")).to_contain_text("Terraform")
    page.get_by_label("Resolution").select_option("MONTHLY")
    page.get_by_role("button", name="Apply").click()
    expect(freq.locator("figcaption")).to_contain_text("Total")
    assert "resolution=MONTHLY" in page.url
    admin.shot("insights-monthly")


def test_the_first_load_stays_within_the_budget(tab: Tab) -> None:
    responses = []
    tab.page.on("response", lambda r: responses.append(r)
                if r.request.resource_type in ("document", "script", "stylesheet", "image", "font") else None)
    tab.goto("/login")
    expect(tab.page.get_by_role("heading", name="Sign in to PipeCD")).to_be_visible()
    tab.page.wait_for_load_state("networkidle")  # the login page polls nothing
    sizes = {r.url: len(gzip.compress(r.body(), 9)) for r in responses}
    total = sum(sizes.values())
    assert total < BUDGET_GZIP, sizes
    assets = [u for u in sizes if "/assets/" in u]
    assert any(u.endswith(".js") for u in assets) and any(u.endswith(".css") for u in assets)
    # Hashed assets are cached for a year; the page itself is revalidated.
    with urllib.request.urlopen(assets[0]) as r:
        assert "immutable" in r.headers["Cache-Control"] and "max-age=31536000" in r.headers["Cache-Control"]
    with urllib.request.urlopen(tab.console.url("/deployments/some-id")) as r:
        assert r.headers["Cache-Control"] == "no-cache" and b"/assets/app-" in r.read()


def test_the_navigation_folds_on_a_phone(admin: Tab, world: dict) -> None:
    page = admin.page
    page.set_viewport_size(PHONE)
    nav = page.get_by_role("navigation", name="Main")
    toggle = page.get_by_role("button", name="Menu")
    expect(nav).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    nav.get_by_role("link", name="Events").click()
    page.wait_for_url("**/events")
    expect(page.get_by_role("heading", name="Events")).to_be_focused()  # focus moves to the new page
    expect(nav).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
