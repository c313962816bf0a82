"""`pipecd-cp ops` as a process: ports, /healthz, /metrics (with pipeds' metrics), SIGTERM."""
from __future__ import annotations

import base64
import json
import time
from pathlib import Path

from pipecd_cp.stores.hashes import PIPED_STATS
from tests.conftest import env_with_path, run_cli
from tests.ops.conftest import REDIS_ADDRESS, REDIS_DB


def test_ports_health_metrics_and_sigterm(procs, tmp_path: Path) -> None:
    p = procs("--data-dir", str(tmp_path / "data"))
    assert set(p.ports) == {"ops", "ops-admin"}
    assert p.get("ops-admin", "/healthz") == (200, "ok")
    code, metrics = p.get("ops-admin", "/metrics")
    assert code == 200
    for task in ("orphan_command_cleaner", "stale_piped_stat_cleaner", "command_output_cleaner",
                 "application_insight_collector", "deployment_insight_collector", "deployment_chain_controller",
                 "api_key_last_used_updater"):
        assert f'pipecd_cp_ops_task_runs_total{{outcome="success",pipecd_component="ops",task="{task}"}} 0.0' in metrics
    assert "pipecd_cp_ops_task_duration_seconds_bucket" in metrics
    assert "pipecd_cp_ops_task_last_success_timestamp_seconds" in metrics
    assert "# TYPE insight_application_total gauge" in metrics
    code, page = p.get("ops", "/")
    assert code == 503 and "The owner page is not configured" in page
    assert any("the owner page is not configured" in line for line in p.lines)
    assert p.terminate() == 0
    assert any("ops | stopped" in line for line in p.lines)


def test_metrics_end_with_the_fresh_pipeds_metrics(procs, tmp_path: Path) -> None:
    import redis
    host, port = REDIS_ADDRESS.rsplit(":", 1)
    client = redis.Redis(host=host, port=int(port), db=REDIS_DB)
    client.flushdb()
    now = int(time.time())
    fresh = b'# TYPE piped_up gauge\npiped_up{piped="p-fresh"} 1\n'
    stale = b'piped_up{piped="p-stale"} 1\n'
    for piped, data, at in (("p-fresh", fresh, now), ("p-stale", stale, now - 600)):
        client.hset(PIPED_STATS, piped, json.dumps({"piped_id": piped, "metrics": base64.b64encode(data).decode(),
                                                    "timestamp": at}))
    cfg = tmp_path / "cp.yaml"
    cfg.write_text("apiVersion: pipecd.dev/v1beta1\nkind: ControlPlane\nspec:\n"
                   f"  cache: {{type: REDIS, config: {{address: '{REDIS_ADDRESS}', db: {REDIS_DB}}}}}\n")
    p = procs("--config-file", str(cfg), "--data-dir", str(tmp_path / "data"))
    _, metrics = p.get("ops-admin", "/metrics")
    assert metrics.endswith(fresh.decode()) and "p-stale" not in metrics
    assert any("ops | cache leases" in line for line in p.lines)
    client.flushdb()
    client.close()
    assert p.terminate() == 0


def test_sigterm_stops_a_running_task_at_a_safe_point(procs, site: Path, tmp_path: Path) -> None:
    env = env_with_path(site)
    data = ["--data-dir", str(tmp_path / "data")]
    assert run_cli("ops", "run", "example_heartbeat", "--once", *data, env=env).returncode == 0
    cfg = tmp_path / "cp.yaml"
    cfg.write_text("apiVersion: pipecd.dev/v1beta1\nkind: ControlPlane\nspec:\n  ops:\n    tasks:\n"
                   "      example_heartbeat: {steps: 400, stepDelay: 50ms}\n")
    # The manual run left the scheduled slot due, so the process runs it at once (a catch-up run).
    p = procs("--config-file", str(cfg), *data, env=env)
    p.wait_line("example_heartbeat | step 3/400")
    t0 = time.monotonic()
    assert p.terminate() == 0
    assert time.monotonic() - t0 < 10
    assert any("stopped: example_heartbeat stopped at a safe point for shutdown" in line for line in p.lines), p.lines
    rows = json.loads(run_cli("ops", "list", "--json", "--config-file", str(cfg), *data, env=env).stdout)
    row = next(r for r in rows if r["name"] == "example_heartbeat")
    assert row["last_outcome"] == "stopped" and row["running_on"] is None
    beat = json.loads((tmp_path / "data" / "files" / "example-task" / "heartbeat.json").read_text())
    assert beat["runs"] == 1  # the stopped run wrote nothing


def test_two_processes_on_one_redis_run_a_due_slot_once(procs, site: Path, tmp_path: Path) -> None:
    """Two `pipecd-cp ops` processes (one Redis, one datastore) start with the same slot due: one runs it."""
    import redis
    host, port = REDIS_ADDRESS.rsplit(":", 1)
    client = redis.Redis(host=host, port=int(port), db=REDIS_DB)
    client.flushdb()
    env = env_with_path(site)
    data = ["--data-dir", str(tmp_path / "data")]
    cfg = tmp_path / "cp.yaml"
    cfg.write_text("apiVersion: pipecd.dev/v1beta1\nkind: ControlPlane\nspec:\n"
                   f"  cache: {{type: REDIS, config: {{address: '{REDIS_ADDRESS}', db: {REDIS_DB}}}}}\n"
                   "  ops:\n    leaseTtl: 2s\n    tasks:\n      example_heartbeat: {steps: 10, stepDelay: 100ms}\n")
    flags = ["--config-file", str(cfg), *data]
    assert run_cli("ops", "run", "example_heartbeat", "--once", *flags, env=env).returncode == 0  # runs=1
    beat = tmp_path / "data" / "files" / "example-task" / "heartbeat.json"
    a, b = procs(*flags, env=env), procs(*flags, env=env)
    deadline = time.monotonic() + 30
    while json.loads(beat.read_text())["runs"] < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(3)  # longer than the lease TTL: a second run would have happened by now
    assert json.loads(beat.read_text())["runs"] == 2
    successes = 0
    for p in (a, b):
        _, metrics = p.get("ops-admin", "/metrics")
        successes += int(float(metrics.split(
            'pipecd_cp_ops_task_runs_total{outcome="success",pipecd_component="ops",task="example_heartbeat"} ')[1]
            .split()[0]))
    assert successes == 1
    assert a.terminate() == 0 and b.terminate() == 0
    client.flushdb()
    client.close()
