"""PipeCD's JSON document encoding of model messages.

PipeCD stores entities as Go `encoding/json` of the protoc-gen-go structs (its MySQL `Data`
column): keys are the proto field names as written, zero values are omitted (`omitempty`), enums
and 64-bit integers are JSON numbers, bytes are standard base64, and a set message field is an
object even when empty. `to_document` produces exactly that; `from_document` reads it back and
ignores keys it does not know (such as MySQL's `_extra`).
"""
from __future__ import annotations

import base64
from typing import Any, TypeVar

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from pipecd_cp.errors import InvalidArgument

Document = dict[str, Any]
M = TypeVar("M", bound=Message)

_T = FieldDescriptor
_INTS = {_T.TYPE_INT32, _T.TYPE_INT64, _T.TYPE_UINT32, _T.TYPE_UINT64, _T.TYPE_SINT32, _T.TYPE_SINT64,
         _T.TYPE_FIXED32, _T.TYPE_FIXED64, _T.TYPE_SFIXED32, _T.TYPE_SFIXED64, _T.TYPE_ENUM}
_FLOATS = {_T.TYPE_FLOAT, _T.TYPE_DOUBLE}


def to_document(message: Message) -> Document:
    """Encode `message` as PipeCD's JSON document (a dict ready for `json.dumps`)."""
    doc: Document = {}
    for field, value in message.ListFields():
        if _is_map(field):
            vf = field.message_type.fields_by_name["value"]
            doc[field.name] = {str(k): _encode_value(vf, v) for k, v in value.items()}
        elif field.is_repeated:
            doc[field.name] = [_encode_value(field, v) for v in value]
        else:
            doc[field.name] = _encode_value(field, value)
    return doc


def _encode_value(field: FieldDescriptor, value: Any) -> Any:
    if field.type == _T.TYPE_MESSAGE:
        return to_document(value)
    if field.type == _T.TYPE_BYTES:
        return base64.b64encode(value).decode("ascii")
    return value


def from_document(doc: Document, cls: type[M]) -> M:
    """Decode a PipeCD JSON document into a new `cls`; raises InvalidArgument on bad types."""
    message = cls()
    merge_document(doc, message)
    return message


def merge_document(doc: Document, message: Message, path: str = "") -> None:
    """Merge the fields of `doc` into `message` (unknown keys are ignored)."""
    if not isinstance(doc, dict):
        raise InvalidArgument("expected an object", field=path or message.DESCRIPTOR.name)
    fields = message.DESCRIPTOR.fields_by_name
    for key, value in doc.items():
        field = fields.get(key)
        if field is None or value is None:
            continue
        fpath = f"{path}.{key}" if path else key
        if _is_map(field):
            target = getattr(message, key)
            kf = field.message_type.fields_by_name["key"]
            vf = field.message_type.fields_by_name["value"]
            if not isinstance(value, dict):
                raise InvalidArgument("expected an object", field=fpath)
            for k, v in value.items():
                mk = _decode_scalar(kf, k, fpath) if kf.type != _T.TYPE_STRING else k
                if vf.type == _T.TYPE_MESSAGE:
                    merge_document(v, target[mk], f"{fpath}.{k}")
                else:
                    target[mk] = _decode_scalar(vf, v, f"{fpath}.{k}")
        elif field.is_repeated:
            if not isinstance(value, list):
                raise InvalidArgument("expected an array", field=fpath)
            target = getattr(message, key)
            for i, v in enumerate(value):
                if field.type == _T.TYPE_MESSAGE:
                    merge_document(v, target.add(), f"{fpath}[{i}]")
                else:
                    target.append(_decode_scalar(field, v, f"{fpath}[{i}]"))
        elif field.type == _T.TYPE_MESSAGE:
            sub = getattr(message, key)
            sub.SetInParent()
            merge_document(value, sub, fpath)
        else:
            setattr(message, key, _decode_scalar(field, value, fpath))


def _decode_scalar(field: FieldDescriptor, value: Any, path: str) -> Any:
    t = field.type
    try:
        if t in _INTS:
            if isinstance(value, bool):
                raise TypeError
            if isinstance(value, float) and value.is_integer():
                return int(value)
            return int(value)  # numbers, or numeric strings from lenient writers
        if t in _FLOATS:
            return float(value)
        if t == _T.TYPE_BOOL:
            if not isinstance(value, bool):
                raise TypeError
            return value
        if t == _T.TYPE_STRING:
            if not isinstance(value, str):
                raise TypeError
            return value
        if t == _T.TYPE_BYTES:
            return base64.b64decode(value, validate=True)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"bad value for a {_type_name(field)} field", field=path) from exc
    raise InvalidArgument(f"unsupported field type {t}", field=path)


def _type_name(field: FieldDescriptor) -> str:
    names = {_T.TYPE_BOOL: "bool", _T.TYPE_STRING: "string", _T.TYPE_BYTES: "bytes", _T.TYPE_ENUM: "enum"}
    return names.get(field.type, "number")


def _is_map(field: FieldDescriptor) -> bool:
    return field.type == _T.TYPE_MESSAGE and field.message_type.GetOptions().map_entry
