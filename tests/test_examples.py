"""The example third-party plugin, installed as a real distribution, is discovered with no host change."""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, env_with_path, run_cli

EXAMPLE = REPO / "examples" / "pipecd-cp-memfs"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pip install` the example (no deps: the host is already installed) into a folder on PYTHONPATH."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(EXAMPLE)], check=True, capture_output=True, timeout=300)
    assert list(target.glob("pipecd_cp_memfs-*.dist-info"))
    return target


def test_plugins_list_shows_the_example(site: Path) -> None:
    rows = json.loads(run_cli("plugins", "list", "--json", env=env_with_path(site)).stdout)
    mine = {(r["name"], r["group"]) for r in rows if r["distribution"] == "pipecd-cp-memfs"}
    assert mine == {("memfs", "pipecd_cp.filestores"), ("memfs", "pipecd_cp.plugins")}
    hooks = next(r["hooks"] for r in rows if r["group"] == "pipecd_cp.plugins" and r["name"] == "memfs")
    assert hooks == ["register_cli_commands", "register_http_routes"]


def test_its_cli_command_is_added(site: Path) -> None:
    r = run_cli("memfs", "about", env=env_with_path(site))
    assert r.returncode == 0 and "in-memory file store" in r.stdout


def test_the_server_uses_its_backend_and_route(site: Path, serve, tmp_path: Path) -> None:
    cfg = tmp_path / "cp.yaml"
    cfg.write_text("apiVersion: pipecd.dev/v1beta1\nkind: ControlPlane\nspec:\n  filestore:\n    type: MEMFS\n")
    p = serve("--config-file", str(cfg), env=env_with_path(site))
    assert any("filestore 'memfs' ready" in line for line in p.stderr)
    with urllib.request.urlopen(p.url("admin", "/memfs"), timeout=5) as resp:
        assert json.loads(resp.read()) == {"in_use": True, "objects": 0, "bytes": 0}


def test_its_own_conformance_tests_pass(site: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE / "tests")],
                       capture_output=True, text=True, env=env_with_path(site), timeout=300, cwd=EXAMPLE)
    assert r.returncode == 0, r.stdout[-2000:]
    assert " passed" in r.stdout and "failed" not in r.stdout
