"""PipeCD's store semantics on the embedded datastore: soft delete, keys, statuses, chains, logs."""
from __future__ import annotations

from pathlib import Path

import pytest
import pytest_asyncio

from pipecd_cp.app import Host, HostSettings
from pipecd_cp.cache.memory import MemoryCache
from pipecd_cp.config.controlplane import ControlPlaneConfig
from pipecd_cp.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from pipecd_cp.plugins import build_plugin_manager
from pipecd_cp.proto.model import (apikey_pb2, application_pb2, common_pb2, deployment_chain_pb2 as cpb,
                                   deployment_pb2 as dpb, event_pb2, logblock_pb2, piped_pb2)
from pipecd_cp.stores.model import Owner
from pipecd_cp.stores.stagelogs import StageLogStore

NOW = 1_800_000_000


@pytest_asyncio.fixture
async def host(tmp_path: Path):
    clock = [float(NOW)]
    h = Host(ControlPlaneConfig(), HostSettings(data_dir=tmp_path, clock=lambda: clock[0]), build_plugin_manager(env={}))
    await h.start()
    h.state["clock"] = clock
    yield h
    await h.close()


def _app(id: str = "a1", piped: str = "p1", project: str = "proj") -> application_pb2.Application:
    return application_pb2.Application(
        id=id, name="web", piped_id=piped, project_id=project,
        git_path=common_pb2.ApplicationGitPath(repo=common_pb2.ApplicationGitRepository(id="r"), path="apps/web"))


async def test_add_stamps_and_validates(host: Host) -> None:
    app = await host.stores.applications.add(_app())
    assert app.created_at == app.updated_at == NOW
    with pytest.raises(InvalidArgument) as err:
        await host.stores.applications.add(application_pb2.Application(id="bad", name="x"))
    assert err.value.field == "piped_id"


async def test_updates_stamp_updated_at_and_check_the_owner(host: Host) -> None:
    apps = host.stores.applications
    await apps.add(_app())
    host.state["clock"][0] = NOW + 60
    app = await apps.set_disabled("a1", Owner("proj", "p1"), True)
    assert app.disabled and app.updated_at == NOW + 60 and app.created_at == NOW
    with pytest.raises(NotFound):
        await apps.set_disabled("a1", Owner("other"), False)
    with pytest.raises(PermissionDenied):
        await apps.set_disabled("a1", Owner("proj", "p2"), False)
    assert (await apps.get("a1")).disabled


async def test_soft_delete_refuses_later_updates(host: Host) -> None:
    apps = host.stores.applications
    await apps.add(_app())
    deleted = await apps.soft_delete("a1", Owner("proj"))
    assert deleted.deleted and deleted.disabled and deleted.deleted_at == NOW
    for change in (lambda: apps.set_disabled("a1", Owner("proj"), False), lambda: apps.soft_delete("a1", Owner("proj"))):
        with pytest.raises(FailedPrecondition):
            await change()


async def test_piped_keys_at_most_two_newest_kept(host: Host) -> None:
    pipeds = host.stores.pipeds
    await pipeds.add(piped_pb2.Piped(id="p1", name="p", project_id="proj",
                                     keys=[piped_pb2.PipedKey(hash="h-old", creator="c", created_at=NOW)]))
    host.state["clock"][0] = NOW + 10
    p = await pipeds.add_key("p1", Owner("proj"), "h-new", "c")
    assert [k.hash for k in p.keys] == ["h-new", "h-old"]
    with pytest.raises(FailedPrecondition):
        await pipeds.add_key("p1", Owner("proj"), "h-third", "c")
    p = await pipeds.delete_old_keys("p1", Owner("proj"))
    assert [k.hash for k in p.keys] == ["h-new"]


