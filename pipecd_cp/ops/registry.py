"""The installed ops tasks (entry points in `pipecd_cp.ops_tasks`) merged with `spec.ops.tasks`.

Every installed task is scheduled unless it is disabled (by config, or by default as
`retention_cleaner` is) or does not apply to this host (`OpsTask.applicable`). The two insight
collectors take their defaults from PipeCD's `insightCollector` block; `spec.ops.tasks` entries
override them. A config entry naming a task that is not installed stops start-up.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipecd_cp.config.ops import OpsTaskConfig
from pipecd_cp.drivers import DriverKind, installed, load_driver_class
from pipecd_cp.errors import ConfigError, PluginError
from pipecd_cp.ops.schedule import Every, Schedule, parse_schedule
from pipecd_cp.ops.task import OpsTask, StartupMode

if TYPE_CHECKING:
    from pipecd_cp.app import Host

DEFAULT_BACKOFF = 30.0
DEFAULT_MAX_BACKOFF = 3600.0
MAX_DEFAULT_JITTER = 60.0
INSIGHT_TASKS = {"application_insight_collector": "application", "deployment_insight_collector": "deployment"}


@dataclass
class ScheduledTask:
    """One task as the scheduler runs it: the instance and its resolved settings."""

    name: str
    task: OpsTask
    distribution: str
    enabled: bool
    schedule: Schedule | None
    timeout: float
    jitter: float
    backoff: float
    max_backoff: float
    startup: StartupMode = ""
    not_applicable: str | None = None

    @property
    def active(self) -> bool:
        return self.enabled and self.not_applicable is None

    def describe_schedule(self) -> str:
        if self.startup:
            return f"at start-up ({self.startup})"
        return self.schedule.describe() if self.schedule else "-"

    def retry_delay(self, failures: int, now: float) -> float:
        """Backoff before retrying after `failures` consecutive failures, never longer than the period."""
        delay = min(self.backoff * 2 ** max(failures - 1, 0), self.max_backoff)
        if self.schedule is not None:
            delay = min(delay, self.schedule.period(now))
        return delay


def installed_names() -> list[str]:
    return sorted({e.name for e in installed(DriverKind.OPS_TASK.group)})


def load_task_class(name: str) -> type[OpsTask]:
    """The class registered as `name`; `PluginError` naming the installed choices otherwise."""
    cls = load_driver_class(DriverKind.OPS_TASK, name)
    if not issubclass(cls, OpsTask):
        raise PluginError(f"ops task {name!r}: {cls.__module__}.{cls.__qualname__} is not an OpsTask subclass")
    return cls


def _distribution(name: str) -> str:
    return next((f"{e.distribution} {e.version}" for e in installed(DriverKind.OPS_TASK.group) if e.name == name), "?")


def _locate(name: str, cfg: OpsTaskConfig | None, err: ConfigError) -> ConfigError:
    if cfg is not None:
        return cfg.options.locate(err)
    return err.located(field_prefix=f"spec.ops.tasks.{name}")


def resolve(host: "Host", name: str, *, applicability: bool = True) -> ScheduledTask:
    """Load task `name` and resolve its settings from its class and the host's config.

    `applicability=False` skips `OpsTask.applicable` (which may need a started host), for
    checking a config file without connecting.
    """
    spec = host.config.spec
    cfg = spec.ops.task(name)
    cls = load_task_class(name)
    try:
        task = cls.from_config(cfg.options.value if cfg else {}, host)
    except ConfigError as err:
        raise _locate(name, cfg, err) from None
    enabled = cls.enabled_by_default
    schedule: Schedule | None = None
    if cls.startup:
        if cfg is not None and (cfg.schedule or cfg.interval):
            raise _locate(name, cfg, ConfigError("runs once at start-up and takes no schedule or interval",
                                                 field="schedule" if cfg.schedule else "interval"))
    else:
        expr, every = cls.schedule, cls.interval
        if name in INSIGHT_TASKS:
            job = getattr(spec.insight_collector, INSIGHT_TASKS[name])
            enabled, expr, every = job.enabled, job.schedule or expr, None
        if cfg is not None and cfg.schedule:
            expr, every = cfg.schedule, None
        elif cfg is not None and cfg.interval:
            expr, every = None, cfg.interval
        if expr:
            schedule = parse_schedule(expr)
        elif every:
            schedule = Every(float(every))
        else:
            raise PluginError(f"ops task {name!r} ({_distribution(name)}) declares neither a schedule nor an interval")
    if cfg is not None and cfg.enabled is not None:
        enabled = cfg.enabled
    try:
        task.check(enabled)
    except ConfigError as err:
        raise _locate(name, cfg, err) from None
    default_jitter = min(schedule.seconds / 10, MAX_DEFAULT_JITTER) if isinstance(schedule, Every) else 0.0
    out = ScheduledTask(
        name=name, task=task, distribution=_distribution(name), enabled=enabled, schedule=schedule,
        timeout=(cfg.timeout if cfg and cfg.timeout else None) or cls.timeout,
        jitter=cfg.jitter if cfg and cfg.jitter is not None else default_jitter,
        backoff=(cfg.backoff if cfg and cfg.backoff else None) or DEFAULT_BACKOFF,
        max_backoff=(cfg.max_backoff if cfg and cfg.max_backoff else None) or DEFAULT_MAX_BACKOFF,
        startup=cls.startup)
    out.not_applicable = task.applicable(host) if applicability else None
    return out


def resolve_all(host: "Host", *, applicability: bool = True) -> list[ScheduledTask]:
    """Every installed task, resolved; a configured name that is not installed stops start-up."""
    names = installed_names()
    for name, cfg in host.config.spec.ops.tasks.items():
        if name not in names:
            where = f"{host.config.file}:{cfg.line}: " if host.config.file else ""
            raise PluginError(f"{where}spec.ops.tasks.{name}: unknown ops task {name!r}; installed: "
                              f"{', '.join(names) or 'none'}")
    return [resolve(host, name, applicability=applicability) for name in names]
