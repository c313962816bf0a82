"""Valid model objects for the ops tests, written through the host's stores."""
from __future__ import annotations

from pipecd_cp.app import Host
from pipecd_cp.stores.model import Owner
from pipecd_cp.proto.model import (apikey_pb2, application_pb2, command_pb2, common_pb2, deployment_chain_pb2,
                                   deployment_pb2, project_pb2)

D = deployment_pb2


def git_path() -> common_pb2.ApplicationGitPath:
    return common_pb2.ApplicationGitPath(repo=common_pb2.ApplicationGitRepository(id="repo"), path="apps/demo")


async def project(host: Host, project_id: str, desc: str = "") -> project_pb2.Project:
    p = project_pb2.Project(id=project_id, desc=desc,
                            static_admin=project_pb2.ProjectStaticUser(username="admin", password_hash="x" * 60))
    return await host.stores.projects.add(p)


async def application(host: Host, app_id: str, project_id: str = "p1", *, kind: int = common_pb2.KUBERNETES,
                      disabled: bool = False, deleted: bool = False, labels: dict | None = None,
                      latest_success: str = "", latest_triggered: str = "") -> application_pb2.Application:
    app = application_pb2.Application(id=app_id, name=app_id, piped_id="piped", project_id=project_id, kind=kind,
                                      git_path=git_path(), disabled=disabled, deleted=deleted, labels=labels or {})
    for ref, dep_id in ((app.most_recently_successful_deployment, latest_success),
                        (app.most_recently_triggered_deployment, latest_triggered)):
        if dep_id:
            ref.deployment_id, ref.started_at = dep_id, 1
            ref.trigger.CopyFrom(D.DeploymentTrigger(commit=D.Commit(hash="abc", message="m", author="a",
                                                                     branch="main", created_at=1), timestamp=1))
    return await host.stores.applications.add(app)


async def deployment(host: Host, dep_id: str, app_id: str = "app1", project_id: str = "p1", *,
                     status: int = D.DEPLOYMENT_SUCCESS, completed_at: int = 0, created_at: int = 0,
                     commit_at: int = 0, labels: dict | None = None, chain_id: str = "", block_index: int = 0,
                     stages: list | None = None) -> D.Deployment:
    now = host.now()
    dep = D.Deployment(
        id=dep_id, application_id=app_id, application_name=app_id, piped_id="piped", project_id=project_id,
        git_path=git_path(), status=status, completed_at=completed_at, created_at=created_at or (completed_at or now) - 60,
        labels=labels or {}, deployment_chain_id=chain_id, deployment_chain_block_index=block_index,
        trigger=D.DeploymentTrigger(commit=D.Commit(hash="abc", message="m", author="a", branch="main",
                                                    created_at=commit_at or now), timestamp=now),
        stages=stages or [])
    return await host.stores.deployments.add(dep)


async def command(host: Host, *, created_at: int, status: int = command_pb2.COMMAND_NOT_HANDLED_YET,
                  project_id: str = "p1") -> command_pb2.Command:
    cmd = command_pb2.Command(piped_id="piped", application_id="app1", project_id=project_id, commander="test",
                              type=command_pb2.Command.SYNC_APPLICATION, created_at=created_at, updated_at=created_at,
                              sync_application=command_pb2.Command.SyncApplication(application_id="app1"))
    cmd = await host.stores.commands.add(cmd)
    if status != command_pb2.COMMAND_NOT_HANDLED_YET:
        cmd = await host.stores.commands.handled(cmd.id, Owner(project_id, "piped"), status, {}, created_at + 1)
    return cmd


async def api_key(host: Host, key_id: str, *, last_used_at: int = 0, disabled: bool = False) -> apikey_pb2.APIKey:
    return await host.stores.apikeys.add(apikey_pb2.APIKey(
        id=key_id, name=key_id, key_hash="$2b$10$" + "x" * 53, project_id="p1", role=apikey_pb2.APIKey.READ_ONLY,
        creator="test", last_used_at=last_used_at, disabled=disabled))


async def chain(host: Host, chain_id: str, blocks: list[list[tuple[str, str, int]]]) -> deployment_chain_pb2.DeploymentChain:
    """`blocks`: per block, nodes as (application id, deployment id or "", ref status)."""
    c = deployment_chain_pb2
    out = c.DeploymentChain(id=chain_id, project_id="p1", status=c.DEPLOYMENT_CHAIN_RUNNING)
    for nodes in blocks:
        block = out.blocks.add()
        for app_id, dep_id, status in nodes:
            node = block.nodes.add(application_ref=c.ChainApplicationRef(application_id=app_id, application_name=app_id))
            if dep_id:
                node.deployment_ref.CopyFrom(c.ChainDeploymentRef(deployment_id=dep_id, status=status))
    return await host.stores.chains.add(out)
