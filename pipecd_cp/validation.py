"""Enforce the `(validate.rules)` field options declared in protos/.

PipeCD runs protoc-gen-validate's generated `Validate()` on every request and on every entity a
store writes; pipecd-cp reads the same rules from the descriptors and checks them generically.
A `Validator` compiles each message type once into a list of checks and reports the first
violation as `InvalidArgument` naming the field path (`deployment.stages[0].id`).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from pipecd_cp.errors import InvalidArgument
from pipecd_cp.proto.validate import validate_pb2

# (value, path) -> None; raises InvalidArgument.
Check = Callable[[Message, str], None]
_MESSAGE = FieldDescriptor.TYPE_MESSAGE


class Validator:
    """Validates messages against their declared rules; owns its compiled-rule cache."""

    def __init__(self) -> None:
        self._compiled: dict[str, list[Check]] = {}

    def validate(self, message: Message, path: str = "") -> None:
        """Raise `InvalidArgument` for the first rule `message` breaks, else return None."""
        for check in self._checks(message.DESCRIPTOR):
            check(message, path)

    def _checks(self, desc: Descriptor) -> list[Check]:
        checks = self._compiled.get(desc.full_name)
        if checks is None:
            checks = []
            self._compiled[desc.full_name] = checks  # placed first: recursive types terminate
            for field in desc.fields:
                checks.extend(self._field_checks(field))
        return checks

    def _field_checks(self, field: FieldDescriptor) -> Iterator[Check]:
        opts = field.GetOptions()
        rules = opts.Extensions[validate_pb2.rules] if opts.HasExtension(validate_pb2.rules) else None
        name = field.name
        is_map = field.message_type is not None and field.message_type.GetOptions().map_entry
        repeated = field.is_repeated

        if is_map:
            key_f, val_f = field.message_type.fields_by_name["key"], field.message_type.fields_by_name["value"]
            if rules is not None and rules.HasField("map"):
                yield _map_rules(name, rules.map, key_f, val_f)
            if val_f.type == _MESSAGE:
                yield self._nested_map(name)
            return
        if repeated:
            if rules is not None and rules.HasField("repeated"):
                yield _repeated_rules(name, rules.repeated, field)
            if field.type == _MESSAGE:
                yield self._nested_repeated(name)
            return
        if rules is not None:
            check = _scalar_check(rules, field)
            if check is not None:
                yield _on_field(name, check)
        if field.type == _MESSAGE:
            yield self._nested_singular(name)

    def _nested_singular(self, name: str) -> Check:
        def check(msg: Message, path: str) -> None:
            if msg.HasField(name):
                self.validate(getattr(msg, name), _join(path, name))
        return check

    def _nested_repeated(self, name: str) -> Check:
        def check(msg: Message, path: str) -> None:
            for i, item in enumerate(getattr(msg, name)):
                self.validate(item, f"{_join(path, name)}[{i}]")
        return check

    def _nested_map(self, name: str) -> Check:
        def check(msg: Message, path: str) -> None:
            for key, item in getattr(msg, name).items():
                self.validate(item, f"{_join(path, name)}[{key!r}]")
        return check


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _fail(path: str, reason: str) -> None:
    raise InvalidArgument(reason, field=path)


# A value check: (value, path, message-or-None) -> None.
ValueCheck = Callable[[Any, str, Message | None], None]


def _on_field(name: str, check: ValueCheck) -> Check:
    def run(msg: Message, path: str) -> None:
        check(getattr(msg, name), _join(path, name), msg)
    return run


def _scalar_check(rules: validate_pb2.FieldRules, field: FieldDescriptor) -> ValueCheck | None:
    """Checks for one value of `field` (a singular field, a list item, a map key or value)."""
    parts: list[ValueCheck] = []
    if rules.HasField("message") and rules.message.required:
        fname = field.name

        def required(_value: Any, path: str, msg: Message | None) -> None:
            if msg is not None and not msg.HasField(fname):
                _fail(path, "value is required")
        parts.append(required)
    if rules.HasField("string"):
        parts.extend(_string_checks(rules.string))
    if rules.HasField("int64"):
        r = rules.int64
        if r.HasField("gt"):
            gt = r.gt
            parts.append(lambda v, p, _m: None if v > gt else _fail(p, f"value must be greater than {gt}"))
        if r.HasField("gte"):
            gte = r.gte
            parts.append(lambda v, p, _m: None if v >= gte else _fail(p, f"value must be at least {gte}"))
    if rules.HasField("float") and rules.float.HasField("gt"):
        fgt = rules.float.gt
        parts.append(lambda v, p, _m: None if v > fgt else _fail(p, f"value must be greater than {fgt:g}"))
    if rules.HasField("enum"):
        parts.extend(_enum_checks(rules.enum, field))
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]

    def all_of(value: Any, path: str, msg: Message | None) -> None:
        for part in parts:
            part(value, path, msg)
    return all_of


def _string_checks(r: validate_pb2.StringRules) -> Iterator[ValueCheck]:
    if r.HasField("min_len"):
        n = r.min_len
        unit = "character" if n == 1 else "characters"
        yield lambda v, p, _m: None if len(v) >= n else _fail(p, f"value must be at least {n} {unit} long")
    if r.HasField("pattern"):
        rx = re.compile(r.pattern)
        pat = r.pattern
        yield lambda v, p, _m: None if rx.search(v) else _fail(p, f"value must match the pattern {pat!r}")
    if r.HasField("prefix"):
        prefix = r.prefix
        yield lambda v, p, _m: None if v.startswith(prefix) else _fail(p, f"value must start with {prefix!r}")
    if allowed_list := list(getattr(r, "in")):
        allowed = frozenset(allowed_list)
        shown = ", ".join(allowed_list)
        yield lambda v, p, _m: None if v in allowed else _fail(p, f"value must be one of {shown}")


def _enum_checks(r: validate_pb2.EnumRules, field: FieldDescriptor) -> Iterator[ValueCheck]:
    if r.defined_only and field.enum_type is not None:
        defined = frozenset(v.number for v in field.enum_type.values)
        ename = field.enum_type.name
        yield lambda v, p, _m: None if v in defined else _fail(p, f"value {v} is not a defined {ename}")
    if allowed_list := list(getattr(r, "in")):
        allowed = frozenset(allowed_list)
        enum = field.enum_type
        shown = ", ".join(enum.values_by_number[n].name if enum and n in enum.values_by_number else str(n)
                          for n in allowed_list)
        yield lambda v, p, _m: None if v in allowed else _fail(p, f"value must be one of {shown}")


def _repeated_rules(name: str, r: validate_pb2.RepeatedRules, field: FieldDescriptor) -> Check:
    lo = r.min_items if r.HasField("min_items") else None
    hi = r.max_items if r.HasField("max_items") else None
    item = _scalar_check(r.items, field) if r.HasField("items") else None

    def check(msg: Message, path: str) -> None:
        values = getattr(msg, name)
        fpath = _join(path, name)
        if lo is not None and len(values) < lo:
            _fail(fpath, f"must have at least {lo} item{'s' if lo != 1 else ''}")
        if hi is not None and len(values) > hi:
            _fail(fpath, f"must have at most {hi} items")
        if item is not None:
            for i, v in enumerate(values):
                item(v, f"{fpath}[{i}]", None)
    return check


def _map_rules(name: str, r: validate_pb2.MapRules, key_f: FieldDescriptor, val_f: FieldDescriptor) -> Check:
    lo = r.min_pairs if r.HasField("min_pairs") else None
    key_check = _scalar_check(r.keys, key_f) if r.HasField("keys") else None
    val_check = _scalar_check(r.values, val_f) if r.HasField("values") else None

    def check(msg: Message, path: str) -> None:
        values = getattr(msg, name)
        fpath = _join(path, name)
        if lo is not None and len(values) < lo:
            _fail(fpath, f"must have at least {lo} entr{'ies' if lo != 1 else 'y'}")
        for k, v in values.items():
            if key_check is not None:
                key_check(k, f"{fpath} key {k!r}", None)
            if val_check is not None:
                val_check(v, f"{fpath}[{k!r}]", None)
    return check
