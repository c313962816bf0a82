"""A piped's whole life against a running `pipecd-cp serve`, over real gRPC, with a restart in the middle.

The scripted piped does what an unmodified PipeCD piped does, in its order: report meta, list its
applications, create and plan a deployment, stream stage logs, checkpoint, report stage and
deployment completion, handle commands queued through the API, report live state and its events,
handle events from RegisterEvent, run a deployment chain, and answer a plan preview.
"""
from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid

import grpc
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pipecd_cp.domain.sealed import decrypt
from pipecd_cp.proto.grpc.service.apiservice import service_pb2 as apb
from pipecd_cp.proto.grpc.service.pipedservice import service_pb2 as pb
from pipecd_cp.proto.model import (analysis_result_pb2, application_live_state_pb2 as lpb, application_pb2,
                                   command_pb2, common_pb2,
                                   deployment_chain_pb2 as cpb, deployment_pb2 as dpb, event_pb2, logblock_pb2,
                                   piped_pb2, planpreview_pb2)
from tests.e2e.harness import PROJECT, ControlPlane

REMOTE = "git@github.com:acme/deployments.git"


def _now() -> int:
    return int(time.time())


def _repo() -> common_pb2.ApplicationGitRepository:
    return common_pb2.ApplicationGitRepository(id="deployments", remote=REMOTE, branch="main")


def _deployment(app: application_pb2.Application, piped_id: str, dep_id: str) -> dpb.Deployment:
    now = _now()
    return dpb.Deployment(
        id=dep_id, application_id=app.id, application_name=app.name, piped_id=piped_id, project_id=PROJECT,
        kind=app.kind, git_path=app.git_path, labels=dict(app.labels),
        trigger=dpb.DeploymentTrigger(commit=dpb.Commit(hash="abc123", message="bump image", author="dev",
                                                        branch="main", created_at=now),
                                      commander="", timestamp=now),
        status=dpb.DEPLOYMENT_PENDING)


def _stage(stage_id: str, name: str, index: int, **kw: object) -> dpb.PipelineStage:
    now = _now()
    kw.setdefault("visible", True)
    return dpb.PipelineStage(id=stage_id, name=name, index=index, created_at=now, updated_at=now,
                             **kw)  # type: ignore[arg-type]


def _blocks(first: int, n: int, text: str = "line") -> list[logblock_pb2.LogBlock]:
    return [logblock_pb2.LogBlock(index=i, log=f"{text} {i}", severity=logblock_pb2.INFO, created_at=_now())
            for i in range(first, first + n)]


