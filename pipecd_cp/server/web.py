"""Built-in plugin: the console's HTTP side on the `http` server.

- `/auth/login/static`, `/auth/login`, `/auth/callback`, `/auth/logout` (`server.http.login`);
- gRPC-Web for WebService at `/grpc.service.webservice.WebService/<Method>` and the legacy
  `/pipe.api.service.webservice.WebService/<Method>` (`server.http.grpcweb`), calling the same
  dispatcher as the web gRPC port (`server.services.web_service`).

Routes are declarative (no host needed to list them); handlers reach the host at request time.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pipecd_cp.contributions import HttpRoute
from pipecd_cp.hookspecs import hookimpl
from pipecd_cp.server.http.grpcweb import GrpcWebHandler
from pipecd_cp.server.http.login import routes as login_routes
from pipecd_cp.server.http.outbound import close_outbound
from pipecd_cp.server.services import web_service

if TYPE_CHECKING:
    from pipecd_cp.app import Host

GRPC_WEB_PATHS = (r"/(grpc\.service\.webservice\.WebService)/([A-Za-z0-9_]+)",
                  r"/(pipe\.api\.service\.webservice\.WebService)/([A-Za-z0-9_]+)")


@hookimpl
def register_http_routes() -> list[HttpRoute]:
    out = [HttpRoute(pattern, handler, "http", kwargs, name=pattern) for pattern, handler, kwargs in login_routes()]
    for pattern, name in zip(GRPC_WEB_PATHS, ("/grpc.service.webservice.WebService/",
                                              "/pipe.api.service.webservice.WebService/")):
        out.append(HttpRoute(pattern, GrpcWebHandler, "http", {"service_of": web_service}, name=name))
    return out


@hookimpl
def pipecd_cp_shutdown(host: "Host") -> None:
    close_outbound(host)
