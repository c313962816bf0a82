"""The host: one object that owns configuration, plugins, drivers and shared services.

Nothing in pipecd-cp is module-global; build as many hosts as you like (tests do). Lifecycle:

    host = Host(config, HostSettings(data_dir=...))
    await host.start()     # load and open the configured drivers, run startup hooks
    ...                    # host.datastore / host.filestore / host.cache / host.stores
    await host.close()     # shutdown hooks, close drivers, stop the thread pool
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pluggy

from pipecd_cp.auth import Auth
from pipecd_cp.cache.resilient import ResilientCache
from pipecd_cp.concurrency import BlockingRunner
from pipecd_cp.config.controlplane import ControlPlaneConfig
from pipecd_cp.config.schema import RawBlock
from pipecd_cp.datastore.base import DataStore
from pipecd_cp.drivers import DriverContext, DriverKind, load_driver_class
from pipecd_cp.errors import ConfigError, PipeCDError, PluginError
from pipecd_cp.filestore.base import FileStore
from pipecd_cp.plugins import build_plugin_manager, call_async
from pipecd_cp.server.metrics import Metrics
from pipecd_cp.stores import Stores
from pipecd_cp.validation import Validator

log = logging.getLogger("pipecd_cp.host")

DEFAULT_DATASTORE = "sqlite"
DEFAULT_FILESTORE = "local"
DEFAULT_CACHE = "memory"
REDIS = "redis"
TASK_STOP_TIMEOUT = 10.0


@dataclass
class HostSettings:
    """Process-level settings that come from flags rather than the config file."""

    data_dir: Path
    cache_address: str | None = None
    encryption_key: bytes | None = None
    io_threads: int = 16
    clock: Callable[[], float] = time.time
    component: str = "server"
    #: `--insecure-cookie`: session cookies without `Secure` (plain-HTTP set-ups only).
    insecure_cookie: bool = False


@dataclass
class _Selected:
    kind: DriverKind
    name: str
    block: RawBlock
    where: str


class Host:
    """Owns the config, the plugin manager, the drivers and the stores of one process."""

    def __init__(self, config: ControlPlaneConfig, settings: HostSettings,
                 plugin_manager: pluggy.PluginManager | None = None) -> None:
        self.config = config
        self.settings = settings
        self.pm = plugin_manager if plugin_manager is not None else build_plugin_manager()
        self.runner = BlockingRunner(settings.io_threads)
        self.validator = Validator()
        self.metrics = Metrics(component=settings.component)
        self.clock = settings.clock
        self._datastore: DataStore | None = None
        self._filestore: FileStore | None = None
        self._cache: ResilientCache | None = None
        self._opened: list[Any] = []
        self._tasks: list[asyncio.Task[Any]] = []
        self.stores: Stores
        self.auth: Auth
        self.state: dict[str, Any] = {}  # typed per-plugin state lives under a plugin-chosen key
        self.started = False

    # ------------------------------------------------------------------ accessors
    @property
    def embedded(self) -> bool:
        """True when running on the embedded defaults (no config file)."""
        return self.config.file is None

    @property
    def datastore(self) -> DataStore:
        if self._datastore is None:
            raise RuntimeError("the host is not started")
        return self._datastore

    @property
    def filestore(self) -> FileStore:
        if self._filestore is None:
            raise RuntimeError("the host is not started")
        return self._filestore

    @property
    def cache(self) -> ResilientCache:
        """The cache as stores use it: failures degrade to misses (`.inner` is the driver)."""
        if self._cache is None:
            raise RuntimeError("the host is not started")
        return self._cache

    def now(self) -> int:
        """The current time in Unix seconds (the host's clock)."""
        return int(self.clock())

    # ------------------------------------------------------------------ driver selection
    def selected_drivers(self) -> list[_Selected]:
        """The configured (or default) name of each backend, with its config block."""
        spec = self.config.spec
        cache_name = spec.cache.driver_name or (REDIS if self.settings.cache_address else DEFAULT_CACHE)
        return [
            _Selected(DriverKind.DATASTORE, spec.datastore.driver_name or DEFAULT_DATASTORE,
                      spec.datastore.config, "spec.datastore.type"),
            _Selected(DriverKind.FILESTORE, spec.filestore.driver_name or DEFAULT_FILESTORE,
                      spec.filestore.config, "spec.filestore.type"),
            _Selected(DriverKind.CACHE, cache_name, spec.cache.config, "spec.cache.type"),
        ]

    def _build_driver(self, sel: _Selected) -> Any:
        try:
            cls = load_driver_class(sel.kind, sel.name)
        except PluginError as err:
            raise PluginError(f"{self._origin(sel.where)}{err}") from err.__cause__
        context = DriverContext(sel.kind, sel.name, self.settings.data_dir, self.runner,
                                cache_address=self.settings.cache_address, clock=self.clock)
        try:
            return cls.from_config(sel.block.value, context)
        except ConfigError as err:
            raise sel.block.locate(err) from None

    def _origin(self, where: str) -> str:
        return f"{self.config.file}: {where}: " if self.config.file else ""

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        """Load and open the drivers, then run the `pipecd_cp_startup` hooks."""
        if self.started:
            return
        drivers = {sel.kind: (sel, self._build_driver(sel)) for sel in self.selected_drivers()}
        try:
            for kind, (sel, driver) in drivers.items():
                try:
                    await driver.open()
                except PipeCDError as err:
                    raise PluginError(f"{kind.label} {sel.name!r} failed to start: {err}") from err
                except Exception as err:
                    raise PluginError(f"{kind.label} {sel.name!r} failed to start: "
                                      f"{type(err).__name__}: {err}") from err
                self._opened.append(driver)
                log.info("host | %s %r ready", kind.label, sel.name)
            self._datastore = drivers[DriverKind.DATASTORE][1]
            self._filestore = drivers[DriverKind.FILESTORE][1]
            cache_sel, cache_driver = drivers[DriverKind.CACHE]
            self._cache = ResilientCache(cache_driver, on_result=self.metrics.cache_observer(cache_sel.name))
            self.stores = Stores(self._datastore, self._filestore, self._cache, self.clock, self.validator,
                                 self.config.spec.cache.effective_ttl)
            await self.stores.declare()
            self.auth = Auth(self)
            for store in (self.stores.pipeds, self.stores.apikeys):
                store.on_credentials_changed = self.auth.feed.publish
            self.spawn(self.auth.feed.run(), "auth-change-feed")
            self.started = True
            await call_async(self.pm, "pipecd_cp_startup", swallow=False, host=self)
        except BaseException:
            await self.close()
            raise

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run a background task owned by the host; it is cancelled by `close`."""
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.append(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("host | background task %s died", task.get_name(), exc_info=task.exception())

    async def close(self) -> None:
        """Run the shutdown hooks, close the drivers (newest first) and stop the thread pool."""
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            # Bounded: a task that swallows its cancellation must not hang shutdown forever.
            _, stuck = await asyncio.wait(self._tasks, timeout=TASK_STOP_TIMEOUT)
            for task in stuck:
                log.error("host | background task %s did not stop within %.0fs", task.get_name(), TASK_STOP_TIMEOUT)
        self._tasks.clear()
        if self.started:
            await call_async(self.pm, "pipecd_cp_shutdown", swallow=True, host=self)
        while self._opened:
            driver = self._opened.pop()
            try:
                await driver.close()
            except Exception:
                log.exception("host | closing %s failed", type(driver).__name__)
        self.started = False
        self.runner.shutdown(wait=True)