def test_a_piped_lifecycle_with_a_restart_in_the_middle(cp: ControlPlane) -> None:
    run = uuid.uuid4().hex[:8]  # ids unique per run: backends may share one Redis
    piped_id, piped_key = cp.register_piped("lifecycle")
    api_key = cp.api_key("READ_WRITE", name="lifecycle-api")
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    piped, api = cp.piped(piped_id, piped_key), cp.api(api_key)

    # -- the piped starts: meta, stats, desired version
    meta = piped.ReportPipedMeta(pb.ReportPipedMetaRequest(
        version="v0.52.0", repositories=[_repo()],
        cloud_providers=[piped_pb2.Piped.CloudProvider(name="kubernetes-default", type="KUBERNETES")],
        secret_encryption=piped_pb2.Piped.SecretEncryption(type="KEY_PAIR", public_key=public_pem)))
    assert meta.name == "lifecycle"
    piped.ReportStat(pb.ReportStatRequest(piped_stats=b"# TYPE piped_up gauge\npiped_up 1\n"))
    assert piped.GetDesiredVersion(pb.GetDesiredVersionRequest()).version == ""
    got = api.GetPiped(apb.GetPipedRequest(piped_id=piped_id)).piped
    assert [p.name for p in got.platform_providers] == ["kubernetes-default"] and not got.cloud_providers
    assert all(k.hash == "redacted" for k in got.keys) and got.version == "v0.52.0"

    # -- applications registered through the API, listed by the piped
    add = apb.AddApplicationRequest(name="web", piped_id=piped_id, kind=common_pb2.KUBERNETES, labels={"env": "prod"},
                                    git_path=common_pb2.ApplicationGitPath(repo=common_pb2.ApplicationGitRepository(
                                        id="deployments"), path="apps/web", config_filename="app.pipecd.yaml"))
    app_id = api.AddApplication(add).application_id
    add2 = apb.AddApplicationRequest()
    add2.CopyFrom(add)
    add2.name, add2.git_path.path = "api", "apps/api"
    app2_id = api.AddApplication(add2).application_id
    apps = {a.id: a for a in piped.ListApplications(pb.ListApplicationsRequest()).applications}
    assert set(apps) == {app_id, app2_id}
    app = apps[app_id]
    assert app.git_path.url == "https://github.com/acme/deployments/tree/main/apps/web"
    assert app.git_path.repo.remote == REMOTE
    piped.UpdateApplicationConfigurations(pb.UpdateApplicationConfigurationsRequest(applications=[
        common_pb2.ApplicationInfo(id=app_id, name="web", kind=common_pb2.KUBERNETES, labels={"env": "prod", "team": "a"},
                                   repo_id="deployments", path="apps/web", piped_id=piped_id, description="the site")]))
    piped.ReportUnregisteredApplicationConfigurations(pb.ReportUnregisteredApplicationConfigurationsRequest(
        applications=[common_pb2.ApplicationInfo(name="new", repo_id="deployments", path="apps/new", piped_id=piped_id)]))
    assert api.GetApplication(apb.GetApplicationRequest(application_id=app_id)).application.description == "the site"
    listed = api.ListApplications(apb.ListApplicationsRequest(labels={"team": "a"})).applications
    assert [a.id for a in listed] == [app_id]

    # -- a deployment: created, planned, running with stage logs
    dep_id = f"dep-{run}"
    piped.CreateDeployment(pb.CreateDeploymentRequest(deployment=_deployment(app, piped_id, dep_id)))
    ref = application_pb2.ApplicationDeploymentReference(
        deployment_id=dep_id, trigger=dpb.DeploymentTrigger(commit=dpb.Commit(hash="abc123", message="m", author="a",
                                                                              branch="main", created_at=_now()),
                                                            timestamp=_now()), started_at=_now())
    piped.ReportApplicationMostRecentDeployment(pb.ReportApplicationMostRecentDeploymentRequest(
        application_id=app_id, status=dpb.DEPLOYMENT_PENDING, deployment=ref))
    got_ref = piped.GetApplicationMostRecentDeployment(pb.GetApplicationMostRecentDeploymentRequest(
        application_id=app_id, status=dpb.DEPLOYMENT_PENDING)).deployment
    assert got_ref.deployment_id == dep_id
    with pytest.raises(grpc.RpcError) as err:
        piped.GetApplicationMostRecentDeployment(pb.GetApplicationMostRecentDeploymentRequest(
            application_id=app_id, status=dpb.DEPLOYMENT_SUCCESS))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    pending = piped.ListNotCompletedDeployments(pb.ListNotCompletedDeploymentsRequest())
    assert [d.id for d in pending.deployments] == [dep_id] and pending.cursor
    assert not piped.ListNotCompletedDeployments(pb.ListNotCompletedDeploymentsRequest(cursor=pending.cursor)).deployments
    stages = [_stage("s-approve", "WAIT_APPROVAL", 0, metadata={"Approvers": "alice,bob"}),
              _stage("s-sync", "K8S_SYNC", 1, requires=["s-approve"]),
              _stage("s-rollback", "ROLLBACK", 2, rollback=True, visible=False)]
    piped.ReportDeploymentPlanned(pb.ReportDeploymentPlannedRequest(
        deployment_id=dep_id, summary="Sync with the pipeline", running_commit_hash="abc000",
        running_config_filename="app.pipecd.yaml", sync_strategy=common_pb2.PIPELINE, stages=stages,
        versions=[common_pb2.ArtifactVersion(kind=common_pb2.ArtifactVersion.CONTAINER_IMAGE, version="v2")]))
    dep = piped.GetDeployment(pb.GetDeploymentRequest(id=dep_id)).deployment
    assert dep.status == dpb.DEPLOYMENT_PLANNED and dep.trigger.sync_strategy == common_pb2.PIPELINE
    approve = next(s for s in dep.stages if s.id == "s-approve")
    assert approve.available_operation == dpb.MANUAL_OPERATION_APPROVE
    assert list(approve.authorized_operators) == ["alice", "bob"]
    piped.ReportDeploymentStatusChanged(pb.ReportDeploymentStatusChangedRequest(
        deployment_id=dep_id, status=dpb.DEPLOYMENT_RUNNING, status_reason="started"))
    piped.ReportStageStatusChanged(pb.ReportStageStatusChangedRequest(
        deployment_id=dep_id, stage_id="s-approve", status=dpb.STAGE_RUNNING, visible=True, completed_at=_now()))
    piped.ReportStageLogs(pb.ReportStageLogsRequest(deployment_id=dep_id, stage_id="s-approve", blocks=_blocks(0, 3)))
    piped.ReportStageLogs(pb.ReportStageLogsRequest(deployment_id=dep_id, stage_id="s-approve",
                                                    blocks=_blocks(2, 3, "again")))  # index 2 is a duplicate
    piped.SaveStageMetadata(pb.SaveStageMetadataRequest(deployment_id=dep_id, stage_id="s-approve",
                                                        metadata={"waiting": "true"}))
    piped.SaveDeploymentSharedMetadata(pb.SaveDeploymentSharedMetadataRequest(deployment_id=dep_id,
                                                                              metadata={"image": "v2"}))
    piped.SaveDeploymentPluginMetadata(pb.SaveDeploymentPluginMetadataRequest(deployment_id=dep_id,
                                                                              plugin_name="kubernetes",
                                                                              metadata={"namespace": "web"}))
    piped.SaveDeploymentMetadata(pb.SaveDeploymentMetadataRequest(deployment_id=dep_id, metadata={"legacy": "1"}))

    # -- the control plane restarts before any checkpoint: nothing accepted is lost
    assert cp.stop() == 0
    cp.start()
    piped, api = cp.piped(piped_id, piped_key), cp.api(api_key)
    logs = api.ListStageLogs(apb.ListStageLogsRequest(deployment_id=dep_id)).stage_logs
    assert [b.log for b in logs["s-approve"].blocks] == ["line 0", "line 1", "line 2", "again 3", "again 4"]
    assert "s-rollback" not in logs and list(logs["s-sync"].blocks) == []
    dep = piped.GetDeployment(pb.GetDeploymentRequest(id=dep_id)).deployment
    assert dep.status == dpb.DEPLOYMENT_RUNNING and dep.metadata["legacy"] == "1"
    assert dict(dep.metadata_v2.shared.keyValues) == {"image": "v2"}
    assert dict(dep.metadata_v2.plugins["kubernetes"].keyValues) == {"namespace": "web"}
    assert next(s for s in dep.stages if s.id == "s-approve").metadata["waiting"] == "true"

    # -- checkpoint, completion of the stage log, and no more appends after it
    piped.ReportStageLogsFromLastCheckpoint(pb.ReportStageLogsFromLastCheckpointRequest(
        deployment_id=dep_id, stage_id="s-approve", blocks=_blocks(5, 1, "approved"), completed=True))
    with pytest.raises(grpc.RpcError) as err:
        piped.ReportStageLogs(pb.ReportStageLogsRequest(deployment_id=dep_id, stage_id="s-approve", blocks=_blocks(9, 1)))
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    logs = api.ListStageLogs(apb.ListStageLogsRequest(deployment_id=dep_id)).stage_logs
    assert logs["s-approve"].completed and len(logs["s-approve"].blocks) == 6

    # -- commands queued through the API are handled by the piped
    cmd_id = api.SyncApplication(apb.SyncApplicationRequest(application_id=app_id)).command_id
    queue = piped.ListUnhandledCommands(pb.ListUnhandledCommandsRequest()).commands
    assert [c.id for c in queue] == [cmd_id] and queue[0].type == command_pb2.Command.SYNC_APPLICATION
    assert queue[0].commander == api_key.split(".")[0]
    piped.ReportCommandHandled(pb.ReportCommandHandledRequest(command_id=cmd_id, status=command_pb2.COMMAND_SUCCEEDED,
                                                              metadata={"deployment": dep_id}, handled_at=_now()))
    cmd = api.GetCommand(apb.GetCommandRequest(command_id=cmd_id)).command
    assert cmd.status == command_pb2.COMMAND_SUCCEEDED and cmd.metadata["deployment"] == dep_id
    assert not piped.ListUnhandledCommands(pb.ListUnhandledCommandsRequest()).commands

    # -- live state and its events
    now = _now()
    resource = lpb.KubernetesResourceState(id="r1", name="web", api_version="apps/v1", kind="Deployment",
                                           health_status=lpb.KubernetesResourceState.HEALTHY, created_at=now,
                                           updated_at=now)
    snapshot = lpb.ApplicationLiveStateSnapshot(
        application_id=app_id, piped_id=piped_id, project_id=PROJECT, kind=common_pb2.KUBERNETES,
        kubernetes=lpb.KubernetesApplicationLiveState(resources=[resource]),
        version=lpb.ApplicationLiveStateVersion(timestamp=now, index=1))
    piped.ReportApplicationLiveState(pb.ReportApplicationLiveStateRequest(snapshot=snapshot))
    added = lpb.KubernetesResourceState()
    added.CopyFrom(resource)
    added.id, added.name = "r2", "web-svc"
    added.health_status = lpb.KubernetesResourceState.OTHER
    piped.ReportApplicationLiveStateEvents(pb.ReportApplicationLiveStateEventsRequest(kubernetes_events=[
        lpb.KubernetesResourceStateEvent(id="e1", application_id=app_id, type=lpb.KubernetesResourceStateEvent.ADD_OR_UPDATED,
                                         state=added, snapshot_version=snapshot.version, created_at=now),
        lpb.KubernetesResourceStateEvent(id="e0", application_id=app_id, type=lpb.KubernetesResourceStateEvent.DELETED,
                                         state=resource, created_at=now,
                                         snapshot_version=lpb.ApplicationLiveStateVersion(timestamp=now - 100)),
    ]))

    async def live() -> lpb.ApplicationLiveStateSnapshot:
        async with cp.host() as host:
            return await host.stores.live_states.get(app_id)
    state = asyncio.run(live())
    assert [r.id for r in state.kubernetes.resources] == ["r1", "r2"], "the stale DELETED event is dropped"
    assert state.health_status == lpb.ApplicationLiveStateSnapshot.OTHER

    # -- events registered through the API, seen and reported by the piped
    event_id = api.RegisterEvent(apb.RegisterEventRequest(
        name="image-update", data="ghcr.io/acme/web:v3", labels={"app": "web"}, contexts={"build-id": "42"},
        commit_hash="c0ffee", commit_url="https://github.com/acme/web/commit/c0ffee", commit_title="v3")).event_id
    latest = piped.GetLatestEvent(pb.GetLatestEventRequest(name="image-update", labels={"app": "web"})).event
    assert latest.id == event_id and latest.status == event_pb2.EVENT_NOT_HANDLED
    assert latest.status_description == "It is going to be replaced by ghcr.io/acme/web:v3"
    with pytest.raises(grpc.RpcError) as err:
        piped.GetLatestEvent(pb.GetLatestEventRequest(name="image-update", labels={"app": "other"}))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    listed = piped.ListEvents(pb.ListEventsRequest(to=_now() + 10, status=pb.ListEventsRequest.NOT_HANDLED)).events
    assert [e.id for e in listed] == [event_id]
    piped.ReportEventStatuses(pb.ReportEventStatusesRequest(events=[pb.ReportEventStatusesRequest.Event(
        id=event_id, status=event_pb2.EVENT_SUCCESS, status_description="replaced in apps/web")]))
    done = piped.ListEvents(pb.ListEventsRequest(status=pb.ListEventsRequest.SUCCESS)).events
    assert [e.id for e in done] == [event_id] and done[0].handled_at > 0

    # -- analysis results, shared objects, sealed secrets
    piped.PutLatestAnalysisResult(pb.PutLatestAnalysisResultRequest(
        application_id=app_id, analysis_result=analysis_result_pb2.AnalysisResult(start_time=now)))
    assert piped.GetLatestAnalysisResult(pb.GetLatestAnalysisResultRequest(application_id=app_id)).analysis_result.start_time == now
    piped.PutApplicationSharedObject(pb.PutApplicationSharedObjectRequest(application_id=app_id, plugin_name="k8s",
                                                                          key="manifest-hash", object=b"\x00sha"))
    assert piped.GetApplicationSharedObject(pb.GetApplicationSharedObjectRequest(
        application_id=app_id, plugin_name="k8s", key="manifest-hash")).object == b"\x00sha"
    sealed = api.Encrypt(apb.EncryptRequest(plaintext="s3cr3t", piped_id=piped_id)).ciphertext
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    assert decrypt(private_pem, sealed) == b"s3cr3t"

    # -- a deployment chain: dep-1 is block 0, the "api" application block 1
    chained = _deployment(app, piped_id, f"dep-chain-0-{run}")
    piped.CreateDeploymentChain(pb.CreateDeploymentChainRequest(
        first_deployment=chained, matchers=[pb.CreateDeploymentChainRequest.ApplicationMatcher(name="api")]))
    chain_cmds = [c for c in piped.ListUnhandledCommands(pb.ListUnhandledCommandsRequest()).commands
                  if c.type == command_pb2.Command.CHAIN_SYNC_APPLICATION]
    assert [c.application_id for c in chain_cmds] == [app2_id]
    chain_id = chain_cmds[0].chain_sync_application.deployment_chain_id
    assert chain_cmds[0].chain_sync_application.block_index == 1
    first = piped.GetDeployment(pb.GetDeploymentRequest(id=f"dep-chain-0-{run}")).deployment
    assert first.deployment_chain_id == chain_id
    plan0 = piped.InChainDeploymentPlannable(pb.InChainDeploymentPlannableRequest(
        deployment_id=f"dep-chain-0-{run}", deployment_chain_id=chain_id, deployment_chain_block_index=0))
    assert plan0.plannable and not plan0.cancel
    second = _deployment(apps[app2_id], piped_id, f"dep-chain-1-{run}")
    second.deployment_chain_id, second.deployment_chain_block_index = chain_id, 1
    piped.CreateDeployment(pb.CreateDeploymentRequest(deployment=second))
    plan1 = piped.InChainDeploymentPlannable(pb.InChainDeploymentPlannableRequest(
        deployment_id=f"dep-chain-1-{run}", deployment_chain_id=chain_id, deployment_chain_block_index=1))
    assert not plan1.plannable and not plan1.cancel, "block 0 is not done yet"
    piped.ReportDeploymentCompleted(pb.ReportDeploymentCompletedRequest(
        deployment_id=f"dep-chain-0-{run}", status=dpb.DEPLOYMENT_SUCCESS, completed_at=_now(),
        deployment_chain_id=chain_id, deployment_chain_block_index=0))
    plan1 = piped.InChainDeploymentPlannable(pb.InChainDeploymentPlannableRequest(
        deployment_id=f"dep-chain-1-{run}", deployment_chain_id=chain_id, deployment_chain_block_index=1))
    assert plan1.plannable
    piped.ReportDeploymentCompleted(pb.ReportDeploymentCompletedRequest(
        deployment_id=f"dep-chain-1-{run}", status=dpb.DEPLOYMENT_SUCCESS, completed_at=_now(),
        deployment_chain_id=chain_id, deployment_chain_block_index=1))

    async def chain() -> cpb.DeploymentChain:
        async with cp.host() as host:
            return await host.stores.chains.get(chain_id)
    c = asyncio.run(chain())
    assert [b.status for b in c.blocks] == [cpb.DEPLOYMENT_BLOCK_SUCCESS, cpb.DEPLOYMENT_BLOCK_SUCCESS]
    assert c.status == cpb.DEPLOYMENT_CHAIN_SUCCESS and c.completed_at > 0

    # -- a plan preview through commands and command output. The piped must look online: an
    #    in-memory cache lost its stats in the restart (a piped reports them every minute); a
    #    shared cache kept them.
    probe = apb.GetPlanPreviewResultsRequest(commands=api.RequestPlanPreview(apb.RequestPlanPreviewRequest(
        repo_remote_url=REMOTE, head_branch="x", head_commit="y", base_branch="main")).commands)
    if cp.backend.shared_cache:
        with pytest.raises(grpc.RpcError) as err:
            api.GetPlanPreviewResults(probe)
        assert err.value.code() == grpc.StatusCode.NOT_FOUND
    else:
        assert api.GetPlanPreviewResults(probe).results[0].error == "Maybe Piped is offline currently."
    for c in piped.ListUnhandledCommands(pb.ListUnhandledCommandsRequest()).commands:
        if c.type == command_pb2.Command.BUILD_PLAN_PREVIEW:
            piped.ReportCommandHandled(pb.ReportCommandHandledRequest(
                command_id=c.id, status=command_pb2.COMMAND_FAILED, handled_at=_now()))
    piped.ReportStat(pb.ReportStatRequest(piped_stats=b"piped_up 1\n"))
    ids = api.RequestPlanPreview(apb.RequestPlanPreviewRequest(repo_remote_url=REMOTE, head_branch="feature",
                                                              head_commit="f00d", base_branch="main")).commands
    assert len(ids) == 1
    assert not api.RequestPlanPreview(apb.RequestPlanPreviewRequest(repo_remote_url="https://elsewhere", head_branch="x",
                                                                   head_commit="y", base_branch="main")).commands
    with pytest.raises(grpc.RpcError) as err:
        api.GetPlanPreviewResults(apb.GetPlanPreviewResultsRequest(commands=ids))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND, "pipectl polls until the piped answers"
    preview = next(c for c in piped.ListUnhandledCommands(pb.ListUnhandledCommandsRequest()).commands
                   if c.type == command_pb2.Command.BUILD_PLAN_PREVIEW)
    assert preview.build_plan_preview.head_commit == "f00d" and preview.commander == "pipectl"
    output = {"command_id": preview.id, "piped_id": piped_id, "results": [
        {"application_id": app_id, "application_name": "web", "no_change": False,
         "plan_summary": base64.b64encode(b"1 added").decode()}]}  # bytes are base64 in Go's JSON
    piped.ReportCommandHandled(pb.ReportCommandHandledRequest(command_id=preview.id,
                                                              status=command_pb2.COMMAND_SUCCEEDED,
                                                              handled_at=_now(), output=json.dumps(output).encode()))
    results = api.GetPlanPreviewResults(apb.GetPlanPreviewResultsRequest(commands=ids)).results
    assert len(results) == 1 and results[0].piped_name == "lifecycle"
    assert isinstance(results[0], planpreview_pb2.PlanPreviewCommandResult)
    assert results[0].results[0].plan_summary == b"1 added"
    # The embedded defaults have no `spec.address`, so there are no console links to make.
    assert results[0].piped_url == "" and results[0].results[0].application_url == ""

    # -- the deployment completes
    piped.ReportStageStatusChanged(pb.ReportStageStatusChangedRequest(
        deployment_id=dep_id, stage_id="s-sync", status=dpb.STAGE_SUCCESS, visible=True, completed_at=_now()))
    with pytest.raises(grpc.RpcError) as err:
        piped.ReportDeploymentCompleted(pb.ReportDeploymentCompletedRequest(deployment_id=dep_id,
                                                                            status=dpb.DEPLOYMENT_RUNNING,
                                                                            completed_at=_now()))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "status" in err.value.details()
    piped.ReportDeploymentCompleted(pb.ReportDeploymentCompletedRequest(
        deployment_id=dep_id, status=dpb.DEPLOYMENT_SUCCESS, status_reason="done", completed_at=_now(),
        stage_statuses={"s-approve": dpb.STAGE_SUCCESS, "s-sync": dpb.STAGE_SUCCESS}))
    ref.completed_at = _now()
    piped.ReportApplicationMostRecentDeployment(pb.ReportApplicationMostRecentDeploymentRequest(
        application_id=app_id, status=dpb.DEPLOYMENT_SUCCESS, deployment=ref))
    piped.ReportApplicationSyncState(pb.ReportApplicationSyncStateRequest(
        application_id=app_id, state=application_pb2.ApplicationSyncState(status=application_pb2.SYNCED,
                                                                           timestamp=_now())))
    piped.ReportApplicationDeployingStatus(pb.ReportApplicationDeployingStatusRequest(application_id=app_id,
                                                                                      deploying=False))
    final = api.GetDeployment(apb.GetDeploymentRequest(deployment_id=dep_id)).deployment
    assert final.status == dpb.DEPLOYMENT_SUCCESS and final.completed_at > 0
    assert {s.id: s.status for s in final.stages}["s-approve"] == dpb.STAGE_SUCCESS
    app = api.GetApplication(apb.GetApplicationRequest(application_id=app_id)).application
    assert app.sync_state.status == application_pb2.SYNCED
    assert app.most_recently_successful_deployment.deployment_id == dep_id
    assert dep_id not in [d.id for d in piped.ListNotCompletedDeployments(pb.ListNotCompletedDeploymentsRequest()).deployments]
    done = api.ListDeployments(apb.ListDeploymentsRequest(statuses=["DEPLOYMENT_SUCCESS"])).deployments
    assert {d.id for d in done} == {dep_id, f"dep-chain-0-{run}", f"dep-chain-1-{run}"}

    # -- the app is disabled and deleted through the API; the piped stops seeing it
    api.DisableApplication(apb.DisableApplicationRequest(application_id=app2_id))
    assert [a.id for a in piped.ListApplications(pb.ListApplicationsRequest()).applications] == [app_id]
    api.DeleteApplication(apb.DeleteApplicationRequest(application_id=app2_id))
    with pytest.raises(grpc.RpcError) as err:
        api.EnableApplication(apb.EnableApplicationRequest(application_id=app2_id))
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    piped.close()
    api.close()
