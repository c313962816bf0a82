"""Documents are PipeCD's encoding/json of the models: snake_case keys, omitempty, numbers, base64."""
from __future__ import annotations

import json

import pytest

from pipecd_cp.errors import InvalidArgument
from pipecd_cp.proto.model import application_pb2, common_pb2, deployment_pb2, piped_stat_pb2
from pipecd_cp.stores.documents import from_document, to_document


def test_zero_values_are_omitted_and_set_messages_kept() -> None:
    app = application_pb2.Application(id="a", name="", disabled=False, kind=0, created_at=7,
                                      sync_state=application_pb2.ApplicationSyncState(), labels={})
    assert to_document(app) == {"id": "a", "sync_state": {}, "created_at": 7}


def test_enums_and_int64_are_numbers_bytes_are_base64() -> None:
    dep = deployment_pb2.Deployment(id="d", status=deployment_pb2.DEPLOYMENT_SUCCESS, completed_at=1 << 40)
    assert to_document(dep) == {"id": "d", "status": 4, "completed_at": 1 << 40}
    stat = piped_stat_pb2.PipedStat(piped_id="p", metrics=b"# HELP x\n", timestamp=3)
    assert json.loads(json.dumps(to_document(stat))) == {"piped_id": "p", "metrics": "IyBIRUxQIHgK", "timestamp": 3}


def test_maps_and_repeated_messages_round_trip() -> None:
    dep = deployment_pb2.Deployment(
        id="d", labels={"env": "prod"},
        git_path=common_pb2.ApplicationGitPath(repo=common_pb2.ApplicationGitRepository(id="r"), path="x"),
        stages=[deployment_pb2.PipelineStage(id="s1", metadata={"k": "v"}, requires=["s0"])],
        metadata_v2=deployment_pb2.DeploymentMetadata(
            plugins={"k8s": deployment_pb2.DeploymentMetadata.KeyValues(keyValues={"a": "b"})}))
    doc = to_document(dep)
    assert doc["metadata_v2"] == {"plugins": {"k8s": {"keyValues": {"a": "b"}}}}
    assert from_document(json.loads(json.dumps(doc)), deployment_pb2.Deployment) == dep


def test_reading_ignores_unknown_keys_like_mysql_extra() -> None:
    app = from_document({"id": "a", "name": "web", "_extra": "web", "future_field": {"x": 1}},
                        application_pb2.Application)
    assert app.id == "a" and app.name == "web"


def test_reading_bad_types_names_the_field() -> None:
    with pytest.raises(InvalidArgument) as err:
        from_document({"id": "a", "sync_state": {"status": "bad"}}, application_pb2.Application)
    assert err.value.field == "sync_state.status"
