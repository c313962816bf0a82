"""Insight metrics from the collected files: what GetInsightData and GetInsightApplicationCount answer.

PipeCD serves DEPLOYMENT_FREQUENCY and CHANGE_FAILURE_RATE; pipecd-cp also serves the two kinds
PipeCD declares but never implemented, from keys its collector adds to the chunk entries:

- MTTR: for each successful deployment that ended a failure streak of its application, the
  seconds from the completion of the streak's first failed deployment to its own completion;
  each step holds the mean of the recoveries completed in it.
- LEAD_TIME: for each successful deployment, the seconds from its triggering commit to its
  completion; each step holds the mean of the deployments completed in it.

Steps are UTC days or months, from the step of `range_from` to the step of `range_to`, every
step present (zero when nothing happened), as PipeCD fills them.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from pipecd_cp.errors import InvalidArgument, NotFound, Unimplemented
from pipecd_cp.proto.model import application_pb2, common_pb2, deployment_pb2, insight_pb2
from pipecd_cp.stores.insights import ApplicationData, DeploymentData, MAX_RANGE

if TYPE_CHECKING:
    from pipecd_cp.stores import Stores

DAILY, MONTHLY = insight_pb2.DAILY, insight_pb2.MONTHLY
SUCCESS = deployment_pb2.DeploymentStatus.Name(deployment_pb2.DEPLOYMENT_SUCCESS)
FAILURE = deployment_pb2.DeploymentStatus.Name(deployment_pb2.DEPLOYMENT_FAILURE)
ROLLBACK_STAGES = frozenset({"ROLLBACK", "CUSTOM_SYNC_ROLLBACK"})
KIND_LABEL = insight_pb2.InsightApplicationCountLabelKey.Name(insight_pb2.KIND)
STATUS_LABEL = insight_pb2.InsightApplicationCountLabelKey.Name(insight_pb2.ACTIVE_STATUS)


# ----------------------------------------------------------------------------- steps
def step_start(ts: int, resolution: int) -> int:
    """The UTC day (or month) that contains `ts`, as Unix seconds."""
    t = datetime.fromtimestamp(ts, timezone.utc)
    if resolution == MONTHLY:
        t = t.replace(day=1)
    return int(t.replace(hour=0, minute=0, second=0, microsecond=0).timestamp())


def next_step(ts: int, resolution: int) -> int:
    if resolution == DAILY:
        return ts + 86400
    t = datetime.fromtimestamp(ts, timezone.utc)
    t = t.replace(year=t.year + 1, month=1) if t.month == 12 else t.replace(month=t.month + 1)
    return int(t.timestamp())


def steps(range_from: int, range_to: int, resolution: int) -> list[int]:
    out, ts, last = [], step_start(range_from, resolution), step_start(range_to, resolution)
    while ts <= last:
        out.append(ts)
        ts = next_step(ts, resolution)
    return out


# ----------------------------------------------------------------------------- metrics
def _count(ds: list[DeploymentData]) -> float | None:
    return float(len(ds))


def _failure_rate(ds: list[DeploymentData]) -> float | None:
    return sum(1 for d in ds if d.complete_status == FAILURE) / len(ds) if ds else None


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _mttr(ds: list[DeploymentData]) -> float | None:
    return _mean([d.completed_at - d.failed_since for d in ds
                  if d.complete_status == SUCCESS and 0 < d.failed_since <= d.completed_at])


def _lead_time(ds: list[DeploymentData]) -> float | None:
    return _mean([d.completed_at - d.commit_timestamp for d in ds
                  if d.complete_status == SUCCESS and 0 < d.commit_timestamp <= d.completed_at])


_METRICS: dict[int, Callable[[list[DeploymentData]], float | None]] = {
    insight_pb2.DEPLOYMENT_FREQUENCY: _count,
    insight_pb2.CHANGE_FAILURE_RATE: _failure_rate,
    insight_pb2.MTTR: _mttr,
    insight_pb2.LEAD_TIME: _lead_time,
}


def data_points(ds: Iterable[DeploymentData], range_from: int, range_to: int, resolution: int,
                metric: Callable[[list[DeploymentData]], float | None]) -> list[insight_pb2.InsightDataPoint]:
    """One point per step of the range; `metric` of the step's deployments, 0 when it has none."""
    grouped: dict[int, list[DeploymentData]] = {}
    for d in ds:
        grouped.setdefault(step_start(d.completed_at, resolution), []).append(d)
    out = []
    for ts in steps(range_from, range_to, resolution):
        value = metric(grouped.get(ts, []))
        out.append(insight_pb2.InsightDataPoint(timestamp=ts, value=value or 0.0))
    return out


