"""When a task runs: a cron expression (UTC) or a fixed interval, as absolute slots in time.

A slot is a point in time a run belongs to. Slots are the same in every replica, whenever it
started: cron slots are the expression's times, interval slots are the multiples of the
interval since the Unix epoch (a 6h task runs at 00:00, 06:00, 12:00 and 18:00 UTC). That shared
identity is what lets replicas agree that a slot has been run.

Cron syntax is PipeCD's (robfig/cron's standard parser, in UTC): five fields
`minute hour day-of-month month day-of-week`, the descriptors `@yearly`, `@annually`,
`@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`, and `@every DURATION`
(`@every 90s`, a Go duration) which is an interval.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone

from croniter import croniter

from pipecd_cp.config.durations import format_duration, parse_duration
from pipecd_cp.errors import InvalidArgument

DESCRIPTORS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})


class Schedule:
    """Slots in time. Subclasses implement `latest` and `next`."""

    def latest(self, now: float) -> float:
        """The last slot at or before `now`."""
        raise NotImplementedError

    def next(self, now: float) -> float:
        """The first slot strictly after `now`."""
        raise NotImplementedError

    def period(self, now: float) -> float:
        """The gap between the slots after `now` (caps failure backoff)."""
        first = self.next(now)
        return self.next(first) - first

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Every(Schedule):
    """Every `seconds`, at the multiples of `seconds` since the epoch (plus `offset`)."""

    seconds: float
    offset: float = 0.0

    def __post_init__(self) -> None:
        if not self.seconds > 0:
            raise InvalidArgument("an interval must be positive", field="interval")

    def latest(self, now: float) -> float:
        return self.offset + math.floor((now - self.offset) / self.seconds) * self.seconds

    def next(self, now: float) -> float:
        return self.latest(now) + self.seconds

    def describe(self) -> str:
        return f"every {format_duration(self.seconds)}"


@dataclass(frozen=True)
class Cron(Schedule):
    """A cron expression, evaluated in UTC."""

    expression: str

    def __post_init__(self) -> None:
        check_cron(self.expression)

    def _at(self, now: float) -> croniter:
        return croniter(self.expression, datetime.fromtimestamp(now, timezone.utc))

    def latest(self, now: float) -> float:
        # croniter's get_prev is strictly before its start: start just after `now`.
        return float(self._at(math.floor(now) + 0.5).get_prev(float))

    def next(self, now: float) -> float:
        return float(self._at(now).get_next(float))

    def describe(self) -> str:
        return f"cron {self.expression!r} (UTC)"


def check_cron(expression: str) -> None:
    """`InvalidArgument` unless `expression` is a five-field cron line or a descriptor."""
    text = expression.strip()
    if text.lower() in DESCRIPTORS:
        return
    fields = text.split()
    if len(fields) != 5 or not croniter.is_valid(text):
        raise InvalidArgument(f"invalid cron expression {expression!r} (use five fields: minute hour "
                              "day-of-month month day-of-week, e.g. \"0 9 * * *\", or @hourly, @daily, @every 1h)",
                              field="schedule")


def parse_schedule(expression: str) -> Schedule:
    """A `Cron`, or an `Every` for `@every DURATION`; `InvalidArgument` when malformed."""
    text = expression.strip()
    if text.lower().startswith("@every"):
        try:
            seconds = parse_duration(text[len("@every"):].strip())
        except ValueError as exc:
            raise InvalidArgument(str(exc), field="schedule") from None
        if seconds <= 0:
            raise InvalidArgument("@every needs a positive duration", field="schedule")
        return Every(seconds)
    return Cron(text.lower() if text.lower() in DESCRIPTORS else text)
