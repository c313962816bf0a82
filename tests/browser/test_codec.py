"""The console's protobuf codec (web/src/proto/codec.js) against Python's protobuf, in Node.

Messages built with the generated Python classes are decoded in JS and compared field by field
with their JSON form, and JS-encoded messages are parsed back in Python: field numbers, packed
repeated fields, maps, enums, wrappers, negative and 64-bit integers, floats and UTF-8 strings.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from google.protobuf import json_format

from pipecd_cp.proto.grpc.service.webservice import service_pb2 as pb
from pipecd_cp.proto.model import (application_live_state_pb2 as lpb, application_pb2, common_pb2,
                                   deployment_pb2 as dpb, insight_pb2, logblock_pb2, piped_pb2, project_pb2)

REPO = Path(__file__).resolve().parents[2]
CODEC = REPO / "web" / "src" / "proto" / "codec.js"

SCRIPT = """
import { readFileSync } from "node:fs";
import { decode, encode } from %s;
const input = JSON.parse(readFileSync(0, "utf8"));
const out = input.map(([op, type, payload]) => {
  if (op === "decode") {
    const msg = decode(type, Uint8Array.from(Buffer.from(payload, "base64")));
    return JSON.parse(JSON.stringify(msg, (k, v) => v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v));
  }
  return Buffer.from(encode(type, payload)).toString("base64");
});
console.log(JSON.stringify(out));
"""


def run_node(calls: list[list]) -> list:
    node = shutil.which("node")
    assert node, "Node.js is needed to test the console's codec"
    script = SCRIPT % json.dumps(CODEC.as_uri())
    r = subprocess.run([node, "--input-type=module", "-e", script], input=json.dumps(calls), capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _b64(msg) -> str:
    import base64
    return base64.b64encode(msg.SerializeToString()).decode()


def _app() -> application_pb2.Application:
    return application_pb2.Application(
        id="app-1", name="web ✓ <b>", piped_id="p1", project_id="quickstart", kind=common_pb2.ECS,
        git_path=common_pb2.ApplicationGitPath(repo=common_pb2.ApplicationGitRepository(id="repo", remote="git@x:y.git",
                                                                                         branch="main"),
                                               path="apps/web", config_filename="app.pipecd.yaml"),
        labels={"env": "prod", "team": "a"},
        deploy_targets_by_plugin={"k8s": dpb.DeployTargets(deploy_targets=["a", "b"]), "empty": dpb.DeployTargets()},
        sync_state=application_pb2.ApplicationSyncState(status=application_pb2.OUT_OF_SYNC, short_reason="drift",
                                                        timestamp=1_700_000_000),
        disabled=True, created_at=1_700_000_000, updated_at=4_102_444_800_123)


def test_decoding_matches_python() -> None:
    dep = dpb.Deployment(id="d", status=dpb.DEPLOYMENT_RUNNING, stages=[
        dpb.PipelineStage(id="s1", name="WAIT_APPROVAL", index=0, status=dpb.STAGE_RUNNING, retried_count=2,
                          available_operation=dpb.MANUAL_OPERATION_APPROVE, authorized_operators=["alice"],
                          requires=[], metadata={"Approvers": "alice"}),
        dpb.PipelineStage(id="s2", name="K8S_SYNC", index=-3, requires=["s1"])],
        versions=[common_pb2.ArtifactVersion(kind=common_pb2.ArtifactVersion.CONTAINER_IMAGE, version="v2")],
        deployment_chain_block_index=4_000_000_000, completed_at=-5)
    logs = pb.GetStageLogResponse(completed=True, blocks=[
        logblock_pb2.LogBlock(index=i, log=f"line {i} é", severity=logblock_pb2.ERROR if i % 2 else logblock_pb2.INFO,
                              created_at=1_700_000_000 + i) for i in range(300)])
    insight = pb.GetInsightDataResponse(type=insight_pb2.MATRIX, matrix=[insight_pb2.InsightSampleStream(
        labels={"a": "b"}, data_points=[insight_pb2.InsightDataPoint(timestamp=1_700_000_000, value=0.25)])])
    live = lpb.ApplicationLiveStateSnapshot(application_id="a", health_status=lpb.ApplicationLiveStateSnapshot.UNHEALTHY,
                                            kubernetes=lpb.KubernetesApplicationLiveState(resources=[
                                                lpb.KubernetesResourceState(id="r", owner_ids=["o"], name="n",
                                                                            kind="Pod")]))
    cases = [("model.Application", _app()), ("model.Deployment", dep),
             ("grpc.service.webservice.GetStageLogResponse", logs),
             ("grpc.service.webservice.GetInsightDataResponse", insight),
             ("model.ApplicationLiveStateSnapshot", live),
             ("model.Piped", piped_pb2.Piped(id="p", secret_encryption=piped_pb2.Piped.SecretEncryption(type="KEY_PAIR"))),
             ("model.ProjectRBACPolicy", project_pb2.ProjectRBACPolicy(
                 resources=[project_pb2.ProjectRBACResource(type=project_pb2.ProjectRBACResource.PIPED)],
                 actions=[project_pb2.ProjectRBACPolicy.GET, project_pb2.ProjectRBACPolicy.LIST]))]
    got = run_node([["decode", name, _b64(msg)] for name, msg in cases])
    for (name, msg), js in zip(cases, got):
        want = json_format.MessageToDict(msg, preserving_proto_field_name=False, always_print_fields_with_no_presence=True)
        for key, value in want.items():
            if isinstance(value, str) and isinstance(js[key], int) and not isinstance(js[key], bool):
                value = int(value)  # protobuf JSON writes 64-bit integers as strings; the console uses Numbers
            if key == "stages":
                for s, js_s in zip(value, js[key]):
                    assert js_s["index"] == s.get("index", 0) and js_s["name"] == s["name"]
                    assert js_s["availableOperation"] == s["availableOperation"]
                continue
            if key == "blocks":
                assert [b["index"] for b in js[key]] == list(range(300))
                assert js[key][1]["severity"] == "ERROR" and js[key][0]["log"] == "line 0 é"
                continue
            if key in ("matrix", "kubernetes", "versions", "syncState", "gitPath", "deployTargetsByPlugin", "resources",
                       "actions"):
                continue
            assert js[key] == value, (name, key)
    app, dep_js, _, ins, live_js, piped, policy = got
    assert policy == {"resources": [{"type": "PIPED", "labels": {}}], "actions": ["GET", "LIST"]}, "packed enums"
    assert app["deployTargetsByPlugin"] == {"k8s": {"deployTargets": ["a", "b"]}, "empty": {"deployTargets": []}}
    assert app["gitPath"]["repo"] == {"id": "repo", "remote": "git@x:y.git", "branch": "main"}
    assert app["syncState"]["status"] == "OUT_OF_SYNC" and app["updatedAt"] == 4_102_444_800_123
    assert app["mostRecentlySuccessfulDeployment"] is None and app["deleted"] is False
    assert dep_js["stages"][1]["index"] == -3 and dep_js["completedAt"] == -5
    assert dep_js["deploymentChainBlockIndex"] == 4_000_000_000
    assert dep_js["stages"][0]["authorizedOperators"] == ["alice"] and dep_js["stages"][0]["retriedCount"] == 2
    assert ins["matrix"][0]["dataPoints"] == [{"timestamp": 1_700_000_000, "value": 0.25}]
    assert live_js["healthStatus"] == "UNHEALTHY" and live_js["kubernetes"]["resources"][0]["ownerIds"] == ["o"]
    assert piped["secretEncryption"]["type"] == "KEY_PAIR"


def test_encoding_parses_in_python() -> None:
    calls = [
        ["encode", "grpc.service.webservice.ListApplicationsRequest",
         {"options": {"enabled": False, "kinds": ["KUBERNETES", "ECS"], "syncStatuses": ["OUT_OF_SYNC"],
                      "labels": {"env": "prod"}, "pipedId": "p", "name": "wéb"}}],
        ["encode", "grpc.service.webservice.ListPipedsRequest", {"withStatus": True, "options": {"enabled": True}}],
        ["encode", "grpc.service.webservice.ListPipedsRequest", {"withStatus": True, "options": {}}],
        ["encode", "grpc.service.webservice.GetStageLogRequest",
         {"deploymentId": "d", "stageId": "s", "retriedCount": 3, "offsetIndex": 9_007_199_254_740_991}],
        ["encode", "grpc.service.webservice.AddProjectRBACRoleRequest",
         {"name": "r", "policies": [{"resources": [{"type": "ALL", "labels": {"a": "b"}}], "actions": ["GET", "LIST"]}]}],
        ["encode", "grpc.service.webservice.AddApplicationRequest",
         {"name": "a", "pipedId": "p", "kind": 5, "gitPath": {"repo": {"id": "r"}, "path": "x"},
          "deployTargetsByPlugin": {"k": {"deployTargets": ["t"]}}}],
        ["encode", "grpc.service.webservice.ListDeploymentsRequest", {"pageMinUpdatedAt": -1, "pageSize": 50}],
    ]
    import base64
    out = [base64.b64decode(x) for x in run_node(calls)]
    apps = pb.ListApplicationsRequest.FromString(out[0])
    assert apps.options.HasField("enabled") and apps.options.enabled.value is False
    assert list(apps.options.kinds) == [common_pb2.KUBERNETES, common_pb2.ECS]
    assert list(apps.options.sync_statuses) == [application_pb2.OUT_OF_SYNC]
    assert dict(apps.options.labels) == {"env": "prod"} and apps.options.name == "wéb"
    p1, p2 = pb.ListPipedsRequest.FromString(out[1]), pb.ListPipedsRequest.FromString(out[2])
    assert p1.with_status and p1.options.enabled.value is True
    assert p2.HasField("options") and not p2.options.HasField("enabled")
    assert pb.GetStageLogRequest.FromString(out[3]).offset_index == 9_007_199_254_740_991
    role = pb.AddProjectRBACRoleRequest.FromString(out[4])
    assert role.policies[0].resources[0].labels["a"] == "b" and list(role.policies[0].actions) == [1, 2]
    add = pb.AddApplicationRequest.FromString(out[5])
    assert add.kind == common_pb2.ECS and list(add.deploy_targets_by_plugin["k"].deploy_targets) == ["t"]
    assert pb.ListDeploymentsRequest.FromString(out[6]).page_min_updated_at == -1


def test_descriptor_matches_protos() -> None:
    r = subprocess.run(["python", str(REPO / "web" / "gen_descriptor.py"), "--check"], capture_output=True, text=True,
                       cwd=REPO)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("bad", ["AAAA", "CP////8P"])
def test_truncated_input_is_an_error(bad: str) -> None:
    node = shutil.which("node")
    script = (f"import {{ decode }} from {json.dumps(CODEC.as_uri())};"
              f"try {{ decode('model.Application', Uint8Array.from(Buffer.from('{bad}', 'base64'))); console.log('ok'); }}"
              f" catch (e) {{ console.log('error'); }}")
    r = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "error", r.stdout + r.stderr
