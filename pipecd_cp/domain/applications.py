"""Adding applications, syncing them and filtering by labels (shared by the API and the web)."""
from __future__ import annotations

import uuid
from collections.abc import Mapping

from pipecd_cp.domain.gitpath import dir_url
from pipecd_cp.errors import NotFound
from pipecd_cp.proto.model import application_pb2, command_pb2, common_pb2, deployment_pb2
from pipecd_cp.stores import Stores
from pipecd_cp.stores.model import Owner


def labels_match(labels: Mapping[str, str], want: Mapping[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in want.items())


async def resolve_git_path(stores: Stores, owner: Owner, piped_id: str,
                           git_path: common_pb2.ApplicationGitPath) -> common_pb2.ApplicationGitPath:
    """Fill the repository's remote and branch from the piped's reported repositories, and the URL."""
    piped = await stores.pipeds.get_owned(piped_id, owner)
    repo = next((r for r in piped.repositories if r.id == git_path.repo.id), None)
    if repo is None:
        raise NotFound(f"repository {git_path.repo.id!r} is not configured on piped {piped_id!r}")
    out = common_pb2.ApplicationGitPath()
    out.CopyFrom(git_path)
    out.repo.CopyFrom(repo)
    out.url = dir_url(repo.remote, git_path.path, repo.branch)
    return out


async def add_application(stores: Stores, owner: Owner, *, name: str, piped_id: str,
                          git_path: common_pb2.ApplicationGitPath, kind: int, platform_provider: str,
                          description: str, labels: Mapping[str, str],
                          deploy_targets: Mapping[str, deployment_pb2.DeployTargets] | None = None) -> str:
    """Create an application on a piped of the owner's project; return its id."""
    resolved = await resolve_git_path(stores, owner, piped_id, git_path)
    app = application_pb2.Application(
        id=str(uuid.uuid4()), name=name, piped_id=piped_id, project_id=owner.project_id, kind=kind,
        git_path=resolved, cloud_provider=platform_provider, platform_provider=platform_provider,
        description=description, labels=dict(labels))
    for plugin, targets in (deploy_targets or {}).items():
        app.deploy_targets_by_plugin[plugin].CopyFrom(targets)
    await stores.applications.add(app)
    return app.id


async def sync_application(stores: Stores, owner: Owner, app_id: str, strategy: int, commander: str) -> str:
    """Queue a SYNC_APPLICATION command for the application's piped; return the command id."""
    app = await stores.applications.get_owned(app_id, owner)
    cmd = command_pb2.Command(
        piped_id=app.piped_id, application_id=app.id, project_id=app.project_id, commander=commander,
        type=command_pb2.Command.SYNC_APPLICATION,
        sync_application=command_pb2.Command.SyncApplication(application_id=app.id, sync_strategy=strategy))
    return (await stores.commands.add(cmd)).id
