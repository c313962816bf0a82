"""The ops process's `/metrics`: per-task series, PipeCD's insight gauge and the pipeds' own metrics.

Per task (label `task`), on the host's registry:

    pipecd_cp_ops_task_runs_total{outcome=success|failure|timeout|stopped}
    pipecd_cp_ops_task_failures_total
    pipecd_cp_ops_task_duration_seconds            (histogram)
    pipecd_cp_ops_task_last_success_timestamp_seconds
    pipecd_cp_ops_task_skipped_total{reason=leased|done}   slots left to another replica

After the host's registry, each scrape appends PipeCD's `insight_application_total{project,
app_kind}` (from the applications.json files) and then, as PipeCD's piped-stats builder does,
the raw metrics text of every piped whose `HASHKEY:PIPED:STATS` entry is fresher than 2 minutes,
joined by newlines.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from pipecd_cp.errors import NotFound, PipeCDError
from pipecd_cp.stores.hashes import STAT_RETENTION

if TYPE_CHECKING:
    from pipecd_cp.app import Host

log = logging.getLogger("pipecd_cp.ops")
STATE_KEY = "pipecd_cp.ops.metrics"
DURATION_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600)
SCRAPE_TIMEOUT = 10.0


class OpsMetrics:
    """The per-task series of one host (create with `ops_metrics(host)`)."""

    def __init__(self, host: "Host") -> None:
        reg, c = host.metrics.registry, ("pipecd_component",)
        self.component = host.metrics.component
        self.runs = Counter("pipecd_cp_ops_task_runs_total", "Ops task runs, by outcome.",
                            c + ("task", "outcome"), registry=reg)
        self.failures = Counter("pipecd_cp_ops_task_failures_total", "Ops task runs that failed or timed out.",
                                c + ("task",), registry=reg)
        self.duration = Histogram("pipecd_cp_ops_task_duration_seconds", "Duration of ops task runs.",
                                  c + ("task",), buckets=DURATION_BUCKETS, registry=reg)
        self.last_success = Gauge("pipecd_cp_ops_task_last_success_timestamp_seconds",
                                  "When the task last succeeded (Unix seconds).", c + ("task",), registry=reg)
        self.skipped = Counter("pipecd_cp_ops_task_skipped_total",
                               "Scheduled slots this replica left to another (leased: another holds the lease; "
                               "done: another already ran it).", c + ("task", "reason"), registry=reg)

    def declare(self, task: str) -> None:
        """Create the task's series at zero, so dashboards see it before its first run."""
        self.failures.labels(self.component, task)
        self.duration.labels(self.component, task)
        for outcome in ("success", "failure", "timeout", "stopped"):
            self.runs.labels(self.component, task, outcome)

    def observe(self, task: str, outcome: str, seconds: float, now: float) -> None:
        self.runs.labels(self.component, task, outcome).inc()
        self.duration.labels(self.component, task).observe(seconds)
        if outcome in ("failure", "timeout"):
            self.failures.labels(self.component, task).inc()
        elif outcome == "success":
            self.last_success.labels(self.component, task).set(now)

    def skip(self, task: str, reason: str) -> None:
        self.skipped.labels(self.component, task, reason).inc()


def ops_metrics(host: "Host") -> OpsMetrics:
    """The host's `OpsMetrics`, created on first use (a registry accepts each series once)."""
    metrics = host.state.get(STATE_KEY)
    if metrics is None:
        metrics = host.state[STATE_KEY] = OpsMetrics(host)
    return metrics


async def piped_metrics_text(host: "Host") -> bytes:
    """The raw metrics of every piped that reported a stat in the last 2 minutes, newline-joined."""
    stats = await host.stores.hashes.piped_stats()
    fresh = [s.metrics for s in stats.values() if s.timestamp >= host.now() - STAT_RETENTION and s.metrics]
    return b"\n".join(fresh)


async def insight_gauge_text(host: "Host") -> bytes:
    """`insight_application_total{project, app_kind}` for every datastore project (deleted apps excluded)."""
    registry = CollectorRegistry(auto_describe=True)
    gauge = Gauge("insight_application_total", "Number of applications (from the insight files).",
                  ("pipecd_component", "project", "app_kind"), registry=registry)
    for project in await host.stores.projects.find_all():
        try:
            data = await host.stores.insights.get_applications(project.id)
        except NotFound:
            continue
        for app in data.applications:
            if app.status != "DELETED":
                gauge.labels(host.metrics.component, project.id, app.kind).inc()
    return generate_latest(registry)


def scrape_extras(host: "Host") -> list[Callable[[], Awaitable[bytes]]]:
    """The `pipecd_metrics_extra` callables of the ops admin server, each bounded in time."""
    async def bounded(what: str, make: Callable[["Host"], Awaitable[bytes]]) -> bytes:
        try:
            return await asyncio.wait_for(make(host), SCRAPE_TIMEOUT)
        except (PipeCDError, OSError, TimeoutError, ValueError) as exc:
            log.warning("ops | %s for /metrics failed: %s", what, exc)
            return b""
    return [lambda: bounded("insight gauge", insight_gauge_text),
            lambda: bounded("piped stats", piped_metrics_text)]
