"""PipeCD's own Firestore layout for its kinds: Go field names, every field present.

PipeCD stores each entity with the Firestore Go client from the protoc-gen-go struct, so a stored
document has one key per proto field, named after the Go struct field (`ProjectId`,
`SyncState.Status`), holding:

- a scalar's value, or its zero value (`""`, `0`, `false`, `0.0`, empty bytes) when unset;
  enums and 64-bit integers as integers, bytes as bytes;
- null for an unset message, an empty repeated field and an empty map;
- a nested map (again with Go field names) for a set message, even an empty one;
- map entries under their own keys, never renamed (labels, metadata).

`ModelLayout` converts the host's documents (`pipecd_cp.stores.documents`: snake_case keys, zero
values omitted, bytes as base64) to that shape and back, so documents round-trip and PipeCD and
pipecd-cp can read each other's data. Keys the message does not know are kept as they are.
"""
from __future__ import annotations

import base64
import binascii
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from pipecd_cp.datastore.base import ID_FIELD, Document
from pipecd_cp.errors import InvalidArgument
from pipecd_cp.proto.model import (apikey_pb2, application_pb2, command_pb2, deployment_chain_pb2, deployment_pb2,
                                   deployment_trace_pb2, event_pb2, piped_pb2, project_pb2)
from pipecd_cp_firestore.gonames import message_go_names
from pipecd_cp_firestore.layout import NativeField

#: PipeCD's kinds (collection names) and the message each stores.
PIPECD_KINDS: Mapping[str, type[Message]] = MappingProxyType({
    "Application": application_pb2.Application,
    "Deployment": deployment_pb2.Deployment,
    "Command": command_pb2.Command,
    "Piped": piped_pb2.Piped,
    "Project": project_pb2.Project,
    "APIKey": apikey_pb2.APIKey,
    "Event": event_pb2.Event,
    "DeploymentChain": deployment_chain_pb2.DeploymentChain,
    "DeploymentTrace": deployment_trace_pb2.DeploymentTrace,
})

_T = FieldDescriptor
_INTS = {_T.TYPE_INT32, _T.TYPE_INT64, _T.TYPE_UINT32, _T.TYPE_UINT64, _T.TYPE_SINT32, _T.TYPE_SINT64,
         _T.TYPE_FIXED32, _T.TYPE_FIXED64, _T.TYPE_SFIXED32, _T.TYPE_SFIXED64, _T.TYPE_ENUM}


class _Scalar(enum.Enum):
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    STRING = "string"
    BYTES = "bytes"

    @property
    def zero(self) -> Any:
        """What the Go client writes for an unset field of this type."""
        return _ZEROS[self]


_ZEROS: Mapping[_Scalar, Any] = MappingProxyType({_Scalar.INT: 0, _Scalar.FLOAT: 0.0, _Scalar.BOOL: False,
                                                  _Scalar.STRING: "", _Scalar.BYTES: b""})


class _Shape(enum.Enum):
    SCALAR = "scalar"
    MESSAGE = "message"
    REPEATED = "repeated"
    MAP = "map"


@dataclass(eq=False)
class _Field:
    name: str
    go: str
    shape: _Shape
    scalar: _Scalar | None        # scalar type of the value (or of list items / map values)
    table: "_Table | None"        # message type of the value (or of list items / map values)
    presence: bool = False        # proto3 `optional` scalar: unset is null, not zero


@dataclass(eq=False)
class _Table:
    """One message type's fields by proto name and by Go name."""

    full_name: str
    fields: list[_Field] = field(default_factory=list)
    by_name: dict[str, _Field] = field(default_factory=dict)
    by_go: dict[str, _Field] = field(default_factory=dict)


def _scalar_of(fd: FieldDescriptor) -> _Scalar:
    if fd.type in _INTS:
        return _Scalar.INT
    if fd.type in (_T.TYPE_FLOAT, _T.TYPE_DOUBLE):
        return _Scalar.FLOAT
    if fd.type == _T.TYPE_BOOL:
        return _Scalar.BOOL
    if fd.type == _T.TYPE_BYTES:
        return _Scalar.BYTES
    return _Scalar.STRING


