"""Role-based access control for web users (PipeCD's `service.pb.auth.go` and `model/project.go`).

Each WebService method declares the (resource, action) it needs with the `(model.rbac)` method
option; `method_rules` reads them from the service descriptor, so the table is never written by
hand. A role grants (resource, action) when one of its policies lists the resource (or ALL) and
the action (or ALL). A method without an option is denied; `ignored: true` allows everyone.

User groups map an SSO group (a GitHub `org/team`, or an OIDC claim value) to a role. A group may
be listed more than once with different roles: a user in it gets every one of them (PipeCD
#4220; PipeCD itself already collects the roles of every matching entry, so the stored format
stays PipeCD's).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from google.protobuf.descriptor import ServiceDescriptor

from pipecd_cp.proto.model import project_pb2 as ppb
from pipecd_cp.proto.model import rbac_pb2

R, A = ppb.ProjectRBACResource, ppb.ProjectRBACPolicy


@dataclass(frozen=True)
class Rule:
    """What one method needs: a resource and an action, or nothing (`ignored`)."""

    resource: int
    action: int
    ignored: bool = False

    def describe(self) -> str:
        return f"{R.ResourceType.Name(self.resource)} {A.Action.Name(self.action)}"


def method_rules(service: ServiceDescriptor) -> dict[str, Rule | None]:
    """Method name -> its `(model.rbac)` rule (None when the method declares none: denied)."""
    out: dict[str, Rule | None] = {}
    for method in service.methods:
        options = method.GetOptions()
        if not options.HasExtension(rbac_pb2.rbac):
            out[method.name] = None
            continue
        opt = options.Extensions[rbac_pb2.rbac]
        out[method.name] = Rule(opt.resource, opt.action, opt.ignored)
    return out


def role_grants(role: ppb.ProjectRBACRole, resource: int, action: int) -> bool:
    """True when one policy of `role` covers (resource, action)."""
    for policy in role.policies:
        if not any(r.type in (R.ALL, resource) for r in policy.resources):
            continue
        if any(a in (A.ALL, action) for a in policy.actions):
            return True
    return False


def grants(roles: Iterable[ppb.ProjectRBACRole], resource: int, action: int) -> bool:
    """True when any of `roles` covers (resource, action)."""
    return any(role_grants(r, resource, action) for r in roles)


def select_roles(project_roles: Sequence[ppb.ProjectRBACRole], names: Iterable[str]) -> list[ppb.ProjectRBACRole]:
    """The project's roles whose names are in `names` (unknown names are ignored)."""
    wanted = set(names)
    return [r for r in project_roles if r.name in wanted]


def roles_for_groups(project: ppb.Project, groups: Iterable[str]) -> list[str]:
    """Role names of every user group of `project` (its RBAC view) that `groups` contains.

    Each name appears once, in the order of the project's user groups.
    """
    member = set(groups)
    out: list[str] = []
    for group in project.user_groups:
        if group.sso_group in member and group.role not in out:
            out.append(group.role)
    return out
