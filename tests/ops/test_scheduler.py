"""The scheduler on a controllable clock: slots, backoff, timeouts, overlap, replicas, shutdown."""
from __future__ import annotations

import asyncio
import random
import types
from datetime import datetime, timezone

import pytest

from pipecd_cp.hookspecs import hookimpl
from pipecd_cp.ops.attempt import RunTimeout
from pipecd_cp.ops.clock import ManualClock
from pipecd_cp.ops.registry import ScheduledTask
from pipecd_cp.ops.schedule import Cron, Every
from pipecd_cp.ops.state import TaskStates
from pipecd_cp.ops.task import OpsTask, TaskContext, TaskReport
from tests.ops.conftest import settle

HOUR = 3600.0


class Recorder(OpsTask):
    """Records every run's (slot, time); fails the first `fail` runs; blocks while `gate` is unset."""

    def __init__(self, name: str = "recorder", fail: int = 0, gate: asyncio.Event | None = None,
                 runs: list | None = None, steps: int = 0) -> None:
        self.name_, self.fail, self.gate = name, fail, gate
        self.runs: list[tuple[float | None, int, str]] = [] if runs is None else runs
        self.started = asyncio.Event()
        self.steps, self.steps_done = steps, 0
        self.completed = 0

    async def run_once(self, ctx: TaskContext) -> TaskReport:
        self.runs.append((ctx.slot, ctx.now(), ctx.task))
        self.started.set()
        if self.gate is not None:
            await self.gate.wait()
        for _ in range(self.steps):
            ctx.checkpoint()
            await asyncio.sleep(0.05)
            self.steps_done += 1
        await asyncio.sleep(0.01)  # a little real work, so replicas overlap
        if len(self.runs) <= self.fail:
            raise RuntimeError(f"boom {len(self.runs)}")
        self.completed += 1
        return TaskReport("ok", {"runs": len(self.runs)})


def scheduled(task: Recorder, schedule, name: str = "recorder", **kw) -> ScheduledTask:
    return ScheduledTask(name=name, task=task, distribution="tests", enabled=True, schedule=schedule,
                         timeout=kw.pop("timeout", 60.0), jitter=kw.pop("jitter", 0.0),
                         backoff=kw.pop("backoff", 30.0), max_backoff=kw.pop("max_backoff", HOUR), **kw)


async def test_runs_once_per_slot_and_not_at_start(backend, make_host, schedulers, clock: ManualClock) -> None:
    host = await make_host(backend)
    task = Recorder()
    s = await schedulers(host, [scheduled(task, Every(HOUR))])
    assert task.runs == []  # a fresh task waits for its first slot
    first = Every(HOUR).next(clock.time())
    await clock.advance(first - clock.time() + 4 * HOUR - 1, settle=s.wait_idle)
    assert [slot for slot, _, _ in task.runs] == [first + i * HOUR for i in range(4)]
    state = await TaskStates(host.datastore).get("recorder")
    assert state.last_slot == first + 3 * HOUR and state.last_outcome == "success" and state.runs == 4


async def test_cron_slots_are_utc(make_host, schedulers, clock: ManualClock) -> None:
    from tests.ops.conftest import Backend
    host = await make_host(Backend("embedded"))
    task = Recorder()
    s = await schedulers(host, [scheduled(task, Cron("0 9 * * *"))])
    await clock.advance(3 * 24 * HOUR, settle=s.wait_idle)
    times = [datetime.fromtimestamp(t, timezone.utc) for _, t, _ in task.runs]
    assert len(times) == 3 and all((d.hour, d.minute) == (9, 0) for d in times)


