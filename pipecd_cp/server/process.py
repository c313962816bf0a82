"""Run a host's servers on one asyncio loop: gRPC (grpc.aio) and HTTP (Tornado).

`ServerProcess` gathers the routes and gRPC services plugins register, binds every port, and on
SIGTERM stops accepting, drains in-flight calls up to the grace period and returns.
"""
from __future__ import annotations

import asyncio
import logging
import signal
import ssl
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import tornado.httpserver
import tornado.netutil
import tornado.web

from pipecd_cp.app import Host
from pipecd_cp.contributions import GrpcService, HttpRoute, merge
from pipecd_cp.plugins import collect
from pipecd_cp.server.grpc.servers import GrpcOptions, GrpcPort, build_port
from pipecd_cp.server.http.base import InFlight
from pipecd_cp.server.http.static import SpaHandler, default_webroot

log = logging.getLogger("pipecd_cp.server")


@dataclass
class Listener:
    """One HTTP server: its name (a contribution target), where it listens and its fallback routes."""

    name: str
    port: int
    fallback: list[tuple[str, type, dict]] = field(default_factory=list)
    settings: dict = field(default_factory=dict)


@dataclass
class ServeOptions:
    bind: str = "0.0.0.0"
    grpc_ports: dict[str, int] = field(default_factory=dict)  # piped/web/api -> port
    http: Sequence[Listener] = ()
    grace_period: float = 30.0
    grpc: GrpcOptions = field(default_factory=GrpcOptions)
    tls_cert_file: Path | None = None
    tls_key_file: Path | None = None


def server_listeners(http_port: int, admin_port: int, static_dir: Path | None) -> list[Listener]:
    """The server command's HTTP listeners: the console port (SPA fallback last) and admin."""
    root = str(static_dir or default_webroot())
    return [
        Listener("http", http_port, fallback=[(r"/(.*)", SpaHandler, {"path": root, "route": "/"})]),
        Listener("admin", admin_port),
    ]


class ServerProcess:
    """Owns the bound servers of one process."""

    def __init__(self, host: Host, options: ServeOptions) -> None:
        self.host, self.options = host, options
        self.grpc: dict[str, GrpcPort] = {}
        self.http: dict[str, tuple[tornado.httpserver.HTTPServer, int, InFlight]] = {}
        self._stop = asyncio.Event()
        self._stopping = False

    @property
    def ports(self) -> dict[str, int]:
        """Bound ports by server name (useful with port 0)."""
        out = {name: p.port for name, p in self.grpc.items()}
        out.update({name: port for name, (_, port, _) in self.http.items()})
        return out

    def _ssl(self) -> ssl.SSLContext | None:
        o = self.options
        if not (o.tls_cert_file and o.tls_key_file):
            return None
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(o.tls_cert_file), str(o.tls_key_file))
        return ctx

    async def start(self) -> None:
        """Bind and start every server; the host must be started."""
        host, o = self.host, self.options
        services: list[GrpcService] = merge("gRPC service", collect(host.pm, "register_grpc_services", host=host))
        routes: list[HttpRoute] = merge("HTTP route", collect(host.pm, "register_http_routes", host=host))
        try:
            for name, port in o.grpc_ports.items():
                on_port = [s for s in services if s.port == name]
                gp = build_port(name, f"{o.bind}:{port}", on_port, o.grpc)
                await gp.server.start()
                await gp.set_serving(True)
                self.grpc[name] = gp
            tls = self._ssl()
            for listener in o.http:
                mine = [r for r in routes if r.server == listener.name]
                handlers = [(r.pattern, r.handler, {**r.kwargs, "route": r.name or r.pattern}) for r in mine]
                handlers += listener.fallback
                inflight = InFlight()
                app = tornado.web.Application(
                    handlers, compress_response=True, pipecd_host=host, pipecd_inflight=inflight,
                    pipecd_admin_paths=[r.name or r.pattern for r in mine], **listener.settings)
                server = tornado.httpserver.HTTPServer(
                    app, ssl_options=tls if listener.name == "http" else None, xheaders=False,
                    max_body_size=o.grpc.max_receive_bytes + 64 * 1024, idle_connection_timeout=75)
                sockets = tornado.netutil.bind_sockets(listener.port, address=o.bind or None, reuse_port=False)
                server.add_sockets(sockets)
                self.http[listener.name] = (server, sockets[0].getsockname()[1], inflight)
        except BaseException:
            await self.stop(grace=0)
            raise
        log.info("server | ready %s", " ".join(f"{k}={v}" for k, v in self.ports.items()))

    def request_stop(self) -> None:
        self._stop.set()

    async def wait(self) -> None:
        await self._stop.wait()

    async def stop(self, grace: float | None = None) -> None:
        """Stop accepting, let in-flight calls finish for up to `grace` seconds, then close."""
        if self._stopping:
            return
        self._stopping = True
        grace = self.options.grace_period if grace is None else grace
        deadline = time.monotonic() + grace
        for gp in self.grpc.values():
            await gp.set_serving(False)
        for server, _, _ in self.http.values():
            server.stop()
        grpc_stops = [asyncio.create_task(gp.server.stop(grace)) for gp in self.grpc.values()]
        while any(inflight.count > 0 for _, _, inflight in self.http.values()) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for server, _, _ in self.http.values():
            await server.close_all_connections()
        if grpc_stops:
            await asyncio.gather(*grpc_stops, return_exceptions=True)
        log.info("server | stopped")

    async def run(self) -> None:
        """Start, serve until SIGTERM or SIGINT, then drain and stop."""
        async def stop() -> None:
            log.info("server | stopping: draining for up to %.0fs", self.options.grace_period)
            await self.stop()
        await run_until_signalled(self.start, stop, self._stop)


async def run_until_signalled(start: Callable[[], Awaitable[None]], stop: Callable[[], Awaitable[None]],
                              stopped: asyncio.Event) -> None:
    """Run a process's main phase: SIGTERM and SIGINT set `stopped`; `start`, wait for it, then
    `stop` (also when `start` or the wait fails). The signal handlers are removed afterwards."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopped.set)
    try:
        await start()
        await stopped.wait()
    finally:
        await stop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
