"""Bad input gets a clear status naming the field; nothing crashes and stored data stays intact."""
from __future__ import annotations

import random
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from pipecd_cp.proto.grpc.service.apiservice import service_pb2 as apb
from pipecd_cp.proto.grpc.service.pipedservice import service_pb2 as pb
from pipecd_cp.proto.model import common_pb2, deployment_pb2 as dpb
from tests.e2e.harness import ControlPlane
from tests.e2e.rpc import status

INVALID = grpc.StatusCode.INVALID_ARGUMENT


@pytest.fixture(scope="module")
def piped(cp: ControlPlane):
    piped_id, key = cp.register_piped("input")
    client = cp.piped(piped_id, key)
    yield piped_id, key, client
    client.close()


def test_validation_rules_name_the_field(cp: ControlPlane, piped) -> None:
    _, _, p = piped
    api = cp.api(cp.api_key("READ_WRITE"))
    now = int(time.time())
    bad_dep = dpb.Deployment(id="d", application_id="a", application_name="n", piped_id="p", project_id="q",
                             git_path=common_pb2.ApplicationGitPath(repo=common_pb2.ApplicationGitRepository(id="r"),
                                                                    path="/absolute"),
                             trigger=dpb.DeploymentTrigger(commit=dpb.Commit(hash="h", message="m", author="a",
                                                                             branch="b", created_at=now),
                                                           timestamp=now))
    cases = [
        (lambda: p.ReportApplicationSyncState(pb.ReportApplicationSyncStateRequest(application_id="a")), "state"),
        (lambda: p.GetDeployment(pb.GetDeploymentRequest()), "id"),
        (lambda: p.CreateDeployment(pb.CreateDeploymentRequest(deployment=bad_dep)), "deployment.git_path.path"),
        (lambda: p.ReportDeploymentStatusChanged(pb.ReportDeploymentStatusChangedRequest(
            deployment_id="d", status=dpb.DEPLOYMENT_SUCCESS)), "status"),
        (lambda: p.ReportDeploymentCompleted(pb.ReportDeploymentCompletedRequest(deployment_id="d")), "completed_at"),
        (lambda: p.ReportEventStatuses(pb.ReportEventStatusesRequest(events=[pb.ReportEventStatusesRequest.Event(
            id="e", status_description="")])), "events[0].status_description"),
        (lambda: api.RegisterEvent(apb.RegisterEventRequest(name="n", data="d", contexts={"not ok": "v"})),
         "contexts key 'not ok'"),
        (lambda: api.RenameApplicationConfigFile(apb.RenameApplicationConfigFileRequest(new_filename="x")),
         "application_ids"),
        (lambda: api.AddApplication(apb.AddApplicationRequest(name="x", piped_id="p")), "git_path"),
        (lambda: api.ListApplications(apb.ListApplicationsRequest(kind="SERVERLESS")), "kind"),
    ]
    for call, field in cases:
        code, details = status(call)
        assert code == INVALID and details.startswith(f"{field}: "), (field, code, details)


def test_requests_over_4_mib_are_resource_exhausted(cp: ControlPlane, piped) -> None:
    _, _, p = piped
    p.ReportStat(pb.ReportStatRequest(piped_stats=b"x" * (4 * 1024 * 1024 - 64)))
    code, _ = status(lambda: p.ReportStat(pb.ReportStatRequest(piped_stats=b"x" * (4 * 1024 * 1024 + 1))))
    assert code == grpc.StatusCode.RESOURCE_EXHAUSTED
    p.ListApplications(pb.ListApplicationsRequest())


def test_the_receive_limit_is_configurable(cp: ControlPlane, tmp_path) -> None:
    from tests.conftest import ServeProcess
    other = ServeProcess(tmp_path / "big", "--max-recv-msg-size", str(8 * 1024 * 1024)).start()
    try:
        with grpc.insecure_channel(other.addr("piped")) as ch:
            call = ch.unary_unary("/grpc.service.pipedservice.PipedService/ReportStat")
            code, _ = status(lambda: call(pb.ReportStatRequest(piped_stats=b"x" * (6 * 1024 * 1024)).SerializeToString(),
                                          timeout=10))
        assert code == grpc.StatusCode.UNAUTHENTICATED, "the 6 MiB request got past the limit to authentication"
    finally:
        other.kill()


def test_the_legacy_path_prefix_is_accepted(cp: ControlPlane, piped) -> None:
    piped_id, key, _ = piped
    with grpc.insecure_channel(cp.addr("piped")) as ch:
        call = ch.unary_unary("/pipe.api.service.pipedservice.PipedService/ReportPipedMeta",
                              response_deserializer=pb.ReportPipedMetaResponse.FromString)
        resp = call(pb.ReportPipedMetaRequest(version="v0.9.0").SerializeToString(), timeout=5,
                    metadata=(("authorization", f"PIPED-TOKEN quickstart,{piped_id},{key}"),))
    assert resp.name == "input"


def test_garbage_never_crashes_the_server_or_corrupts_data(cp: ControlPlane, piped) -> None:
    piped_id, key, p = piped
    api = cp.api(cp.api_key("READ_WRITE"))
    p.ReportPipedMeta(pb.ReportPipedMetaRequest(repositories=[common_pb2.ApplicationGitRepository(id="r")]))
    app_id = api.AddApplication(apb.AddApplicationRequest(name="fuzz", piped_id=piped_id, git_path=common_pb2.ApplicationGitPath(
        repo=common_pb2.ApplicationGitRepository(id="r"), path="apps/f"))).application_id
    before = api.GetApplication(apb.GetApplicationRequest(application_id=app_id)).application
    rng = random.Random(7)
    methods = [m.name for m in pb.DESCRIPTOR.services_by_name["PipedService"].methods]
    md = (("authorization", f"PIPED-TOKEN quickstart,{piped_id},{key}"),)
    seen = set()
    with grpc.insecure_channel(cp.addr("piped")) as ch:
        for i in range(300):
            method = rng.choice(methods)
            payload = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
            if i % 3 == 0:  # valid framing with hostile values: wrong wire types, huge lengths, ids of others
                payload = b"\x0a\x24" + app_id.encode() + payload
            call = ch.unary_unary(f"/grpc.service.pipedservice.PipedService/{method}")
            code, details = status(lambda: call(payload, metadata=md, timeout=5))
            seen.add(code)
            assert code != grpc.StatusCode.UNKNOWN and "Traceback" not in details
    assert grpc.StatusCode.INVALID_ARGUMENT in seen
    with grpc.insecure_channel(cp.addr("piped")) as ch:
        assert health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(), timeout=5).status == \
            health_pb2.HealthCheckResponse.SERVING
    after = api.GetApplication(apb.GetApplicationRequest(application_id=app_id)).application
    assert after.name == before.name and after.git_path == before.git_path
    assert "Traceback" not in cp.all_output()
