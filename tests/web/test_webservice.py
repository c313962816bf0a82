"""WebService behaviour, RPC group by RPC group, against a running server (gRPC and gRPC-Web)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import grpc
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.protobuf import wrappers_pb2

from pipecd_cp.auth.credentials import APIKeyToken, PipedToken
from pipecd_cp.domain.sealed import decrypt
from pipecd_cp.proto.grpc.service.webservice import service_pb2 as pb
from pipecd_cp.proto.model import (apikey_pb2, command_pb2, common_pb2, deployment_pb2, event_pb2, insight_pb2,
                                   logblock_pb2, piped_pb2, project_pb2 as ppb)
from tests.web.conftest import OTHER, PROJECT
from tests.web.seed import git_path, seed

OK, NOT_FOUND, DENIED = grpc.StatusCode.OK, grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED
FAILED, INVALID = grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.INVALID_ARGUMENT
HASH = re.compile(rb"\$2[aby]\$\d\d\$")


async def test_pipeds_register_list_status_keys_and_versions(web_server) -> None:
    s = await web_server()
    admin = s.cookie(["Admin"], subject="admin-user")
    r = await s.client.web("RegisterPiped", pb.RegisterPipedRequest(name="edge", desc="d"), cookie=admin)
    piped_id, key = r.response.id, r.response.key
    assert re.fullmatch(r"[a-z0-9]{50}", key)
    await s.host.auth.pipeds.verify(PipedToken(PROJECT, piped_id, key))  # the key works for the piped API
    stored = await s.host.stores.pipeds.get(piped_id)
    assert stored.keys[0].creator == "admin-user" and HASH.match(stored.keys[0].hash.encode())
    other = await seed(s.host, OTHER)
    await s.host.stores.hashes.put_piped_stat(piped_id, b"", s.now())
    r = await s.client.call("ListPipeds", pb.ListPipedsRequest(with_status=True), cookie=admin)
    assert [p.id for p in r.response.pipeds] == [piped_id], "only the caller's project"
    assert r.response.pipeds[0].status == piped_pb2.Piped.ONLINE
    assert not HASH.search(r.response.SerializeToString()) and r.response.pipeds[0].keys[0].hash == "redacted"
    s.clock[0] += 121
    r = await s.client.call("ListPipeds", pb.ListPipedsRequest(with_status=True), cookie=admin)
    assert r.response.pipeds[0].status == piped_pb2.Piped.OFFLINE
    await s.client.call("DisablePiped", pb.DisablePipedRequest(piped_id=piped_id), cookie=admin)
    enabled = pb.ListPipedsRequest(options=pb.ListPipedsRequest.Options(enabled=wrappers_pb2.BoolValue(value=True)))
    assert not (await s.client.call("ListPipeds", enabled, cookie=admin)).response.pipeds
    r = await s.client.call("GetPiped", pb.GetPipedRequest(piped_id=piped_id), cookie=admin)
    assert r.response.piped.disabled and r.response.piped.keys[0].hash == "redacted"
    # Keys: a second one, no third; deleting the old one keeps the newest.
    assert (await s.client.call("RecreatePipedKey", pb.RecreatePipedKeyRequest(id=piped_id), cookie=admin)).code is OK
    r = await s.client.call("RecreatePipedKey", pb.RecreatePipedKeyRequest(id=piped_id), cookie=admin)
    assert r.code is FAILED and "2 keys" in r.details
    assert (await s.client.call("DeleteOldPipedKeys", pb.DeleteOldPipedKeysRequest(piped_id=piped_id),
                                cookie=admin)).code is OK
    assert len((await s.host.stores.pipeds.get(piped_id)).keys) == 1
    # Desired versions: all pipeds must be ours, checked before any change.
    r = await s.client.call("UpdatePipedDesiredVersion", pb.UpdatePipedDesiredVersionRequest(
        version="v0.51.0", piped_ids=[piped_id, other.piped]), cookie=admin)
    assert r.code is NOT_FOUND and not (await s.host.stores.pipeds.get(piped_id)).desired_version
    r = await s.client.call("UpdatePipedDesiredVersion", pb.UpdatePipedDesiredVersionRequest(
        version="0.51.0", piped_ids=[piped_id]), cookie=admin)
    assert r.code is INVALID and "version" in r.details
    await s.client.call("UpdatePipedDesiredVersion", pb.UpdatePipedDesiredVersionRequest(
        version="v0.51.0", piped_ids=[piped_id]), cookie=admin)
    assert (await s.host.stores.pipeds.get(piped_id)).desired_version == "v0.51.0"
    r = await s.client.call("RestartPiped", pb.RestartPipedRequest(piped_id=piped_id), cookie=admin)
    cmd = await s.host.stores.commands.get(r.response.command_id)
    assert (cmd.type, cmd.piped_id, cmd.commander, cmd.restart_piped.piped_id) == (
        command_pb2.Command.RESTART_PIPED, piped_id, "admin-user", piped_id)
    r = await s.client.call("UpdatePiped", pb.UpdatePipedRequest(piped_id=piped_id, name="renamed", desc="x"),
                            cookie=admin)
    assert r.code is OK and (await s.host.stores.pipeds.get(piped_id)).name == "renamed"


async def test_releases_are_empty_without_a_source(web_server) -> None:
    s = await web_server()
    r = await s.client.call("ListReleasedVersions", cookie=s.cookie(["Viewer"]))
    assert r.code is OK and list(r.response.versions) == []
    r = await s.client.call("ListDeprecatedNotes", pb.ListDeprecatedNotesRequest(project_id=PROJECT),
                            cookie=s.cookie(["Viewer"]))
    assert r.code is OK and r.response.notes == ""


async def test_releases_from_a_configured_file(web_server, tmp_path: Path) -> None:
    releases = [
        {"tag_name": "v0.52.0", "body": "## Notes\n### Breaking Changes\n- drop X\n### Fixes\n- y", "draft": False,
         "prerelease": False},
        {"tag_name": "v0.52.0-rc1", "body": "", "prerelease": True},
        {"tag_name": "v0.51.1", "body": "### Breaking Changes\n- rename Z", "draft": False},
        {"tag_name": "v0.51.0", "body": "### Breaking Changes\n- old one"},
        {"tag_name": "v0.60.0", "draft": True},
        {"tag_name": "pkg/plugin/kubernetes/v0.1.0"},
    ]
    source = tmp_path / "releases.json"
    source.write_text(json.dumps(releases))
    s = await web_server(f"web:\n  releasesSource: {source}")
    viewer = s.cookie(["Viewer"])
    r = await s.client.web("ListReleasedVersions", cookie=viewer)
    assert list(r.response.versions) == ["v0.52.0", "v0.51.1", "v0.51.0"]
    d = await seed(s.host, PROJECT)

    def version(p: piped_pb2.Piped) -> None:
        p.version = "v0.51.0"
    await s.host.stores.pipeds.update(d.piped, version)
    notes = (await s.client.web("ListDeprecatedNotes", pb.ListDeprecatedNotesRequest(project_id=PROJECT),
                                cookie=viewer)).response.notes
    assert "rename Z" in notes and "drop X" in notes and "old one" not in notes and "- y" not in notes
    assert notes.index("v0.51.1") < notes.index("v0.52.0")


async def test_applications_add_update_list_sync_and_seal(web_server) -> None:
    s = await web_server()
    editor = s.cookie(["Editor"], subject="ed")
    d, other = await seed(s.host, PROJECT), await seed(s.host, OTHER)
    r = await s.client.call("AddApplication", pb.AddApplicationRequest(
        name="web", piped_id=d.piped, git_path=git_path(), kind=common_pb2.CLOUDRUN, labels={"team": "a"}),
        cookie=editor)
    app = await s.host.stores.applications.get(r.response.application_id)
    assert app.git_path.url == "https://github.com/o/r/tree/main/apps/demo" and app.project_id == PROJECT
    r = await s.client.call("AddApplication", pb.AddApplicationRequest(
        name="web", piped_id=d.piped, git_path=git_path("unknown-repo")), cookie=editor)
    assert r.code is NOT_FOUND
    # UpdateApplication: the application must be ours, not only the piped (PipeCD checks the piped).
    r = await s.client.call("UpdateApplication", pb.UpdateApplicationRequest(
        application_id=other.app, name="x", piped_id=d.piped), cookie=editor)
    assert r.code is NOT_FOUND and (await s.host.stores.applications.get(other.app)).piped_id == other.piped
    r = await s.client.call("UpdateApplication", pb.UpdateApplicationRequest(
        application_id=app.id, name="web", piped_id=d.piped, config_filename="app.pipecd.yaml",
        platform_provider="cloudrun-dev"), cookie=editor)
    updated = await s.host.stores.applications.get(app.id)
    assert (updated.git_path.config_filename, updated.platform_provider) == ("app.pipecd.yaml", "cloudrun-dev")
    # Listing: filters, labels, and deleted applications are gone.
    lst = lambda **o: s.client.call("ListApplications", pb.ListApplicationsRequest(  # noqa: E731
        options=pb.ListApplicationsRequest.Options(**o)), cookie=editor)
    assert {a.id for a in (await lst()).response.applications} == {app.id, d.app}
    assert [a.id for a in (await lst(labels={"team": "a"})).response.applications] == [app.id]
    assert [a.id for a in (await lst(kinds=[common_pb2.CLOUDRUN, common_pb2.LAMBDA])).response.applications] == [app.id]
    await s.client.call("DisableApplication", pb.DisableApplicationRequest(application_id=app.id), cookie=editor)
    assert [a.id for a in (await lst(enabled=wrappers_pb2.BoolValue(value=False))).response.applications] == [app.id]
    await s.client.call("DeleteApplication", pb.DeleteApplicationRequest(application_id=app.id), cookie=editor)
    assert [a.id for a in (await lst()).response.applications] == [d.app]
    r = await s.client.call("EnableApplication", pb.EnableApplicationRequest(application_id=app.id), cookie=editor)
    assert r.code is FAILED, "a deleted application cannot be enabled"
    r = await s.client.call("SyncApplication", pb.SyncApplicationRequest(
        application_id=d.app, sync_strategy=common_pb2.PIPELINE), cookie=editor)
    cmd = await s.host.stores.commands.get(r.response.command_id)
    assert (cmd.type, cmd.commander, cmd.sync_application.sync_strategy) == (
        command_pb2.Command.SYNC_APPLICATION, "ed", common_pb2.PIPELINE)
    r = await s.client.call("GetCommand", pb.GetCommandRequest(command_id=cmd.id), cookie=s.cookie(["Viewer"]))
    assert r.code is OK and r.response.command.id == cmd.id
    # Sealed secrets with the piped's public key.
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def key_pair(p: piped_pb2.Piped) -> None:
        p.secret_encryption.type, p.secret_encryption.public_key = "KEY_PAIR", pem
    r = await s.client.call("GenerateApplicationSealedSecret", pb.GenerateApplicationSealedSecretRequest(
        piped_id=d.piped, data="s3cret"), cookie=editor)
    assert r.code is FAILED
    await s.host.stores.pipeds.update(d.piped, key_pair)
    r = await s.client.web("GenerateApplicationSealedSecret", pb.GenerateApplicationSealedSecretRequest(
        piped_id=d.piped, data="s3cret"), cookie=editor)
    pkcs8 = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
    assert decrypt(pkcs8, r.response.data) == b"s3cret"
    await s.host.stores.hashes.put_unregistered(PROJECT, d.piped, [
        common_pb2.ApplicationInfo(name="b", path="z/b", repo_id="repo", piped_id=d.piped),
        common_pb2.ApplicationInfo(name="a", path="a/a", repo_id="repo", piped_id=d.piped)])
    r = await s.client.call("ListUnregisteredApplications", cookie=editor)
    assert [a.path for a in r.response.applications] == ["a/a", "z/b"]


async def test_deployments_list_logs_cancel_skip_approve_and_traces(web_server) -> None:
    s = await web_server()
    d = await seed(s.host, PROJECT)
    alice, bob = s.cookie(["Editor"], subject="alice"), s.cookie(["Editor"], subject="bob")
    r = await s.client.call("ListDeployments", pb.ListDeploymentsRequest(options=pb.ListDeploymentsRequest.Options(
        labels={"env": "prod"}, statuses=[deployment_pb2.DEPLOYMENT_RUNNING]), page_size=10), cookie=alice)
    assert [x.id for x in r.response.deployments] == [d.deployment]
    r = await s.client.call("ListDeployments", pb.ListDeploymentsRequest(options=pb.ListDeploymentsRequest.Options(
        labels={"env": "dev"})), cookie=alice)
    assert not r.response.deployments
    await s.host.stores.stage_logs.append(d.deployment, d.stage, 0, [
        logblock_pb2.LogBlock(index=i, log=f"line {i}", created_at=s.now()) for i in range(3)])
    r = await s.client.web("GetStageLog", pb.GetStageLogRequest(deployment_id=d.deployment, stage_id=d.stage,
                                                                offset_index=1), cookie=alice)
    assert [b.log for b in r.response.blocks] == ["line 1", "line 2"] and not r.response.completed
    # Approvers: only listed users may approve; completed stages cannot be approved or skipped.
    def approvers(dep: deployment_pb2.Deployment) -> None:
        dep.stages[0].authorized_operators.append("alice")
    await s.host.stores.deployments.update(d.deployment, approvers)
    approve = pb.ApproveStageRequest(deployment_id=d.deployment, stage_id=d.stage)
    r = await s.client.call("ApproveStage", approve, cookie=bob)
    assert r.code is DENIED and "approver" in r.details
    r = await s.client.call("ApproveStage", approve, cookie=alice)
    cmd = await s.host.stores.commands.get(r.response.command_id)
    assert (cmd.type, cmd.stage_id, cmd.commander) == (command_pb2.Command.APPROVE_STAGE, d.stage, "alice")
    r = await s.client.call("SkipStage", pb.SkipStageRequest(deployment_id=d.deployment, stage_id=d.stage),
                            cookie=alice)
    assert r.code is FAILED and "not supported" in r.details
    r = await s.client.call("SkipStage", pb.SkipStageRequest(deployment_id=d.deployment, stage_id="nope"),
                            cookie=alice)
    assert r.code is FAILED
    assert (await s.client.call("SkipStage", pb.SkipStageRequest(deployment_id=d.deployment,
                                                                 stage_id=d.analysis_stage), cookie=alice)).code is OK
    r = await s.client.call("CancelDeployment", pb.CancelDeploymentRequest(deployment_id=d.deployment,
                                                                           force_rollback=True), cookie=alice)
    cmd = await s.host.stores.commands.get(r.response.command_id)
    assert cmd.cancel_deployment.force_rollback and cmd.deployment_id == d.deployment

    def complete(dep: deployment_pb2.Deployment) -> None:
        dep.status = deployment_pb2.DEPLOYMENT_SUCCESS
        dep.stages[0].status = deployment_pb2.STAGE_SUCCESS
    await s.host.stores.deployments.update(d.deployment, complete)
    r = await s.client.call("CancelDeployment", pb.CancelDeploymentRequest(deployment_id=d.deployment), cookie=alice)
    assert r.code is FAILED and "completed" in r.details
    r = await s.client.call("ApproveStage", approve, cookie=alice)
    assert r.code is FAILED and "completed" in r.details
    r = await s.client.call("ListDeploymentTraces", pb.ListDeploymentTracesRequest(), cookie=alice)
    (trace,) = r.response.traces
    assert trace.trace.commit_hash == d.commit and [x.id for x in trace.deployments] == [d.deployment]


async def test_api_keys_are_never_returned_with_their_hash(web_server) -> None:
    s = await web_server()
    admin = s.cookie(["Admin"], subject="root")
    r = await s.client.web("GenerateAPIKey", pb.GenerateAPIKeyRequest(name="ci", role=apikey_pb2.APIKey.READ_WRITE),
                           cookie=admin)
    key = r.response.key
    principal = await s.host.auth.apikeys.verify(APIKeyToken(key.split(".")[0], key))
    assert principal.project_id == PROJECT and not principal.read_only and principal.key_name == "ci"
    r = await s.client.call("ListAPIKeys", cookie=admin)
    (listed,) = r.response.keys
    assert listed.key_hash == "redacted" and listed.creator == "root" and listed.last_used_at == 0
    assert not HASH.search(r.response.SerializeToString()) and key.encode() not in r.response.SerializeToString()
    await s.host.stores.hashes.put_api_key_used(listed.id, 1_700_000_123)
    r = await s.client.call("ListAPIKeys", cookie=admin)
    assert r.response.keys[0].last_used_at == 1_700_000_123 and r.response.keys[0].key_hash == "redacted"
    assert (await s.client.call("DisableAPIKey", pb.DisableAPIKeyRequest(id=listed.id), cookie=admin)).code is OK
    enabled = pb.ListAPIKeysRequest(options=pb.ListAPIKeysRequest.Options(enabled=wrappers_pb2.BoolValue(value=True)))
    assert not (await s.client.call("ListAPIKeys", enabled, cookie=admin)).response.keys


async def test_project_settings_are_redacted_and_legacy_rbac_becomes_groups(web_server) -> None:
    s = await web_server()
    admin = s.cookie(["Admin"])
    await s.client.call("UpdateProjectRBACConfig", pb.UpdateProjectRBACConfigRequest(rbac=ppb.ProjectRBACConfig(
        admin="o/admins", editor="o/admins", viewer="o/everyone")), cookie=admin)
    await s.client.call("UpdateProjectSSOConfig", pb.UpdateProjectSSOConfigRequest(sso=ppb.ProjectSSOConfig(
        provider=ppb.ProjectSSOConfig.OIDC, session_ttl=8, oidc=ppb.ProjectSSOConfig.Oidc(
            client_id="cid", client_secret="csecret", issuer="https://idp.example.com"))), cookie=admin)
    r = await s.client.web("GetProject", cookie=s.cookie(["Viewer"]))
    p = r.response.project
    assert p.static_admin.password_hash == "redacted" and p.sso.oidc.client_secret == "redacted"
    assert p.sso.oidc.client_id == "redacted" and p.sso.oidc.issuer == "https://idp.example.com"
    assert p.sso.session_ttl == 8
    assert [(g.sso_group, g.role) for g in p.user_groups] == [("o/admins", "Admin"), ("o/everyone", "Viewer")]
    assert [r.name for r in p.rbac_roles][:3] == ["Admin", "Editor", "Viewer"]
    raw = r.response.SerializeToString()
    assert b"csecret" not in raw and not HASH.search(raw)
    # A legacy group can be deleted like any other.
    await s.client.call("DeleteProjectUserGroup", pb.DeleteProjectUserGroupRequest(sso_group="o/everyone"),
                        cookie=admin)
    p = (await s.client.call("GetProject", cookie=admin)).response.project
    assert [(g.sso_group, g.role) for g in p.user_groups] == [("o/admins", "Admin")]


async def test_events_and_deployment_chains(web_server) -> None:
    s = await web_server()
    d = await seed(s.host, PROJECT)
    viewer, admin = s.cookie(["Viewer"]), s.cookie(["Admin"])
    r = await s.client.call("ListEvents", pb.ListEventsRequest(options=pb.ListEventsRequest.Options(
        name="image-update", statuses=[event_pb2.EVENT_NOT_HANDLED], labels={"env": "prod"})), cookie=viewer)
    assert [e.id for e in r.response.events] == [d.event]
    r = await s.client.call("ListEvents", pb.ListEventsRequest(options=pb.ListEventsRequest.Options(
        labels={"env": "dev"})), cookie=viewer)
    assert not r.response.events
    # Chains: authorized by DEPLOYMENT_CHAIN rules (PipeCD denies them to everyone); Admin has them.
    r = await s.client.call("ListDeploymentChains", pb.ListDeploymentChainsRequest(page_size=5), cookie=admin)
    assert [c.id for c in r.response.deployment_chains] == [d.chain]
    r = await s.client.web("GetDeploymentChain", pb.GetDeploymentChainRequest(deployment_chain_id=d.chain),
                           cookie=admin)
    assert r.response.deployment_chain.blocks[0].nodes[0].application_ref.application_id == d.app
    assert (await s.client.call("ListDeploymentChains", cookie=viewer)).code is DENIED


async def test_insights_are_read_through_the_insights_domain(web_server) -> None:
    s = await web_server()
    viewer = s.cookie(["Viewer"])
    r = await s.client.call("GetInsightApplicationCount", cookie=viewer)
    assert r.code is OK and r.response.updated_at == 0 and not r.response.counts
    doc = {"applications": [{"id": "a1", "kind": "KUBERNETES", "status": "ENABLED"},
                            {"id": "a2", "kind": "KUBERNETES", "status": "ENABLED"},
                            {"id": "a3", "kind": "ECS", "status": "DISABLED"}], "updated_at": 1_700_000_000}
    await s.host.filestore.put(f"insights/{PROJECT}/applications/applications.json", json.dumps(doc).encode())
    r = await s.client.web("GetInsightApplicationCount", cookie=viewer)
    counts = {(c.labels["KIND"], c.labels["ACTIVE_STATUS"]): c.count for c in r.response.counts}
    assert r.response.updated_at == 1_700_000_000 and counts == {("KUBERNETES", "ENABLED"): 2, ("ECS", "DISABLED"): 1}
    now = s.now()
    r = await s.client.call("GetInsightData", pb.GetInsightDataRequest(
        metrics_kind=insight_pb2.DEPLOYMENT_FREQUENCY, range_from=now - 3 * 86400, range_to=now,
        resolution=insight_pb2.DAILY), cookie=viewer)
    assert r.code is OK and r.response.type == insight_pb2.MATRIX and len(r.response.matrix) == 1
    assert len(r.response.matrix[0].data_points) in (3, 4)
    r = await s.client.call("GetInsightData", pb.GetInsightDataRequest(
        metrics_kind=insight_pb2.DEPLOYMENT_FREQUENCY, range_from=now, range_to=now - 86400), cookie=viewer)
    assert r.code is INVALID
