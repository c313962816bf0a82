"""The console's speed in Debian's headless Chromium, against a real `pipecd-cp serve`, in one run.

    python -m bench.console              # 5 cold loads of each case
    python -m bench.console --runs 9 --apps 2000

Two projects are seeded over gRPC (a scripted piped and pipectl's API): one with 10
applications (the baseline) and one with 1,000. Each run signs in through the login form in a
fresh browser context (empty cache, so every load is a first load) and opens /applications; the
runs of the two cases alternate. Reported (medians):

- load: from navigation start to the list painted (the frame after the console's
  `pipecd:rendered` event), including the assets, GetMe, ListPipeds and ListApplications;
- render: from the ListApplications answer to the list painted (decoding plus DOM);
- the first load's assets (HTML, JS, CSS, icon) gzip-compressed, against the 300 KB budget.

Figures are given as ratios against the 10-application baseline measured in the same run, so
they compare across machines. Not a test: nothing here fails on a number.
"""
from __future__ import annotations

import argparse
import gzip
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import grpc

from pipecd_cp.proto.grpc.service.apiservice import service_pb2 as apb
from pipecd_cp.proto.grpc.service.pipedservice import service_pb2 as pb
from pipecd_cp.proto.model import application_pb2, common_pb2, deployment_pb2 as dpb
from pipecd_cp.testing.clients import APIClient, PipedClient

CHROMIUM = "/usr/bin/chromium"
# The flags of tests/browser/conftest.py: headless, and no network of Chromium's own.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BUDGET_KB = 300
_READY = re.compile(r"server \| ready (.*)$")
_CREDS = re.compile(r"^(username|password): (\S+)$", re.M)

# Marks the paint that follows the console's `pipecd:rendered` event (two frames: the one that
# lays the list out, then the next, by which it has been painted).
INIT_SCRIPT = """
document.addEventListener("pipecd:rendered", (e) => {
  window.__fetched = performance.getEntriesByName("apps:fetched").pop()?.startTime;
  requestAnimationFrame(() => requestAnimationFrame(() => { window.__painted = performance.now(); }));
});
"""


class Serve:
    """`pipecd-cp serve` on free ports in a temporary data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        cmd = [sys.executable, "-m", "pipecd_cp", "serve", "--data-dir", str(data_dir), "--bind", "127.0.0.1",
               "--insecure-cookie", *[a for p in ("piped-api", "web-api", "http", "api", "admin")
                                      for a in (f"--{p}-port", "0")]]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.ports: dict[str, int] = {}
        self.lines: list[str] = []
        ready = threading.Event()

        def pump() -> None:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                self.lines.append(line)
                m = _READY.search(line)
                if m:
                    self.ports = {k: int(v) for k, v in (p.split("=") for p in m.group(1).split())}
                    ready.set()
        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(60):
            self.proc.kill()
            raise SystemExit("serve did not start:\n" + "".join(self.lines[-20:]))

    def cli(self, *args: str) -> str:
        r = subprocess.run([sys.executable, "-m", "pipecd_cp", *args, "--data-dir", str(self.data_dir)],
                           capture_output=True, text=True, timeout=120)
        if r.returncode:
            raise SystemExit(f"pipecd-cp {' '.join(args)} failed:\n{r.stderr}")
        return r.stdout

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.ports['http']}{path}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def seed(server: Serve, project: str, count: int) -> tuple[str, str]:
    """A project with `count` applications (some out of sync, with deployments); its admin login."""
    creds = dict(_CREDS.findall(server.cli("project", "add", "--id", project)))
    out = server.cli("piped", "register", "--project", project, "--name", f"{project}-piped")
    found = dict(re.findall(r"^(piped-id|piped-key): (\S+)$", out, re.M))
    piped_id = found["piped-id"]
    piped = PipedClient(f"127.0.0.1:{server.ports['piped']}", project, piped_id, found["piped-key"], timeout=60)
    piped.ReportPipedMeta(pb.ReportPipedMetaRequest(version="v0.52.0", repositories=[
        common_pb2.ApplicationGitRepository(id="deployments", remote="git@github.com:acme/deployments.git",
                                            branch="main")]))
    key = server.cli("apikey", "create", "--project", project, "--name", "bench", "--role",
                     "READ_WRITE").splitlines()[-1]
    api = APIClient(f"127.0.0.1:{server.ports['api']}", key, timeout=60)
    kinds = [common_pb2.KUBERNETES, common_pb2.TERRAFORM, common_pb2.CLOUDRUN, common_pb2.LAMBDA, common_pb2.ECS]
    ids = []
    for i in range(count):
        ids.append(api.AddApplication(apb.AddApplicationRequest(
            name=f"service-{i:04d}", piped_id=piped_id, kind=kinds[i % len(kinds)],
            labels={"env": ("prod", "staging", "dev")[i % 3], "team": f"team-{i % 17}"},
            git_path=common_pb2.ApplicationGitPath(repo=common_pb2.ApplicationGitRepository(id="deployments"),
                                                   path=f"apps/service-{i:04d}"))).application_id)
    now = int(time.time())
    for i, app_id in enumerate(ids):
        status = (application_pb2.SYNCED, application_pb2.OUT_OF_SYNC, application_pb2.DEPLOYING)[i % 3]
        piped.ReportApplicationSyncState(pb.ReportApplicationSyncStateRequest(
            application_id=app_id, state=application_pb2.ApplicationSyncState(
                status=status, short_reason="" if status == application_pb2.SYNCED else "There are changes",
                timestamp=now)))
        commit = dpb.Commit(hash=f"{i:07x}abc", message="bump", author="dev", branch="main", created_at=now)
        piped.ReportApplicationMostRecentDeployment(pb.ReportApplicationMostRecentDeploymentRequest(
            application_id=app_id, status=dpb.DEPLOYMENT_SUCCESS, deployment=application_pb2.ApplicationDeploymentReference(
                deployment_id=f"dep-{i}", trigger=dpb.DeploymentTrigger(commit=commit, timestamp=now),
                version=f"v1.{i}.0", versions=[common_pb2.ArtifactVersion(name="app", version=f"v1.{i}.0")],
                started_at=now - 60, completed_at=now - 30)))
    api.close()
    piped.close()
    return creds["username"], creds["password"]


def login(page, server: Serve, project: str, user: str, password: str) -> None:  # noqa: ANN001
    page.goto(server.url(f"/login?project={project}"))
    page.get_by_label("Username").fill(user)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url("**/applications")


def session(browser, server: Serve, case: dict) -> dict:  # noqa: ANN001
    """Sign in once through the login form; the storage state (the cookie) for later contexts."""
    context = browser.new_context()
    try:
        login(context.new_page(), server, case["project"], case["user"], case["password"])
        return context.storage_state()
    finally:
        context.close()


def measure(browser, server: Serve, case: dict, expect_rows: int) -> tuple[float, float]:  # noqa: ANN001
    """One cold load of /applications: (navigation start -> painted, answer -> painted) in ms."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, storage_state=case["state"])
    try:
        context.add_init_script(INIT_SCRIPT)
        page = context.new_page()
        page.goto(server.url("/applications"))
        page.wait_for_function("() => window.__painted !== undefined", timeout=120_000)
        rows = page.locator("[data-apps] .gt-body [role=row]").count()
        if rows != expect_rows:
            raise SystemExit(f"expected {expect_rows} rows, the page shows {rows}")
        painted, fetched = page.evaluate("() => [window.__painted, window.__fetched]")
        return painted, painted - fetched
    finally:
        context.close()


