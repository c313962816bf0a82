"""Declarative objects that hook plugins return; the host merges and validates them.

A plugin never mutates the host's servers or CLI directly: it returns these, and a duplicate
(two plugins claiming one route, gRPC service or command) stops start-up with one line.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from pipecd_cp.errors import PluginError

HttpServerName = Literal["http", "admin", "ops", "ops-admin"]
GrpcPortName = Literal["piped", "web", "api"]


@dataclass(frozen=True)
class HttpRoute:
    """A Tornado route (`pattern`, `RequestHandler` subclass) on one of the HTTP servers."""

    pattern: str
    handler: type
    server: HttpServerName = "http"
    kwargs: dict[str, Any] = field(default_factory=dict)
    name: str = ""

    @property
    def identity(self) -> tuple[str, str]:
        return (self.server, self.pattern)


@dataclass(frozen=True)
class GrpcService:
    """A gRPC service on one of the gRPC ports.

    `handler` is a `grpc.GenericRpcHandler`; `full_name` is the service's fully qualified name
    (for health and reflection).
    """

    full_name: str
    handler: Any
    port: GrpcPortName = "piped"

    @property
    def identity(self) -> tuple[str, str]:
        return (self.port, self.full_name)


@dataclass(frozen=True)
class CliCommand:
    """A `pipecd-cp` sub-command: a typer.Typer (a command group) or a plain function."""

    name: str
    command: Any
    help: str = ""

    @property
    def identity(self) -> str:
        return self.name


def merge(kind: str, contributed: Iterable[tuple[str, Any]], key: Callable[[Any], Any] | None = None) -> list[Any]:
    """Flatten (plugin name, item) pairs, failing on a duplicate identity."""
    seen: dict[Any, str] = {}
    out = []
    for plugin, item in contributed:
        ident = key(item) if key else item.identity
        if ident in seen:
            raise PluginError(f"{kind} {ident!r} is registered by both {seen[ident]!r} and {plugin!r}")
        seen[ident] = plugin
        out.append(item)
    return out
