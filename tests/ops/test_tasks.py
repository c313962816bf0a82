"""Each built-in task, scheduled by the host on the controllable clock, on real data, on each backend."""
from __future__ import annotations

import json
import os

from pipecd_cp.app import Host
from pipecd_cp.domain.insights import application_counts, insight_data, step_start
from pipecd_cp.errors import NotFound
from pipecd_cp.ops.clock import ManualClock
from pipecd_cp.ops.metrics import insight_gauge_text
from pipecd_cp.ops.registry import ScheduledTask
from pipecd_cp.ops.scheduler import Scheduler
from pipecd_cp.ops.state import TaskStates
from pipecd_cp.proto.model import command_pb2, common_pb2, deployment_chain_pb2, insight_pb2
from pipecd_cp.proto.model import deployment_pb2 as D
from pipecd_cp.stores.commands import cache_key
from pipecd_cp.stores.hashes import API_KEYS_LAST_USED, PIPED_STATS
from pipecd_cp.stores.insights import utc_year
from tests.ops import factories as f
from tests.ops.conftest import only

HOUR, DAY = 3600, 86400


async def run_next_slot(s: Scheduler, clock: ManualClock, st: ScheduledTask) -> int:
    """Advance to the task's next slot and let the scheduler run it; return the slot."""
    assert st.schedule is not None
    slot = st.schedule.next(clock.time())
    await clock.advance(slot - clock.time(), settle=s.wait_idle)
    state = await TaskStates(s.host.datastore).get(st.name)
    assert state.last_slot == slot and state.last_outcome == "success", state
    return int(slot)


async def test_orphan_command_cleaner(backend, make_host, schedulers, clock: ManualClock) -> None:
    host = await make_host(backend)
    (st,) = only(host, "orphan_command_cleaner")
    slot = int(st.schedule.next(clock.time()))
    old = await f.command(host, created_at=slot - 25 * HOUR)
    young = await f.command(host, created_at=slot - HOUR)
    handled = await f.command(host, created_at=slot - 30 * HOUR, status=command_pb2.COMMAND_SUCCEEDED)
    s = await schedulers(host, [st])
    assert await run_next_slot(s, clock, st) == slot
    got = await host.stores.commands.get(old.id)  # reads the cache first: it was refreshed
    assert got.status == command_pb2.COMMAND_TIMEOUT and got.handled_at == slot and not got.metadata
    cached = json.loads(await host.cache.inner.get(cache_key(old.id)))
    assert cached["status"] == command_pb2.COMMAND_TIMEOUT
    assert (await host.stores.commands.get(young.id)).status == command_pb2.COMMAND_NOT_HANDLED_YET
    assert (await host.stores.commands.get(handled.id)).status == command_pb2.COMMAND_SUCCEEDED
    state = await TaskStates(host.datastore).get(st.name)
    assert state.last_report["counts"] == {"timed_out": 1, "handled_meanwhile": 0}


async def test_stale_piped_stat_cleaner(backend, make_host, schedulers, clock: ManualClock) -> None:
    host = await make_host(backend)
    (st,) = only(host, "stale_piped_stat_cleaner")
    slot = int(st.schedule.next(clock.time()))
    await host.stores.hashes.put_piped_stat("fresh", b"m 1", slot - HOUR)
    await host.stores.hashes.put_piped_stat("stale", b"m 2", slot - 25 * HOUR)
    await host.cache.inner.hput(PIPED_STATS, "garbage", b"not json")
    s = await schedulers(host, [st])
    await run_next_slot(s, clock, st)
    assert set(await host.cache.inner.hgetall(PIPED_STATS)) == {"fresh"}


async def test_command_output_cleaner_runs_at_nine_utc(backend, make_host, schedulers, clock: ManualClock) -> None:
    host = await make_host(backend)
    (st,) = only(host, "command_output_cleaner")
    await host.stores.objects.put_command_output("old", b"{}")
    await host.filestore.put("other/keep.json", b"{}")
    clock.set(clock.time() + 49 * HOUR)  # the files are two days old now
    await host.stores.objects.put_command_output("new", b"{}")
    new_path = host.filestore.root / "command-output" / "new.json"  # type: ignore[attr-defined]
    os.utime(new_path, (clock.time(), clock.time()))
    s = await schedulers(host, [st])
    slot = await run_next_slot(s, clock, st)
    assert slot % DAY == 9 * HOUR
    assert [o.path for o in await host.filestore.list("command-output/")] == ["command-output/new.json"]
    assert [o.path for o in await host.filestore.list("other/")] == ["other/keep.json"]


