"""The scheduler: one loop per task deciding when to run it, on any number of replicas.

Each loop, in every replica:

1. reads the task's shared state; the slot due is the schedule's latest slot if it is newer
   than `last_slot` (the last slot run to success), else it sleeps until the next slot plus a
   random jitter. A task that never ran anywhere starts from the slot before start-up, so a
   fresh install does not run everything at once; after downtime (or an interrupted run), the
   latest missed slot runs at once (one run, not one per missed slot);
2. after a failure, waits until the shared `retry_at` (exponential backoff from `backoff`,
   capped by `maxBackoff` and by the schedule's period) before trying again;
3. takes the task's lease and re-reads `last_slot`: if another replica ran the slot meanwhile
   it is skipped; if another replica holds the lease, this one polls (every half lease TTL, on
   the clock) so that it takes over when a dead holder's lease expires;
4. runs it (`pipecd_cp.ops.attempt`) and goes back to 1.

So each slot runs to success once; runs of one task never overlap (a run longer than the
period delays the next slot instead of running it twice); a failing task never stops the
others. `stop(grace)` stops starting runs, asks running tasks to stop at their next safe point
(`ctx.checkpoint()`), waits up to `grace` seconds, then cancels what is left. A stopped run
leaves its slot due, so another replica (or the next start) runs it again.
"""
from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipecd_cp.errors import PipeCDError
from pipecd_cp.ops.attempt import DONE, LEASED, UNAVAILABLE, RunResult, Runner
from pipecd_cp.ops.clock import Clock, SystemClock
from pipecd_cp.ops.leases import DatastoreLeases, Leases, holder_id, leases_for
from pipecd_cp.ops.metrics import ops_metrics
from pipecd_cp.ops.registry import ScheduledTask
from pipecd_cp.ops.state import TaskStates

if TYPE_CHECKING:
    from pipecd_cp.app import Host

log = logging.getLogger("pipecd_cp.ops")
ERROR_PAUSE = 30.0


class _Loop:
    def __init__(self, st: ScheduledTask) -> None:
        self.st = st
        self.sleeping = False
        self.task: asyncio.Task | None = None
        self.floor: float | None = None
        self.started = False