async def test_event_status_moves_handled_at_only_when_handled(host: Host) -> None:
    events = host.stores.events
    await events.add(event_pb2.Event(id="e", name="n", data="d", project_id="proj", event_key="k"))
    host.state["clock"][0] = NOW + 5
    e = await events.update_status("e", Owner("proj"), event_pb2.EVENT_OUTDATED, "older")
    assert e.handled_at == 0 and e.updated_at == NOW
    e = await events.update_status("e", Owner("proj"), event_pb2.EVENT_SUCCESS, "done")
    assert e.handled_at == NOW + 5 and e.updated_at == NOW + 5


async def test_api_key_last_used_never_goes_back(host: Host) -> None:
    keys = host.stores.apikeys
    await keys.add(apikey_pb2.APIKey(id="k", name="n", key_hash="h", project_id="proj", creator="c"))
    assert (await keys.update_last_used_at("k", NOW + 100)).last_used_at == NOW + 100
    assert await keys.update_last_used_at("k", NOW + 50) is None
    assert (await keys.get("k")).last_used_at == NOW + 100


async def test_deployment_completion_needs_a_completed_status(host: Host) -> None:
    deps = host.stores.deployments
    now = NOW
    await deps.add(dpb.Deployment(
        id="d", application_id="a", application_name="web", piped_id="p1", project_id="proj",
        git_path=_app().git_path, trigger=dpb.DeploymentTrigger(commit=dpb.Commit(
            hash="h", message="m", author="a", branch="b", created_at=now), timestamp=now),
        stages=[dpb.PipelineStage(id="s", name="ANALYSIS", created_at=now, updated_at=now)]))
    assert (await deps.get("d")).stages[0].available_operation == dpb.MANUAL_OPERATION_SKIP
    with pytest.raises(InvalidArgument):
        await deps.to_completed("d", Owner("proj"), dpb.DEPLOYMENT_RUNNING, "", {}, now)
    with pytest.raises(InvalidArgument):
        await deps.update_stage_status("d", Owner("proj"), "nope", status=1, reason="", requires=[], visible=True,
                                       retried_count=0, completed_at=now)
    done = await deps.to_completed("d", Owner("proj"), dpb.DEPLOYMENT_FAILURE, "boom", {"s": dpb.STAGE_FAILURE}, now)
    assert done.status == dpb.DEPLOYMENT_FAILURE and done.stages[0].status == dpb.STAGE_FAILURE


def _chain(*blocks: list[int | None]) -> cpb.DeploymentChain:
    out = cpb.DeploymentChain(id="c", project_id="proj")
    for b, statuses in enumerate(blocks):
        block = out.blocks.add()
        for n, status in enumerate(statuses):
            node = block.nodes.add(application_ref=cpb.ChainApplicationRef(application_id=f"app{b}{n}"))
            if status is not None:
                node.deployment_ref.CopyFrom(cpb.ChainDeploymentRef(deployment_id=f"d{b}{n}", status=status))
    return out


@pytest.mark.parametrize("statuses,block,chain", [
    ([dpb.DEPLOYMENT_SUCCESS, dpb.DEPLOYMENT_SUCCESS], cpb.DEPLOYMENT_BLOCK_SUCCESS, cpb.DEPLOYMENT_CHAIN_RUNNING),
    ([dpb.DEPLOYMENT_SUCCESS, dpb.DEPLOYMENT_FAILURE], cpb.DEPLOYMENT_BLOCK_FAILURE, cpb.DEPLOYMENT_CHAIN_FAILURE),
    ([dpb.DEPLOYMENT_CANCELLED, dpb.DEPLOYMENT_RUNNING], cpb.DEPLOYMENT_BLOCK_CANCELLED, cpb.DEPLOYMENT_CHAIN_CANCELLED),
    ([dpb.DEPLOYMENT_RUNNING, dpb.DEPLOYMENT_SUCCESS], cpb.DEPLOYMENT_BLOCK_RUNNING, cpb.DEPLOYMENT_CHAIN_RUNNING),
])
async def test_chain_block_and_chain_status_rules(host: Host, statuses: list[int], block: int, chain: int) -> None:
    chains = host.stores.chains
    c = _chain([dpb.DEPLOYMENT_RUNNING, dpb.DEPLOYMENT_RUNNING], [None])
    c.blocks[0].status = cpb.DEPLOYMENT_BLOCK_RUNNING
    await chains.add(c)
    for n, status in enumerate(statuses):
        c = await chains.update_node_deployment_status("c", Owner("proj"), 0, f"d0{n}", status, "")
    assert c.blocks[0].status == block
    assert c.status == chain
    assert (c.blocks[0].completed_at > 0) == (block != cpb.DEPLOYMENT_BLOCK_RUNNING)
    assert (c.completed_at > 0) == (chain != cpb.DEPLOYMENT_CHAIN_RUNNING)


