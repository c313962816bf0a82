"""RBAC for every WebService method: Admin, Editor, Viewer and a user of another project.

The expectations come from PipeCD's documentation of the built-in roles and from PipeCD's
service.proto (the (resource, action) of each method), written out here by hand, not read from
the implementation.
"""
from __future__ import annotations

import asyncio
import time

import grpc
import pytest

from pipecd_cp.app import Host, HostSettings
from pipecd_cp.auth.rbac import method_rules
from pipecd_cp.plugins import build_plugin_manager
from pipecd_cp.proto.grpc.service.webservice import service_pb2 as pb
from pipecd_cp.proto.model import apikey_pb2, insight_pb2, project_pb2 as ppb
from tests.web.conftest import DEBUG, KEY, OTHER, PROJECT
from tests.web.helpers import SERVICE, token_cookie
from tests.web.seed import Seeded, git_path, seed

DENIED, UNAUTH = grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAUTHENTICATED
NOT_FOUND = grpc.StatusCode.NOT_FOUND
OBJ, LIST, OWN = "object", "list", "own"

# PipeCD's service.proto: each method's (model.rbac) = {resource, action}; None = ignored.
PIPECD_RBAC: dict[str, tuple[str, str] | None] = {
    "RegisterPiped": ("PIPED", "CREATE"), "UpdatePiped": ("PIPED", "UPDATE"),
    "RecreatePipedKey": ("PIPED", "UPDATE"), "DeleteOldPipedKeys": ("PIPED", "UPDATE"),
    "EnablePiped": ("PIPED", "UPDATE"), "DisablePiped": ("PIPED", "UPDATE"), "ListPipeds": ("PIPED", "LIST"),
    "GetPiped": ("PIPED", "GET"), "UpdatePipedDesiredVersion": ("PIPED", "UPDATE"),
    "RestartPiped": ("PIPED", "UPDATE"), "ListReleasedVersions": ("PIPED", "LIST"),
    "ListDeprecatedNotes": ("PIPED", "LIST"),
    "AddApplication": ("APPLICATION", "CREATE"), "UpdateApplication": ("APPLICATION", "UPDATE"),
    "EnableApplication": ("APPLICATION", "UPDATE"), "DisableApplication": ("APPLICATION", "UPDATE"),
    "DeleteApplication": ("APPLICATION", "DELETE"), "ListApplications": ("APPLICATION", "LIST"),
    "SyncApplication": ("APPLICATION", "UPDATE"), "GetApplication": ("APPLICATION", "GET"),
    "GenerateApplicationSealedSecret": ("APPLICATION", "UPDATE"),
    "ListUnregisteredApplications": ("APPLICATION", "LIST"),
    "ListDeployments": ("DEPLOYMENT", "LIST"), "GetDeployment": ("DEPLOYMENT", "GET"),
    "GetStageLog": ("DEPLOYMENT", "GET"), "CancelDeployment": ("DEPLOYMENT", "UPDATE"),
    "SkipStage": ("DEPLOYMENT", "UPDATE"), "ApproveStage": ("DEPLOYMENT", "UPDATE"),
    "ListDeploymentTraces": ("DEPLOYMENT", "LIST"), "GetApplicationLiveState": ("APPLICATION", "GET"),
    "GetProject": ("PROJECT", "GET"), "UpdateProjectStaticAdmin": ("PROJECT", "UPDATE"),
    "EnableStaticAdmin": ("PROJECT", "UPDATE"), "DisableStaticAdmin": ("PROJECT", "UPDATE"),
    "UpdateProjectSSOConfig": ("PROJECT", "UPDATE"), "UpdateProjectRBACConfig": ("PROJECT", "UPDATE"),
    "GetMe": ("PROJECT", "GET"), "AddProjectRBACRole": ("PROJECT", "UPDATE"),
    "UpdateProjectRBACRole": ("PROJECT", "UPDATE"), "DeleteProjectRBACRole": ("PROJECT", "UPDATE"),
    "AddProjectUserGroup": ("PROJECT", "UPDATE"), "DeleteProjectUserGroup": ("PROJECT", "UPDATE"),
    "GetCommand": None,
    "GenerateAPIKey": ("API_KEY", "CREATE"), "DisableAPIKey": ("API_KEY", "UPDATE"), "ListAPIKeys": ("API_KEY", "LIST"),
    "GetInsightData": ("INSIGHT", "GET"), "GetInsightApplicationCount": ("INSIGHT", "GET"),
    # No option in PipeCD (always denied there); pipecd-cp declares DEPLOYMENT_CHAIN LIST/GET.
    "ListDeploymentChains": ("DEPLOYMENT_CHAIN", "LIST"), "GetDeploymentChain": ("DEPLOYMENT_CHAIN", "GET"),
    "ListEvents": ("EVENT", "LIST"),
}

