"""Named backends: one entry-point group per kind, loaded by the name users write in config.

Only the configured name is imported, so an installed but unused backend costs nothing and
cannot break start-up. Every failure becomes one `PluginError` line naming the kind, the name,
the installed choices and the package to install.
"""
from __future__ import annotations

import difflib
import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from pipecd_cp.concurrency import BlockingRunner
from pipecd_cp.errors import PluginError


class DriverKind(enum.Enum):
    """A kind of named backend and its entry-point group."""

    DATASTORE = ("datastore", "pipecd_cp.datastores")
    FILESTORE = ("filestore", "pipecd_cp.filestores")
    CACHE = ("cache", "pipecd_cp.caches")
    OPS_TASK = ("ops task", "pipecd_cp.ops_tasks")

    def __init__(self, label: str, group: str) -> None:
        self.label, self.group = label, group


#: Hook plugins (pluggy) are discovered in this group.
PLUGINS_GROUP = "pipecd_cp.plugins"

#: Where the project's own backends are published, for the "pip install" hint.
KNOWN_PACKAGES: dict[tuple[DriverKind, str], str] = {
    (DriverKind.DATASTORE, "mysql"): "pipecd-cp-mysql",
    (DriverKind.DATASTORE, "firestore"): "pipecd-cp-firestore",
    (DriverKind.CACHE, "redis"): "pipecd-cp-redis",
    (DriverKind.FILESTORE, "s3"): "pipecd-cp-s3",
    (DriverKind.FILESTORE, "minio"): "pipecd-cp-minio",
    (DriverKind.FILESTORE, "gcs"): "pipecd-cp-gcs",
}


@dataclass
class DriverContext:
    """What a driver's `from_config` may use besides its own config block."""

    kind: DriverKind
    name: str
    data_dir: Path
    runner: BlockingRunner
    cache_address: str | None = None
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("pipecd_cp.drivers"))
    clock: Callable[[], float] | None = None


@dataclass(frozen=True)
class InstalledEntryPoint:
    group: str
    name: str
    value: str
    distribution: str
    version: str


def installed(group: str) -> list[InstalledEntryPoint]:
    """Entry points in `group`, read from package metadata without importing anything."""
    out = []
    for ep in metadata.entry_points(group=group):
        dist = getattr(ep, "dist", None)
        out.append(InstalledEntryPoint(group, ep.name, ep.value, dist.name if dist else "?",
                                       dist.version if dist else "?"))
    return sorted(out, key=lambda e: (e.name, e.distribution))


def install_hint(kind: DriverKind, name: str) -> str:
    package = KNOWN_PACKAGES.get((kind, name), f"pipecd-cp-{name}")
    return f"pip install {package}"


def load_driver_class(kind: DriverKind, name: str) -> type[Any]:
    """Import the class registered as `name` in `kind`'s group; `PluginError` on any failure."""
    choices = installed(kind.group)
    matches = [e for e in choices if e.name == name]
    names = sorted({e.name for e in choices})
    if not matches:
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise PluginError(f"unknown {kind.label} {name!r}; installed: {', '.join(names) or 'none'}; "
                          f"{hint}to add it: {install_hint(kind, name)}")
    if len(matches) > 1:
        dists = ", ".join(f"{m.distribution} {m.version}" for m in matches)
        raise PluginError(f"{kind.label} {name!r} is provided by more than one package ({dists}); uninstall one")
    ep = matches[0]
    from stevedore import DriverManager  # imported late: listing never needs it

    failure: list[BaseException] = []

    def on_failure(_mgr: Any, _ep: Any, exc: BaseException) -> None:
        failure.append(exc)
    try:
        manager = DriverManager(namespace=kind.group, name=name, invoke_on_load=False,
                                on_load_failure_callback=on_failure)
        cls = manager.driver
    except Exception as exc:  # stevedore.NoMatches after a failed import, or anything else
        cause = failure[0] if failure else exc
        raise PluginError(f"{kind.label} {name!r} from {ep.distribution} {ep.version} could not be loaded: "
                          f"{type(cause).__name__}: {cause}; installed: {', '.join(names)}; "
                          f"reinstall it: {install_hint(kind, name)}") from cause
    if not isinstance(cls, type):
        raise PluginError(f"{kind.label} {name!r} from {ep.distribution}: entry point {ep.value!r} is not a class")
    return cls