def first_load_assets(browser, server: Serve) -> dict[str, int]:  # noqa: ANN001
    """Each asset of a first load of the console (the login page) and its gzip -9 size."""
    context = browser.new_context()
    try:
        page = context.new_page()
        responses = []
        page.on("response", lambda r: responses.append(r)
                if r.request.resource_type in ("document", "script", "stylesheet", "image", "font") else None)
        page.goto(server.url("/login"))
        page.get_by_role("heading", name="Sign in to PipeCD").wait_for()
        page.wait_for_load_state("networkidle")
        return {r.url.split("/", 3)[-1] or "/": len(gzip.compress(r.body(), 9)) for r in responses}
    finally:
        context.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="cold loads of each case (default 5)")
    ap.add_argument("--apps", type=int, default=1000, help="applications of the large case (default 1000)")
    ap.add_argument("--baseline", type=int, default=10, help="applications of the baseline (default 10)")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: run scripts/browser-deps")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server = Serve(Path(tmp))
        try:
            t0 = time.monotonic()
            small = dict(zip(("user", "password"), seed(server, "bench-small", args.baseline)), project="bench-small")
            large = dict(zip(("user", "password"), seed(server, "bench-large", args.apps)), project="bench-large")
            print(f"seeded {args.baseline} + {args.apps} applications in {time.monotonic() - t0:.1f}s", flush=True)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                assets = first_load_assets(browser, server)
                small["state"], large["state"] = session(browser, server, small), session(browser, server, large)
                measure(browser, server, small, args.baseline)  # warm the server and Chromium once
                results: dict[str, list[tuple[float, float]]] = {"small": [], "large": []}
                for _ in range(args.runs):
                    results["small"].append(measure(browser, server, small, args.baseline))
                    results["large"].append(measure(browser, server, large, args.apps))
                version = browser.version
                browser.close()
        finally:
            server.stop()

    med = {k: (statistics.median(v[0] for v in runs), statistics.median(v[1] for v in runs))
           for k, runs in results.items()}
    base_load, base_render = med["small"]
    total_kb = sum(assets.values()) / 1024
    rows = [
        ("first load assets, gzip", f"{total_kb:.1f} KB", f"{total_kb / BUDGET_KB:.2f} of the {BUDGET_KB} KB budget"),
        *[(f"  {name}", f"{size / 1024:.1f} KB", "") for name, size in sorted(assets.items())],
        (f"/applications load, {args.baseline} apps (baseline)", f"{base_load:.0f} ms", "1.00x"),
        (f"/applications load, {args.apps:,} apps", f"{med['large'][0]:.0f} ms", f"{med['large'][0] / base_load:.2f}x"),
        (f"render (answer -> painted), {args.baseline} apps (baseline)", f"{base_render:.0f} ms", "1.00x"),
        (f"render (answer -> painted), {args.apps:,} apps", f"{med['large'][1]:.0f} ms",
         f"{med['large'][1] / base_render:.2f}x" if base_render > 0 else "n/a"),
    ]
    widths = [max(len(r[i]) for r in rows + [("measurement", "value", "ratio")]) for i in range(3)]
    print(f"Chromium {version}, median of {args.runs} cold loads per case")
    for r in [("measurement", "value", "ratio"), tuple("-" * w for w in widths), *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except grpc.RpcError as err:
        raise SystemExit(f"seeding failed: {err.code().name}: {err.details()}") from None
