"""python -m bench.backends [NAME ...] [--seconds S]"""
from __future__ import annotations

import argparse
import asyncio
import importlib
import pkgutil

import bench.backends as pkg
from bench.backends.harness import Result, Unreachable, print_table, run_case

SKIP = {"harness", "__main__"}


async def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.backends", description=pkg.__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="backends to run (default: all)")
    ap.add_argument("--seconds", type=float, default=1.5, help="time per side per case")
    args = ap.parse_args()
    names = args.names or sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if m.name not in SKIP)
    results: list[Result] = []
    for name in names:
        module = importlib.import_module(f"bench.backends.{name}")
        try:
            cases = await module.cases(args)
        except Unreachable as exc:
            print(f"{name}: skipped ({exc})")
            continue
        try:
            for case in cases:
                results.append(await run_case(case, args.seconds))
        finally:
            if hasattr(module, "teardown"):
                await module.teardown()
    print_table(results)


asyncio.run(main())
