"""Projects (kind `Project`), PipeCD's read-time RBAC view, and the project mutations of the web API.

Rules (PipeCD's `model/project.go`, with its gaps closed):
- the built-in roles Admin, Editor and Viewer always exist and cannot be added, updated or
  deleted; custom role names are unique;
- a user group maps an SSO group to an existing role. The same group may be listed once per role
  (a user in it gets all of them; PipeCD #4220); the same (group, role) pair only once;
- deleting a group removes all of its entries, including a legacy `rbac` one;
- a role that a user group still uses cannot be deleted (PipeCD deletes it and leaves the group
  pointing nowhere).
Errors: `InvalidArgument` for a built-in role name or an unknown role, `AlreadyExists`,
`NotFound` for a missing role or group, `FailedPrecondition` for a role in use.
"""
from __future__ import annotations

from collections.abc import Sequence

from pipecd_cp.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from pipecd_cp.proto.model import project_pb2 as ppb
from pipecd_cp.stores.model import I, ModelStore, asc

Project = ppb.Project
R, A = ppb.ProjectRBACResource, ppb.ProjectRBACPolicy
ADMIN, EDITOR, VIEWER = "Admin", "Editor", "Viewer"
BUILTIN_ROLES = (ADMIN, EDITOR, VIEWER)
REDACTED = "redacted"


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


def _legacy_groups(rbac: ppb.ProjectRBACConfig) -> list[tuple[str, str]]:
    """PipeCD's SetLegacyUserGroups: a team listed twice keeps only its highest role."""
    out: list[tuple[str, str]] = []
    if rbac.admin:
        out.append((rbac.admin, ADMIN))
    if rbac.editor and rbac.editor != rbac.admin:
        out.append((rbac.editor, EDITOR))
    if rbac.viewer and rbac.viewer not in (rbac.admin, rbac.editor):
        out.append((rbac.viewer, VIEWER))
    return out


def with_rbac_view(project: Project) -> Project:
    """What PipeCD's ProjectStore.Get returns: legacy rbac{admin,editor,viewer} turned into user
    groups (placed first), and the built-in roles placed before the custom ones."""
    out = Project()
    out.CopyFrom(project)
    pairs = {(g.sso_group, g.role) for g in project.user_groups}
    legacy = [ppb.ProjectUserGroup(sso_group=g, role=r) for g, r in _legacy_groups(project.rbac) if (g, r) not in pairs]
    groups = legacy + list(out.user_groups)
    del out.user_groups[:]
    out.user_groups.extend(groups)
    custom = [r for r in out.rbac_roles if r.name not in BUILTIN_ROLES]
    del out.rbac_roles[:]
    out.rbac_roles.extend(builtin_roles() + custom)
    return out


def redact(project: Project) -> Project:
    """A copy safe to send to a browser: the password hash and every SSO client id and secret
    replaced by `redacted` (PipeCD redacts only the GitHub ones)."""
    out = Project()
    out.CopyFrom(project)
    if out.HasField("static_admin"):
        out.static_admin.password_hash = REDACTED
    if out.HasField("sso"):
        for name in ("github", "google", "oidc"):
            if out.sso.HasField(name):
                block = getattr(out.sso, name)
                block.client_id = REDACTED
                block.client_secret = REDACTED
    return out


def _materialize_legacy(p: Project) -> None:
    """Move legacy rbac groups into user_groups so that group edits see one list."""
    pairs = {(g.sso_group, g.role) for g in p.user_groups}
    for group, role in _legacy_groups(p.rbac):
        if (group, role) not in pairs:
            p.user_groups.add(sso_group=group, role=role)
    p.ClearField("rbac")


def _custom_role(p: Project, name: str) -> ppb.ProjectRBACRole | None:
    return next((r for r in p.rbac_roles if r.name == name), None)


def _not_builtin(name: str, verb: str) -> None:
    if name in BUILTIN_ROLES:
        raise InvalidArgument(f"the built-in role {name} cannot be {verb}", field="name")