async def test_a_failing_task_is_retried_with_backoff_and_never_stops_the_others(
        make_host, schedulers, clock: ManualClock) -> None:
    from tests.ops.conftest import Backend
    calls: list[tuple[str, str, int]] = []

    async def ops_task_failed(host, task, error, attempt) -> None:
        calls.append((task, str(error), attempt))
    notifier = types.SimpleNamespace(__name__="notifier", ops_task_failed=hookimpl(ops_task_failed))
    host = await make_host(Backend("embedded"), extra_plugins=(notifier,))
    flaky, steady = Recorder("flaky", fail=3), Recorder("steady")
    s = await schedulers(host, [scheduled(flaky, Every(HOUR), name="flaky", backoff=30.0),
                                scheduled(steady, Every(60.0), name="steady")])
    start = Every(HOUR).next(clock.time())
    await clock.advance(start - clock.time() + 10 * 60, settle=s.wait_idle)
    times = [t - start for _, t, _ in flaky.runs]
    assert times == [0, 30, 90, 210]  # 30s, then doubled: 60s, 120s; the 4th try succeeds
    assert {slot for slot, _, _ in flaky.runs} == {start}  # all for the one slot
    assert calls == [("flaky", "boom 1", 1), ("flaky", "boom 2", 2), ("flaky", "boom 3", 3)]
    assert len(steady.runs) >= 10  # the healthy task ran every minute throughout
    state = await TaskStates(host.datastore).get("flaky")
    assert state.failures == 0 and state.last_slot == start
    text = host.metrics.render().decode()
    assert 'pipecd_cp_ops_task_failures_total{pipecd_component="ops",task="flaky"} 3.0' in text
    assert 'pipecd_cp_ops_task_runs_total{outcome="success",pipecd_component="ops",task="flaky"} 1.0' in text


async def test_backoff_never_exceeds_the_period(make_host, schedulers, clock: ManualClock) -> None:
    from tests.ops.conftest import Backend
    host = await make_host(Backend("embedded"))
    task = Recorder(fail=100)
    s = await schedulers(host, [scheduled(task, Every(120.0), backoff=30.0, max_backoff=HOUR)])
    await clock.advance(Every(120.0).next(clock.time()) - clock.time() + 20 * 60, settle=s.wait_idle)
    gaps = [b[1] - a[1] for a, b in zip(task.runs, task.runs[1:])]
    assert gaps[:2] == [30, 60] and max(gaps) == 120


async def test_a_run_past_its_timeout_fails_and_is_retried(make_host, schedulers, clock: ManualClock) -> None:
    from tests.ops.conftest import Backend
    errors: list[BaseException] = []
    notifier = types.SimpleNamespace(__name__="n", ops_task_failed=hookimpl(
        lambda task, error, attempt: errors.append(error)))
    host = await make_host(Backend("embedded"), extra_plugins=(notifier,))
    gate = asyncio.Event()  # never set: the run hangs
    task = Recorder(gate=gate)
    s = await schedulers(host, [scheduled(task, Every(HOUR), timeout=0.2)])
    await clock.advance(Every(HOUR).next(clock.time()) - clock.time(), settle=s.wait_idle)
    assert len(errors) == 1 and isinstance(errors[0], RunTimeout)
    state = await TaskStates(host.datastore).get("recorder")
    assert state.last_outcome == "timeout" and state.failures == 1 and state.retry_at > clock.time()


async def test_a_run_longer_than_its_period_delays_the_next_slot_instead_of_overlapping(
        make_host, schedulers, clock: ManualClock) -> None:
    from tests.ops.conftest import Backend
    host = await make_host(Backend("embedded"))
    gate = asyncio.Event()
    task = Recorder(gate=gate)
    s = await schedulers(host, [scheduled(task, Every(60.0))])
    first = Every(60.0).next(clock.time())
    await clock.advance(first - clock.time())
    await asyncio.wait_for(task.started.wait(), 10)
    await clock.advance(5 * 60)  # five more slots pass while the first run is still going
    assert len(task.runs) == 1
    task.gate = None
    gate.set()
    await s.wait_idle()
    assert [slot for slot, _, _ in task.runs] == [first, first + 5 * 60]  # one catch-up run, not five


