"""The `spec.ops` block (pipecd-cp's own): the ops process's leases and per-task settings.

    spec:
      ops:
        leaseTtl: 60s                     # how long a dead replica's run blocks the others
        tasks:
          orphan_command_cleaner:
            interval: 6h                  # or schedule: "0 */6 * * *" (cron, UTC; @every 6h too)
            timeout: 10m
            jitter: 1m                    # random delay before each slot's run
            backoff: 30s                  # first retry delay after a failure, doubled each time
            maxBackoff: 1h
          retention_cleaner:
            enabled: true
            olderThan: 2160h              # any other key is the task's own option

Task names are the entry-point names of installed tasks (checked when the ops process starts,
since the config is read before any plugin is imported). Every key but the ones above goes to the
task's `from_config`, which rejects what it does not know; its errors get this file's line too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from pipecd_cp.config.schema import Decoding, RawBlock, Seconds, setting
from pipecd_cp.config.source import line_of
from pipecd_cp.errors import ConfigError, InvalidArgument

DEFAULT_LEASE_TTL = 60.0
TASK_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_HOST_KEYS = {"enabled": bool, "schedule": str, "interval": Seconds, "timeout": Seconds, "jitter": Seconds,
              "backoff": Seconds, "maxbackoff": Seconds}


@dataclass
class OpsTaskConfig:
    """One task's settings; `None` means the task's default."""

    name: str
    enabled: bool | None = None
    schedule: str | None = None
    interval: float | None = None
    timeout: float | None = None
    jitter: float | None = None
    backoff: float | None = None
    max_backoff: float | None = None
    options: RawBlock = field(default_factory=RawBlock)
    line: int | None = None


def _decode_tasks(dec: Decoding, node: yaml.Node, path: str) -> dict[str, OpsTaskConfig]:
    if not isinstance(node, yaml.MappingNode):
        raise dec.fail(node, path, "must be a mapping of task name to settings")
    out: dict[str, OpsTaskConfig] = {}
    for knode, vnode in node.value:
        raw_name = str(dec.source.value(knode))
        name = raw_name.lower()
        tpath = f"{path}.{raw_name}"
        if not TASK_NAME.match(name):
            raise dec.fail(knode, tpath, "a task name is a snake_case entry-point name (orphan_command_cleaner)")
        if name in out:
            raise dec.fail(knode, tpath, f"task {name!r} is configured twice")
        out[name] = _decode_task(dec, name, vnode, tpath)
    return out


def _decode_task(dec: Decoding, name: str, node: yaml.Node, path: str) -> OpsTaskConfig:
    cfg = OpsTaskConfig(name, line=line_of(node))
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        cfg.options = RawBlock({}, node, path, dec.source.file)
        return cfg
    if not isinstance(node, yaml.MappingNode):
        raise dec.fail(node, path, "must be a mapping")
    options: dict = {}
    values: dict[str, object] = {}
    for knode, vnode in node.value:
        key = str(dec.source.value(knode))
        typ = _HOST_KEYS.get(key.lower())
        if typ is None:
            options[key] = dec.source.value(vnode)
            continue
        kpath = f"{path}.{key}"
        value = dec.decode(vnode, typ, kpath)
        if value is None:
            continue
        if typ is Seconds and key.lower() != "jitter" and value <= 0:
            raise dec.fail(vnode, kpath, "must be a positive duration")
        if key.lower() == "jitter" and value < 0:
            raise dec.fail(vnode, kpath, "must not be negative")
        if key.lower() == "schedule":
            from pipecd_cp.ops.schedule import parse_schedule  # imported late: croniter only when used
            try:
                parse_schedule(str(value))
            except InvalidArgument as exc:
                raise dec.fail(vnode, kpath, str(exc).split(": ", 1)[-1]) from None
        values[key.lower()] = (value, knode)
    if "schedule" in values and "interval" in values:
        raise dec.fail(values["interval"][1], f"{path}.interval", "set schedule or interval, not both")  # type: ignore[index]
    get = lambda k: values[k][0] if k in values else None  # noqa: E731
    cfg.enabled, cfg.schedule, cfg.interval = get("enabled"), get("schedule"), get("interval")  # type: ignore[assignment]
    cfg.timeout, cfg.jitter, cfg.backoff = get("timeout"), get("jitter"), get("backoff")  # type: ignore[assignment]
    cfg.max_backoff = get("maxbackoff")  # type: ignore[assignment]
    cfg.options = RawBlock(options, node, path, dec.source.file)
    return cfg


@dataclass
class OpsBlock:
    """`spec.ops`."""

    lease_ttl: Seconds = setting(Seconds(0), doc="lease TTL for one run; 0 = 60s")
    tasks: dict[str, OpsTaskConfig] = setting(default_factory=dict, decode=_decode_tasks)

    def check(self) -> None:
        if self.lease_ttl < 0:
            raise ConfigError("must not be negative", field="leaseTtl")

    @property
    def effective_lease_ttl(self) -> float:
        return float(self.lease_ttl) if self.lease_ttl > 0 else DEFAULT_LEASE_TTL

    def task(self, name: str) -> OpsTaskConfig | None:
        return self.tasks.get(name.lower())


def check_cron_field(value: str, what: str = "schedule") -> None:
    """`ConfigError(field=what)` unless `value` is a valid schedule (for PipeCD's insightCollector)."""
    from pipecd_cp.ops.schedule import parse_schedule
    try:
        parse_schedule(value)
    except InvalidArgument as exc:
        raise ConfigError(str(exc).split(": ", 1)[-1], field=what) from None