class ProjectStore(ModelStore[Project]):
    kind = "Project"
    model = Project
    fields = {"created_at": I, "updated_at": I}
    indexes = ([asc("created_at")],)

    # ------------------------------------------------------------------ static admin and SSO
    async def update_static_admin(self, id: str, username: str, password_hash: str) -> Project:
        """Set the static admin's username and/or password hash (an empty value leaves it)."""
        def change(p: Project) -> None:
            if username:
                p.static_admin.username = username
            if password_hash:
                p.static_admin.password_hash = password_hash
        return await self.update(id, change)

    async def set_static_admin_disabled(self, id: str, disabled: bool) -> Project:
        def change(p: Project) -> None:
            p.static_admin_disabled = disabled
        return await self.update(id, change)

    async def update_sso(self, id: str, sso: ppb.ProjectSSOConfig) -> Project:
        """Store SSO settings whose secrets the caller already encrypted.

        The provider and session TTL are replaced; inside each provider block given, a non-empty
        field replaces the stored one (so the console need not resend secrets it cannot read).
        """
        def change(p: Project) -> None:
            p.sso.provider = sso.provider
            p.sso.session_ttl = sso.session_ttl
            for name in ("github", "google", "oidc"):
                if not sso.HasField(name):
                    continue
                given, stored = getattr(sso, name), getattr(p.sso, name)
                stored.SetInParent()
                for field, value in given.ListFields():
                    if field.is_repeated:
                        target = getattr(stored, field.name)
                        del target[:]
                        target.extend(value)
                    else:
                        setattr(stored, field.name, value)
        return await self.update(id, change)

    async def update_rbac_config(self, id: str, rbac: ppb.ProjectRBACConfig) -> Project:
        """Set PipeCD's legacy admin/editor/viewer teams."""
        def change(p: Project) -> None:
            p.rbac.CopyFrom(rbac)
        return await self.update(id, change)

    # ------------------------------------------------------------------ roles
    async def add_role(self, id: str, name: str, policies: Sequence[ppb.ProjectRBACPolicy]) -> Project:
        _not_builtin(name, "added")

        def change(p: Project) -> None:
            if _custom_role(p, name) is not None:
                raise AlreadyExists(f"the role {name} already exists")
            p.rbac_roles.add(name=name, policies=list(policies))
        return await self.update(id, change)

    async def update_role(self, id: str, name: str, policies: Sequence[ppb.ProjectRBACPolicy]) -> Project:
        _not_builtin(name, "updated")

        def change(p: Project) -> None:
            role = _custom_role(p, name)
            if role is None:
                raise NotFound(f"the role {name} does not exist")
            del role.policies[:]
            role.policies.extend(policies)
        return await self.update(id, change)

    async def delete_role(self, id: str, name: str) -> Project:
        _not_builtin(name, "deleted")

        def change(p: Project) -> None:
            role = _custom_role(p, name)
            if role is None:
                raise NotFound(f"the role {name} does not exist")
            users = sorted({g.sso_group for g in p.user_groups if g.role == name})
            if users:
                raise FailedPrecondition(f"the role {name} is used by the user groups {', '.join(users)}")
            kept = [r for r in p.rbac_roles if r.name != name]
            del p.rbac_roles[:]
            p.rbac_roles.extend(kept)
        return await self.update(id, change)

    # ------------------------------------------------------------------ user groups
    async def add_user_group(self, id: str, sso_group: str, role: str) -> Project:
        def change(p: Project) -> None:
            if role not in BUILTIN_ROLES and _custom_role(p, role) is None:
                raise InvalidArgument(f"the role {role} does not exist", field="role")
            _materialize_legacy(p)
            if any(g.sso_group == sso_group and g.role == role for g in p.user_groups):
                raise AlreadyExists(f"the group {sso_group} already has the role {role}")
            p.user_groups.add(sso_group=sso_group, role=role)
        return await self.update(id, change)

    async def delete_user_group(self, id: str, sso_group: str) -> Project:
        """Remove every entry of the group (all of its roles)."""
        def change(p: Project) -> None:
            _materialize_legacy(p)
            kept = [g for g in p.user_groups if g.sso_group != sso_group]
            if len(kept) == len(p.user_groups):
                raise NotFound(f"the user group {sso_group} does not exist")
            del p.user_groups[:]
            p.user_groups.extend(kept)
        return await self.update(id, change)
