"""Insight files in PipeCD's layout, and the metrics served from them."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from pipecd_cp.domain.insights import application_counts, data_points, insight_data, mark_recoveries, steps
from pipecd_cp.errors import InvalidArgument, Unimplemented
from pipecd_cp.proto.model import insight_pb2
from pipecd_cp.stores.insights import DeploymentData
from tests.ops.conftest import Backend


def ts(*args: int) -> int:
    return int(datetime(*args, tzinfo=timezone.utc).timestamp())


def dd(id: str, completed: int, status: str = "DEPLOYMENT_SUCCESS", app: str = "a", **kw) -> DeploymentData:
    return DeploymentData(id, app, completed, status, **kw)


@pytest.fixture
async def host(make_host):
    return await make_host(Backend("embedded"))


async def test_reads_files_pipecd_wrote(host) -> None:
    """Byte-for-byte what PipeCD's Go store writes (nil maps as null, no pipecd-cp keys)."""
    fs = host.filestore
    await fs.put("insights/p/completed-deployments/block_2025/block_meta.json", json.dumps({
        "block_id": "block_2025", "chunk_metadata": [{"chunk_id": "chunk_0", "chunk_index": 0,
                                                      "min_timestamp": ts(2025, 3, 1), "max_timestamp": ts(2025, 3, 2),
                                                      "count": 2, "completed": False}]}).encode())
    await fs.put("insights/p/completed-deployments/block_2025/chunk_0.json", json.dumps({
        "chunk_id": "chunk_0", "deployments": [
            {"id": "x", "app_id": "a", "labels": None, "started_at": 1, "completed_at": ts(2025, 3, 1, 10),
             "complete_status": "DEPLOYMENT_SUCCESS", "rollback_started_at": 0},
            {"id": "y", "app_id": "a", "labels": {"env": "prod"}, "started_at": 1, "completed_at": ts(2025, 3, 2, 10),
             "complete_status": "DEPLOYMENT_FAILURE", "rollback_started_at": 5}]}).encode())
    await fs.put("insights/milestone.json", b'{"deployment_completed_at_milestone":1741000000}')
    updated, streams = await insight_data(host.stores, "p", insight_pb2.CHANGE_FAILURE_RATE, ts(2025, 3, 1),
                                          ts(2025, 3, 3), insight_pb2.DAILY)
    assert updated == 1741000000
    assert [(p.timestamp, p.value) for p in streams[0].data_points] == [
        (ts(2025, 3, 1), 0.0), (ts(2025, 3, 2), 1.0), (ts(2025, 3, 3), 0.0)]
    _, streams = await insight_data(host.stores, "p", insight_pb2.DEPLOYMENT_FREQUENCY, ts(2025, 3, 1),
                                    ts(2025, 3, 3), insight_pb2.DAILY, labels={"env": "prod"})
    assert [p.value for p in streams[0].data_points] == [0.0, 1.0, 0.0]


async def test_writes_pipecd_layout_in_go_json(host) -> None:
    store = host.stores.insights
    assert await store.put_completed_deployments("p", [dd("b", ts(2025, 12, 31, 23)), dd("a", ts(2025, 12, 31, 22)),
                                                       dd("c", ts(2026, 1, 1, 1), commit_timestamp=7)], 2) == 3
    assert await store.put_completed_deployments("p", [dd("a", ts(2025, 12, 31, 22))], 2) == 0  # deduplicated
    raw = await host.filestore.get("insights/p/completed-deployments/block_2025/chunk_0.json")
    assert raw == (b'{"chunk_id":"chunk_0","deployments":[{"id":"a","app_id":"a","labels":null,"started_at":0,'
                   b'"completed_at":%d,"complete_status":"DEPLOYMENT_SUCCESS","rollback_started_at":0},'
                   b'{"id":"b","app_id":"a","labels":null,"started_at":0,"completed_at":%d,'
                   b'"complete_status":"DEPLOYMENT_SUCCESS","rollback_started_at":0}]}'
                   % (ts(2025, 12, 31, 22), ts(2025, 12, 31, 23)))
    meta = json.loads(await host.filestore.get("insights/p/completed-deployments/block_2025/block_meta.json"))
    assert meta == {"block_id": "block_2025", "chunk_metadata": [{
        "chunk_id": "chunk_0", "chunk_index": 0, "min_timestamp": ts(2025, 12, 31, 22),
        "max_timestamp": ts(2025, 12, 31, 23), "count": 2, "completed": True}]}
    c = json.loads(await host.filestore.get("insights/p/completed-deployments/block_2026/chunk_0.json"))
    assert c["deployments"][0]["commit_timestamp"] == 7  # pipecd-cp's extra key
    # A completed chunk is read from the cache (7 days) once it has been read.
    got = await store.list_completed_deployments("p", ts(2025, 12, 1), ts(2026, 1, 2))
    assert [d.id for d in got] == ["a", "b", "c"]
    assert await host.cache.get("insights-chunk/p/block_2025/chunk_0") is not None


