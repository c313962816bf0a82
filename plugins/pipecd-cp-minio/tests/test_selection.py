"""The host finds the plugin by name (`spec.filestore.type: MINIO`) and reports config errors in place."""
from __future__ import annotations

from pathlib import Path

import conftest
import pytest

from pipecd_cp.app import Host, HostSettings
from pipecd_cp.config.controlplane import parse_config
from pipecd_cp.drivers import DriverKind, load_driver_class
from pipecd_cp.errors import ConfigError
from pipecd_cp_minio import MinIOFileStore

HEADER = "apiVersion: pipecd.dev/v1beta1\nkind: ControlPlane\nspec:\n"


def test_the_entry_point_is_the_minio_file_store() -> None:
    assert load_driver_class(DriverKind.FILESTORE, "minio") is MinIOFileStore


async def test_pipecds_quickstart_block_in_a_control_plane_config(tmp_path: Path, bucket: str, key_files) -> None:
    config = parse_config(HEADER + f"  filestore:\n    type: MINIO\n    config:\n      endpoint: {conftest.ENDPOINT}\n"
                          f"      bucket: {bucket}\n      accessKeyFile: {key_files['accessKeyFile']}\n"
                          f"      secretKeyFile: {key_files['secretKeyFile']}\n      autoCreateBucket: true\n")
    host = Host(config, HostSettings(data_dir=tmp_path))
    await host.start()
    try:
        assert isinstance(host.filestore, MinIOFileStore)
        await host.filestore.put("log/d1/s1/0.txt", b'{"index":1}\n')
        assert [a.path for a in await host.filestore.list("log/d1/")] == ["log/d1/s1/0.txt"]
    finally:
        await host.close()


async def test_a_config_error_is_located_in_the_file(tmp_path: Path) -> None:
    config = parse_config(HEADER + "  filestore:\n    type: MINIO\n    config:\n      endpoint: minio:9000\n"
                          "      bucket: b\n", file="control-plane.yaml")
    with pytest.raises(ConfigError) as info:
        await Host(config, HostSettings(data_dir=tmp_path)).start()
    assert (info.value.file, info.value.line, info.value.field) == (
        "control-plane.yaml", 7, "spec.filestore.config.endpoint")
