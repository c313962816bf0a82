"""Objects of one project for web tests: a piped, an application, a deployment with stages, a
command, an API key, a deployment chain, an event and a deployment trace."""
from __future__ import annotations

from dataclasses import dataclass

from pipecd_cp.app import Host
from pipecd_cp.auth.credentials import hash_key, new_api_key
from pipecd_cp.domain.events import register_event
from pipecd_cp.domain.pipeds import register_piped
from pipecd_cp.proto.model import (apikey_pb2, application_pb2, command_pb2, common_pb2, deployment_chain_pb2,
                                   deployment_pb2, piped_pb2)


@dataclass
class Seeded:
    project: str
    piped: str
    piped_key: str
    app: str
    deployment: str
    stage: str  # a WAIT_APPROVAL stage anyone may approve
    analysis_stage: str
    command: str
    api_key: str
    chain: str
    event: str
    commit: str


def git_path(repo: str = "repo") -> common_pb2.ApplicationGitPath:
    repository = common_pb2.ApplicationGitRepository(id=repo, remote="git@github.com:o/r.git", branch="main")
    return common_pb2.ApplicationGitPath(repo=repository, path="apps/demo")


async def seed(host: Host, project: str, tag: str = "") -> Seeded:
    s = host.stores
    piped, key = await register_piped(s, host.runner, project, f"piped{tag}", "", creator="seed")

    def repos(p: piped_pb2.Piped) -> None:
        p.repositories.add(id="repo", remote="git@github.com:o/r.git", branch="main")
    await s.pipeds.update(piped.id, repos)
    app = application_pb2.Application(id=f"app-{project}{tag}", name="demo", piped_id=piped.id, project_id=project,
                                      git_path=git_path(), labels={"env": "prod"})
    await s.applications.add(app)
    now = host.now()
    commit_hash = f"c0ffee{project}{tag}"
    dep = deployment_pb2.Deployment(
        id=f"dep-{project}{tag}", application_id=app.id, application_name=app.name, piped_id=piped.id,
        project_id=project, git_path=git_path(), labels={"env": "prod"}, status=deployment_pb2.DEPLOYMENT_RUNNING,
        deployment_trace_commit_hash=commit_hash,
        trigger=deployment_pb2.DeploymentTrigger(
            commit=deployment_pb2.Commit(hash=commit_hash, message="m", author="a", branch="main", created_at=now),
            commander="seed", timestamp=now),
        stages=[deployment_pb2.PipelineStage(id="approve", name="WAIT_APPROVAL", created_at=now, updated_at=now),
                deployment_pb2.PipelineStage(id="analysis", name="ANALYSIS", created_at=now, updated_at=now)])
    await s.deployments.add(dep)
    cmd = await s.commands.add(command_pb2.Command(
        piped_id=piped.id, application_id=app.id, project_id=project, commander="seed",
        type=command_pb2.Command.SYNC_APPLICATION,
        sync_application=command_pb2.Command.SyncApplication(application_id=app.id)))
    key_id, api_key = new_api_key()
    await s.apikeys.add(apikey_pb2.APIKey(id=key_id, name="k", key_hash=await host.runner.run(hash_key, api_key),
                                          project_id=project, role=apikey_pb2.APIKey.READ_ONLY, creator="seed"))
    chain = deployment_chain_pb2.DeploymentChain(
        id=f"chain-{project}{tag}", project_id=project, blocks=[deployment_chain_pb2.ChainBlock(
            nodes=[deployment_chain_pb2.ChainNode(application_ref=deployment_chain_pb2.ChainApplicationRef(
                application_id=app.id, application_name=app.name))])])
    await s.chains.add(chain)
    event = await register_event(s, project, name="image-update", data="v2", labels={"env": "prod"}, contexts={},
                                 commit_hash=commit_hash, commit_url="https://github.com/o/r/commit/1",
                                 commit_title="t", commit_message="m", commit_author="a")
    return Seeded(project, piped.id, key, app.id, dep.id, "approve", "analysis", cmd.id, key_id, chain.id, event,
                  commit_hash)
