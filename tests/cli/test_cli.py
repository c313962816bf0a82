"""The command line: version, plugins list, config check, and one-line errors."""
from __future__ import annotations

import json
from pathlib import Path

from pipecd_cp import __version__
from tests.conftest import run_cli

HEAD = "apiVersion: pipecd.dev/v1beta1\nkind: ControlPlane\n"


def test_version() -> None:
    r = run_cli("version")
    assert r.returncode == 0 and r.stdout.strip() == __version__


def test_plugins_list_shows_groups_without_importing(tmp_path: Path) -> None:
    r = run_cli("plugins", "list")
    assert r.returncode == 0
    header, *rows = r.stdout.splitlines()
    assert header.split() == ["NAME", "GROUP", "DISTRIBUTION", "VERSION", "HOOKS"]
    assert any(row.split()[:3] == ["sqlite", "pipecd_cp.datastores", "pipecd-cp"] for row in rows)
    assert any(row.split()[:2] == ["pipecd_cp.server.admin", "built-in"] for row in rows)
    data = json.loads(run_cli("plugins", "list", "--json").stdout)
    assert {"name": "memory", "group": "pipecd_cp.caches", "distribution": "pipecd-cp", "version": __version__,
            "hooks": []} in data


def test_config_check(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(HEAD + "spec:\n  datastore:\n    type: SQLITE\n    config: {path: /tmp/x.db}\n  cache: {ttl: 1m}\n")
    r = run_cli("config", "check", str(good))
    assert r.returncode == 0 and r.stdout.strip() == f"{good}: ok (datastore sqlite, filestore local, cache memory)"
    bad = tmp_path / "bad.yaml"
    bad.write_text(HEAD + "spec:\n  datastore:\n    type: SQLITE\n    config:\n      path: 7\n")
    r = run_cli("config", "check", str(bad))
    assert r.returncode == 1
    assert r.stderr.strip() == f"pipecd-cp: error: {bad}:7: spec.datastore.config.path: must be a non-empty file path"
    worse = tmp_path / "worse.yaml"
    worse.write_text(HEAD + "spec:\n  cache:\n    ttl: [1]\n")
    r = run_cli("config", "check", str(worse))
    assert r.returncode == 1 and r.stderr.strip() == f"pipecd-cp: error: {worse}:5: spec.cache.ttl: must be a duration"
    assert "Traceback" not in r.stderr


def test_usage_errors_are_short(tmp_path: Path) -> None:
    r = run_cli("serve", "--grace-period", "soon", "--data-dir", str(tmp_path))
    assert r.returncode == 2 and "--grace-period" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("serve", "--config-file", str(tmp_path / "missing.yaml"), "--data-dir", str(tmp_path))
    assert r.returncode == 1 and r.stderr.strip().endswith("missing.yaml: no such file")
    r = run_cli("nosuchcommand")
    assert r.returncode == 2 and "Traceback" not in r.stderr
