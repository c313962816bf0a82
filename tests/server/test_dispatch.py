"""UnaryService over a real grpc.aio server: auth, decoding, validation, errors, limits, legacy paths."""
from __future__ import annotations

import grpc
import pytest

from pipecd_cp.contributions import GrpcService
from pipecd_cp.errors import FailedPrecondition, NotFound, Unauthenticated
from pipecd_cp.proto.grpc.service.pipedservice import service_pb2 as pb
from pipecd_cp.proto.grpc.service.pipedservice import service_pb2_grpc as pb_grpc
from pipecd_cp.server.grpc.dispatch import CallContext, UnaryService
from pipecd_cp.server.grpc.servers import GrpcOptions, build_port
from pipecd_cp.server.metrics import Metrics
from pipecd_cp.validation import Validator

DESC = pb.DESCRIPTOR.services_by_name["PipedService"]


class Impl:
    def __init__(self) -> None:
        self.calls: list[str] = []

    async def GetDesiredVersion(self, req: pb.GetDesiredVersionRequest, ctx: CallContext) -> pb.GetDesiredVersionResponse:
        self.calls.append(f"GetDesiredVersion:{ctx.principal}")
        return pb.GetDesiredVersionResponse(version="v1.2.3")

    async def GetDeployment(self, req: pb.GetDeploymentRequest, ctx: CallContext) -> pb.GetDeploymentResponse:
        self.calls.append("GetDeployment")
        if req.id == "precondition":
            raise FailedPrecondition("deployment is completed")
        if req.id == "bug":
            raise KeyError("secret-internal-detail")
        raise NotFound("deployment not found")

    async def ReportStat(self, req: pb.ReportStatRequest, ctx: CallContext) -> pb.ReportStatResponse:
        return pb.ReportStatResponse()


async def _auth(ctx: CallContext) -> str:
    token = ctx.metadata.get("authorization", "")
    if token != "PIPED-TOKEN p,piped,key":
        raise Unauthenticated("unauthenticated")
    return "piped"


@pytest.fixture
async def served():
    impl, metrics = Impl(), Metrics()
    svc = UnaryService(DESC, impl, metrics=metrics, validator=Validator(), authenticate=_auth)
    port = build_port("piped", "127.0.0.1:0", [GrpcService(svc.full_name, svc)], GrpcOptions(max_receive_bytes=1 << 20))
    await port.server.start()
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port.port}")
    yield impl, metrics, channel
    await channel.close()
    await port.server.stop(0)


AUTH = (("authorization", "PIPED-TOKEN p,piped,key"),)


async def test_a_call_reaches_the_implementation_with_its_principal(served) -> None:
    impl, metrics, channel = served
    resp = await pb_grpc.PipedServiceStub(channel).GetDesiredVersion(pb.GetDesiredVersionRequest(), metadata=AUTH)
    assert resp.version == "v1.2.3" and impl.calls == ["GetDesiredVersion:piped"]
    text = metrics.render().decode()
    assert ('grpc_server_handled_total{grpc_code="OK",grpc_method="GetDesiredVersion",'
            'grpc_service="grpc.service.pipedservice.PipedService",grpc_type="unary",pipecd_component="server"} 1.0') in text
    assert 'grpc_server_handling_seconds_bucket{' in text


async def test_authentication_runs_before_validation(served) -> None:
    impl, _, channel = served
    stub = pb_grpc.PipedServiceStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.GetDeployment(pb.GetDeploymentRequest())
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.GetDeployment(pb.GetDeploymentRequest(), metadata=AUTH)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "id:" in err.value.details()
    assert impl.calls == []


async def test_errors_map_to_codes_and_internal_details_never_leak(served) -> None:
    _, metrics, channel = served
    stub = pb_grpc.PipedServiceStub(channel)
    for dep_id, code, text in (("x", grpc.StatusCode.NOT_FOUND, "deployment not found"),
                               ("precondition", grpc.StatusCode.FAILED_PRECONDITION, "deployment is completed"),
                               ("bug", grpc.StatusCode.INTERNAL, "internal error")):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub.GetDeployment(pb.GetDeploymentRequest(id=dep_id), metadata=AUTH)
        assert err.value.code() == code and err.value.details() == text
    assert 'grpc_code="INTERNAL",grpc_method="GetDeployment"' in metrics.render().decode()


async def test_malformed_bytes_are_invalid_argument(served) -> None:
    _, _, channel = served
    call = channel.unary_unary("/grpc.service.pipedservice.PipedService/GetDeployment")
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await call(b"\x0a\xff\xff\xff", metadata=AUTH)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "malformed" in err.value.details()


async def test_legacy_path_prefix_and_unimplemented(served) -> None:
    _, _, channel = served
    legacy = channel.unary_unary("/pipe.api.service.pipedservice.PipedService/GetDesiredVersion",
                                 response_deserializer=pb.GetDesiredVersionResponse.FromString)
    assert (await legacy(b"", metadata=AUTH)).version == "v1.2.3"
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await pb_grpc.PipedServiceStub(channel).ListApplications(pb.ListApplicationsRequest(), metadata=AUTH)
    assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED


async def test_requests_over_the_receive_limit_are_resource_exhausted(served) -> None:
    _, _, channel = served
    stub = pb_grpc.PipedServiceStub(channel)
    await stub.ReportStat(pb.ReportStatRequest(piped_stats=b"x" * ((1 << 20) - 100)), metadata=AUTH)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.ReportStat(pb.ReportStatRequest(piped_stats=b"x" * ((1 << 20) + 1)), metadata=AUTH)
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
