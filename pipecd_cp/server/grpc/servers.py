"""Build the gRPC servers (piped, web, API ports) with health, reflection, limits and TLS."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from pipecd_cp.contributions import GrpcService

log = logging.getLogger("pipecd_cp.grpc")

DEFAULT_MAX_RECV = 4 * 1024 * 1024  # grpc-go's default, which PipeCD never overrides
MAX_SEND = 64 * 1024 * 1024


@dataclass
class GrpcOptions:
    max_receive_bytes: int = DEFAULT_MAX_RECV
    reflection: bool = False
    tls_cert: bytes | None = None
    tls_key: bytes | None = None
    max_concurrent_rpcs: int | None = None


@dataclass
class GrpcPort:
    """One gRPC server and the services on it."""

    name: str
    server: grpc.aio.Server
    health: health.aio.HealthServicer
    services: list[str] = field(default_factory=list)
    port: int = 0

    async def set_serving(self, serving: bool) -> None:
        status = health_pb2.HealthCheckResponse.SERVING if serving else health_pb2.HealthCheckResponse.NOT_SERVING
        for name in ["", *self.services]:
            await self.health.set(name, status)


def build_port(name: str, address: str, services: Sequence[GrpcService], options: GrpcOptions) -> GrpcPort:
    """Create (not start) a server bound to `address` ("host:port"; port 0 picks one)."""
    server = grpc.aio.server(
        options=[
            ("grpc.max_receive_message_length", options.max_receive_bytes),
            ("grpc.max_send_message_length", MAX_SEND),
            ("grpc.so_reuseport", 0),
            ("grpc.keepalive_permit_without_calls", 1),
            ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
        ],
        maximum_concurrent_rpcs=options.max_concurrent_rpcs,
    )
    handlers = [s.handler for s in services]
    if handlers:
        server.add_generic_rpc_handlers(handlers)
    hs = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(hs, server)
    names = [s.full_name for s in services]
    if options.reflection:
        from grpc_reflection.v1alpha import reflection
        reflection.enable_server_reflection([*names, health.SERVICE_NAME, reflection.SERVICE_NAME], server)
    if options.tls_cert and options.tls_key:
        creds = grpc.ssl_server_credentials([(options.tls_key, options.tls_cert)])
        port = server.add_secure_port(address, creds)
    else:
        port = server.add_insecure_port(address)
    if port == 0:
        raise OSError(f"cannot listen on {address} for the {name} gRPC server")
    return GrpcPort(name, server, hs, names, port)