async def test_api_key_last_used_updater(backend, make_host, schedulers, clock: ManualClock) -> None:
    host = await make_host(backend)
    (st,) = only(host, "api_key_last_used_updater")
    await f.api_key(host, "k1")
    await f.api_key(host, "k2", last_used_at=500)
    await f.api_key(host, "k3", disabled=True)
    for key, used in (("k1", 1234), ("k2", 400), ("k3", 999)):
        await host.cache.inner.hput(API_KEYS_LAST_USED, key, str(used).encode())
    s = await schedulers(host, [st])
    await run_next_slot(s, clock, st)
    assert [(await host.stores.apikeys.get(k)).last_used_at for k in ("k1", "k2", "k3")] == [1234, 500, 0]


async def test_application_insight_collector(backend, make_host, schedulers, clock: ManualClock) -> None:
    host = await make_host(backend)
    (st,) = only(host, "application_insight_collector")
    for p in ("p1", "p2", "p3"):
        await f.project(host, p)
    await f.application(host, "a1", "p1", labels={"env": "prod"})
    await f.application(host, "a2", "p1", kind=common_pb2.TERRAFORM, disabled=True)
    await f.application(host, "a3", "p1", deleted=True)
    await f.application(host, "a4", "p2", kind=common_pb2.ECS)
    await f.application(host, "a5", "p3", deleted=True)
    s = await schedulers(host, [st])
    slot = await run_next_slot(s, clock, st)
    assert slot % HOUR == 0
    raw = json.loads(await host.filestore.get("insights/p1/applications/applications.json"))
    assert raw == {"applications": [{"id": "a1", "labels": {"env": "prod"}, "kind": "KUBERNETES", "status": "ENABLED"},
                                    {"id": "a2", "labels": None, "kind": "TERRAFORM", "status": "DISABLED"}],
                   "updated_at": slot}
    assert json.loads(await host.filestore.get("insights/p3/applications/applications.json"))["applications"] == []
    updated_at, counts = await application_counts(host.stores, "p1")
    assert updated_at == slot
    assert [(dict(c.labels), c.count) for c in counts] == [
        ({"KIND": "KUBERNETES", "ACTIVE_STATUS": "ENABLED"}, 1), ({"KIND": "TERRAFORM", "ACTIVE_STATUS": "DISABLED"}, 1)]
    gauge = (await insight_gauge_text(host)).decode()
    assert 'insight_application_total{app_kind="ECS",pipecd_component="ops",project="p2"} 1.0' in gauge
    assert 'project="p3"' not in gauge


