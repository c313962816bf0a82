"""Timing and table printing shared by the backend benchmarks."""
from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

Op = Callable[[int], Any]  # op(i): the i-th operation; may return an awaitable


class Unreachable(Exception):
    """The backend's server is not running; its cases are left out of the table."""


@dataclass
class Case:
    backend: str
    operation: str
    plugin: Op
    raw: Op
    setup: Callable[[], Awaitable[None]] | None = None


@dataclass
class Result:
    backend: str
    operation: str
    plugin_ops: float
    raw_ops: float

    @property
    def ratio(self) -> float:
        """Plugin time per op over raw time per op (1.0 = no overhead)."""
        return self.raw_ops / self.plugin_ops if self.plugin_ops else float("inf")


async def _rate(op: Op, seconds: float, start: int, min_ops: int = 5) -> tuple[float, int]:
    """Operations per second of `op` run back to back for about `seconds`, and the next index.

    Indexes keep counting across rounds, so an operation like "create" never repeats an id.
    """
    i, t0 = start, time.perf_counter()
    while True:
        r = op(i)
        if inspect.isawaitable(r):
            await r
        i += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds and i - start >= min_ops:
            return (i - start) / elapsed, i


async def run_case(case: Case, seconds: float, rounds: int = 3) -> Result:
    """Alternate plugin and raw rounds (to share the machine's noise) and keep each side's best."""
    if case.setup:
        await case.setup()
    best_p = best_r = 0.0
    next_p = next_r = 0
    for _ in range(rounds):
        rate, next_p = await _rate(case.plugin, seconds / rounds, next_p)
        best_p = max(best_p, rate)
        rate, next_r = await _rate(case.raw, seconds / rounds, next_r)
        best_r = max(best_r, rate)
    return Result(case.backend, case.operation, best_p, best_r)


def print_table(results: list[Result], target: float = 1.5) -> None:
    rows = [("backend", "operation", "plugin ops/s", "raw ops/s", "ratio", f"<= {target}x")]
    for r in results:
        rows.append((r.backend, r.operation, f"{r.plugin_ops:,.0f}", f"{r.raw_ops:,.0f}", f"{r.ratio:.2f}",
                     "yes" if r.ratio <= target else "NO"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(c.rjust(w) if i >= 2 else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def run(coro: Awaitable[Any]) -> Any:
    return asyncio.run(coro)  # type: ignore[arg-type]
