"""Converting host documents to the stored Firestore shape and back (no server needed)."""
from __future__ import annotations

import copy
from typing import Any

import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from pipecd_cp.datastore.base import FieldType
from pipecd_cp.errors import InvalidArgument
from pipecd_cp.proto.model import application_pb2, common_pb2, deployment_pb2
from pipecd_cp.stores.documents import from_document, to_document
from pipecd_cp_firestore.gonames import go_camel_case
from pipecd_cp_firestore.pipecd_layout import PIPECD_KINDS, ModelLayout
from pipecd_cp_firestore.plain_layout import NULL_KEY, ZERO_KEY, PlainLayout

_T = FieldDescriptor


def _fill(message: Message, depth: int = 0) -> Message:
    """Set every field of `message` to a non-zero value (messages recursively, two levels deep)."""
    for fd in message.DESCRIPTOR.fields:
        is_map = fd.type == _T.TYPE_MESSAGE and fd.message_type.GetOptions().map_entry
        if is_map:
            vf = fd.message_type.fields_by_name["value"]
            if vf.type == _T.TYPE_MESSAGE:
                if depth < 2:
                    _fill(getattr(message, fd.name)["key.with.dots"], depth + 1)
            else:
                getattr(message, fd.name)["key.with.dots"] = _scalar(vf)
        elif fd.type == _T.TYPE_MESSAGE:
            if depth < 2:
                if fd.is_repeated:
                    _fill(getattr(message, fd.name).add(), depth + 1)
                else:
                    _fill(getattr(message, fd.name), depth + 1)
        elif fd.is_repeated:
            getattr(message, fd.name).append(_scalar(fd))
        else:
            setattr(message, fd.name, _scalar(fd))
    return message


def _scalar(fd: FieldDescriptor) -> Any:
    if fd.type == _T.TYPE_ENUM:
        return fd.enum_type.values[-1].number or 1
    if fd.type == _T.TYPE_BOOL:
        return True
    if fd.type == _T.TYPE_STRING:
        return f"v-{fd.name}"
    if fd.type == _T.TYPE_BYTES:
        return b"\x00\xff"
    if fd.type in (_T.TYPE_FLOAT, _T.TYPE_DOUBLE):
        return 1.5
    return 7


def _go_keys(data: Any, descriptor: Descriptor) -> None:
    """Every stored key is the Go name of a field, and every field is there."""
    assert set(data) == {go_camel_case(f.name) for f in descriptor.fields}


@pytest.mark.parametrize("kind", sorted(PIPECD_KINDS))
def test_every_pipecd_kind_round_trips_fully_populated(kind: str) -> None:
    model = PIPECD_KINDS[kind]
    entity = _fill(model())
    entity.id = "e-1"
    doc = to_document(entity)
    layout = ModelLayout(kind, model)
    data = layout.encode("e-1", doc)
    _go_keys(data, model.DESCRIPTOR)
    back = layout.decode(copy.deepcopy(data))
    assert back == doc
    assert from_document(back, model) == entity


@pytest.mark.parametrize("kind", sorted(PIPECD_KINDS))
def test_an_empty_entity_is_stored_with_every_field_at_its_zero_value(kind: str) -> None:
    model = PIPECD_KINDS[kind]
    layout = ModelLayout(kind, model)
    data = layout.encode("e-1", {"id": "e-1"})
    _go_keys(data, model.DESCRIPTOR)
    for fd in model.DESCRIPTOR.fields:
        value = data[go_camel_case(fd.name)]
        if fd.type == _T.TYPE_MESSAGE or fd.is_repeated:
            assert value is None, fd.name  # nil message, slice or map
        elif fd.name != "id":
            assert value in ("", 0, False) and value is not None, fd.name
    assert layout.decode(data) == {"id": "e-1"}


def test_application_fields_as_pipecd_writes_them() -> None:
    app = application_pb2.Application(id="a", project_id="p", kind=common_pb2.ApplicationKind.Value("LAMBDA"),
                                       labels={"app.kubernetes.io/name": "web"}, updated_at=5)
    app.sync_state.SetInParent()
    data = ModelLayout("Application", application_pb2.Application).encode("a", to_document(app))
    assert data["ProjectId"] == "p" and data["Kind"] == 3 and data["UpdatedAt"] == 5
    assert data["Labels"] == {"app.kubernetes.io/name": "web"}  # map keys are never renamed
    assert data["SyncState"] == {"Status": 0, "ShortReason": "", "Reason": "", "HeadDeploymentId": "", "Timestamp": 0}
    assert data["GitPath"] is None and data["MostRecentlySuccessfulDeployment"] is None


def test_deployment_metadata_v2_keeps_plugin_and_key_names() -> None:
    d = deployment_pb2.Deployment(id="d")
    d.metadata_v2.plugins["kubernetes"].keyValues["some_key"] = "v"
    data = ModelLayout("Deployment", deployment_pb2.Deployment).encode("d", to_document(d))
    assert data["MetadataV2"] == {"Shared": None, "Plugins": {"kubernetes": {"KeyValues": {"some_key": "v"}}}}


def test_the_id_is_filled_in_and_must_match_the_key() -> None:
    layout = ModelLayout("Project", PIPECD_KINDS["Project"])
    assert layout.encode("quickstart", {"desc": "x"})["Id"] == "quickstart"
    with pytest.raises(InvalidArgument):
        layout.encode("quickstart", {"id": "other"})