async def test_deployment_insight_collector(backend, make_host, schedulers, clock: ManualClock) -> None:
    host = await make_host(backend, "insightCollector:\n  deployment: {chunkMaxCount: 2}\n")
    (st,) = only(host, "deployment_insight_collector")
    slot = int(st.schedule.next(clock.time()))
    m = 60
    rollback = [D.PipelineStage(id="rb", name="ROLLBACK", created_at=slot - 45 * m, updated_at=slot - 45 * m)]
    await f.deployment(host, "d1", "app1", status=D.DEPLOYMENT_FAILURE, completed_at=slot - 50 * m)
    await f.deployment(host, "d2", "app1", status=D.DEPLOYMENT_FAILURE, completed_at=slot - 40 * m, stages=rollback)
    await f.deployment(host, "d3", "app1", completed_at=slot - 20 * m, commit_at=slot - 60 * m)
    await f.deployment(host, "d4", "app2", completed_at=slot - 10 * m, commit_at=slot - 15 * m, labels={"env": "dev"})
    await f.deployment(host, "d5", "app2", status=D.DEPLOYMENT_CANCELLED, completed_at=slot - 5 * m)
    await f.deployment(host, "d6", "app2", status=D.DEPLOYMENT_RUNNING)
    await f.deployment(host, "d7", "app9", "p2", completed_at=slot - 30 * m)
    await f.deployment(host, "d8", "app2", completed_at=slot)  # on the boundary: read by both runs
    await f.deployment(host, "d0", "app1", completed_at=slot - 2 * HOUR)  # before the first range (an hour)
    t0 = host.now()
    s = await schedulers(host, [st])
    assert await run_next_slot(s, clock, st) == slot
    fs = host.filestore
    assert json.loads(await fs.get("insights/milestone.json")) == {"deployment_completed_at_milestone": slot}
    block = f"block_{utc_year(slot - 50 * m)}"
    base = f"insights/p1/completed-deployments/{block}"
    meta = json.loads(await fs.get(f"{base}/block_meta.json"))
    assert meta["block_id"] == block
    assert [(c["chunk_id"], c["chunk_index"], c["count"], c["completed"]) for c in meta["chunk_metadata"]] == [
        ("chunk_0", 0, 2, True), ("chunk_1", 1, 2, True), ("chunk_2", 2, 2, True)]
    assert meta["chunk_metadata"][0]["min_timestamp"] == slot - 50 * m
    chunk0 = json.loads(await fs.get(f"{base}/chunk_0.json"))
    assert chunk0["chunk_id"] == "chunk_0"
    assert chunk0["deployments"][1] == {"id": "d2", "app_id": "app1", "labels": None, "started_at": slot - 41 * m,
                                        "completed_at": slot - 40 * m, "complete_status": "DEPLOYMENT_FAILURE",
                                        "rollback_started_at": slot - 45 * m, "commit_timestamp": t0}
    d3 = json.loads(await fs.get(f"{base}/chunk_1.json"))["deployments"][0]
    assert d3["id"] == "d3" and d3["failed_since"] == slot - 50 * m and d3["commit_timestamp"] == slot - 60 * m
    # The second run adds what completed since, once (the boundary deployment is not repeated).
    await f.deployment(host, "d9", "app2", completed_at=slot + 10 * m)
    slot2 = await run_next_slot(s, clock, st)
    ids = []
    for i in range(4):
        try:
            ids += [d["id"] for d in json.loads(await fs.get(f"{base}/chunk_{i}.json"))["deployments"]]
        except NotFound:
            pass
    if utc_year(slot + 10 * m) == utc_year(slot - 50 * m):
        assert ids == ["d1", "d2", "d3", "d4", "d5", "d8", "d9"]
    assert json.loads(await fs.get("insights/milestone.json")) == {"deployment_completed_at_milestone": slot2}

    # What the console reads: PipeCD's two metrics and the two PipeCD never implemented.
    async def points(kind: int, **kw) -> dict[int, float]:
        updated_at, streams = await insight_data(host.stores, "p1", kind, slot - DAY, slot2, insight_pb2.DAILY, **kw)
        assert updated_at == slot2 and len(streams) == 1
        return {p.timestamp: round(p.value, 4) for p in streams[0].data_points}

    def day(ts: int) -> int:
        return step_start(ts, insight_pb2.DAILY)
    freq = await points(insight_pb2.DEPLOYMENT_FREQUENCY)
    assert sum(freq.values()) == 7 and set(freq) == {day(slot - DAY), day(slot2)} | {day(slot - DAY) + DAY}
    assert sum((await points(insight_pb2.DEPLOYMENT_FREQUENCY, application_id="app2")).values()) == 4
    assert sum((await points(insight_pb2.DEPLOYMENT_FREQUENCY, labels={"env": "dev"})).values()) == 1
    cfr = await points(insight_pb2.CHANGE_FAILURE_RATE)
    by_day: dict[int, list[str]] = {}
    for ts, status in ((slot - 50 * m, "F"), (slot - 40 * m, "F"), (slot - 20 * m, "S"), (slot - 10 * m, "S"),
                       (slot - 5 * m, "C"), (slot, "S"), (slot + 10 * m, "S")):
        by_day.setdefault(day(ts), []).append(status)
    assert {d: cfr[d] for d in by_day} == {d: round(v.count("F") / len(v), 4) for d, v in by_day.items()}
    mttr = await points(insight_pb2.MTTR)
    assert mttr[day(slot - 20 * m)] == 30 * m and sum(mttr.values()) == 30 * m
    lead = await points(insight_pb2.LEAD_TIME, application_id="app1")
    assert lead[day(slot - 20 * m)] == 40 * m
    # Completed chunks are cached for 7 days under PipeCD's key.
    assert await host.cache.inner.get(f"insights-chunk/p1/{block}/chunk_0") is not None