async def test_ranges_are_checked(host) -> None:
    kinds = insight_pb2
    with pytest.raises(InvalidArgument, match="range_from"):
        await insight_data(host.stores, "p", kinds.DEPLOYMENT_FREQUENCY, 200, 100, kinds.DAILY)
    with pytest.raises(InvalidArgument, match="2 years"):
        await insight_data(host.stores, "p", kinds.DEPLOYMENT_FREQUENCY, ts(2023, 1, 1), ts(2025, 1, 2), kinds.DAILY)
    with pytest.raises(InvalidArgument, match="resolution"):
        await insight_data(host.stores, "p", kinds.DEPLOYMENT_FREQUENCY, 100, 200, 7)
    with pytest.raises(InvalidArgument, match="positive"):
        await insight_data(host.stores, "p", kinds.DEPLOYMENT_FREQUENCY, 0, 200, kinds.DAILY)
    with pytest.raises(Unimplemented, match="APPLICATIONS_COUNT"):
        await insight_data(host.stores, "p", kinds.APPLICATIONS_COUNT, 100, 200, kinds.DAILY)
    updated, streams = await insight_data(host.stores, "none", kinds.MTTR, ts(2025, 1, 1), ts(2025, 1, 3), kinds.DAILY)
    assert updated == 0 and [p.value for p in streams[0].data_points] == [0.0, 0.0, 0.0]


def test_monthly_steps_cross_the_year_and_are_zero_filled() -> None:
    assert steps(ts(2025, 11, 15), ts(2026, 2, 3), insight_pb2.MONTHLY) == [
        ts(2025, 11, 1), ts(2025, 12, 1), ts(2026, 1, 1), ts(2026, 2, 1)]
    points = data_points([dd("x", ts(2025, 12, 24)), dd("y", ts(2025, 12, 25))], ts(2025, 11, 15), ts(2026, 2, 3),
                         insight_pb2.MONTHLY, lambda ds: float(len(ds)))
    assert [p.value for p in points] == [0.0, 2.0, 0.0, 0.0]


def test_recoveries_are_marked_on_the_success_ending_a_failure_streak() -> None:
    history = [dd("h1", 100, "DEPLOYMENT_SUCCESS"), dd("h2", 200, "DEPLOYMENT_FAILURE")]
    batch = [dd("b1", 300, "DEPLOYMENT_CANCELLED"), dd("b2", 400, "DEPLOYMENT_FAILURE"), dd("b3", 500),
             dd("b4", 600), dd("o1", 350, "DEPLOYMENT_FAILURE", app="other"), dd("o2", 650, app="other")]
    mark_recoveries(history, batch)
    assert {d.id: d.failed_since for d in batch} == {"b1": 0, "b2": 0, "b3": 200, "b4": 0, "o1": 0, "o2": 350}


async def test_application_counts_before_any_collection(host) -> None:
    assert await application_counts(host.stores, "p") == (0, [])
