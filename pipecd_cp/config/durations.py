"""Go `time.Duration` syntax: "300ms", "1.5h", "2h45m", "-1m", "0", or an integer of nanoseconds."""
from __future__ import annotations

import re

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_duration(value: object) -> float:
    """Seconds from a Go duration string or a number of nanoseconds; ValueError when malformed."""
    if isinstance(value, bool):
        raise ValueError("a duration must be a string like \"5m\" or a number of nanoseconds")
    if isinstance(value, (int, float)):
        return float(value) / 1e9
    if not isinstance(value, str):
        raise ValueError("a duration must be a string like \"5m\" or a number of nanoseconds")
    s = value.strip()
    sign = 1.0
    if s[:1] in "+-" and s:
        sign, s = (-1.0 if s[0] == "-" else 1.0), s[1:]
    if s == "0":
        return 0.0
    if not s:
        raise ValueError(f"invalid duration {value!r}")
    pos, total = 0, 0.0
    while pos < len(s):
        m = _PART.match(s, pos)
        if not m:
            raise ValueError(f"invalid duration {value!r} (use units ns, us, ms, s, m, h, e.g. \"1h30m\")")
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    return sign * total


def format_duration(seconds: float) -> str:
    """A compact Go-style rendering ("1h30m", "5m", "250ms")."""
    if seconds == 0:
        return "0s"
    if seconds < 1:
        return f"{seconds * 1000:g}ms"
    out, rest = "", seconds
    for unit, size in (("h", 3600), ("m", 60)):
        n = int(rest // size)
        if n:
            out += f"{n}{unit}"
            rest -= n * size
    if rest:
        out += f"{rest:g}s"
    return out
