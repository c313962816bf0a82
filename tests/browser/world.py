"""What a running system puts in front of the console: a scripted piped over real gRPC that
reports its repositories, drives deployments with stage logs, and handles commands."""
from __future__ import annotations

import time

from pipecd_cp.proto.grpc.service.pipedservice import service_pb2 as pb
from pipecd_cp.proto.model import command_pb2, common_pb2, deployment_pb2 as dpb, logblock_pb2, piped_pb2
from pipecd_cp.testing.clients import PipedClient

REMOTE = "git@github.com:acme/deployments.git"


def now() -> int:
    return int(time.time())


class ScriptedPiped:
    """A piped agent's side of the protocol, step by step (as an unmodified piped calls it)."""

    def __init__(self, address: str, project: str, piped_id: str, key: str) -> None:
        self.id = piped_id
        self.client = PipedClient(address, project, piped_id, key)

    def start(self, version: str = "v0.52.0", public_key: str = "") -> None:
        """Report meta (repositories, a platform provider, a sealed-secret key if given) and stats."""
        encryption = piped_pb2.Piped.SecretEncryption(type="KEY_PAIR", public_key=public_key) if public_key else None
        self.client.ReportPipedMeta(pb.ReportPipedMetaRequest(
            secret_encryption=encryption,
            version=version, repositories=[common_pb2.ApplicationGitRepository(id="deployments", remote=REMOTE,
                                                                               branch="main")],
            platform_providers=[piped_pb2.Piped.PlatformProvider(name="kubernetes-default", type="KUBERNETES")]))
        self.client.ReportStat(pb.ReportStatRequest(piped_stats=b"# TYPE piped_up gauge\npiped_up 1\n"))

    def applications(self) -> list:
        return list(self.client.ListApplications(pb.ListApplicationsRequest()).applications)

    def deploy(self, app, dep_id: str, stages: list[dpb.PipelineStage]) -> None:  # noqa: ANN001
        """Create, plan and start a deployment of `app` with `stages`."""
        t = now()
        self.client.CreateDeployment(pb.CreateDeploymentRequest(deployment=dpb.Deployment(
            id=dep_id, application_id=app.id, application_name=app.name, piped_id=self.id,
            project_id=app.project_id, kind=app.kind, git_path=app.git_path, labels=dict(app.labels),
            trigger=dpb.DeploymentTrigger(commit=dpb.Commit(hash="4f1c2d9e", message="Bump web to v2", author="dev",
                                                            branch="main", created_at=t), timestamp=t),
            status=dpb.DEPLOYMENT_PENDING)))
        self.client.ReportDeploymentPlanned(pb.ReportDeploymentPlannedRequest(
            deployment_id=dep_id, summary="Sync with the specified pipeline", running_commit_hash="0a0a0a",
            sync_strategy=common_pb2.PIPELINE, stages=stages,
            versions=[common_pb2.ArtifactVersion(kind=common_pb2.ArtifactVersion.CONTAINER_IMAGE, name="web",
                                                 version="v2")]))
        self.client.ReportDeploymentStatusChanged(pb.ReportDeploymentStatusChangedRequest(
            deployment_id=dep_id, status=dpb.DEPLOYMENT_RUNNING, status_reason="The deployment is running"))

    def stage(self, dep_id: str, stage_id: str, status: int) -> None:
        self.client.ReportStageStatusChanged(pb.ReportStageStatusChangedRequest(
            deployment_id=dep_id, stage_id=stage_id, status=status, visible=True,
            completed_at=now()))  # the RPC requires it whatever the status (as PipeCD's validation)

    def log(self, dep_id: str, stage_id: str, first: int, lines: list[str], severity: int = logblock_pb2.INFO) -> None:
        self.client.ReportStageLogs(pb.ReportStageLogsRequest(deployment_id=dep_id, stage_id=stage_id, blocks=[
            logblock_pb2.LogBlock(index=first + i, log=text, severity=severity, created_at=now())
            for i, text in enumerate(lines)]))

    def complete(self, dep_id: str, status: int = dpb.DEPLOYMENT_SUCCESS) -> None:
        self.client.ReportDeploymentCompleted(pb.ReportDeploymentCompletedRequest(
            deployment_id=dep_id, status=status, status_reason="done", completed_at=now()))

    def commands(self) -> list[command_pb2.Command]:
        return list(self.client.ListUnhandledCommands(pb.ListUnhandledCommandsRequest()).commands)

    def next_command(self, kind: int, timeout: float = 10) -> command_pb2.Command:
        """The first unhandled command of type `kind`, waiting for it to be queued."""
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.commands() if c.type == kind]
            if found:
                return found[0]
            if time.monotonic() > deadline:
                raise AssertionError(f"no {command_pb2.Command.Type.Name(kind)} command reached the piped")
            time.sleep(0.1)

    def handled(self, command_id: str, ok: bool = True) -> None:
        self.client.ReportCommandHandled(pb.ReportCommandHandledRequest(
            command_id=command_id, status=command_pb2.COMMAND_SUCCEEDED if ok else command_pb2.COMMAND_FAILED,
            handled_at=now()))

    def close(self) -> None:
        self.client.close()


def stage(stage_id: str, name: str, index: int, **kw: object) -> dpb.PipelineStage:
    t = now()
    kw.setdefault("visible", True)
    return dpb.PipelineStage(id=stage_id, name=name, index=index, created_at=t, updated_at=t, **kw)  # type: ignore[arg-type]