async def test_a_completed_block_no_longer_changes(host: Host) -> None:
    chains = host.stores.chains
    c = _chain([dpb.DEPLOYMENT_RUNNING])
    await chains.add(c)
    await chains.update_node_deployment_status("c", Owner("proj"), 0, "d00", dpb.DEPLOYMENT_SUCCESS, "")
    c = await chains.update_node_deployment_status("c", Owner("proj"), 0, "d00", dpb.DEPLOYMENT_FAILURE, "late")
    assert c.blocks[0].status == cpb.DEPLOYMENT_BLOCK_SUCCESS and c.status == cpb.DEPLOYMENT_CHAIN_SUCCESS


def _blocks(first: int, n: int) -> list[logblock_pb2.LogBlock]:
    return [logblock_pb2.LogBlock(index=i, log=f"l{i}", created_at=NOW) for i in range(first, first + n)]


async def test_stage_logs_survive_a_cache_flush_and_fold_at_the_checkpoint(host: Host) -> None:
    logs = host.stores.stage_logs
    await logs.append("d", "s", 0, _blocks(0, 2))
    await logs.append("d", "s", 0, _blocks(1, 3))
    fresh = StageLogStore(host.filestore, MemoryCache(), 300)  # as after a restart or FLUSHALL
    blocks, completed = await fresh.fetch("d", "s", 0)
    assert [b.index for b in blocks] == [0, 1, 2, 3] and not completed
    parts = await host.filestore.list("log/d/s/0.txt.parts/")
    assert len(parts) == 2
    await fresh.append_from_checkpoint("d", "s", 0, _blocks(4, 1), completed=True)
    assert await host.filestore.list("log/d/s/0.txt.parts/") == []
    text = (await host.filestore.get("log/d/s/0.txt")).decode().splitlines()
    assert len(text) == 6 and text[-1] == "EOL" and text[0].startswith('{"index"') is False  # index 0 is omitted
    blocks, completed = await fresh.fetch("d", "s", 0, offset_index=3)
    assert [b.index for b in blocks] == [3, 4] and completed
    with pytest.raises(FailedPrecondition):
        await fresh.append("d", "s", 0, _blocks(9, 1))
    with pytest.raises(NotFound):
        await fresh.fetch("d", "other", 0)


async def test_commands_are_served_from_the_cache_then_the_datastore(host: Host) -> None:
    from pipecd_cp.proto.model import command_pb2
    cmd = await host.stores.commands.add(command_pb2.Command(piped_id="p1", project_id="proj",
                                                             type=command_pb2.Command.RESTART_PIPED))
    assert await host.cache.get(f"command:{cmd.id}") is not None
    await host.cache.delete(f"command:{cmd.id}")
    assert (await host.stores.commands.get(cmd.id)).id == cmd.id
    assert await host.cache.get(f"command:{cmd.id}") is not None, "re-cached on a miss"
    handled = await host.stores.commands.handled(cmd.id, Owner("proj", "p1"), command_pb2.COMMAND_SUCCEEDED, {"k": "v"},
                                                 NOW)
    assert (await host.stores.commands.get(cmd.id)).status == handled.status == command_pb2.COMMAND_SUCCEEDED
    assert await host.stores.commands.unhandled("proj", "p1") == []
