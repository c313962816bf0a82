"""The host finds the plugin by name (`spec.filestore.type: S3`) and reports config errors in place."""
from __future__ import annotations

from pathlib import Path

import conftest
import pytest

from pipecd_cp.app import Host, HostSettings
from pipecd_cp.config.controlplane import parse_config
from pipecd_cp.drivers import DriverKind, load_driver_class
from pipecd_cp.errors import ConfigError
from pipecd_cp_s3 import S3FileStore

HEADER = "apiVersion: pipecd.dev/v1beta1\nkind: ControlPlane\nspec:\n"


def test_the_entry_point_is_the_s3_file_store() -> None:
    assert load_driver_class(DriverKind.FILESTORE, "s3") is S3FileStore


async def test_type_s3_in_a_control_plane_config(tmp_path: Path, bucket: str, caplog) -> None:
    config = parse_config(HEADER + f"  filestore:\n    type: S3\n    config:\n      bucket: {bucket}\n"
                          f"      region: {conftest.REGION}\n      endpoint: {conftest.ENDPOINT}\n"
                          "      storageClass: STANDARD\n")
    host = Host(config, HostSettings(data_dir=tmp_path))
    await host.start()
    try:
        assert isinstance(host.filestore, S3FileStore)
        await host.filestore.put("command-output/c1.json", b"{}")
        assert [a.path for a in await host.filestore.list("command-output/")] == ["command-output/c1.json"]
    finally:
        await host.close()
    assert "unknown config key 'storageClass' ignored" in caplog.text


async def test_a_config_error_is_located_in_the_file(tmp_path: Path) -> None:
    config = parse_config(HEADER + "  filestore:\n    type: S3\n    config:\n      bucket: pipecd\n",
                          file="control-plane.yaml")
    with pytest.raises(ConfigError) as info:
        await Host(config, HostSettings(data_dir=tmp_path)).start()
    assert (info.value.file, info.value.field) == ("control-plane.yaml", "spec.filestore.config.region")
