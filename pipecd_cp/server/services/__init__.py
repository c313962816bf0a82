"""Built-in plugin: the gRPC services (PipedService on the piped port, WebService on the web port,
APIService on the API port).

The WebService dispatcher is built once per host (`web_service`) and shared with the gRPC-Web
bridge on the HTTP port, so both transports run the same authentication, validation, error
mapping and metrics.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pipecd_cp.contributions import GrpcService
from pipecd_cp.hookspecs import hookimpl
from pipecd_cp.proto.grpc.service.apiservice import service_pb2 as api_pb
from pipecd_cp.proto.grpc.service.pipedservice import service_pb2 as piped_pb
from pipecd_cp.proto.grpc.service.webservice import service_pb2 as web_pb
from pipecd_cp.server.grpc.dispatch import UnaryService
from pipecd_cp.server.services.api import API, READ_ONLY_METHODS
from pipecd_cp.server.services.piped import PipedAPI
from pipecd_cp.server.services.web import WebAPI

if TYPE_CHECKING:
    from pipecd_cp.app import Host

WEB_STATE = "pipecd_cp.server.services.web"


def web_service(host: "Host") -> UnaryService:
    """The host's WebService dispatcher (created on first use)."""
    service = host.state.get(WEB_STATE)
    if service is None:
        service = UnaryService(web_pb.DESCRIPTOR.services_by_name["WebService"], WebAPI(host),
                               authenticate=host.auth.web.authenticate, metrics=host.metrics,
                               validator=host.validator)
        host.state[WEB_STATE] = service
    return service


@hookimpl
def register_grpc_services(host: "Host") -> list[GrpcService]:
    common = dict(metrics=host.metrics, validator=host.validator)
    piped = UnaryService(piped_pb.DESCRIPTOR.services_by_name["PipedService"], PipedAPI(host),
                         authenticate=host.auth.piped, **common)
    api = UnaryService(api_pb.DESCRIPTOR.services_by_name["APIService"], API(host),
                       authenticate=host.auth.api(READ_ONLY_METHODS), **common)
    web = web_service(host)
    return [GrpcService(piped.full_name, piped, "piped"), GrpcService(web.full_name, web, "web"),
            GrpcService(api.full_name, api, "api")]
