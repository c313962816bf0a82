"""`spec.ops` and the ops tasks' options are validated with file, line and field."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipecd_cp.app import Host, HostSettings
from pipecd_cp.config import parse_config
from pipecd_cp.errors import ConfigError, PluginError
from pipecd_cp.ops.registry import resolve, resolve_all
from pipecd_cp.ops.schedule import Cron, Every, parse_schedule
from pipecd_cp.plugins import build_plugin_manager

HEAD = "apiVersion: pipecd.dev/v1beta1\nkind: ControlPlane\nspec:\n"


def fails(body: str) -> str:
    with pytest.raises(ConfigError) as err:
        parse_config(HEAD + body, "cp.yaml")
    return str(err.value)


def test_the_ops_block() -> None:
    cfg = parse_config(HEAD + "  ops:\n    leaseTtl: 30s\n    tasks:\n      Orphan_Command_Cleaner:\n"
                              "        interval: 1h\n        jitter: 0s\n        olderThan: 12h\n", "cp.yaml")
    task = cfg.spec.ops.task("orphan_command_cleaner")
    assert cfg.spec.ops.effective_lease_ttl == 30 and task.interval == 3600 and task.jitter == 0
    assert task.options.value == {"olderThan": "12h"}


@pytest.mark.parametrize("body, message", [
    ("  ops:\n    tasks:\n      x:\n        schedule: '61 * * * *'\n",
     "cp.yaml:7: spec.ops.tasks.x.schedule: invalid cron expression '61 * * * *'"),
    ("  ops:\n    tasks:\n      x:\n        schedule: '0 * * * *'\n        interval: 1h\n",
     "cp.yaml:8: spec.ops.tasks.x.interval: set schedule or interval, not both"),
    ("  ops:\n    tasks:\n      x: {timeout: 0s}\n", "cp.yaml:6: spec.ops.tasks.x.timeout: must be a positive duration"),
    ("  ops:\n    tasks:\n      x: {enabled: maybe}\n", "cp.yaml:6: spec.ops.tasks.x.enabled: must be true or false"),
    ("  ops:\n    tasks:\n      bad-name: {}\n", "cp.yaml:6: spec.ops.tasks.bad-name: a task name is a snake_case"),
    ("  ops:\n    leaseTtl: soon\n", "cp.yaml:5: spec.ops.leaseTtl: invalid duration 'soon'"),
    ("  ops:\n    lease: 1m\n", "cp.yaml:5: spec.ops.lease: unknown key (known keys: leaseTtl, tasks)"),
    ("  insightCollector:\n    deployment: {schedule: 'often'}\n",
     "spec.insightCollector.deployment.schedule: invalid cron expression 'often'"),
])
def test_errors_are_located(body: str, message: str) -> None:
    assert message in fails(body)


def test_schedules() -> None:
    assert parse_schedule("@every 90s") == Every(90)
    assert parse_schedule("@HOURLY") == Cron("@hourly")
    with pytest.raises(Exception, match="five fields"):
        parse_schedule("0 0 9 * * *")  # PipeCD's parser has no seconds field
    cron = Cron("0 9 * * *")
    t = 1767258000  # 2026-01-01T09:00:00Z
    assert cron.latest(t) == t and cron.next(t) == t + 86400 and cron.latest(t - 1) == t - 86400
    assert Every(6 * 3600).latest(t) == t - 3 * 3600


def _host(tmp_path: Path, body: str) -> Host:
    return Host(parse_config(HEAD + body, "cp.yaml"), HostSettings(data_dir=tmp_path), build_plugin_manager(env={}))


def test_task_options_errors_carry_the_file_and_line(tmp_path: Path) -> None:
    host = _host(tmp_path, "  ops:\n    tasks:\n      orphan_command_cleaner:\n        olderThan: soon\n")
    with pytest.raises(ConfigError) as err:
        resolve(host, "orphan_command_cleaner")
    assert str(err.value).startswith("cp.yaml:7: spec.ops.tasks.orphan_command_cleaner.olderThan: invalid duration")
    host = _host(tmp_path, "  ops:\n    tasks:\n      orphan_command_cleaner:\n        olderthen: 1h\n")
    with pytest.raises(ConfigError, match=r"cp.yaml:7: .*olderthen: unknown option \(this task's options: olderThan\)"):
        resolve(host, "orphan_command_cleaner")
    host = _host(tmp_path, "  ops:\n    tasks:\n      retention_cleaner: {enabled: true}\n")
    with pytest.raises(ConfigError, match="cp.yaml:6: spec.ops.tasks.retention_cleaner.olderThan: retention_cleaner "
                                          "is enabled but no age is set"):
        resolve(host, "retention_cleaner")


def test_an_unknown_task_name_stops_startup(tmp_path: Path) -> None:
    host = _host(tmp_path, "  ops:\n    tasks:\n      orphan_comand_cleaner: {}\n")
    with pytest.raises(PluginError, match=r"cp.yaml:6: spec.ops.tasks.orphan_comand_cleaner: unknown ops task "
                                          r"'orphan_comand_cleaner'; installed: api_key_last_used_updater, "):
        resolve_all(host)


def test_defaults_and_overrides(tmp_path: Path) -> None:
    host = _host(tmp_path, "  insightCollector:\n    application: {enabled: false}\n    deployment: {schedule: '*/5 * * * *'}\n"
                           "  ops:\n    tasks:\n      deployment_chain_controller: {interval: 30s, timeout: 20s}\n")
    tasks = {t.name: t for t in resolve_all(host, applicability=False)}  # schedules only: the host is not started
    assert not tasks["application_insight_collector"].enabled
    assert tasks["deployment_insight_collector"].schedule == Cron("*/5 * * * *")
    assert tasks["deployment_chain_controller"].schedule == Every(30) and tasks["deployment_chain_controller"].timeout == 20
    assert tasks["orphan_command_cleaner"].schedule == Every(6 * 3600) and tasks["orphan_command_cleaner"].jitter == 60
    assert tasks["command_output_cleaner"].schedule == Cron("0 9 * * *") and tasks["command_output_cleaner"].jitter == 0
    assert tasks["stale_piped_stat_cleaner"].schedule == Every(86400)
    assert tasks["api_key_last_used_updater"].schedule == Every(600)
    assert not tasks["retention_cleaner"].enabled


def test_config_check_reads_the_ops_tasks_too(tmp_path: Path) -> None:
    from tests.conftest import run_cli
    bad = tmp_path / "cp.yaml"
    bad.write_text(HEAD + "  ops:\n    tasks:\n      retention_cleaner: {enabled: true, keepLatest: sometimes}\n")
    r = run_cli("config", "check", str(bad))
    assert r.returncode == 1 and r.stderr.strip() == (
        f"pipecd-cp: error: {bad}:6: spec.ops.tasks.retention_cleaner.keepLatest: must be true or false, "
        "not 'sometimes'")
