from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
RULES_FIELD_NUMBER: _ClassVar[int]
rules: _descriptor.FieldDescriptor

class FieldRules(_message.Message):
    __slots__ = ("message", "string", "int64", "float", "enum", "repeated", "map")
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    STRING_FIELD_NUMBER: _ClassVar[int]
    INT64_FIELD_NUMBER: _ClassVar[int]
    FLOAT_FIELD_NUMBER: _ClassVar[int]
    ENUM_FIELD_NUMBER: _ClassVar[int]
    REPEATED_FIELD_NUMBER: _ClassVar[int]
    MAP_FIELD_NUMBER: _ClassVar[int]
    message: MessageRules
    string: StringRules
    int64: Int64Rules
    float: FloatRules
    enum: EnumRules
    repeated: RepeatedRules
    map: MapRules
    def __init__(self, message: _Optional[_Union[MessageRules, _Mapping]] = ..., string: _Optional[_Union[StringRules, _Mapping]] = ..., int64: _Optional[_Union[Int64Rules, _Mapping]] = ..., float: _Optional[_Union[FloatRules, _Mapping]] = ..., enum: _Optional[_Union[EnumRules, _Mapping]] = ..., repeated: _Optional[_Union[RepeatedRules, _Mapping]] = ..., map: _Optional[_Union[MapRules, _Mapping]] = ...) -> None: ...

class MessageRules(_message.Message):
    __slots__ = ("required",)
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    required: bool
    def __init__(self, required: _Optional[bool] = ...) -> None: ...

class StringRules(_message.Message):
    __slots__ = ("min_len", "pattern", "prefix")
    MIN_LEN_FIELD_NUMBER: _ClassVar[int]
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    PREFIX_FIELD_NUMBER: _ClassVar[int]
    IN_FIELD_NUMBER: _ClassVar[int]
    min_len: int
    pattern: str
    prefix: str
    def __init__(self, min_len: _Optional[int] = ..., pattern: _Optional[str] = ..., prefix: _Optional[str] = ..., **kwargs) -> None: ...

class Int64Rules(_message.Message):
    __slots__ = ("gt", "gte")
    GT_FIELD_NUMBER: _ClassVar[int]
    GTE_FIELD_NUMBER: _ClassVar[int]
    gt: int
    gte: int
    def __init__(self, gt: _Optional[int] = ..., gte: _Optional[int] = ...) -> None: ...

class FloatRules(_message.Message):
    __slots__ = ("gt",)
    GT_FIELD_NUMBER: _ClassVar[int]
    gt: float
    def __init__(self, gt: _Optional[float] = ...) -> None: ...

class EnumRules(_message.Message):
    __slots__ = ("defined_only",)
    DEFINED_ONLY_FIELD_NUMBER: _ClassVar[int]
    IN_FIELD_NUMBER: _ClassVar[int]
    defined_only: bool
    def __init__(self, defined_only: _Optional[bool] = ..., **kwargs) -> None: ...

class RepeatedRules(_message.Message):
    __slots__ = ("min_items", "max_items", "items")
    MIN_ITEMS_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    min_items: int
    max_items: int
    items: FieldRules
    def __init__(self, min_items: _Optional[int] = ..., max_items: _Optional[int] = ..., items: _Optional[_Union[FieldRules, _Mapping]] = ...) -> None: ...

class MapRules(_message.Message):
    __slots__ = ("min_pairs", "keys", "values")
    MIN_PAIRS_FIELD_NUMBER: _ClassVar[int]
    KEYS_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    min_pairs: int
    keys: FieldRules
    values: FieldRules
    def __init__(self, min_pairs: _Optional[int] = ..., keys: _Optional[_Union[FieldRules, _Mapping]] = ..., values: _Optional[_Union[FieldRules, _Mapping]] = ...) -> None: ...
