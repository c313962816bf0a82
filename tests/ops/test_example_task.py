"""A third-party ops task installed as a real distribution is listed, scheduled and reports failures."""
from __future__ import annotations

import json
from pathlib import Path

from pipecd_cp.ops.clock import ManualClock
from pipecd_cp.ops.registry import resolve_all
from pipecd_cp.ops.state import TaskStates
from tests.conftest import env_with_path, run_cli
from tests.ops.conftest import Backend, settle


def test_plugins_list_shows_the_task_and_its_hook(site: Path) -> None:
    rows = json.loads(run_cli("plugins", "list", "--json", env=env_with_path(site)).stdout)
    mine = {(r["name"], r["group"]): r["hooks"] for r in rows if r["distribution"] == "pipecd-cp-example-task"}
    assert mine == {("example_heartbeat", "pipecd_cp.ops_tasks"): [],
                    ("example_task", "pipecd_cp.plugins"): ["ops_task_failed"]}
    builtin = {r["name"] for r in rows if r["group"] == "pipecd_cp.ops_tasks" and r["distribution"] == "pipecd-cp"}
    assert {"orphan_command_cleaner", "deployment_insight_collector", "retention_cleaner"} <= builtin


def test_ops_list_and_run_once(site: Path, tmp_path: Path) -> None:
    env = env_with_path(site)
    data = ["--data-dir", str(tmp_path / "data")]
    out = run_cli("ops", "list", *data, env=env).stdout
    line = next(line for line in out.splitlines() if line.startswith("example_heartbeat"))
    assert "every 5m" in line and " yes " in line
    r = run_cli("ops", "run", "example_heartbeat", "--once", *data, env=env)
    assert r.returncode == 0 and r.stdout.startswith("example_heartbeat: heartbeat 1 written (runs=1)"), r.stderr
    r = run_cli("ops", "run", "example_heartbeet", "--once", *data, env=env)
    assert r.returncode == 1
    assert r.stderr.strip().startswith("pipecd-cp: error: unknown ops task 'example_heartbeet'; installed: ")
    assert "example_heartbeat" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    cfg = tmp_path / "cp.yaml"
    cfg.write_text("apiVersion: pipecd.dev/v1beta1\nkind: ControlPlane\nspec:\n  ops:\n    tasks:\n"
                   "      example_heartbeat: {fail: true}\n")
    r = run_cli("ops", "run", "example_heartbeat", "--once", "--config-file", str(cfg), *data, env=env)
    assert r.returncode == 1 and "failure: RuntimeError: example_heartbeat is configured to fail" in r.stderr
    rows = json.loads(run_cli("ops", "list", "--json", "--config-file", str(cfg), *data, env=env).stdout)
    row = next(r for r in rows if r["name"] == "example_heartbeat")
    assert row["last_outcome"] == "failure" and row["distribution"] == "pipecd-cp-example-task 0.1.0"


async def test_the_host_schedules_it_and_its_failures_reach_the_hook(site: Path, monkeypatch, make_host,
                                                                      schedulers, clock: ManualClock) -> None:
    monkeypatch.syspath_prepend(str(site))
    from pipecd_cp.plugins import build_plugin_manager
    host = await make_host(Backend("embedded"), "ops:\n  tasks:\n    example_heartbeat: {fail: true, jitter: 0s}\n")
    host.pm = build_plugin_manager(env={})  # with the example's hook plugin, now on the path
    tasks = {t.name: t for t in resolve_all(host)}
    st = tasks["example_heartbeat"]
    assert st.distribution == "pipecd-cp-example-task 0.1.0" and st.schedule.describe() == "every 5m"
    s = await schedulers(host, [st])
    slot = st.schedule.next(clock.time())
    await clock.advance(slot - clock.time() + 100, settle=lambda: settle(s))
    failures = sorted(o.path for o in await host.filestore.list("example-task/failures/"))
    assert failures == ["example-task/failures/example_heartbeat-1.txt", "example-task/failures/example_heartbeat-2.txt",
                        "example-task/failures/example_heartbeat-3.txt"]  # at +0s, +30s, +90s
    assert (await host.filestore.get(failures[0])) == b"RuntimeError: example_heartbeat is configured to fail"
    st.task.fail = False  # type: ignore[attr-defined]
    await clock.advance(150, settle=lambda: settle(s))  # the 4th try, at +210s, succeeds
    beat = json.loads(await host.filestore.get("example-task/heartbeat.json"))
    assert beat == {"runs": 1, "last_run_at": slot + 210, "slot": slot}
    state = await TaskStates(host.datastore).get("example_heartbeat")
    assert state.last_slot == slot and state.failures == 0


def test_its_own_tests_pass(site: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import REPO
    example = REPO / "examples" / "pipecd-cp-example-task"
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(example / "tests")],
                       capture_output=True, text=True, env=env_with_path(site), timeout=300, cwd=example)
    assert r.returncode == 0 and " passed" in r.stdout, r.stdout[-2000:]
