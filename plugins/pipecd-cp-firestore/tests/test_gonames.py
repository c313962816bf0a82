"""Go field names as protoc-gen-go generates them."""
from __future__ import annotations

import pytest

from pipecd_cp.proto.model import deployment_pb2
from pipecd_cp_firestore.gonames import go_camel_case, go_field_names, message_go_names


@pytest.mark.parametrize("proto, go", [
    ("id", "Id"), ("project_id", "ProjectId"), ("sync_state", "SyncState"), ("keyValues", "KeyValues"),
    ("metadata_v2", "MetadataV2"), ("deployment_chain_block_index", "DeploymentChainBlockIndex"),
    ("s3_bucket", "S3Bucket"), ("s3bucket", "S3Bucket"), ("_hidden", "XHidden"), ("a__b", "A_B"),
    ("URL", "URL"), ("api_URL", "Api_URL"), ("x2y", "X2Y"), ("already_Camel", "Already_Camel"),
])
def test_go_camel_case(proto: str, go: str) -> None:
    assert go_camel_case(proto) == go


def test_names_that_collide_with_generated_methods_or_getters_get_an_underscore() -> None:
    assert go_field_names(["reset", "descriptor", "name"]) == ["Reset_", "Descriptor_", "Name"]
    assert go_field_names(["foo", "get_foo"]) == ["Foo", "GetFoo_"]
    assert go_field_names(["foo_bar", "fooBar"]) == ["FooBar", "FooBar_"]


def test_a_model_message() -> None:
    names = message_go_names(deployment_pb2.Deployment.DESCRIPTOR)
    assert names["metadata_v2"] == "MetadataV2"
    assert names["deployment_chain_block_index"] == "DeploymentChainBlockIndex"
    assert message_go_names(deployment_pb2.DeploymentMetadata.KeyValues.DESCRIPTOR) == {"keyValues": "KeyValues"}
