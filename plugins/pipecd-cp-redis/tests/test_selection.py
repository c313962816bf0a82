"""The host finds the plugin by name and picks it as PipeCD does: `--cache-address`, or `type: REDIS`."""
from __future__ import annotations

from pathlib import Path

import pytest
import redis_servers

from pipecd_cp.app import Host, HostSettings
from pipecd_cp.config.controlplane import ControlPlaneConfig, parse_config
from pipecd_cp.drivers import DriverKind, load_driver_class
from pipecd_cp.errors import ConfigError
from pipecd_cp_redis import RedisCache

HEADER = "apiVersion: pipecd.dev/v1beta1\nkind: ControlPlane\nspec:\n"


def test_the_entry_point_is_the_redis_cache() -> None:
    assert load_driver_class(DriverKind.CACHE, "redis") is RedisCache


async def test_cache_address_selects_redis(tmp_path: Path, key: str) -> None:
    host = Host(ControlPlaneConfig(), HostSettings(data_dir=tmp_path, cache_address=redis_servers.MAIN_ADDRESS))
    await host.start()
    try:
        assert isinstance(host.cache.inner, RedisCache)  # the host wraps every cache to degrade on errors
        await host.cache.put(key, b"via the host", ttl=5)
        assert await host.cache.get(key) == b"via the host"
    finally:
        await host.close()


async def test_type_redis_with_a_config_block(tmp_path: Path, key: str) -> None:
    config = parse_config(HEADER + "  cache:\n    type: REDIS\n    config:\n"
                          f"      url: redis://{redis_servers.MAIN_ADDRESS}/2\n")
    host = Host(config, HostSettings(data_dir=tmp_path))
    await host.start()
    try:
        assert isinstance(host.cache.inner, RedisCache) and host.cache.inner.settings.db == 2
    finally:
        await host.close()


async def test_a_config_error_is_located_in_the_file(tmp_path: Path) -> None:
    config = parse_config(HEADER + "  cache:\n    type: REDIS\n    config:\n      address: redis:6379\n"
                          "      passwordFile: /no/such/file\n", file="control-plane.yaml")
    with pytest.raises(ConfigError) as info:
        await Host(config, HostSettings(data_dir=tmp_path)).start()
    err = info.value
    assert (err.file, err.line, err.field) == ("control-plane.yaml", 8, "spec.cache.config.passwordFile")
