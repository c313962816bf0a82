"""Parsing PipeCD's `spec.datastore.config` block for `type: FIRESTORE`, and loading the driver by name."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipecd_cp.drivers import DriverKind, load_driver_class
from pipecd_cp.errors import ConfigError
from pipecd_cp.testing import driver_context
from pipecd_cp_firestore.config import FirestoreConfig, parse_config
from pipecd_cp_firestore.store import FirestoreDataStore


def test_defaults_follow_pipecd() -> None:
    cfg = parse_config({"environment": "dev"})
    assert cfg == FirestoreConfig(environment="dev", namespace="pipecd", collection_name_prefix="", project=None,
                                  credentials_file=None)
    assert cfg.collection_path("Application") == ("pipecd", "dev", "Application")


def test_every_key(tmp_path: Path) -> None:
    key = tmp_path / "sa.json"
    key.write_text("{}")
    cfg = parse_config({"namespace": "ns", "environment": "prod", "collectionNamePrefix": "cp_",
                        "project": "my-project", "credentialsFile": str(key)})
    assert cfg.collection_path("Deployment") == ("ns", "prod", "cp_Deployment")
    assert cfg.project == "my-project" and cfg.credentials_file == key


@pytest.mark.parametrize("block, field", [
    ({}, "environment"),
    ({"environment": ""}, "environment"),
    ({"environment": "a/b"}, "environment"),
    ({"environment": "__x__"}, "environment"),
    ({"environment": "dev", "namespace": ".."}, "namespace"),
    ({"environment": "dev", "namespace": 3}, "namespace"),
    ({"environment": "dev", "collectionNamePrefix": "a/"}, "collectionNamePrefix"),
    ({"environment": "dev", "project": ""}, "project"),
    ({"environment": "dev", "project": 12}, "project"),
    ({"environment": "dev", "credentialsFile": "/nonexistent/sa.json"}, "credentialsFile"),
    ({"environment": "dev", "credentialsFile": True}, "credentialsFile"),
    ({"environment": "dev", "colectionNamePrefix": "x"}, "colectionNamePrefix"),
])
def test_bad_blocks_name_the_field(block: dict, field: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(block)
    assert err.value.field == field


def test_from_config_does_not_connect(tmp_path: Path) -> None:
    store = FirestoreDataStore.from_config({"environment": "dev", "project": "never-contacted"},
                                           driver_context("datastore", tmp_path))
    with pytest.raises(Exception, match="not open"):
        _ = store.client


def test_the_entry_point_loads_the_driver_by_the_name_users_write() -> None:
    assert load_driver_class(DriverKind.DATASTORE, "firestore") is FirestoreDataStore
