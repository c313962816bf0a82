"""Build a `DriverContext` for tests."""
from __future__ import annotations

from pathlib import Path

from pipecd_cp.concurrency import BlockingRunner
from pipecd_cp.drivers import DriverContext, DriverKind

_KINDS = {"datastore": DriverKind.DATASTORE, "filestore": DriverKind.FILESTORE, "cache": DriverKind.CACHE,
          "ops task": DriverKind.OPS_TASK}


def driver_context(kind: str, data_dir: Path, name: str = "test", *, io_threads: int = 16,
                   cache_address: str | None = None) -> DriverContext:
    """A context with its own thread pool, rooted at `data_dir`."""
    return DriverContext(_KINDS[kind], name, Path(data_dir), BlockingRunner(io_threads), cache_address=cache_address)
