"""The pluggy plugin manager: built-in hook plugins plus every `pipecd_cp.plugins` entry point.

Each host (and the CLI) builds its own manager; there is no global one. Environment switches:

- `PIPECD_CP_PLUGINS=a,b` loads only these third-party hook plugins (`none` loads none);
- `PIPECD_CP_BLOCK_PLUGINS=a,b` blocks plugins by name, built-in ones included;
- `PIPECD_CP_TRACE_HOOKS=1` logs every hook call and result at DEBUG on `pipecd_cp.hooks`.
"""
from __future__ import annotations

import importlib
import inspect
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import pluggy

from pipecd_cp import hookspecs
from pipecd_cp.drivers import PLUGINS_GROUP, DriverKind, installed
from pipecd_cp.errors import PluginError

log = logging.getLogger("pipecd_cp.plugins")

#: Built-in hook plugins: they travel the same path as third-party ones.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "pipecd_cp.server.admin",
    "pipecd_cp.server.services",
    "pipecd_cp.server.web",
    "pipecd_cp.ops.ownerpage",
)


def _names(value: str | None) -> set[str] | None:
    if value is None or not value.strip():
        return None
    return {v.strip() for v in value.split(",") if v.strip()}


def build_plugin_manager(env: Mapping[str, str] | None = None,
                         extra: tuple[Any, ...] = ()) -> pluggy.PluginManager:
    """A manager with the hookspecs, the built-in plugins, the installed plugins and `extra`.

    `extra` registers objects directly (tests use it); an import failure of an installed plugin
    is a `PluginError` "Error importing plugin NAME (DIST): cause".
    """
    env = os.environ if env is None else env
    only = _names(env.get("PIPECD_CP_PLUGINS"))
    blocked = _names(env.get("PIPECD_CP_BLOCK_PLUGINS")) or set()
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in blocked:
        pm.set_blocked(name)
    for module in DEFAULT_PLUGINS:
        if module not in blocked:
            pm.register(importlib.import_module(module), name=module)
    for ep in metadata.entry_points(group=PLUGINS_GROUP):
        if ep.name in blocked or (only is not None and ep.name not in only):
            continue
        dist = getattr(ep, "dist", None)
        where = f"{dist.name} {dist.version}" if dist else ep.value
        try:
            plugin = ep.load()
        except Exception as exc:
            raise PluginError(f"Error importing plugin {ep.name!r} ({where}): {type(exc).__name__}: {exc}") from exc
        _register(pm, plugin, ep.name, where)
    for i, plugin in enumerate(extra):
        _register(pm, plugin, getattr(plugin, "__name__", None) or f"extra-{i}", "registered directly")
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"plugin {exc.plugin!r} implements an unknown hook: {exc}") from exc
    if env.get("PIPECD_CP_TRACE_HOOKS"):
        tracer = logging.getLogger("pipecd_cp.hooks")
        pm.trace.root.setwriter(lambda msg: tracer.debug("hooks | %s", msg.rstrip()))
        pm.enable_tracing()
    return pm


def _register(pm: pluggy.PluginManager, plugin: Any, name: str, where: str) -> None:
    try:
        pm.register(plugin, name=name)
    except ValueError as exc:
        raise PluginError(f"plugin {name!r} ({where}) is registered twice: {exc}") from exc
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"plugin {name!r} ({where}) is invalid: {exc}") from exc


def collect(pm: pluggy.PluginManager, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call a `register_*` hook plugin by plugin; return (plugin name, item) for every item returned."""
    out: list[tuple[str, Any]] = []
    caller = getattr(pm.hook, hook)
    for impl in caller.get_hookimpls():  # registration order (pluggy itself calls LIFO)
        wanted = {k: v for k, v in kwargs.items() if k in impl.argnames}
        try:
            result = impl.function(**wanted)
        except Exception as exc:
            raise PluginError(f"plugin {impl.plugin_name!r} failed in {hook}: {type(exc).__name__}: {exc}") from exc
        for item in result or ():
            out.append((impl.plugin_name, item))
    return out


async def call_async(pm: pluggy.PluginManager, hook: str, *, swallow: bool, **kwargs: Any) -> None:
    """Call every implementation of a lifecycle hook, awaiting awaitables, in registration order.

    With `swallow`, an exception is logged and the next implementation still runs.
    """
    caller = getattr(pm.hook, hook)
    for impl in caller.get_hookimpls():
        wanted = {k: v for k, v in kwargs.items() if k in impl.argnames}
        try:
            result = impl.function(**wanted)
            if inspect.isawaitable(result):
                await result
        except Exception as exc:
            if not swallow:
                raise PluginError(f"plugin {impl.plugin_name!r} failed in {hook}: {type(exc).__name__}: {exc}") from exc
            log.exception("plugins | %s failed in %s", impl.plugin_name, hook)


@dataclass(frozen=True)
class PluginInfo:
    """One row of `pipecd-cp plugins list`."""

    name: str
    group: str
    distribution: str
    version: str
    hooks: tuple[str, ...] = ()


def list_plugins(pm: pluggy.PluginManager | None = None) -> list[PluginInfo]:
    """Every installed named backend (from metadata only) and every registered hook plugin."""
    rows: list[PluginInfo] = []
    for kind in DriverKind:
        for ep in installed(kind.group):
            rows.append(PluginInfo(ep.name, ep.group, ep.distribution, ep.version))
    if pm is not None:
        eps = {e.name: e for e in installed(PLUGINS_GROUP)}
        for name, plugin in pm.list_name_plugin():
            if plugin is None:
                continue
            hooks = tuple(sorted(h.name for h in pm.get_hookcallers(plugin) or ()))
            ep = eps.get(name)
            if ep is not None:
                rows.append(PluginInfo(name, PLUGINS_GROUP, ep.distribution, ep.version, hooks))
            else:
                from pipecd_cp import __version__
                rows.append(PluginInfo(name, "built-in", "pipecd-cp", __version__, hooks))
    return rows
