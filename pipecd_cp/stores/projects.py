"""Projects (kind `Project`), plus PipeCD's read-time RBAC view (built-in roles, legacy groups)."""
from __future__ import annotations

from pipecd_cp.proto.model import project_pb2 as ppb
from pipecd_cp.stores.model import I, ModelStore, asc

Project = ppb.Project
R, A = ppb.ProjectRBACResource, ppb.ProjectRBACPolicy
ADMIN, EDITOR, VIEWER = "Admin", "Editor", "Viewer"
BUILTIN_ROLES = (ADMIN, EDITOR, VIEWER)


def _policy(resources: list[int], actions: list[int]) -> ppb.ProjectRBACPolicy:
    return ppb.ProjectRBACPolicy(resources=[R(type=r) for r in resources], actions=actions)


def builtin_roles() -> list[ppb.ProjectRBACRole]:
    """PipeCD's Admin, Editor and Viewer (section 3.5)."""
    admin = ppb.ProjectRBACRole(name=ADMIN, is_builtin=True, policies=[_policy([R.ALL], [A.ALL])])
    editor = ppb.ProjectRBACRole(name=EDITOR, is_builtin=True, policies=[
        _policy([R.APPLICATION, R.DEPLOYMENT], [A.ALL]), _policy([R.PIPED], [A.GET, A.LIST]),
        _policy([R.PROJECT, R.INSIGHT], [A.GET]), _policy([R.EVENT], [A.LIST])])
    viewer = ppb.ProjectRBACRole(name=VIEWER, is_builtin=True, policies=[
        _policy([R.APPLICATION, R.DEPLOYMENT, R.PIPED], [A.GET, A.LIST]),
        _policy([R.PROJECT, R.INSIGHT], [A.GET]), _policy([R.EVENT], [A.LIST])])
    return [admin, editor, viewer]


def with_rbac_view(project: Project) -> Project:
    """What PipeCD's ProjectStore.Get returns: legacy rbac{admin,editor,viewer} turned into user
    groups, and the built-in roles placed before the custom ones."""
    out = Project()
    out.CopyFrom(project)
    legacy = [(project.rbac.admin, ADMIN), (project.rbac.editor, EDITOR), (project.rbac.viewer, VIEWER)]
    groups = {g.sso_group for g in out.user_groups}
    for group, role in legacy:
        if group and group not in groups:
            out.user_groups.add(sso_group=group, role=role)
    custom = [r for r in out.rbac_roles if r.name not in BUILTIN_ROLES]
    del out.rbac_roles[:]
    out.rbac_roles.extend(builtin_roles() + custom)
    return out


class ProjectStore(ModelStore[Project]):
    kind = "Project"
    model = Project
    fields = {"created_at": I, "updated_at": I}
    indexes = ([asc("created_at")],)