async def insight_data(stores: "Stores", project_id: str, metrics_kind: int, range_from: int, range_to: int,
                       resolution: int, application_id: str = "", labels: Mapping[str, str] | None = None,
                       ) -> tuple[int, list[insight_pb2.InsightSampleStream]]:
    """GetInsightData: (updated_at, the MATRIX streams) for one project.

    `updated_at` is the collector's milestone (every deployment completed before it is counted;
    0 before the first collection). The matrix holds one stream without labels, as PipeCD's.
    Deployments are narrowed to `application_id` and to those carrying every label in `labels`.
    `InvalidArgument` when a timestamp is not positive, `range_from > range_to`, the range is
    longer than two years or the resolution is unknown; `Unimplemented` for APPLICATIONS_COUNT
    (GetInsightApplicationCount serves it) and unknown kinds, as PipeCD answers.
    """
    if range_from <= 0 or range_to <= 0:
        raise InvalidArgument("must be a positive Unix time", field="range_from" if range_from <= 0 else "range_to")
    if range_from > range_to:
        raise InvalidArgument("range_from must not be after range_to", field="range_from")
    if range_to - range_from > MAX_RANGE:
        raise InvalidArgument("the range may be at most 2 years long", field="range_to")
    if resolution not in (DAILY, MONTHLY):
        raise InvalidArgument(f"unknown resolution {resolution}", field="resolution")
    metric = _METRICS.get(metrics_kind)
    if metric is None:
        name = (insight_pb2.InsightMetricsKind.Name(metrics_kind)
                if metrics_kind in insight_pb2.InsightMetricsKind.values() else str(metrics_kind))
        raise Unimplemented(f"The insight metrics {name} is not implemented")
    want = dict(labels or {})
    ds = [d for d in await stores.insights.list_completed_deployments(project_id, range_from, range_to)
          if (not application_id or d.app_id == application_id) and d.has_labels(want)]
    points = data_points(ds, range_from, range_to, resolution, metric)
    updated_at = await stores.insights.get_milestone() or 0
    return updated_at, [insight_pb2.InsightSampleStream(data_points=points)]


async def application_counts(stores: "Stores", project_id: str,
                             ) -> tuple[int, list[insight_pb2.InsightApplicationCount]]:
    """GetInsightApplicationCount: (updated_at, counts by KIND and ACTIVE_STATUS) from applications.json.

    Counts are ordered by kind, then status. Before the first collection of the project there
    is no file: the answer is (0, []) so the console shows zeros (PipeCD answers NOT_FOUND).
    """
    try:
        data = await stores.insights.get_applications(project_id)
    except NotFound:
        return 0, []
    counts: dict[tuple[str, str], int] = {}
    for app in data.applications:
        counts[(app.kind, app.status)] = counts.get((app.kind, app.status), 0) + 1
    return data.updated_at, [insight_pb2.InsightApplicationCount(labels={KIND_LABEL: k, STATUS_LABEL: s}, count=n)
                             for (k, s), n in sorted(counts.items())]


# ----------------------------------------------------------------------------- collector helpers
def application_data(app: application_pb2.Application) -> ApplicationData:
    """An applications.json entry (PipeCD's BuildApplicationData)."""
    status = common_pb2.DELETED if app.deleted else common_pb2.DISABLED if app.disabled else common_pb2.ENABLED
    kind = common_pb2.ApplicationKind.Name(app.kind) if app.kind in common_pb2.ApplicationKind.values() else str(app.kind)
    return ApplicationData(app.id, kind, common_pb2.ApplicationActiveStatus.Name(status), dict(app.labels))


def deployment_data(dep: deployment_pb2.Deployment) -> DeploymentData:
    """A chunk entry (PipeCD's BuildDeploymentData, plus the commit time for lead time)."""
    rollback = next((s for s in reversed(dep.stages) if s.name in ROLLBACK_STAGES or s.rollback), None)
    status = (deployment_pb2.DeploymentStatus.Name(dep.status)
              if dep.status in deployment_pb2.DeploymentStatus.values() else str(dep.status))
    return DeploymentData(id=dep.id, app_id=dep.application_id, completed_at=dep.completed_at,
                          complete_status=status, started_at=dep.created_at,
                          rollback_started_at=rollback.created_at if rollback else 0, labels=dict(dep.labels),
                          commit_timestamp=dep.trigger.commit.created_at)


def mark_recoveries(history: Iterable[DeploymentData], batch: Iterable[DeploymentData]) -> None:
    """Set `failed_since` on every success in `batch` that ends a failure streak of its application.

    `history` holds the application's earlier entries (already stored); both are walked in
    completion order. Cancelled deployments neither open nor close a streak.
    """
    batch_ids = {d.id for d in batch}
    merged = {d.id: d for d in history}
    merged.update({d.id: d for d in batch})
    since: dict[str, int] = {}
    for d in sorted(merged.values(), key=lambda d: (d.completed_at, d.id)):
        if d.complete_status == FAILURE:
            since.setdefault(d.app_id, d.completed_at)
        elif d.complete_status == SUCCESS:
            started = since.pop(d.app_id, 0)
            if started and d.id in batch_ids:
                d.failed_since = started
