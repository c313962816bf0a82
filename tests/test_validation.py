"""Every kind of (validate.rules) option in protos/ is enforced, naming the field."""
from __future__ import annotations

import pytest

from pipecd_cp.errors import InvalidArgument
from pipecd_cp.proto.grpc.service.apiservice import service_pb2 as api
from pipecd_cp.proto.grpc.service.pipedservice import service_pb2 as piped
from pipecd_cp.proto.grpc.service.webservice import service_pb2 as web
from pipecd_cp.proto.model import application_pb2, common_pb2, deployment_pb2, project_pb2
from pipecd_cp.validation import Validator


def _git_path(path: str = "apps/web") -> common_pb2.ApplicationGitPath:
    return common_pb2.ApplicationGitPath(repo=common_pb2.ApplicationGitRepository(id="repo"), path=path)


def _app(**kw: object) -> application_pb2.Application:
    base = dict(id="a", name="web", piped_id="p", project_id="proj", git_path=_git_path(), created_at=1, updated_at=1)
    base.update(kw)
    return application_pb2.Application(**base)  # type: ignore[arg-type]


def _fails(msg: object, field: str) -> None:
    with pytest.raises(InvalidArgument) as err:
        Validator().validate(msg)  # type: ignore[arg-type]
    assert err.value.field == field, str(err.value)


def test_a_valid_message_passes() -> None:
    Validator().validate(_app())


@pytest.mark.parametrize("msg,field", [
    (piped.GetDeploymentRequest(), "id"),                                   # string.min_len
    (_app(git_path=None), "git_path"),                                                 # message.required
    (_app(git_path=_git_path("/abs")), "git_path.path"),                               # string.pattern, nested
    (_app(created_at=0), "created_at"),                                                # int64.gt
    (_app(deleted_at=-1), "deleted_at"),                                               # int64.gte
    (_app(kind=99), "kind"),                                                           # enum.defined_only
    (piped.ReportDeploymentStatusChangedRequest(deployment_id="d", status=4), "status"),  # enum.in
    (web.UpdatePipedDesiredVersionRequest(version="1.0", piped_ids=["p"]), "version"),     # string.prefix
    (web.UpdatePipedDesiredVersionRequest(version="v1"), "piped_ids"),                 # repeated.min_items
    (api.RenameApplicationConfigFileRequest(application_ids=[f"a{i}" for i in range(51)], new_filename="x"),
     "application_ids"),                                                               # repeated.max_items
    (api.UpdateApplicationDeployTargetsRequest(application_id="a"), "deploy_targets_by_plugin"),  # map.min_pairs
    (api.RegisterEventRequest(name="n", data="d", labels={"": "v"}), "labels key ''"),  # map.keys
    (api.RegisterEventRequest(name="n", data="d", labels={"k": ""}), "labels['k']"),    # map.values
    (api.RegisterEventRequest(name="n", data="d", contexts={"bad key": "v"}), "contexts key 'bad key'"),
])
def test_each_rule_kind_is_enforced(msg: object, field: str) -> None:
    _fails(msg, field)


def test_repeated_and_map_messages_are_validated_recursively() -> None:
    ok = dict(name="X", created_at=1, updated_at=1)
    dep = deployment_pb2.Deployment(stages=[deployment_pb2.PipelineStage(id="s1", **ok),
                                            deployment_pb2.PipelineStage(**ok)])
    req = piped.ReportDeploymentPlannedRequest(deployment_id="d", stages=dep.stages)
    _fails(req, "stages[1].id")


def test_string_in_rule() -> None:
    from pipecd_cp.proto.model import piped_pb2
    p = piped_pb2.Piped.SecretEncryption(type="PLAIN")
    _fails(p, "type")
    Validator().validate(piped_pb2.Piped.SecretEncryption(type="KEY_PAIR"))


def test_repeated_items_enum_rule() -> None:
    policy = project_pb2.ProjectRBACPolicy(resources=[project_pb2.ProjectRBACResource(type=1)], actions=[1, 42])
    _fails(policy, "actions[1]")
