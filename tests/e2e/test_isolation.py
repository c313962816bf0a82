"""Every RPC naming an application, deployment, command, event or live state checks its owner.

Another project's object answers NOT_FOUND (existence does not leak); another piped's object in
the same project answers PERMISSION_DENIED; either way nothing is changed.
"""
from __future__ import annotations

import time

import grpc
import pytest

from pipecd_cp.proto.grpc.service.apiservice import service_pb2 as apb
from pipecd_cp.proto.grpc.service.pipedservice import service_pb2 as pb
from pipecd_cp.proto.model import (analysis_result_pb2, application_live_state_pb2 as lpb, application_pb2,
                                   command_pb2, common_pb2, deployment_pb2 as dpb, event_pb2, logblock_pb2)
from tests.e2e.harness import PROJECT, ControlPlane
from tests.e2e.rpc import code_of

NOT_FOUND, DENIED = grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED


@pytest.fixture(scope="module")
def world(cp: ControlPlane) -> dict:
    cp.add_project("tenant-b")
    a_id, a_key = cp.register_piped("iso-a")
    c_id, c_key = cp.register_piped("iso-c")
    b_id, b_key = cp.register_piped("iso-b", project="tenant-b")
    api_a = cp.api(cp.api_key("READ_WRITE"))
    api_b = cp.api(cp.api_key("READ_WRITE", project="tenant-b"))
    a = cp.piped(a_id, a_key)
    a.ReportPipedMeta(pb.ReportPipedMetaRequest(repositories=[common_pb2.ApplicationGitRepository(
        id="r", remote="https://github.com/a/r", branch="main")]))
    app_id = api_a.AddApplication(apb.AddApplicationRequest(
        name="iso-app", piped_id=a_id, git_path=common_pb2.ApplicationGitPath(
            repo=common_pb2.ApplicationGitRepository(id="r"), path="apps/x"))).application_id
    app = api_a.GetApplication(apb.GetApplicationRequest(application_id=app_id)).application
    now = int(time.time())
    dep = dpb.Deployment(id="iso-dep", application_id=app_id, application_name="iso-app", piped_id=a_id,
                         project_id=PROJECT, git_path=app.git_path, status=dpb.DEPLOYMENT_RUNNING,
                         trigger=dpb.DeploymentTrigger(commit=dpb.Commit(hash="h", message="m", author="a", branch="b",
                                                                         created_at=now), timestamp=now),
                         stages=[dpb.PipelineStage(id="s", name="K8S_SYNC", created_at=now, updated_at=now)])
    a.CreateDeployment(pb.CreateDeploymentRequest(deployment=dep))
    cmd_id = api_a.SyncApplication(apb.SyncApplicationRequest(application_id=app_id)).command_id
    event_id = api_a.RegisterEvent(apb.RegisterEventRequest(name="iso-event", data="v1")).event_id
    return dict(a=a, b=cp.piped(b_id, b_key, project="tenant-b"), c=cp.piped(c_id, c_key), a_id=a_id,
                api_a=api_a, api_b=api_b, app_id=app_id, dep_id="iso-dep", cmd_id=cmd_id, event_id=event_id)


def _piped_calls(w: dict) -> dict:
    now = int(time.time())
    app_id, dep_id = w["app_id"], w["dep_id"]
    state = application_pb2.ApplicationSyncState(status=application_pb2.OUT_OF_SYNC, timestamp=now)
    block = logblock_pb2.LogBlock(index=1, log="x", created_at=now)
    snapshot = lpb.ApplicationLiveStateSnapshot(application_id=app_id, piped_id="x", project_id="x",
                                                version=lpb.ApplicationLiveStateVersion(timestamp=now))
    k8s = lpb.KubernetesResourceState(id="r", name="n", api_version="v1", kind="Pod", created_at=now, updated_at=now)
    event = lpb.KubernetesResourceStateEvent(id="e", application_id=app_id, state=k8s, created_at=now,
                                             snapshot_version=lpb.ApplicationLiveStateVersion(timestamp=now))
    return {
        "ReportApplicationSyncState": pb.ReportApplicationSyncStateRequest(application_id=app_id, state=state),
        "ReportApplicationDeployingStatus": pb.ReportApplicationDeployingStatusRequest(application_id=app_id,
                                                                                       deploying=True),
        "GetApplicationMostRecentDeployment": pb.GetApplicationMostRecentDeploymentRequest(application_id=app_id),
        "GetDeployment": pb.GetDeploymentRequest(id=dep_id),
        "ReportDeploymentStatusChanged": pb.ReportDeploymentStatusChangedRequest(deployment_id=dep_id,
                                                                                 status=dpb.DEPLOYMENT_ROLLING_BACK),
        "ReportDeploymentCompleted": pb.ReportDeploymentCompletedRequest(deployment_id=dep_id, completed_at=now,
                                                                         status=dpb.DEPLOYMENT_FAILURE),
        "SaveStageMetadata": pb.SaveStageMetadataRequest(deployment_id=dep_id, stage_id="s", metadata={"k": "v"}),
        "ReportStageStatusChanged": pb.ReportStageStatusChangedRequest(deployment_id=dep_id, stage_id="s",
                                                                       completed_at=now),
        "ReportStageLogs": pb.ReportStageLogsRequest(deployment_id=dep_id, stage_id="s", blocks=[block]),
        "ReportStageLogsFromLastCheckpoint": pb.ReportStageLogsFromLastCheckpointRequest(
            deployment_id=dep_id, stage_id="s", blocks=[block], completed=True),
        "ReportCommandHandled": pb.ReportCommandHandledRequest(command_id=w["cmd_id"], handled_at=now,
                                                               status=command_pb2.COMMAND_FAILED),
        "ReportApplicationLiveState": pb.ReportApplicationLiveStateRequest(snapshot=snapshot),
        "ReportApplicationLiveStateEvents": pb.ReportApplicationLiveStateEventsRequest(kubernetes_events=[event]),
        "PutLatestAnalysisResult": pb.PutLatestAnalysisResultRequest(
            application_id=app_id, analysis_result=analysis_result_pb2.AnalysisResult(start_time=now)),
        "PutApplicationSharedObject": pb.PutApplicationSharedObjectRequest(application_id=app_id, plugin_name="p",
                                                                           key="k", object=b"x"),
        "GetApplicationSharedObject": pb.GetApplicationSharedObjectRequest(application_id=app_id, plugin_name="p",
                                                                           key="k"),
        "UpdateApplicationConfigurations": pb.UpdateApplicationConfigurationsRequest(applications=[
            common_pb2.ApplicationInfo(id=app_id, name="stolen", repo_id="r", path="apps/x", piped_id="x")]),
    }