def _build_table(descriptor: Descriptor, registry: dict[str, _Table]) -> _Table:
    """The table of `descriptor`, built once per message type (recursive types share a table)."""
    existing = registry.get(descriptor.full_name)
    if existing is not None:
        return existing
    table = _Table(descriptor.full_name)
    registry[descriptor.full_name] = table
    go_names = message_go_names(descriptor)
    for fd in descriptor.fields:
        is_map = fd.type == _T.TYPE_MESSAGE and fd.message_type.GetOptions().map_entry
        if is_map:
            value = fd.message_type.fields_by_name["value"]
            sub = _build_table(value.message_type, registry) if value.type == _T.TYPE_MESSAGE else None
            f = _Field(fd.name, go_names[fd.name], _Shape.MAP, None if sub else _scalar_of(value), sub)
        elif fd.type == _T.TYPE_MESSAGE:
            shape = _Shape.REPEATED if fd.is_repeated else _Shape.MESSAGE
            f = _Field(fd.name, go_names[fd.name], shape, None, _build_table(fd.message_type, registry))
        elif fd.is_repeated:
            f = _Field(fd.name, go_names[fd.name], _Shape.REPEATED, _scalar_of(fd), None)
        else:
            # In Go a proto3 `optional` scalar is a pointer: nil (null) when unset.
            presence = fd.has_presence
            f = _Field(fd.name, go_names[fd.name], _Shape.SCALAR, _scalar_of(fd), None, presence)
        table.fields.append(f)
        table.by_name[f.name] = f
        table.by_go[f.go] = f
    return table


class ModelLayout:
    """The layout of one PipeCD kind; see the module docstring."""

    def __init__(self, kind: str, model: type[Message], registry: dict[str, _Table] | None = None) -> None:
        self.kind = kind
        self.model = model
        self._root = _build_table(model.DESCRIPTOR, {} if registry is None else registry)
        id_field = self._root.by_name.get(ID_FIELD)
        if id_field is None or id_field.scalar is not _Scalar.STRING:
            raise TypeError(f"{model.DESCRIPTOR.full_name} has no string id field")
        self._id_go = id_field.go
        self.id_field = NativeField((self._id_go,), nullable=False, zero="")

    # ------------------------------------------------------------------ documents
    def encode(self, id: str, doc: Document) -> dict[str, Any]:
        """PipeCD's stored form of `doc`; its `id` must be the key (it is filled in when missing)."""
        data = _encode_message(self._root, doc, "")
        stored_id = data.get(self._id_go)
        if not stored_id:
            data[self._id_go] = id
        elif stored_id != id:
            raise InvalidArgument(f"the document's id {stored_id!r} is not its key {id!r}", field="id")
        return data

    def decode(self, data: dict[str, Any]) -> Document:
        return _decode_message(self._root, data)

    # ------------------------------------------------------------------ field paths
    def field(self, path: str) -> NativeField:
        """Go field path of a host path; map keys are kept, unknown parts are kept as written."""
        if path == ID_FIELD:
            return self.id_field
        parts: list[str] = []
        table: _Table | None = self._root
        leaf: _Field | None = None
        in_map: _Field | None = None
        known = True
        for part in path.split("."):
            leaf = None
            if in_map is not None:  # this part is a map key
                parts.append(part)
                table = in_map.table
                if table is None:
                    leaf = in_map
                in_map = None
                continue
            f = table.by_name.get(part) if table is not None else None
            if f is None:
                parts.append(part)
                table, known = None, False
                continue
            parts.append(f.go)
            if f.shape is _Shape.SCALAR:
                leaf, table = f, None
            elif f.shape is _Shape.MESSAGE:
                table = f.table
            elif f.shape is _Shape.MAP:
                in_map, table = f, None
            else:
                table, known = None, False
        # Only a top-level, always-written scalar is present in every stored document: below a
        # message (null when unset), in a map or in a list, a document may lack the field.
        top_scalar = known and len(parts) == 1 and leaf is not None and not leaf.presence
        zero = None
        if leaf is not None and leaf.scalar is not None and leaf.scalar is not _Scalar.BYTES:
            zero = leaf.scalar.zero
        return NativeField(tuple(parts), nullable=not top_scalar, zero=zero)


# ----------------------------------------------------------------------------- encoding
def _bad(where: str, what: str) -> InvalidArgument:
    return InvalidArgument(f"expected {what}", field=where or "doc")