async def test_deployment_chain_controller(backend, make_host, schedulers, clock: ManualClock) -> None:
    host = await make_host(backend)
    (st,) = only(host, "deployment_chain_controller")
    c = deployment_chain_pb2
    await f.deployment(host, "dA", "app1", status=D.DEPLOYMENT_SUCCESS, completed_at=host.now(), chain_id="ch")
    await f.deployment(host, "dB", "app2", status=D.DEPLOYMENT_RUNNING, chain_id="ch", block_index=1)
    await f.chain(host, "ch", [[("app1", "dA", D.DEPLOYMENT_RUNNING)], [("app2", "", 0)]])
    s = await schedulers(host, [st])
    await run_next_slot(s, clock, st)
    chain = await host.stores.chains.get("ch")
    assert chain.blocks[0].nodes[0].deployment_ref.status == D.DEPLOYMENT_SUCCESS
    assert chain.blocks[0].status == c.DEPLOYMENT_BLOCK_SUCCESS and chain.blocks[0].completed_at
    assert chain.blocks[1].nodes[0].deployment_ref.deployment_id == "dB"  # attached
    assert chain.blocks[1].status == c.DEPLOYMENT_BLOCK_RUNNING and chain.status == c.DEPLOYMENT_CHAIN_RUNNING

    def done(d: D.Deployment) -> None:
        d.status, d.completed_at = D.DEPLOYMENT_SUCCESS, host.now()
    await host.stores.deployments.update("dB", done)
    await run_next_slot(s, clock, st)
    chain = await host.stores.chains.get("ch")
    assert chain.blocks[1].status == c.DEPLOYMENT_BLOCK_SUCCESS
    assert chain.status == c.DEPLOYMENT_CHAIN_SUCCESS and chain.completed_at


async def _retention_data(host: Host, now: int) -> None:
    old = now - 40 * DAY
    await f.application(host, "app1", latest_success="keep")
    for dep_id, completed in (("gone", old), ("keep", old), ("recent", now - DAY)):
        await f.deployment(host, dep_id, "app1", completed_at=completed, created_at=completed - 60)
        await host.filestore.put(f"log/{dep_id}/stage/0.txt", b'{"index":1}\nEOL\n')
    await f.deployment(host, "running", "app1", status=D.DEPLOYMENT_RUNNING, created_at=old)
    await host.filestore.put("log/running/stage/0.txt", b"")
    for cid, created, status in (("c-old", old, command_pb2.COMMAND_SUCCEEDED),
                                 ("c-pending", old, command_pb2.COMMAND_NOT_HANDLED_YET),
                                 ("c-new", now - DAY, command_pb2.COMMAND_FAILED)):
        cmd = await f.command(host, created_at=created, status=status)
        await host.stores.objects.put_command_output(cmd.id, b"{}")
        host.state.setdefault("cmds", {})[cid] = cmd.id


async def test_retention_cleaner_dry_run_then_delete(backend, make_host, schedulers, clock: ManualClock) -> None:
    host = await make_host(backend, "ops:\n  tasks:\n    retention_cleaner: {enabled: true, olderThan: 720h}\n")
    (st,) = only(host, "retention_cleaner")
    assert st.enabled and st.schedule.describe() == "cron '0 3 * * *' (UTC)"
    await _retention_data(host, host.now())
    s = await schedulers(host, [st])
    dry = await s.runner.run(st, slot=None, manual=True, dry_run=True)
    assert dry.ok and dry.report.counts == {"deployments": 1, "stage_log_objects": 1, "commands": 1, "kept_latest": 1}
    assert len(await host.filestore.list("log/")) == 4  # nothing deleted
    await run_next_slot(s, clock, st)
    cmds = host.state["cmds"]
    for dep_id in ("keep", "recent", "running"):
        await host.stores.deployments.get(dep_id)
    try:
        await host.stores.deployments.get("gone")
        raise AssertionError("the old deployment is still there")
    except NotFound:
        pass
    assert sorted(o.path.split("/")[1] for o in await host.filestore.list("log/")) == ["keep", "recent", "running"]
    try:
        await host.datastore.get("Command", cmds["c-old"])
        raise AssertionError("the old command is still there")
    except NotFound:
        pass
    assert await host.cache.inner.get(cache_key(cmds["c-old"])) is None
    await host.stores.commands.get(cmds["c-pending"])
    await host.stores.commands.get(cmds["c-new"])
    outputs = {o.path for o in await host.filestore.list("command-output/")}
    assert f"command-output/{cmds['c-old']}.json" not in outputs and len(outputs) == 2
