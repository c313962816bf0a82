"""Hook plugins: registration, validation, duplicates, blocking, lifecycle and env switches."""
from __future__ import annotations

import types
from pathlib import Path

import pytest

from pipecd_cp.app import Host, HostSettings
from pipecd_cp.config.controlplane import ControlPlaneConfig
from pipecd_cp.contributions import HttpRoute, merge
from pipecd_cp.errors import PluginError
from pipecd_cp.hookspecs import hookimpl
from pipecd_cp.plugins import build_plugin_manager, collect, list_plugins
from pipecd_cp.server.admin import HealthzHandler
from tests.conftest import write_dist


def _plugin(name: str, **hooks: object) -> types.SimpleNamespace:
    mod = types.SimpleNamespace(__name__=name, **{k: hookimpl(v) for k, v in hooks.items()})
    return mod


def test_builtins_travel_the_plugin_path() -> None:
    pm = build_plugin_manager(env={})
    rows = {r.name: r for r in list_plugins(pm)}
    assert rows["pipecd_cp.server.admin"].hooks == ("register_http_routes",)
    assert rows["pipecd_cp.server.admin"].group == "built-in"


def test_a_duplicate_route_names_both_plugins() -> None:
    clash = _plugin("clasher", register_http_routes=lambda: [HttpRoute(r"/healthz", HealthzHandler, "admin")])
    pm = build_plugin_manager(env={}, extra=(clash,))
    with pytest.raises(PluginError) as err:
        merge("HTTP route", collect(pm, "register_http_routes"))
    assert str(err.value) == ("HTTP route ('admin', '/healthz') is registered by both "
                              "'pipecd_cp.server.admin' and 'clasher'")


def test_an_unknown_hook_fails_at_startup() -> None:
    bad = _plugin("typo", register_http_rotes=lambda: [])
    with pytest.raises(PluginError, match="unknown hook"):
        build_plugin_manager(env={}, extra=(bad,))


def test_blocking_by_name_includes_builtins() -> None:
    pm = build_plugin_manager(env={"PIPECD_CP_BLOCK_PLUGINS": "pipecd_cp.server.admin"})
    assert not pm.has_plugin("pipecd_cp.server.admin")
    assert [name for name, _ in collect(pm, "register_http_routes") if name == "pipecd_cp.server.admin"] == []


def test_env_subset_and_import_errors(tmp_path: Path, monkeypatch) -> None:
    write_dist(tmp_path / "site", "pipecd-cp-hooks", {"pipecd_cp.plugins": {"good": "good_hooks", "bad": "bad_hooks"}},
               {"good_hooks.py": "from pipecd_cp import hookimpl\n@hookimpl\ndef register_cli_commands():\n    return []\n",
                "bad_hooks.py": "import nonexistent_module_xyz\n"})
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    with pytest.raises(PluginError) as err:
        build_plugin_manager(env={})
    assert "Error importing plugin 'bad' (pipecd-cp-hooks 0.1.0): ModuleNotFoundError" in str(err.value)
    pm = build_plugin_manager(env={"PIPECD_CP_PLUGINS": "good"})
    assert pm.has_plugin("good") and not pm.has_plugin("bad")
    pm = build_plugin_manager(env={"PIPECD_CP_PLUGINS": "none"})
    assert not pm.has_plugin("good")


async def test_lifecycle_hooks_are_awaited_in_order(tmp_path: Path) -> None:
    calls: list[str] = []

    async def startup(host: Host) -> None:
        calls.append(f"startup:{host.datastore.name}")

    def shutdown(host: Host) -> None:
        calls.append("shutdown")
    pm = build_plugin_manager(env={}, extra=(_plugin("life", pipecd_cp_startup=startup, pipecd_cp_shutdown=shutdown),))
    host = Host(ControlPlaneConfig(), HostSettings(data_dir=tmp_path), pm)
    await host.start()
    assert calls == ["startup:sqlite"]
    await host.close()
    assert calls == ["startup:sqlite", "shutdown"]


async def test_a_failing_startup_hook_stops_start_and_closes_drivers(tmp_path: Path) -> None:
    def startup(host: Host) -> None:
        raise RuntimeError("prerequisite missing")
    pm = build_plugin_manager(env={}, extra=(_plugin("strict", pipecd_cp_startup=startup),))
    host = Host(ControlPlaneConfig(), HostSettings(data_dir=tmp_path), pm)
    with pytest.raises(PluginError, match="'strict' failed in pipecd_cp_startup: RuntimeError: prerequisite missing"):
        await host.start()
    assert not host.started and host._opened == []


async def test_hosts_are_independent(tmp_path: Path) -> None:
    a = Host(ControlPlaneConfig(), HostSettings(data_dir=tmp_path / "a"), build_plugin_manager(env={}))
    b = Host(ControlPlaneConfig(), HostSettings(data_dir=tmp_path / "b"), build_plugin_manager(env={}))
    await a.start()
    await b.start()
    await a.datastore.create("Project", "p", {"id": "p"})
    assert (await a.datastore.get("Project", "p"))["id"] == "p"
    assert (await b.datastore.find("Project", __import__("pipecd_cp.datastore", fromlist=["Query"]).Query())).items == []
    assert a.cache is not b.cache
    await a.close()
    await b.close()