def _encode_message(table: _Table, doc: Any, where: str) -> dict[str, Any]:
    if not isinstance(doc, dict):
        raise _bad(where, "an object")
    out: dict[str, Any] = {}
    for f in table.fields:
        out[f.go] = _encode_field(f, doc.get(f.name), where)
    if len(doc) > len(out) or any(k not in table.by_name for k in doc):
        for key, value in doc.items():
            if key in table.by_name:
                continue
            if key in table.by_go:
                raise InvalidArgument(f"key {key!r} collides with the Go name of a field", field=where or "doc")
            out[key] = value  # a key this message does not know: kept as it is
    return out


def _encode_field(f: _Field, value: Any, where: str) -> Any:
    path = f"{where}.{f.name}" if where else f.name
    if f.shape is _Shape.SCALAR:
        if value is None:
            return None if f.presence else f.scalar.zero  # type: ignore[union-attr]
        return _encode_scalar(f.scalar, value, path)  # type: ignore[arg-type]
    if value is None:
        return None
    if f.shape is _Shape.MESSAGE:
        return _encode_message(f.table, value, path)  # type: ignore[arg-type]
    if f.shape is _Shape.REPEATED:
        if not isinstance(value, list):
            raise _bad(path, "an array")
        if not value:
            return None  # Go's nil slice
        if f.table is not None:
            return [_encode_message(f.table, v, f"{path}[{i}]") for i, v in enumerate(value)]
        return [_encode_scalar(f.scalar, v, f"{path}[{i}]") for i, v in enumerate(value)]  # type: ignore[arg-type]
    if not isinstance(value, dict):
        raise _bad(path, "an object")
    if not value:
        return None  # Go's nil map
    if f.table is not None:
        return {str(k): _encode_message(f.table, v, f"{path}.{k}") for k, v in value.items()}
    return {str(k): _encode_scalar(f.scalar, v, f"{path}.{k}") for k, v in value.items()}  # type: ignore[arg-type]


def _encode_scalar(kind: _Scalar, value: Any, path: str) -> Any:
    if kind is _Scalar.STRING:
        if isinstance(value, str):
            return value
        raise _bad(path, "a string")
    if kind is _Scalar.INT:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):  # lenient writers put 64-bit integers in strings
            try:
                return int(value)
            except ValueError:
                pass
        raise _bad(path, "an integer")
    if kind is _Scalar.BOOL:
        if isinstance(value, bool):
            return value
        raise _bad(path, "a boolean")
    if kind is _Scalar.FLOAT:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise _bad(path, "a number")
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            pass
    raise _bad(path, "base64 bytes")


# ----------------------------------------------------------------------------- decoding
def _decode_message(table: _Table, data: dict[str, Any]) -> Document:
    out: Document = {}
    for key, value in data.items():
        f = table.by_go.get(key)
        if f is None:
            out[key] = value  # not a field of this message: kept as it is
            continue
        if value is None:
            continue
        if f.shape is _Shape.SCALAR:
            decoded = _decode_scalar(f.scalar, value)  # type: ignore[arg-type]
            if f.presence or not _is_zero(decoded):
                out[f.name] = decoded
        elif f.shape is _Shape.MESSAGE:
            out[f.name] = _decode_message(f.table, value) if isinstance(value, dict) else value  # type: ignore[arg-type]
        elif f.shape is _Shape.REPEATED:
            if isinstance(value, list):
                if value:
                    out[f.name] = ([_decode_message(f.table, v) if isinstance(v, dict) else v for v in value]
                                   if f.table is not None else [_decode_scalar(f.scalar, v) for v in value])  # type: ignore[arg-type]
            else:
                out[f.name] = value
        elif isinstance(value, dict):
            if value:
                out[f.name] = ({k: _decode_message(f.table, v) if isinstance(v, dict) else v for k, v in value.items()}
                               if f.table is not None else {k: _decode_scalar(f.scalar, v) for k, v in value.items()})  # type: ignore[arg-type]
        else:
            out[f.name] = value
    return out


def _decode_scalar(kind: _Scalar, value: Any) -> Any:
    if kind is _Scalar.INT and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind is _Scalar.FLOAT and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind is _Scalar.BYTES and isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    return value


def _is_zero(value: Any) -> bool:
    # `False == 0` in Python, so an explicit type check keeps a stray bool in an int field.
    return value is False or value == "" or (type(value) in (int, float) and value == 0)