@pytest.mark.parametrize("method", list(_piped_calls({"app_id": "a", "dep_id": "d", "cmd_id": "c"})))
def test_another_projects_piped_gets_not_found_and_a_sibling_permission_denied(world: dict, method: str) -> None:
    req = _piped_calls(world)[method]
    assert code_of(lambda: getattr(world["b"], method)(req)) == NOT_FOUND
    assert code_of(lambda: getattr(world["c"], method)(req)) == DENIED


def test_nothing_changed_for_the_owner(world: dict) -> None:
    a = world["a"]
    dep = a.GetDeployment(pb.GetDeploymentRequest(id=world["dep_id"])).deployment
    assert dep.status == dpb.DEPLOYMENT_RUNNING and not dep.stages[0].metadata
    app = world["api_a"].GetApplication(apb.GetApplicationRequest(application_id=world["app_id"])).application
    assert app.name == "iso-app" and app.sync_state.status == application_pb2.UNKNOWN and not app.deploying
    assert [c.id for c in a.ListUnhandledCommands(pb.ListUnhandledCommandsRequest()).commands] == [world["cmd_id"]]
    assert code_of(lambda: a.GetApplicationSharedObject(pb.GetApplicationSharedObjectRequest(
        application_id=world["app_id"], plugin_name="p", key="k"))) == NOT_FOUND
    assert code_of(lambda: world["api_a"].ListStageLogs(apb.ListStageLogsRequest(deployment_id=world["dep_id"]))) \
        == grpc.StatusCode.OK
    logs = world["api_a"].ListStageLogs(apb.ListStageLogsRequest(deployment_id=world["dep_id"])).stage_logs
    assert not logs["s"].blocks


def test_events_belong_to_the_project(world: dict) -> None:
    report = pb.ReportEventStatusesRequest(events=[pb.ReportEventStatusesRequest.Event(
        id=world["event_id"], status=event_pb2.EVENT_FAILURE, status_description="hijacked")])
    assert code_of(lambda: world["b"].ReportEventStatuses(report)) == NOT_FOUND
    assert not world["b"].ListEvents(pb.ListEventsRequest()).events
    assert code_of(lambda: world["b"].GetLatestEvent(pb.GetLatestEventRequest(name="iso-event"))) == NOT_FOUND
    ev = world["a"].GetLatestEvent(pb.GetLatestEventRequest(name="iso-event")).event
    assert ev.status == event_pb2.EVENT_NOT_HANDLED


def test_api_keys_see_only_their_project(world: dict) -> None:
    b = world["api_b"]
    for call in (lambda: b.GetApplication(apb.GetApplicationRequest(application_id=world["app_id"])),
                 lambda: b.SyncApplication(apb.SyncApplicationRequest(application_id=world["app_id"])),
                 lambda: b.GetDeployment(apb.GetDeploymentRequest(deployment_id=world["dep_id"])),
                 lambda: b.ListStageLogs(apb.ListStageLogsRequest(deployment_id=world["dep_id"])),
                 lambda: b.GetCommand(apb.GetCommandRequest(command_id=world["cmd_id"])),
                 lambda: b.GetPiped(apb.GetPipedRequest(piped_id=world["a_id"])),
                 lambda: b.DisablePiped(apb.DisablePipedRequest(piped_id=world["a_id"])),
                 lambda: b.Encrypt(apb.EncryptRequest(plaintext="x", piped_id=world["a_id"])),
                 lambda: b.DeleteApplication(apb.DeleteApplicationRequest(application_id=world["app_id"])),
                 lambda: b.AddApplication(apb.AddApplicationRequest(
                     name="x", piped_id=world["a_id"], git_path=common_pb2.ApplicationGitPath(
                         repo=common_pb2.ApplicationGitRepository(id="r"), path="apps/y"))),
                 lambda: b.GetPlanPreviewResults(apb.GetPlanPreviewResultsRequest(commands=[world["cmd_id"]]))):
        assert code_of(call) == NOT_FOUND
    assert not b.ListApplications(apb.ListApplicationsRequest()).applications
    assert not b.ListDeployments(apb.ListDeploymentsRequest()).deployments
    assert world["api_a"].GetApplication(apb.GetApplicationRequest(application_id=world["app_id"])).application.id
