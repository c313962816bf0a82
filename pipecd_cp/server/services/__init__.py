"""Built-in plugin: the gRPC services (PipedService on the piped port, APIService on the API port)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from pipecd_cp.contributions import GrpcService
from pipecd_cp.hookspecs import hookimpl
from pipecd_cp.proto.grpc.service.apiservice import service_pb2 as api_pb
from pipecd_cp.proto.grpc.service.pipedservice import service_pb2 as piped_pb
from pipecd_cp.server.grpc.dispatch import UnaryService
from pipecd_cp.server.services.api import API, READ_ONLY_METHODS
from pipecd_cp.server.services.piped import PipedAPI

if TYPE_CHECKING:
    from pipecd_cp.app import Host


@hookimpl
def register_grpc_services(host: "Host") -> list[GrpcService]:
    common = dict(metrics=host.metrics, validator=host.validator)
    piped = UnaryService(piped_pb.DESCRIPTOR.services_by_name["PipedService"], PipedAPI(host),
                         authenticate=host.auth.piped, **common)
    api = UnaryService(api_pb.DESCRIPTOR.services_by_name["APIService"], API(host),
                       authenticate=host.auth.api(READ_ONLY_METHODS), **common)
    return [GrpcService(piped.full_name, piped, "piped"), GrpcService(api.full_name, api, "api")]