@pytest.mark.parametrize("jitter", [0.0, 20.0])
async def test_two_replicas_run_each_slot_exactly_once(backend, make_host, schedulers, clock: ManualClock,
                                                       jitter: float) -> None:
    runs: list = []
    a, b = await make_host(backend), await make_host(backend)
    ta, tb = Recorder(runs=runs), Recorder(runs=runs)
    sa = await schedulers(a, [scheduled(ta, Every(600.0), jitter=jitter)], rng=random.Random(1), holder="a")
    sb = await schedulers(b, [scheduled(tb, Every(600.0), jitter=jitter)], rng=random.Random(2), holder="b")
    assert type(sa.leases).__name__ == ("DatastoreLeases" if backend.name == "embedded" else "CacheLeases")
    first = Every(600.0).next(clock.time())
    await clock.advance(first - clock.time() + 6 * 600.0 - 1, settle=lambda: settle(sa, sb))
    slots = [slot for slot, _, _ in runs]
    assert sorted(slots) == [first + i * 600.0 for i in range(6)], runs
    skipped = (a.metrics.render() + b.metrics.render()).decode()
    assert "pipecd_cp_ops_task_skipped_total" in skipped


async def test_a_replica_that_dies_mid_run_loses_its_lease_and_another_takes_over(
        backend, make_host, schedulers, clock: ManualClock) -> None:
    ttl = 1.0
    runs: list = []
    a, b = await make_host(backend), await make_host(backend)
    gate = asyncio.Event()
    ta, tb = Recorder(runs=runs, gate=gate), Recorder(runs=runs)
    sa = await schedulers(a, [scheduled(ta, Every(HOUR))], holder="a", lease_ttl=ttl)
    slot = Every(HOUR).next(clock.time())
    await clock.advance(slot - clock.time())
    await asyncio.wait_for(ta.started.wait(), 10)
    sb = await schedulers(b, [scheduled(tb, Every(HOUR))], holder="b", lease_ttl=ttl)
    sa.kill()  # replica a dies holding the lease, mid-run
    await asyncio.sleep(0.05)
    assert await sb.leases.holder("recorder") == "a"
    await asyncio.sleep(ttl + 0.3)  # the cache lease's TTL runs in real time
    await clock.advance(ttl + 1, settle=sb.wait_idle)  # the datastore lease's TTL runs on the clock
    assert [s for s, _, _ in runs] == [slot, slot]  # a's run, then b's run of the same slot
    assert (ta.completed, tb.completed) == (0, 1)
    state = await TaskStates(b.datastore).get("recorder")
    assert state.last_slot == slot and state.last_outcome == "success"


async def test_stop_lets_a_running_task_finish_its_step_and_leaves_the_slot_due(
        make_host, schedulers, clock: ManualClock) -> None:
    from tests.ops.conftest import Backend
    host = await make_host(Backend("embedded"))
    task = Recorder(steps=1000)
    s = await schedulers(host, [scheduled(task, Every(HOUR))])
    slot = Every(HOUR).next(clock.time())
    await clock.advance(slot - clock.time())
    await asyncio.wait_for(task.started.wait(), 10)
    await asyncio.sleep(0.2)
    await asyncio.wait_for(s.stop(grace=5.0), 10)
    assert 0 < task.steps_done < 1000
    state = await TaskStates(host.datastore).get("recorder")
    assert state.last_outcome == "stopped" and "safe point" in state.last_error and state.last_slot == 0
    assert await s.leases.holder("recorder") is None  # released
    # After a restart the interrupted slot runs again at once.
    again = Recorder()
    s2 = await schedulers(host, [scheduled(again, Every(HOUR))])
    await s2.wait_idle()
    assert [slot_ for slot_, _, _ in again.runs] == [slot]


async def test_a_task_that_ignores_stop_is_cancelled_after_the_grace_period(
        make_host, schedulers, clock: ManualClock) -> None:
    from tests.ops.conftest import Backend
    host = await make_host(Backend("embedded"))
    task = Recorder(gate=asyncio.Event())  # never reaches a safe point
    s = await schedulers(host, [scheduled(task, Every(HOUR))])
    await clock.advance(Every(HOUR).next(clock.time()) - clock.time())
    await asyncio.wait_for(task.started.wait(), 10)
    await asyncio.wait_for(s.stop(grace=0.3), 10)
    state = await TaskStates(host.datastore).get("recorder")
    assert state.last_outcome == "stopped" and "grace period" in state.last_error
    assert await s.leases.holder("recorder") is None
