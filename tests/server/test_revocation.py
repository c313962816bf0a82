"""Key rotation and revocation inside a serving process (the web console's path, same process)."""
from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
import pytest

from pipecd_cp.app import Host, HostSettings
from pipecd_cp.auth.credentials import hash_key, new_api_key
from pipecd_cp.bootstrap import create_project
from pipecd_cp.config.controlplane import ControlPlaneConfig
from pipecd_cp.domain.pipeds import recreate_piped_key, register_piped
from pipecd_cp.plugins import build_plugin_manager
from pipecd_cp.proto.grpc.service.apiservice import service_pb2 as apb
from pipecd_cp.proto.grpc.service.apiservice import service_pb2_grpc as api_grpc
from pipecd_cp.proto.grpc.service.pipedservice import service_pb2 as pb
from pipecd_cp.proto.grpc.service.pipedservice import service_pb2_grpc as piped_grpc
from pipecd_cp.proto.model import apikey_pb2
from pipecd_cp.server.process import ServeOptions, ServerProcess
from pipecd_cp.stores.model import Owner


@pytest.fixture
async def served(tmp_path: Path):
    host = Host(ControlPlaneConfig(), HostSettings(data_dir=tmp_path, encryption_key=b"k" * 32),
                build_plugin_manager(env={}))
    await host.start()
    await create_project(host, "proj")
    proc = ServerProcess(host, ServeOptions(bind="127.0.0.1", grpc_ports={"piped": 0, "api": 0}, grace_period=1))
    await proc.start()
    yield host, proc
    await proc.stop(0)
    await host.close()


async def _code(coro) -> grpc.StatusCode:
    try:
        await coro
    except grpc.aio.AioRpcError as err:
        return err.code()
    return grpc.StatusCode.OK


async def test_a_new_key_works_at_once_and_a_deleted_key_stops_at_once(served) -> None:
    host, proc = served
    piped, old_key = await register_piped(host.stores, host.runner, "proj", "rot", "", "test")
    async with grpc.aio.insecure_channel(f"127.0.0.1:{proc.ports['piped']}") as ch:
        stub = piped_grpc.PipedServiceStub(ch)

        def call(key: str):
            return stub.ListApplications(pb.ListApplicationsRequest(),
                                         metadata=(("authorization", f"PIPED-TOKEN proj,{piped.id},{key}"),))
        assert await _code(call(old_key)) == grpc.StatusCode.OK
        owner = Owner("proj")
        new_key = await recreate_piped_key(host.stores, host.runner, owner, piped.id, "test")
        assert await _code(call(new_key)) == grpc.StatusCode.OK, "a recreated key works without waiting"
        assert await _code(call(old_key)) == grpc.StatusCode.OK, "both keys work during rotation"
        with pytest.raises(Exception, match="already has 2 keys"):
            await recreate_piped_key(host.stores, host.runner, owner, piped.id, "test")
        await asyncio.sleep(1.1)  # the newest key wins by created_at (seconds)
        await host.stores.pipeds.delete_old_keys(piped.id, owner)
        assert await _code(call(old_key)) == grpc.StatusCode.UNAUTHENTICATED
        assert await _code(call(new_key)) == grpc.StatusCode.OK


async def test_a_disabled_api_key_stops_at_once(served) -> None:
    host, proc = served
    key_id, key = new_api_key()
    await host.stores.apikeys.add(apikey_pb2.APIKey(id=key_id, name="k", key_hash=await host.runner.run(hash_key, key),
                                                    project_id="proj", role=apikey_pb2.APIKey.READ_WRITE, creator="t"))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{proc.ports['api']}") as ch:
        stub = api_grpc.APIServiceStub(ch)
        md = (("authorization", f"API-KEY {key}"),)
        assert await _code(stub.ListApplications(apb.ListApplicationsRequest(), metadata=md)) == grpc.StatusCode.OK
        await host.stores.apikeys.disable(key_id, Owner("proj"))
        code = await _code(stub.ListApplications(apb.ListApplicationsRequest(), metadata=md))
        assert code == grpc.StatusCode.UNAUTHENTICATED
    used = await host.stores.hashes.api_keys_used()
    assert used[key_id] >= host.now() - 5, "the last use is recorded for ops to flush"


async def test_a_shared_verified_entry_lets_another_replica_skip_bcrypt(served, tmp_path: Path) -> None:
    host, _ = served
    piped, key = await register_piped(host.stores, host.runner, "proj", "shared", "", "test")
    from pipecd_cp.auth.credentials import PipedToken
    token = PipedToken("proj", piped.id, key)
    await host.auth.pipeds.verify(token)
    assert host.auth.pipeds.bcrypt_calls == 1
    # A second verifier on the same cache and key (another replica) trusts the sealed entry.
    from pipecd_cp.auth import Auth
    replica = Auth(host)
    await replica.pipeds.verify(token)
    assert replica.pipeds.bcrypt_calls == 0
    # One with a different encryption key cannot be fooled by it.
    host.settings.encryption_key = b"another key that is 32 bytes ok!"
    stranger = Auth(host)
    await stranger.pipeds.verify(token)
    assert stranger.pipeds.bcrypt_calls == 1
