"""One guarded run of a task: lease, "already done?" check, timeout, renewal, state, metrics, hook.

`Runner.run` never raises for what the task does: the outcome says what happened.

- `leased`: another replica holds the task's lease (it is running there);
- `done`: the slot was already run (by another replica, between our wake-up and the lease);
- `unavailable`: the lease backend or the datastore could not be reached;
- `success`, `failure`, `timeout`: the run happened (a failure or timeout calls the
  `ops_task_failed` hook and sets the shared backoff);
- `stopped`: the run stopped at a safe point (shutdown, or the lease was lost); the slot stays
  due, so it runs again.
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipecd_cp.errors import PipeCDError
from pipecd_cp.ops.leases import Held, Leases
from pipecd_cp.ops.metrics import OpsMetrics
from pipecd_cp.ops.registry import ScheduledTask
from pipecd_cp.ops.state import FAILURE, STOPPED, SUCCESS, TIMEOUT, ERROR_LIMIT, TaskState, TaskStates
from pipecd_cp.ops.task import TaskContext, TaskReport, TaskStopped
from pipecd_cp.plugins import call_async

if TYPE_CHECKING:
    from pipecd_cp.app import Host
    from pipecd_cp.ops.clock import Clock

log = logging.getLogger("pipecd_cp.ops")
LEASED, DONE, UNAVAILABLE = "leased", "done", "unavailable"


class RunTimeout(PipeCDError):
    """A run went past its task's timeout (and was cancelled)."""


@dataclass
class RunResult:
    outcome: str
    report: TaskReport | None = None
    error: BaseException | None = None
    seconds: float = 0.0

    @property
    def ran(self) -> bool:
        return self.outcome in (SUCCESS, FAILURE, TIMEOUT, STOPPED)

    @property
    def ok(self) -> bool:
        return self.outcome == SUCCESS


@dataclass
class _Active:
    stop: asyncio.Event
    task: asyncio.Task | None