# PipeCD's documented built-in roles (docs: "Configuring RBAC"): resource -> allowed actions.
ALL_ACTIONS = {"GET", "LIST", "CREATE", "UPDATE", "DELETE"}
DOCUMENTED_ROLES: dict[str, dict[str, set[str]]] = {
    "Admin": {r: ALL_ACTIONS for r in ("APPLICATION", "DEPLOYMENT", "EVENT", "PIPED", "DEPLOYMENT_CHAIN", "PROJECT",
                                       "API_KEY", "INSIGHT")},
    "Editor": {"APPLICATION": ALL_ACTIONS, "DEPLOYMENT": ALL_ACTIONS, "PIPED": {"GET", "LIST"},
               "PROJECT": {"GET"}, "INSIGHT": {"GET"}, "EVENT": {"LIST"}},
    "Viewer": {"APPLICATION": {"GET", "LIST"}, "DEPLOYMENT": {"GET", "LIST"}, "PIPED": {"GET", "LIST"},
               "PROJECT": {"GET"}, "INSIGHT": {"GET"}, "EVENT": {"LIST"}},
}


def expected_allowed(role: str, method: str) -> bool:
    rule = PIPECD_RBAC[method]
    if rule is None:
        return True
    resource, action = rule
    return action in DOCUMENTED_ROLES[role].get(resource, set())


