"""Thin gRPC clients for tests and benchmarks: a piped and an API (pipectl) client.

    piped = PipedClient("127.0.0.1:9080", "quickstart", piped_id, key)
    piped.ReportPipedMeta(pb.ReportPipedMetaRequest(version="v0.50.0"))

Every stub method is called with the credentials as metadata and a timeout.
"""
from __future__ import annotations

from typing import Any

import grpc

from pipecd_cp.proto.grpc.service.apiservice import service_pb2_grpc as api_grpc
from pipecd_cp.proto.grpc.service.pipedservice import service_pb2_grpc as piped_grpc


class _Client:
    def __init__(self, channel: grpc.Channel, stub: Any, authorization: str, timeout: float) -> None:
        self.channel, self._stub = channel, stub
        self.metadata = (("authorization", authorization),)
        self.timeout = timeout

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._stub, name)

        def call(request: Any, **kwargs: Any) -> Any:
            kwargs.setdefault("metadata", self.metadata)
            kwargs.setdefault("timeout", self.timeout)
            return method(request, **kwargs)
        return call

    def close(self) -> None:
        self.channel.close()

    def __enter__(self) -> "_Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PipedClient(_Client):
    def __init__(self, address: str, project_id: str, piped_id: str, key: str, timeout: float = 10) -> None:
        channel = grpc.insecure_channel(address)
        super().__init__(channel, piped_grpc.PipedServiceStub(channel),
                         f"PIPED-TOKEN {project_id},{piped_id},{key}", timeout)


class APIClient(_Client):
    def __init__(self, address: str, key: str, timeout: float = 10) -> None:
        channel = grpc.insecure_channel(address)
        super().__init__(channel, api_grpc.APIServiceStub(channel), f"API-KEY {key}", timeout)
