"""Named backends load by name only; every failure is one line with kind, name, choices and a pip hint."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipecd_cp.drivers import DriverKind, installed, load_driver_class
from pipecd_cp.errors import PluginError
from tests.conftest import write_dist

BROKEN = "raise RuntimeError('boom at import')\n"
MARKER = "import pathlib, os\npathlib.Path(os.environ['MARKER']).write_text('imported')\nclass Store: pass\n"


def test_builtins_are_registered_under_their_groups() -> None:
    assert {e.name for e in installed("pipecd_cp.datastores")} >= {"sqlite"}
    assert {e.name for e in installed("pipecd_cp.filestores")} >= {"local"}
    assert {e.name for e in installed("pipecd_cp.caches")} >= {"memory"}
    from pipecd_cp.datastore.sqlite import SQLiteDataStore
    assert load_driver_class(DriverKind.DATASTORE, "sqlite") is SQLiteDataStore


def test_unknown_backend_names_kind_choices_and_package() -> None:
    with pytest.raises(PluginError) as err:
        load_driver_class(DriverKind.DATASTORE, "cassandra")
    msg = str(err.value)
    assert "unknown datastore 'cassandra'" in msg and "installed: " in msg and "sqlite" in msg
    assert "pip install pipecd-cp-cassandra" in msg and "\n" not in msg


def test_the_hint_names_our_own_packages(monkeypatch) -> None:
    from pipecd_cp import drivers
    monkeypatch.setattr(drivers, "installed", lambda group: [])
    with pytest.raises(PluginError, match="pip install pipecd-cp-mysql$"):
        load_driver_class(DriverKind.DATASTORE, "mysql")


def test_did_you_mean() -> None:
    with pytest.raises(PluginError, match="did you mean 'sqlite'"):
        load_driver_class(DriverKind.DATASTORE, "sqlit")


def test_a_broken_backend_is_one_line_and_unused_ones_are_never_imported(tmp_path: Path, monkeypatch) -> None:
    marker = tmp_path / "marker"
    monkeypatch.setenv("MARKER", str(marker))
    write_dist(tmp_path / "site", "pipecd-cp-broken",
               {"pipecd_cp.datastores": {"broken": "broken_store:Store", "lazy": "lazy_store:Store"}},
               {"broken_store.py": BROKEN, "lazy_store.py": MARKER})
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    names = {e.name: e.distribution for e in installed("pipecd_cp.datastores")}
    assert names["broken"] == "pipecd-cp-broken" and "lazy" in names
    load_driver_class(DriverKind.DATASTORE, "sqlite")
    assert not marker.exists(), "listing and loading another backend must not import this one"
    with pytest.raises(PluginError) as err:
        load_driver_class(DriverKind.DATASTORE, "broken")
    msg = str(err.value)
    assert "datastore 'broken' from pipecd-cp-broken 0.1.0 could not be loaded" in msg
    assert "RuntimeError: boom at import" in msg and "pip install pipecd-cp-broken" in msg and "\n" not in msg
    load_driver_class(DriverKind.DATASTORE, "lazy")
    assert marker.read_text() == "imported"


def test_two_packages_with_one_name(tmp_path: Path, monkeypatch) -> None:
    write_dist(tmp_path / "a", "pipecd-cp-a", {"pipecd_cp.caches": {"twin": "m:A"}})
    write_dist(tmp_path / "b", "pipecd-cp-b", {"pipecd_cp.caches": {"twin": "m:B"}})
    monkeypatch.syspath_prepend(str(tmp_path / "a"))
    monkeypatch.syspath_prepend(str(tmp_path / "b"))
    with pytest.raises(PluginError, match="more than one package"):
        load_driver_class(DriverKind.CACHE, "twin")
