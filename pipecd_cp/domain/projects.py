"""Projects as the web API and the login pages see them (shared by both).

- Config projects (`spec.projects`, PipeCD's "debug" projects) exist only in the config file:
  static admin login, built-in roles, no SSO, and they cannot be changed through the API.
- SSO client ids and secrets are stored AES-GCM encrypted (`pipecd_cp.auth.aes`); PipeCD
  encrypts only the GitHub block, pipecd-cp encrypts GitHub, OIDC and Google alike. A project
  with `shared_sso_name` uses the named `spec.sharedSSOConfigs` entry (plaintext in the config).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipecd_cp.auth.aes import SecretBox
from pipecd_cp.config.controlplane import ConfigProject, ControlPlaneSpec
from pipecd_cp.errors import FailedPrecondition, NotFound
from pipecd_cp.proto.model import project_pb2 as ppb
from pipecd_cp.stores import Stores
from pipecd_cp.stores.projects import builtin_roles, with_rbac_view

SSO_BLOCKS = ("github", "google", "oidc")
DEBUG_PROJECT = "Failed to update a debug project specified in the control-plane configuration"


def config_project_view(cfg: ConfigProject) -> ppb.Project:
    """A config project as PipeCD's GetProject shows it: id, description, static admin, built-in roles."""
    return ppb.Project(id=cfg.id, desc=cfg.desc,
                       static_admin=ppb.ProjectStaticUser(username=cfg.static_admin.username,
                                                          password_hash=cfg.static_admin.password_hash),
                       rbac_roles=builtin_roles())


@dataclass(frozen=True)
class ProjectView:
    project: ppb.Project  # with the RBAC view (legacy groups, built-in roles)
    in_config: bool


async def load_project(stores: Stores, spec: ControlPlaneSpec, project_id: str) -> ProjectView:
    """The project (config first, then datastore); `NotFound` when neither has it."""
    cfg = spec.project(project_id)
    if cfg is not None:
        return ProjectView(config_project_view(cfg), True)
    return ProjectView(with_rbac_view(await stores.projects.get(project_id)), False)


def refuse_config_project(spec: ControlPlaneSpec, project_id: str) -> None:
    """`FailedPrecondition` for a config project: PipeCD never changes those through the API."""
    if spec.project(project_id) is not None:
        raise FailedPrecondition(DEBUG_PROJECT)


def _map_sso_secrets(sso: ppb.ProjectSSOConfig, transform: Callable[[str], str]) -> ppb.ProjectSSOConfig:
    """A copy with `transform` applied to every non-empty client id and secret of every provider."""
    out = ppb.ProjectSSOConfig()
    out.CopyFrom(sso)
    for name in SSO_BLOCKS:
        if out.HasField(name):
            block = getattr(out, name)
            for field in ("client_id", "client_secret"):
                if getattr(block, field):
                    setattr(block, field, transform(getattr(block, field)))
    return out


def encrypt_sso(box: SecretBox, sso: ppb.ProjectSSOConfig) -> ppb.ProjectSSOConfig:
    """A copy with every non-empty client id and secret encrypted."""
    return _map_sso_secrets(sso, box.encrypt)


def decrypt_sso(box: SecretBox, sso: ppb.ProjectSSOConfig) -> ppb.ProjectSSOConfig:
    """The inverse of `encrypt_sso`; `FailedPrecondition` when a value does not decrypt."""
    return _map_sso_secrets(sso, box.decrypt)


async def sso_project(stores: Stores, spec: ControlPlaneSpec, box: SecretBox,
                      project_id: str) -> tuple[ppb.Project, ppb.ProjectSSOConfig]:
    """A datastore project (RBAC view) and its effective, decrypted SSO settings.

    `NotFound` when the project is not in the datastore (config projects cannot use SSO, as in
    PipeCD); `FailedPrecondition` when it has no SSO settings or names an unknown shared config.
    """
    try:
        project = with_rbac_view(await stores.projects.get(project_id))
    except NotFound:
        raise NotFound(f"project {project_id!r} not found") from None
    if project.shared_sso_name:
        shared = spec.shared_sso(project.shared_sso_name)
        if shared is None:
            raise FailedPrecondition(f"the shared SSO configuration {project.shared_sso_name!r} is not configured")
        return project, shared.sso
    if not project.HasField("sso"):
        raise FailedPrecondition("the project has no SSO configuration")
    return project, decrypt_sso(box, project.sso)
