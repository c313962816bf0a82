"""The hook catalogue: every extension point a `pipecd_cp.plugins` entry point may implement.

Named backends (datastores, filestores, caches, ops tasks) are not hooks: they are entry points
chosen by name in config (`pipecd_cp.drivers`). Hooks are for things every plugin may add to.
A hook returning an awaitable is awaited by the host.
"""
from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from pipecd_cp.app import Host
    from pipecd_cp.contributions import CliCommand, GrpcService, HttpRoute

PROJECT = "pipecd_cp"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def pipecd_cp_startup(host: "Host") -> Awaitable[None] | None:
    """Called once the host's stores are open, before any server accepts a request.

    An exception stops start-up (the process exits with the error); use it to check a plugin's
    own prerequisites early.
    """


@hookspec
def pipecd_cp_shutdown(host: "Host") -> Awaitable[None] | None:
    """Called once, after the servers stopped accepting and drained, before stores close.

    Exceptions are logged and do not stop the other shutdown hooks.
    """


@hookspec
def register_http_routes(host: "Host") -> "Sequence[HttpRoute] | None":
    """Return Tornado routes to add to the `http`, `admin` or ops servers.

    A pattern registered twice on one server (by two plugins, or clashing with a built-in) stops
    start-up with an error naming both plugins.
    """


@hookspec
def register_grpc_services(host: "Host") -> "Sequence[GrpcService] | None":
    """Return gRPC services to serve on the piped, web or API port.

    Each service is added to that port's health and reflection lists. A service name
    registered twice on one port stops start-up.
    """


@hookspec
def register_cli_commands() -> "Sequence[CliCommand] | None":
    """Return `pipecd-cp` sub-commands. Called while the CLI is built, before any config is read."""


@hookspec
def ops_task_failed(host: "Host", task: str, error: BaseException, attempt: int) -> Awaitable[None] | None:
    """Called after a run of ops task `task` raised `error` (`attempt` counts consecutive failures).

    Use it to page someone or post to chat. Exceptions here are logged and swallowed so a broken
    notifier never stops the scheduler.
    """
