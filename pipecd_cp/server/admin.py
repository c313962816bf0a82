"""Built-in plugin: the admin server's `/`, `/healthz`, `/version` and `/metrics`."""
from __future__ import annotations

import html
import inspect

from pipecd_cp import __version__
from pipecd_cp.contributions import HttpRoute
from pipecd_cp.hookspecs import hookimpl
from pipecd_cp.server.http.base import PlainHandler


class HealthzHandler(PlainHandler):
    """Liveness: the process serves HTTP. (Readiness of each gRPC port is grpc.health.v1.)"""

    def get(self) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.write("ok")


class VersionHandler(PlainHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.write(__version__)


class MetricsHandler(PlainHandler):
    """The host's registry, then each `pipecd_metrics_extra` callable's text (awaited when async)."""

    async def get(self) -> None:
        self.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.write(self.host.metrics.render())
        for extra in self.application.settings.get("pipecd_metrics_extra", ()):
            text = extra()
            if inspect.isawaitable(text):
                text = await text
            self.write(text)


class IndexHandler(PlainHandler):
    def get(self) -> None:
        paths = sorted(self.application.settings.get("pipecd_admin_paths", ()))
        links = "".join(f'<li><a href="{html.escape(p)}">{html.escape(p)}</a></li>' for p in paths)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.write(f"<!doctype html><title>pipecd-cp admin</title><h1>pipecd-cp {__version__}</h1><ul>{links}</ul>")


@hookimpl
def register_http_routes() -> list[HttpRoute]:
    routes = []
    for server in ("admin", "ops-admin"):
        routes += [
            HttpRoute(r"/", IndexHandler, server, name="/"),
            HttpRoute(r"/healthz", HealthzHandler, server, name="/healthz"),
            HttpRoute(r"/version", VersionHandler, server, name="/version"),
            HttpRoute(r"/metrics", MetricsHandler, server, name="/metrics"),
        ]
    return routes
