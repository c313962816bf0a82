"""Parsing PipeCD's `spec.filestore.config` block for `type: GCS`, and loading the driver by name."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipecd_cp.drivers import DriverKind, load_driver_class
from pipecd_cp.errors import ConfigError
from pipecd_cp.testing import driver_context
from pipecd_cp_gcs.config import GCSConfig, parse_config
from pipecd_cp_gcs.store import GCSFileStore


def test_the_minimal_block_names_a_bucket() -> None:
    assert parse_config({"bucket": "pipecd-objects"}) == GCSConfig(bucket="pipecd-objects")


def test_a_credentials_file_is_kept_as_a_path(tmp_path: Path) -> None:
    key = tmp_path / "sa.json"
    key.write_text("{}")
    assert parse_config({"bucket": "b-1", "credentialsFile": str(key)}).credentials_file == key


@pytest.mark.parametrize("block, field", [
    ({}, "bucket"),
    ({"bucket": ""}, "bucket"),
    ({"bucket": "Upper_Case"}, "bucket"),
    ({"bucket": "a"}, "bucket"),
    ({"bucket": 7}, "bucket"),
    ({"bucket": "b-1", "credentialsFile": "/nonexistent/sa.json"}, "credentialsFile"),
    ({"bucket": "b-1", "credentialsFile": ["x"]}, "credentialsFile"),
    ({"bucket": "b-1", "bukcet": "typo"}, "bukcet"),
])
def test_bad_blocks_name_the_field(block: dict, field: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(block)
    assert err.value.field == field


def test_from_config_does_not_connect(tmp_path: Path) -> None:
    store = GCSFileStore.from_config({"bucket": "never-contacted"}, driver_context("filestore", tmp_path))
    assert store.config.bucket == "never-contacted"
    with pytest.raises(Exception, match="not open"):
        _ = store.bucket


def test_the_entry_point_loads_the_driver_by_the_name_users_write() -> None:
    assert load_driver_class(DriverKind.FILESTORE, "gcs") is GCSFileStore
