"""With Redis unreachable, pipeds keep working: the cache degrades to misses and nothing accepted
is kept only in the cache (stage logs, commands and live state reach the durable stores)."""
from __future__ import annotations

import socket
import time
from pathlib import Path

from pipecd_cp.proto.grpc.service.apiservice import service_pb2 as apb
from pipecd_cp.proto.grpc.service.pipedservice import service_pb2 as pb
from pipecd_cp.proto.model import command_pb2, common_pb2, deployment_pb2 as dpb, logblock_pb2
from tests.e2e.harness import PROJECT, Backend, ControlPlane


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: nothing listens there


def test_pipeds_keep_working_without_redis(tmp_path: Path) -> None:
    redis_down = Backend("redis-down", cache_address=f"127.0.0.1:{_dead_port()}")
    cp = ControlPlane(redis_down, tmp_path / "cp").start()
    try:
        assert any("cache 'redis' ready" in line for line in cp.process.stderr)  # type: ignore[union-attr]
        piped_id, key = cp.register_piped("no-redis")
        api, piped = cp.api(cp.api_key("READ_WRITE")), cp.piped(piped_id, key)
        piped.ReportPipedMeta(pb.ReportPipedMetaRequest(repositories=[common_pb2.ApplicationGitRepository(id="r")]))
        piped.ReportStat(pb.ReportStatRequest(piped_stats=b"up 1\n"))  # cache-only data: dropped, not an error
        app_id = api.AddApplication(apb.AddApplicationRequest(name="a", piped_id=piped_id, git_path=common_pb2.ApplicationGitPath(
            repo=common_pb2.ApplicationGitRepository(id="r"), path="apps/a"))).application_id
        app = piped.ListApplications(pb.ListApplicationsRequest()).applications[0]
        now = int(time.time())
        piped.CreateDeployment(pb.CreateDeploymentRequest(deployment=dpb.Deployment(
            id="d1", application_id=app_id, application_name="a", piped_id=piped_id, project_id=PROJECT,
            git_path=app.git_path, trigger=dpb.DeploymentTrigger(commit=dpb.Commit(
                hash="h", message="m", author="a", branch="b", created_at=now), timestamp=now),
            stages=[dpb.PipelineStage(id="s", name="K8S_SYNC", created_at=now, updated_at=now)])))
        piped.ReportStageLogs(pb.ReportStageLogsRequest(deployment_id="d1", stage_id="s", blocks=[
            logblock_pb2.LogBlock(index=i, log=f"l{i}", created_at=now) for i in range(3)]))
        cmd_id = api.SyncApplication(apb.SyncApplicationRequest(application_id=app_id)).command_id
        assert [c.id for c in piped.ListUnhandledCommands(pb.ListUnhandledCommandsRequest()).commands] == [cmd_id]
        piped.ReportCommandHandled(pb.ReportCommandHandledRequest(command_id=cmd_id, status=command_pb2.COMMAND_SUCCEEDED,
                                                                  handled_at=now))
        assert api.GetCommand(apb.GetCommandRequest(command_id=cmd_id)).command.status == command_pb2.COMMAND_SUCCEEDED
        logs = api.ListStageLogs(apb.ListStageLogsRequest(deployment_id="d1")).stage_logs
        assert [b.log for b in logs["s"].blocks] == ["l0", "l1", "l2"]
        piped.ReportDeploymentCompleted(pb.ReportDeploymentCompletedRequest(deployment_id="d1", completed_at=now,
                                                                            status=dpb.DEPLOYMENT_SUCCESS))
        assert piped.GetDeployment(pb.GetDeploymentRequest(id="d1")).deployment.status == dpb.DEPLOYMENT_SUCCESS
        assert "Traceback" not in cp.all_output()
    finally:
        cp.kill()
