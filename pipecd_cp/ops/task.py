"""What an ops task is: a class with a name, default schedule and `run_once(ctx) -> TaskReport`.

Tasks are registered as entry points in `pipecd_cp.ops_tasks` (the entry-point name is the task
name users write under `spec.ops.tasks`); the built-in ones travel the same path. The host owns
everything around a run: when it happens, the lease that makes it happen once across replicas,
the timeout, retries with backoff, metrics and the `ops_task_failed` hook. A task only does its
work::

    class StaleThingCleaner(OpsTask):
        name = "stale_thing_cleaner"
        interval = 3600.0                       # or: schedule = "0 9 * * *" (cron, UTC)

        @classmethod
        def from_config(cls, options, host):
            opts = Options(options)
            task = cls(older_than=opts.duration("olderThan", 86400.0))
            opts.done()                         # unknown keys are errors, with file and line
            return task

        async def run_once(self, ctx):
            removed = 0
            for thing in await find_stale_things(ctx.host, ctx.now() - self.older_than):
                ctx.checkpoint()                # a safe point: stops here on SIGTERM
                await remove(thing)             # one atomic change per step
                removed += 1
            return TaskReport(f"removed {removed} things", {"removed": removed})

A run must be safe to repeat (a run that was interrupted, or whose replica died, runs again) and
should call `ctx.checkpoint()` between steps so that shutdown stops it cleanly.
"""
from __future__ import annotations

import abc
import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pipecd_cp.config.durations import format_duration, parse_duration
from pipecd_cp.errors import ConfigError, PipeCDError

if TYPE_CHECKING:
    from pipecd_cp.app import Host
    from pipecd_cp.ops.clock import Clock

StartupMode = Literal["", "blocking", "background"]


class TaskStopped(PipeCDError):
    """The run stopped at a safe point because the process is shutting down (not a failure)."""


@dataclass
class TaskReport:
    """What a run did: a one-line summary and counts (`{"deleted": 3}`), printed and stored."""

    summary: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)

    def render(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in self.counts.items())
        head = self.summary or "done"
        return f"{head} ({counts})" if counts else head

    def to_json(self) -> dict[str, Any]:
        return {"summary": self.summary, "counts": dict(self.counts), "details": list(self.details[:20])}


class TaskContext:
    """What a run may use: the host, the clock, its slot, a logger and the stop signal."""

    def __init__(self, host: "Host", task: str, clock: "Clock", *, slot: float | None = None,
                 dry_run: bool = False, stop_requested: asyncio.Event | None = None) -> None:
        self.host, self.task, self.clock, self.slot, self.dry_run = host, task, clock, slot, dry_run
        self.log = logging.getLogger(f"pipecd_cp.ops.{task}")
        self._stop = stop_requested  # set on shutdown, or when the run's lease is lost

    def now(self) -> int:
        """The current time in Unix seconds (the scheduler's clock)."""
        return int(self.clock.time())

    def should_stop(self) -> bool:
        return self._stop is not None and self._stop.is_set()

    def checkpoint(self) -> None:
        """A safe point: raise `TaskStopped` if the process is shutting down."""
        if self.should_stop():
            raise TaskStopped(f"{self.task} stopped at a safe point for shutdown")


class OpsTask(abc.ABC):
    """Base class of every ops task; see the module docstring."""

    #: The entry-point name (snake_case noun phrase: `orphan_command_cleaner`).
    name: ClassVar[str] = ""
    #: One line for `pipecd-cp ops list` and the docs.
    description: ClassVar[str] = ""
    #: Default schedule: a cron expression (UTC) ...
    schedule: ClassVar[str | None] = None
    #: ... or an interval in seconds.
    interval: ClassVar[float | None] = None
    #: Default per-run timeout, seconds.
    timeout: ClassVar[float] = 600.0
    #: Off unless `spec.ops.tasks.<name>.enabled: true` when False.
    enabled_by_default: ClassVar[bool] = True
    #: "blocking": run once at ops start-up before anything else; "background": once at
    #: start-up, alongside the scheduled tasks. Startup tasks have no schedule.
    startup: ClassVar[StartupMode] = ""
    #: Whether `run_once` honours `ctx.dry_run` (count, change nothing).
    supports_dry_run: ClassVar[bool] = False

    @classmethod
    def from_config(cls, options: Mapping[str, Any], host: "Host") -> "OpsTask":
        """Build the task from the options under `spec.ops.tasks.<name>` (the keys the host does
        not own). Raise `ConfigError(field=key)`; the host adds file, line and path. The default
        accepts no options."""
        opts = Options(options)
        opts.done()
        return cls()

    def check(self, enabled: bool) -> None:
        """Called once the task's enabled state is known; raise `ConfigError(field=...)` for settings
        an enabled task cannot run with (a required option that is missing)."""

    def applicable(self, host: "Host") -> str | None:
        """Why this task cannot run on this host (e.g. a datastore without schemas), or None."""
        return None

    @abc.abstractmethod
    async def run_once(self, ctx: TaskContext) -> TaskReport:
        """Do one run and say what was done; raise to fail it (it is retried with backoff)."""


class Options:
    """Typed, case-insensitive reads of a task's options; `done()` rejects the keys never read."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        self._raw = {str(k).lower(): (str(k), v) for k, v in (options or {}).items()}
        self._asked: dict[str, str] = {}

    def _get(self, key: str) -> tuple[str, Any] | None:
        self._asked[key.lower()] = key
        return self._raw.get(key.lower())

    def duration(self, key: str, default: float | None, *, minimum: float = 0.0) -> float | None:
        """A Go duration ("24h") or nanoseconds; at least `minimum` seconds."""
        got = self._get(key)
        if got is None or got[1] is None:
            return default
        try:
            seconds = parse_duration(got[1])
        except ValueError as exc:
            raise ConfigError(str(exc), field=got[0]) from None
        if seconds < minimum:
            raise ConfigError(f"must be at least {format_duration(minimum)}", field=got[0])
        return seconds

    def integer(self, key: str, default: int, *, minimum: int | None = None) -> int:
        got = self._get(key)
        if got is None or got[1] is None:
            return default
        if isinstance(got[1], bool) or not isinstance(got[1], int):
            raise ConfigError(f"must be an integer, not {got[1]!r}", field=got[0])
        if minimum is not None and got[1] < minimum:
            raise ConfigError(f"must be at least {minimum}", field=got[0])
        return got[1]

    def boolean(self, key: str, default: bool) -> bool:
        got = self._get(key)
        if got is None or got[1] is None:
            return default
        if not isinstance(got[1], bool):
            raise ConfigError(f"must be true or false, not {got[1]!r}", field=got[0])
        return got[1]

    def string(self, key: str, default: str) -> str:
        got = self._get(key)
        if got is None or got[1] is None:
            return default
        if not isinstance(got[1], str):
            raise ConfigError(f"must be a string, not {got[1]!r}", field=got[0])
        return got[1]

    def done(self) -> None:
        """`ConfigError` naming the first key no getter asked for."""
        for low, (key, _) in self._raw.items():
            if low not in self._asked:
                known = ", ".join(sorted(self._asked.values())) or "none"
                raise ConfigError(f"unknown option (this task's options: {known})", field=key)