class Scheduler:
    """Runs the given tasks on their schedules until `stop` (see the module docstring)."""

    def __init__(self, host: "Host", tasks: Sequence[ScheduledTask], *, clock: Clock | None = None,
                 leases: Leases | None = None, holder: str | None = None, rng: random.Random | None = None,
                 lease_ttl: float | None = None) -> None:
        self.host = host
        self.clock: Clock = clock or SystemClock()
        self.holder = holder or holder_id()
        self.leases = leases or leases_for(host, self.clock, self.holder)
        self.states = TaskStates(host.datastore)
        self.metrics = ops_metrics(host)
        self.lease_ttl = lease_ttl or host.config.spec.ops.effective_lease_ttl
        self.runner = Runner(host, self.clock, self.leases, self.states, self.metrics, self.holder, self.lease_ttl)
        self.tasks = list(tasks)
        self.rng = rng or random.Random()
        self._loops: list[_Loop] = []
        self._background: list[_Loop] = []
        self._stopping = asyncio.Event()

    @property
    def scheduled(self) -> list[ScheduledTask]:
        return [t for t in self.tasks if t.active and not t.startup]

    async def prepare(self) -> None:
        """Declare the state and lease kinds and the metrics (idempotent)."""
        await self.states.declare()
        if isinstance(self.leases, DatastoreLeases):
            await self.leases.declare()
        for st in self.tasks:
            self.metrics.declare(st.name)
        log.info("ops | %s leases; holder %s", self.leases.kind, self.holder)

    async def run_startup(self) -> None:
        """Run the blocking start-up tasks now (a failure is raised) and start the background ones."""
        for st in [t for t in self.tasks if t.active and t.startup == "blocking"]:
            result = await self.runner.run(st, slot=None, leased=False)
            if not result.ok:
                raise PipeCDError(f"start-up task {st.name} failed: {result.error}")
        for st in [t for t in self.tasks if t.active and t.startup == "background"]:
            loop = _Loop(st)
            loop.task = asyncio.create_task(self._startup_until_done(loop), name=f"ops-startup-{st.name}")
            self._background.append(loop)

    async def _startup_until_done(self, loop: _Loop) -> None:
        failures = 0
        while not self._stopping.is_set():
            result = await self.runner.run(loop.st, slot=None, leased=False)
            if result.ok or result.outcome == "stopped":
                return
            failures += 1
            await self._sleep(self.clock.time() + loop.st.retry_delay(failures, self.clock.time()), loop)

    def start(self) -> None:
        """Start one loop per scheduled task."""
        for st in self.tasks:
            if not st.enabled:
                log.info("ops | %s is disabled", st.name)
            elif st.not_applicable:
                log.info("ops | %s does not apply here: %s", st.name, st.not_applicable)
        for st in self.scheduled:
            loop = _Loop(st)
            loop.task = asyncio.create_task(self._run_loop(loop), name=f"ops-loop-{st.name}")
            self._loops.append(loop)
            log.info("ops | %s scheduled %s, timeout %gs", st.name, st.describe_schedule(), st.timeout)

    async def _sleep(self, when: float, loop: _Loop) -> None:
        """Sleep on the clock until `when`. `stop` cancels loops while they sleep (nothing is running)."""
        if self._stopping.is_set():
            return
        loop.sleeping = True
        try:
            await self.clock.sleep_until(when)
        finally:
            loop.sleeping = False

    def _jitter(self, st: ScheduledTask, now: float) -> float:
        if st.jitter <= 0 or st.schedule is None:
            return 0.0
        return self.rng.uniform(0, min(st.jitter, st.schedule.period(now) / 2))

    async def _run_loop(self, loop: _Loop) -> None:
        while not self._stopping.is_set():
            try:
                await self._step(loop)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("ops | %s: scheduler loop error; pausing %gs", loop.st.name, ERROR_PAUSE)
                await self._sleep(self.clock.time() + ERROR_PAUSE, loop)

    async def _step(self, loop: _Loop) -> None:
        st, schedule = loop.st, loop.st.schedule
        assert schedule is not None
        now = self.clock.time()
        try:
            state = await self.states.get(st.name)
        except (PipeCDError, OSError) as exc:
            log.warning("ops | %s: cannot read its state: %s", st.name, exc)
            await self._sleep(now + min(ERROR_PAUSE, schedule.period(now)), loop)
            return
        if not loop.started:
            loop.started = True
            if not state.last_slot and not state.last_started_at:  # never ran anywhere
                loop.floor = schedule.latest(now)
        handled = max(state.last_slot, loop.floor or 0.0)
        latest = schedule.latest(now)
        if latest <= handled:
            await self._sleep(schedule.next(now) + self._jitter(st, now), loop)
            return
        if state.failures and state.retry_at > now:
            await self._sleep(state.retry_at, loop)
            return
        if self._stopping.is_set():
            return
        result = await self.runner.run(st, slot=latest)
        await self._after(loop, result, latest)

    async def _after(self, loop: _Loop, result: RunResult, slot: float) -> None:
        st, schedule = loop.st, loop.st.schedule
        assert schedule is not None
        now = self.clock.time()
        if result.outcome == LEASED:
            self.metrics.skip(st.name, "leased")
            await self._sleep(min(now + max(self.lease_ttl / 2, 1.0), max(schedule.next(now), now + 1.0)), loop)
        elif result.outcome == DONE:
            self.metrics.skip(st.name, "done")
        elif result.outcome == UNAVAILABLE:
            await self._sleep(now + min(st.backoff, schedule.period(now)), loop)

    # ------------------------------------------------------------------ stopping and tests
    async def stop(self, grace: float) -> None:
        """Stop starting runs, let running ones reach a safe point for `grace` seconds, cancel the rest."""
        self._stopping.set()
        self.runner.request_stop()
        loops = self._loops + self._background
        for lp in loops:
            if lp.sleeping and lp.task is not None:
                lp.task.cancel()  # idle: nothing to finish
        tasks = [lp.task for lp in loops if lp.task is not None and not lp.task.done()]
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=grace)
        if pending:
            log.warning("ops | %d task(s) still running after the %gs grace period: cancelling them at their "
                        "current step", len(pending), grace)
            self.runner.cancel_all()
            _, pending = await asyncio.wait(pending, timeout=5.0)
            for t in pending:
                t.cancel()
            if pending:
                await asyncio.wait(pending, timeout=5.0)
        for t in tasks:
            if t.done() and not t.cancelled() and t.exception() is not None:
                log.error("ops | %s ended with an error", t.get_name(), exc_info=t.exception())

    async def wait_idle(self, timeout: float = 30.0) -> None:
        """Wait (real time) until every loop sleeps on the clock and no run is in flight (tests)."""
        deadline = time.monotonic() + timeout
        loops = self._loops + self._background
        while not (all(lp.sleeping or (lp.task is not None and lp.task.done()) for lp in loops)
                   and not self.runner.active):
            if time.monotonic() > deadline:
                busy = [lp.st.name for lp in loops if not lp.sleeping]
                raise TimeoutError(f"the scheduler is still busy: {busy}")
            await asyncio.sleep(0.005)

    def kill(self) -> None:
        """Stop dead, like a crashed process: cancel everything, release no lease, record nothing (tests)."""
        self.runner.dead = True
        self._stopping.set()
        for lp in self._loops + self._background:
            if lp.task:
                lp.task.cancel()
        self.runner.cancel_all()