class Runner:
    """Runs tasks for one process (see the module docstring)."""

    def __init__(self, host: "Host", clock: "Clock", leases: Leases, states: TaskStates, metrics: OpsMetrics,
                 holder: str, lease_ttl: float) -> None:
        self.host, self.clock, self.leases, self.states, self.metrics = host, clock, leases, states, metrics
        self.holder, self.lease_ttl = holder, lease_ttl
        self.active: dict[str, _Active] = {}
        #: Set by `Scheduler.kill` (tests): behave like a crashed process, keep leases, record nothing.
        self.dead = False

    def request_stop(self) -> None:
        """Ask every running task to stop at its next safe point."""
        for active in self.active.values():
            active.stop.set()

    def cancel_all(self) -> None:
        for active in self.active.values():
            if active.task is not None:
                active.task.cancel()

    async def run(self, st: ScheduledTask, *, slot: float | None, manual: bool = False, dry_run: bool = False,
                  leased: bool = True) -> RunResult:
        """Run `st` once for `slot` (None: not a scheduled slot, e.g. `ops run --once`)."""
        lease: Held | None = None
        if leased:
            try:
                lease = await self.leases.acquire(st.name, max(self.lease_ttl, 1.0))
            except (PipeCDError, OSError) as exc:
                log.warning("ops | %s: cannot take its lease: %s", st.name, exc)
                return RunResult(UNAVAILABLE, error=exc)
            if lease is None:
                return RunResult(LEASED)
        try:
            return await self._run_leased(st, slot, manual, dry_run, lease)
        finally:
            if lease is not None and not self.dead:
                with contextlib.suppress(PipeCDError, OSError):
                    await self.leases.release(lease)

    async def _run_leased(self, st: ScheduledTask, slot: float | None, manual: bool, dry_run: bool,
                          lease: Held | None) -> RunResult:
        started = self.clock.time()
        try:
            if slot is not None and (await self.states.get(st.name)).last_slot >= slot:
                return RunResult(DONE)

            def begin(s: TaskState) -> None:
                s.running_holder, s.running_since, s.last_started_at = self.holder, started, started
            await self.states.change(st.name, begin)
        except (PipeCDError, OSError) as exc:
            log.warning("ops | %s: cannot read or write its state: %s", st.name, exc)
            return RunResult(UNAVAILABLE, error=exc)
        stop = asyncio.Event()
        ctx = TaskContext(self.host, st.name, self.clock, slot=slot, dry_run=dry_run, stop_requested=stop)
        active = _Active(stop, None)
        self.active[st.name] = active
        keeper = asyncio.create_task(self._keep(lease, stop), name=f"ops-lease-{st.name}") if lease else None
        t0 = time.monotonic()
        report: TaskReport | None = None
        error: BaseException | None = None
        try:
            active.task = asyncio.create_task(self._timed(st, ctx), name=f"ops-run-{st.name}")
            try:
                report = await active.task
                outcome = SUCCESS
            except asyncio.CancelledError:
                me = asyncio.current_task()
                if me is None or not me.cancelling():  # the run alone was cancelled: the hard stop
                    outcome, error = STOPPED, TaskStopped(f"{st.name} was cancelled at the end of the grace period")
                else:  # this loop is being cancelled: take the run down with it
                    active.task.cancel()
                    with contextlib.suppress(BaseException):
                        await active.task
                    await self._finish(st, slot, manual, STOPPED, None, TaskStopped("cancelled"), started,
                                       time.monotonic() - t0)
                    raise
            except TaskStopped as exc:
                outcome, error = STOPPED, exc
            except RunTimeout as exc:
                outcome, error = TIMEOUT, exc
            except Exception as exc:
                outcome, error = FAILURE, exc
        finally:
            self.active.pop(st.name, None)
            if keeper is not None:
                keeper.cancel()
                with contextlib.suppress(BaseException):
                    await keeper
        seconds = time.monotonic() - t0
        await self._finish(st, slot, manual, outcome, report, error, started, seconds)
        return RunResult(outcome, report, error, seconds)

    async def _timed(self, st: ScheduledTask, ctx: TaskContext) -> TaskReport:
        deadline = asyncio.timeout(st.timeout)
        try:
            async with deadline:
                report = await st.task.run_once(ctx)
        except TimeoutError:
            if deadline.expired():
                raise RunTimeout(f"{st.name} did not finish within its timeout of {st.timeout:g}s") from None
            raise
        return report if isinstance(report, TaskReport) else TaskReport(str(report or ""))

    async def _keep(self, lease: Held, stop: asyncio.Event) -> None:
        """Renew the lease until cancelled; on loss, ask the run to stop at its next safe point."""
        while True:
            await self.leases.sleep_renewal(lease)
            try:
                kept = await self.leases.renew(lease)
            except (PipeCDError, OSError) as exc:
                log.warning("ops | %s: renewing its lease failed: %s", lease.task, exc)
                continue
            if not kept:
                log.error("ops | %s: lost its lease; stopping the run at its next safe point", lease.task)
                stop.set()
                return

    async def _finish(self, st: ScheduledTask, slot: float | None, manual: bool, outcome: str,
                      report: TaskReport | None, error: BaseException | None, started: float, seconds: float) -> None:
        if self.dead:
            return
        now = self.clock.time()
        failed = outcome in (FAILURE, TIMEOUT)
        failures = 0

        def end(s: TaskState) -> None:
            nonlocal failures
            s.running_holder, s.running_since = "", 0.0
            s.last_finished_at, s.last_outcome, s.last_manual = now, outcome, manual
            s.last_error = "" if error is None else f"{type(error).__name__}: {error}"[:ERROR_LIMIT]
            if report is not None:
                s.last_report = report.to_json()
            s.runs += 1
            if outcome == SUCCESS:
                s.last_success_at = now
                if slot is not None:
                    s.last_slot = max(s.last_slot, slot)
                if not manual:
                    s.failures, s.retry_at = 0, 0.0
            elif failed and not manual:
                s.failures += 1
                s.retry_at = now + st.retry_delay(s.failures, now)
            failures = s.failures if not manual else 1
        try:
            await self.states.change(st.name, end)
        except (PipeCDError, OSError) as exc:
            log.error("ops | %s: could not record its %s run: %s", st.name, outcome, exc)
            failures = failures or 1
        self.metrics.observe(st.name, outcome, seconds, now)
        where = "" if slot is None else f" (slot {_iso(slot)})"
        if outcome == SUCCESS:
            log.info("ops | %s%s: %s in %.2fs", st.name, where, report.render() if report else "done", seconds)
        elif outcome == STOPPED:
            log.warning("ops | %s%s: stopped: %s", st.name, where, error)
        else:
            log.error("ops | %s%s: %s after %.2fs (attempt %d): %s: %s", st.name, where, outcome, seconds,
                      failures, type(error).__name__, error)
        if failed and error is not None:
            await call_async(self.host.pm, "ops_task_failed", swallow=True, host=self.host, task=st.name,
                             error=error, attempt=failures)


def _iso(ts: float) -> str:
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