def requests(d: Seeded) -> dict[str, tuple[object, str]]:
    now = int(time.time())
    policy = ppb.ProjectRBACPolicy(resources=[ppb.ProjectRBACResource(type=ppb.ProjectRBACResource.DEPLOYMENT)],
                                   actions=[ppb.ProjectRBACPolicy.ALL])
    return {
        "RegisterPiped": (pb.RegisterPipedRequest(name="another"), OWN),
        "UpdatePiped": (pb.UpdatePipedRequest(piped_id=d.piped, name="renamed"), OBJ),
        "RecreatePipedKey": (pb.RecreatePipedKeyRequest(id=d.piped), OBJ),
        "DeleteOldPipedKeys": (pb.DeleteOldPipedKeysRequest(piped_id=d.piped), OBJ),
        "EnablePiped": (pb.EnablePipedRequest(piped_id=d.piped), OBJ),
        "DisablePiped": (pb.DisablePipedRequest(piped_id=d.piped), OBJ),
        "ListPipeds": (pb.ListPipedsRequest(with_status=True), LIST),
        "GetPiped": (pb.GetPipedRequest(piped_id=d.piped), OBJ),
        "UpdatePipedDesiredVersion": (pb.UpdatePipedDesiredVersionRequest(version="v0.50.0", piped_ids=[d.piped]), OBJ),
        "RestartPiped": (pb.RestartPipedRequest(piped_id=d.piped), OBJ),
        "ListReleasedVersions": (pb.ListReleasedVersionsRequest(), LIST),
        "ListDeprecatedNotes": (pb.ListDeprecatedNotesRequest(project_id=d.project), OWN),
        "AddApplication": (pb.AddApplicationRequest(name="a2", piped_id=d.piped, git_path=git_path()), OBJ),
        "UpdateApplication": (pb.UpdateApplicationRequest(application_id=d.app, name="demo", piped_id=d.piped), OBJ),
        "EnableApplication": (pb.EnableApplicationRequest(application_id=d.app), OBJ),
        "DisableApplication": (pb.DisableApplicationRequest(application_id=d.app), OBJ),
        "DeleteApplication": (pb.DeleteApplicationRequest(application_id=d.app), OBJ),
        "ListApplications": (pb.ListApplicationsRequest(), LIST),
        "SyncApplication": (pb.SyncApplicationRequest(application_id=d.app), OBJ),
        "GetApplication": (pb.GetApplicationRequest(application_id=d.app), OBJ),
        "GenerateApplicationSealedSecret": (pb.GenerateApplicationSealedSecretRequest(piped_id=d.piped, data="s"), OBJ),
        "ListUnregisteredApplications": (pb.ListUnregisteredApplicationsRequest(), LIST),
        "ListDeployments": (pb.ListDeploymentsRequest(), LIST),
        "GetDeployment": (pb.GetDeploymentRequest(deployment_id=d.deployment), OBJ),
        "GetStageLog": (pb.GetStageLogRequest(deployment_id=d.deployment, stage_id=d.stage), OBJ),
        "CancelDeployment": (pb.CancelDeploymentRequest(deployment_id=d.deployment), OBJ),
        "SkipStage": (pb.SkipStageRequest(deployment_id=d.deployment, stage_id=d.analysis_stage), OBJ),
        "ApproveStage": (pb.ApproveStageRequest(deployment_id=d.deployment, stage_id=d.stage), OBJ),
        "ListDeploymentTraces": (pb.ListDeploymentTracesRequest(), LIST),
        "GetApplicationLiveState": (pb.GetApplicationLiveStateRequest(application_id=d.app), OBJ),
        "GetProject": (pb.GetProjectRequest(), OWN),
        "UpdateProjectStaticAdmin": (pb.UpdateProjectStaticAdminRequest(username="admin2", password="password2"), OWN),
        "EnableStaticAdmin": (pb.EnableStaticAdminRequest(), OWN),
        "DisableStaticAdmin": (pb.DisableStaticAdminRequest(), OWN),
        "UpdateProjectSSOConfig": (pb.UpdateProjectSSOConfigRequest(sso=ppb.ProjectSSOConfig(
            provider=ppb.ProjectSSOConfig.GITHUB, session_ttl=1,
            github=ppb.ProjectSSOConfig.GitHub(client_id="id", client_secret="secret"))), OWN),
        "UpdateProjectRBACConfig": (pb.UpdateProjectRBACConfigRequest(rbac=ppb.ProjectRBACConfig(viewer="o/v")), OWN),
        "GetMe": (pb.GetMeRequest(), OWN),
        "AddProjectRBACRole": (pb.AddProjectRBACRoleRequest(name="Deployer", policies=[policy]), OWN),
        "UpdateProjectRBACRole": (pb.UpdateProjectRBACRoleRequest(name="Deployer", policies=[policy]), OWN),
        "DeleteProjectRBACRole": (pb.DeleteProjectRBACRoleRequest(name="NoSuchRole"), OWN),
        "AddProjectUserGroup": (pb.AddProjectUserGroupRequest(sso_group="o/team", role="Viewer"), OWN),
        "DeleteProjectUserGroup": (pb.DeleteProjectUserGroupRequest(sso_group="o/none"), OWN),
        "GetCommand": (pb.GetCommandRequest(command_id=d.command), OBJ),
        "GenerateAPIKey": (pb.GenerateAPIKeyRequest(name="k2", role=apikey_pb2.APIKey.READ_ONLY), OWN),
        "DisableAPIKey": (pb.DisableAPIKeyRequest(id=d.api_key), OBJ),
        "ListAPIKeys": (pb.ListAPIKeysRequest(), LIST),
        "GetInsightData": (pb.GetInsightDataRequest(metrics_kind=insight_pb2.DEPLOYMENT_FREQUENCY,
                                                    range_from=now - 86400, range_to=now), OWN),
        "GetInsightApplicationCount": (pb.GetInsightApplicationCountRequest(), OWN),
        "ListDeploymentChains": (pb.ListDeploymentChainsRequest(), LIST),
        "GetDeploymentChain": (pb.GetDeploymentChainRequest(deployment_chain_id=d.chain), OBJ),
        "ListEvents": (pb.ListEventsRequest(), LIST),
    }