def test_unknown_keys_are_kept_as_they_are() -> None:
    layout = ModelLayout("Application", PIPECD_KINDS["Application"])
    data = layout.encode("a", {"id": "a", "_extra": "web", "future_field": {"x": 1}})
    assert data["_extra"] == "web" and data["future_field"] == {"x": 1}
    assert layout.decode(data) == {"id": "a", "_extra": "web", "future_field": {"x": 1}}


@pytest.mark.parametrize("doc, field", [
    ({"id": "a", "kind": "LAMBDA"}, "kind"), ({"id": "a", "disabled": 1}, "disabled"),
    ({"id": "a", "labels": ["x"]}, "labels"), ({"id": "a", "sync_state": {"status": "bad"}}, "sync_state.status"),
    ({"id": "a", "git_path": "x"}, "git_path"),
])
def test_wrong_types_are_invalid_argument_naming_the_field(doc: dict, field: str) -> None:
    with pytest.raises(InvalidArgument) as err:
        ModelLayout("Application", PIPECD_KINDS["Application"]).encode("a", doc)
    assert err.value.field == field


def test_field_paths_map_to_go_paths() -> None:
    layout = ModelLayout("Application", PIPECD_KINDS["Application"])
    assert layout.field("id").path == "Id" and not layout.field("id").nullable
    assert layout.field("project_id").path == "ProjectId" and not layout.field("project_id").nullable
    status = layout.field("sync_state.status")
    assert status.path == "SyncState.Status" and status.nullable and status.zero == 0  # SyncState may be null
    assert layout.field("labels.env").path == "Labels.env" and layout.field("labels.env").nullable
    assert layout.field("git_path.repo.id").path == "GitPath.Repo.Id"
    assert layout.field("not_a_field").nullable


def _bytes_and_optional_message() -> type[Message]:
    """A message with a bytes field and a proto3 `optional` scalar (no PipeCD kind has them)."""
    pool = descriptor_pool.DescriptorPool()
    f = descriptor_pb2.FileDescriptorProto(name="t.proto", package="t", syntax="proto3")
    m = f.message_type.add(name="Blob")
    m.field.add(name="id", number=1, type=_T.TYPE_STRING, label=_T.LABEL_OPTIONAL)
    m.field.add(name="data", number=2, type=_T.TYPE_BYTES, label=_T.LABEL_OPTIONAL)
    m.field.add(name="count", number=3, type=_T.TYPE_INT64, label=_T.LABEL_OPTIONAL, oneof_index=0,
                proto3_optional=True)
    m.oneof_decl.add(name="_count")
    pool.Add(f)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("t.Blob"))


def test_bytes_are_stored_as_bytes_and_optional_scalars_as_pointers() -> None:
    model = _bytes_and_optional_message()
    layout = ModelLayout("Blob", model)
    data = layout.encode("b", to_document(model(id="b", data=b"\x00\x01")))
    assert data == {"Id": "b", "Data": b"\x00\x01", "Count": None}
    assert layout.decode(data) == {"id": "b", "data": "AAE="}
    data = layout.encode("b", to_document(model(id="b", count=0)))  # set to zero: not nil
    assert data == {"Id": "b", "Data": b"", "Count": 0}
    assert from_document(layout.decode(data), model).HasField("count")


# ----------------------------------------------------------------------------- other kinds
FIELDS = {"project_id": FieldType.STRING, "sync_state.status": FieldType.INT, "disabled": FieldType.BOOL,
          "score": FieldType.FLOAT, "tags": FieldType.LIST}


@pytest.mark.parametrize("doc", [
    {}, {"project_id": "p"}, {"sync_state": {"status": 3, "reason": "x"}}, {"sync_state": {}},
    {"sync_state": None, "disabled": None}, {"sync_state": {"status": None}}, {"sync_state": "not an object"},
    {"project_id": "", "disabled": False, "score": 0.0}, {"nested": {"deep": [1, {"x": None}]}},
])
def test_plain_documents_round_trip_exactly(doc: dict) -> None:
    layout = PlainLayout("Thing", FIELDS)
    original = copy.deepcopy(doc)
    data = layout.encode("t", doc)
    assert doc == original, "the caller's document must not change"
    assert layout.decode(copy.deepcopy(data)) == doc


def test_plain_documents_hold_zero_values_for_declared_fields() -> None:
    data = PlainLayout("Thing", FIELDS).encode("t", {"sync_state": {"reason": "r"}, "disabled": None})
    assert data["project_id"] == "" and data["sync_state"] == {"reason": "r", "status": 0}
    assert data["disabled"] is False and data["score"] == 0.0 and "tags" not in data
    assert sorted(data[ZERO_KEY]) == ["project_id", "score", "sync_state.status"] and data[NULL_KEY] == ["disabled"]


def test_the_markers_are_reserved() -> None:
    with pytest.raises(InvalidArgument):
        PlainLayout("Thing", FIELDS).encode("t", {ZERO_KEY: []})


def test_declared_scalars_are_never_missing_but_lists_and_undeclared_fields_may_be() -> None:
    layout = PlainLayout("Thing", FIELDS)
    assert not layout.field("sync_state.status").nullable and layout.field("sync_state.status").zero == 0
    assert layout.field("tags").nullable and layout.field("other").nullable
    assert layout.field("id").is_document_id and layout.field("id").path == "__name__"