def test_the_tables_cover_every_method_and_match_our_protos() -> None:
    names = {m.name for m in SERVICE.methods}
    assert len(names) == 51 and set(PIPECD_RBAC) == names
    rules = method_rules(SERVICE)
    for name, rule in rules.items():
        want = PIPECD_RBAC[name]
        if want is None:
            assert rule is not None and rule.ignored, name
        else:
            assert rule is not None and not rule.ignored, name
            assert (ppb.ProjectRBACResource.ResourceType.Name(rule.resource),
                    ppb.ProjectRBACPolicy.Action.Name(rule.action)) == want, name


@pytest.mark.parametrize("transport", ["call", "web"])
async def test_every_method_for_every_builtin_role_and_another_project(web_server, transport: str) -> None:
    s = await web_server()
    d = await seed(s.host, PROJECT)
    calls = requests(d)
    assert set(calls) == set(PIPECD_RBAC)
    call = getattr(s.client, transport)
    wrong: list[str] = []
    for role in ("Viewer", "Editor", "Admin"):  # least privileged first: denied calls change nothing
        cookie = s.cookie([role], subject=f"{role.lower()}-user")
        for method, (request, _) in calls.items():
            r = await call(method, request, cookie=cookie)
            if r.code in (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN, grpc.StatusCode.UNIMPLEMENTED):
                wrong.append(f"{role} {method}: {r.code.name} {r.details}")
            if expected_allowed(role, method):
                if r.code in (DENIED, UNAUTH):
                    wrong.append(f"{role} {method}: expected allowed, got {r.code.name} {r.details}")
            elif r.code is not DENIED:
                wrong.append(f"{role} {method}: expected PERMISSION_DENIED, got {r.code.name}")
    # An Admin of another project: objects of `proj` do not exist for them, lists never show them.
    stranger = s.cookie(["Admin"], project=OTHER, subject="stranger")
    ids = [d.piped, d.app, d.deployment, d.api_key, d.chain, d.event, d.command, d.commit]
    for method, (request, kind) in calls.items():
        r = await call(method, request, cookie=stranger)
        if kind == OBJ and r.code is not NOT_FOUND:
            wrong.append(f"other-project {method}: expected NOT_FOUND, got {r.code.name} {r.details}")
        elif kind == LIST and r.code is not grpc.StatusCode.OK:
            wrong.append(f"other-project {method}: expected OK, got {r.code.name} {r.details}")
        elif kind == OWN and r.code in (DENIED, UNAUTH):  # acts on their own project
            wrong.append(f"other-project {method}: got {r.code.name} {r.details}")
        if r.response is not None:
            raw = r.response.SerializeToString()
            leaked = [i for i in ids if i.encode() in raw]
            if leaked:
                wrong.append(f"other-project {method}: leaked {leaked}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("transport", ["call", "web"])
async def test_no_or_bad_credentials_are_unauthenticated_for_every_method(web_server, transport: str) -> None:
    s = await web_server()
    d = await seed(s.host, PROJECT)
    call = getattr(s.client, transport)
    forged = token_cookie(b"another key, 32 bytes or longer!", PROJECT, ["Admin"], now=s.now())
    expired = s.cookie(["Admin"], ttl=-1)
    for method, (request, _) in requests(d).items():
        for cookie in (None, "token=garbage", forged, expired):
            r = await call(method, request, cookie=cookie)
            assert r.code is UNAUTH, (method, cookie)


async def test_unknown_roles_grant_nothing_but_get_command(web_server) -> None:
    s = await web_server()
    d = await seed(s.host, PROJECT)
    cookie = s.cookie(["Ghost"])
    for method, (request, _) in requests(d).items():
        r = await s.client.call(method, request, cookie=cookie)
        if method == "GetCommand":
            assert r.code is grpc.StatusCode.OK
        else:
            assert r.code is DENIED, method


async def test_custom_roles_and_several_roles_at_once(web_server) -> None:
    s = await web_server()
    d = await seed(s.host, PROJECT)
    admin = s.cookie(["Admin"])
    keys = ppb.ProjectRBACPolicy(resources=[ppb.ProjectRBACResource(type=ppb.ProjectRBACResource.API_KEY)],
                                 actions=[ppb.ProjectRBACPolicy.ALL])
    assert (await s.client.call("AddProjectRBACRole", pb.AddProjectRBACRoleRequest(
        name="KeyManager", policies=[keys]), cookie=admin)).code is grpc.StatusCode.OK
    both = s.cookie(["Viewer", "KeyManager"])
    assert (await s.client.call("GenerateAPIKey", pb.GenerateAPIKeyRequest(name="x"), cookie=both)).code is \
        grpc.StatusCode.OK
    assert (await s.client.call("ListApplications", cookie=both)).code is grpc.StatusCode.OK
    assert (await s.client.call("RegisterPiped", pb.RegisterPipedRequest(name="n"), cookie=both)).code is DENIED
    only = s.cookie(["KeyManager"])
    assert (await s.client.call("ListApplications", cookie=only)).code is DENIED
    assert (await s.client.call("DisableAPIKey", pb.DisableAPIKeyRequest(id=d.api_key), cookie=only)).code is \
        grpc.StatusCode.OK
    # Built-in roles cannot be redefined; a role in use cannot be deleted.
    for name in ("Admin", "Editor", "Viewer"):
        r = await s.client.call("AddProjectRBACRole", pb.AddProjectRBACRoleRequest(name=name, policies=[keys]),
                                cookie=admin)
        assert r.code is grpc.StatusCode.INVALID_ARGUMENT
        r = await s.client.call("DeleteProjectRBACRole", pb.DeleteProjectRBACRoleRequest(name=name), cookie=admin)
        assert r.code is grpc.StatusCode.INVALID_ARGUMENT
    r = await s.client.call("AddProjectRBACRole", pb.AddProjectRBACRoleRequest(name="KeyManager", policies=[keys]),
                            cookie=admin)
    assert r.code is grpc.StatusCode.ALREADY_EXISTS
    await s.client.call("AddProjectUserGroup", pb.AddProjectUserGroupRequest(sso_group="o/keys", role="KeyManager"),
                        cookie=admin)
    r = await s.client.call("DeleteProjectRBACRole", pb.DeleteProjectRBACRoleRequest(name="KeyManager"), cookie=admin)
    assert r.code is grpc.StatusCode.FAILED_PRECONDITION
    r = await s.client.call("AddProjectUserGroup", pb.AddProjectUserGroupRequest(sso_group="o/x", role="Nope"),
                            cookie=admin)
    assert r.code is grpc.StatusCode.INVALID_ARGUMENT


async def test_a_group_may_map_to_several_roles(web_server) -> None:
    s = await web_server()
    admin = s.cookie(["Admin"])
    for role in ("Viewer", "Editor"):
        r = await s.client.call("AddProjectUserGroup", pb.AddProjectUserGroupRequest(sso_group="o/ops", role=role),
                                cookie=admin)
        assert r.code is grpc.StatusCode.OK
    r = await s.client.call("AddProjectUserGroup", pb.AddProjectUserGroupRequest(sso_group="o/ops", role="Editor"),
                            cookie=admin)
    assert r.code is grpc.StatusCode.ALREADY_EXISTS
    project = (await s.client.call("GetProject", cookie=admin)).response.project
    assert [(g.sso_group, g.role) for g in project.user_groups] == [("o/ops", "Viewer"), ("o/ops", "Editor")]
    r = await s.client.call("DeleteProjectUserGroup", pb.DeleteProjectUserGroupRequest(sso_group="o/ops"), cookie=admin)
    assert r.code is grpc.StatusCode.OK
    project = (await s.client.call("GetProject", cookie=admin)).response.project
    assert not project.user_groups
    r = await s.client.call("DeleteProjectUserGroup", pb.DeleteProjectUserGroupRequest(sso_group="o/ops"), cookie=admin)
    assert r.code is NOT_FOUND


async def test_a_role_change_applies_at_once_here_and_within_seconds_on_another_replica(web_server) -> None:
    s = await web_server()
    d = await seed(s.host, PROJECT)
    admin, deployer = s.cookie(["Admin"]), s.cookie(["Deployer"])
    read = ppb.ProjectRBACPolicy(resources=[ppb.ProjectRBACResource(type=ppb.ProjectRBACResource.DEPLOYMENT)],
                                 actions=[ppb.ProjectRBACPolicy.GET])
    write = ppb.ProjectRBACPolicy(resources=[ppb.ProjectRBACResource(type=ppb.ProjectRBACResource.DEPLOYMENT)],
                                  actions=[ppb.ProjectRBACPolicy.UPDATE])
    await s.client.call("AddProjectRBACRole", pb.AddProjectRBACRoleRequest(name="Deployer", policies=[read]),
                        cookie=admin)
    cancel = pb.CancelDeploymentRequest(deployment_id=d.deployment)
    assert (await s.client.call("GetDeployment", pb.GetDeploymentRequest(deployment_id=d.deployment),
                                cookie=deployer)).code is grpc.StatusCode.OK
    assert (await s.client.call("CancelDeployment", cancel, cookie=deployer)).code is DENIED
    # Another replica on the same datastore, with its own (unshared) cache and role cache.
    replica = Host(s.host.config, HostSettings(data_dir=s.host.settings.data_dir, encryption_key=KEY),
                   build_plugin_manager(env={}))
    await replica.start()
    try:
        names = lambda roles: [(r.name, len(r.policies[0].actions)) for r in roles if r.name == "Deployer"]  # noqa: E731
        assert names(await replica.auth.web.project_roles(PROJECT)) == [("Deployer", 1)]
        await s.client.call("UpdateProjectRBACRole", pb.UpdateProjectRBACRoleRequest(
            name="Deployer", policies=[ppb.ProjectRBACPolicy(resources=write.resources, actions=[
                ppb.ProjectRBACPolicy.GET, ppb.ProjectRBACPolicy.UPDATE])]), cookie=admin)
        assert (await s.client.call("CancelDeployment", cancel, cookie=deployer)).code is grpc.StatusCode.OK
        t0 = time.monotonic()
        while names(await replica.auth.web.project_roles(PROJECT)) != [("Deployer", 2)]:
            assert time.monotonic() - t0 < 5, "the other replica still used the old role after 5 s"
            await asyncio.sleep(0.2)
    finally:
        await replica.close()


async def test_config_projects_have_builtin_roles_and_cannot_be_changed(web_server) -> None:
    s = await web_server()
    admin = s.cookie(["Admin"], project=DEBUG)
    project = (await s.client.call("GetProject", cookie=admin)).response.project
    assert project.id == DEBUG and [r.name for r in project.rbac_roles] == ["Admin", "Editor", "Viewer"]
    assert project.static_admin.password_hash == "redacted"
    mutating = {"UpdateProjectStaticAdmin", "EnableStaticAdmin", "DisableStaticAdmin", "UpdateProjectSSOConfig",
                "UpdateProjectRBACConfig", "AddProjectRBACRole", "UpdateProjectRBACRole", "DeleteProjectRBACRole",
                "AddProjectUserGroup", "DeleteProjectUserGroup"}
    d = await seed(s.host, DEBUG)
    for method in mutating:
        request, _ = requests(d)[method]
        for transport in ("call", "web"):
            r = await getattr(s.client, transport)(method, request, cookie=admin)
            assert r.code is grpc.StatusCode.FAILED_PRECONDITION and "debug project" in r.details, method
    # Pipeds and applications of a config project are managed as usual.
    r = await s.client.call("RegisterPiped", pb.RegisterPipedRequest(name="dbg"), cookie=admin)
    assert r.code is grpc.StatusCode.OK
    assert (await s.client.call("GetApplication", pb.GetApplicationRequest(application_id=d.app),
                                cookie=admin)).code is grpc.StatusCode.OK
    assert (await s.client.call("RegisterPiped", pb.RegisterPipedRequest(name="dbg"),
                                cookie=s.cookie(["Editor"], project=DEBUG))).code is DENIED
