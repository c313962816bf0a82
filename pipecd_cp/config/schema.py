"""Decode YAML nodes into dataclasses the way Go's encoding/json decodes PipeCD's config.

- Keys match field names case-insensitively (`InsightCollector` = `insightCollector`).
- Unknown keys are errors, except in classes marked `lenient` (their unknown keys are reported as
  warnings), mirroring PipeCD's `DisallowUnknownFields` and its lenient store blocks.
- Scalars must have the field's type; a number is accepted where a string is expected.
- `null` leaves the default.
Every error is a `ConfigError` with file, line and dotted field path.
"""
from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, Union

import yaml

from pipecd_cp.config.durations import parse_duration
from pipecd_cp.config.source import Source, line_of
from pipecd_cp.errors import ConfigError

T = TypeVar("T")
Decoder = Callable[["Decoding", yaml.Node, str], Any]


class Seconds(float):
    """A duration in seconds, written in config as a Go duration ("5m") or nanoseconds."""


def setting(default: Any = dataclasses.MISSING, *, key: str | None = None, decode: Decoder | None = None,
            default_factory: Any = dataclasses.MISSING, doc: str = "") -> Any:
    """A dataclass field readable from config under `key` (default: the camelCase field name)."""
    meta = {"key": key, "decode": decode, "doc": doc}
    if default_factory is not dataclasses.MISSING:
        return field(default_factory=default_factory, metadata=meta)
    return field(default=default, metadata=meta)


def lenient(cls: type[T]) -> type[T]:
    """Mark a config class whose unknown keys are ignored (with a warning) instead of rejected."""
    cls.__config_lenient__ = True  # type: ignore[attr-defined]
    return cls


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


@dataclass
class RawBlock:
    """A config block handed to a plugin as plain values, able to locate its keys for errors."""

    value: dict[str, Any] = field(default_factory=dict)
    node: yaml.Node | None = field(default=None, repr=False, compare=False)
    path: str = ""
    file: str | None = field(default=None, compare=False)

    def locate(self, err: ConfigError) -> ConfigError:
        """Fill in the file, the line and the full path for an error a plugin raised on this block."""
        line = line_of(self.node)
        node = self.node
        for part in re.split(r"\.|\[(\d+)\]", err.field or ""):
            if not part or node is None:
                continue
            if isinstance(node, yaml.MappingNode):
                match = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)
                              and k.value.lower() == part.lower()), None)
                node = match[1] if match else None
                line = line_of(match[0]) if match else line
            elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
                node = node.value[int(part)]
                line = line_of(node)
            else:
                node = None
        return err.located(file=self.file, line=line, field_prefix=self.path)


class Decoding:
    """One decoding run over a `Source`; collects warnings."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.warnings: list[str] = []

    def fail(self, node: yaml.Node | None, path: str, reason: str) -> ConfigError:
        return ConfigError(reason, field=path or None, file=self.source.file, line=line_of(node))

    def decode(self, node: yaml.Node | None, typ: Any, path: str) -> Any:
        if node is None or _is_null(node):
            return None
        origin = typing.get_origin(typ)
        if origin in (Union, types.UnionType):
            inner = [a for a in typing.get_args(typ) if a is not type(None)]
            return self.decode(node, inner[0], path)
        if typ is RawBlock:
            if not isinstance(node, yaml.MappingNode):
                raise self.fail(node, path, "must be a mapping")
            return RawBlock(self.source.value(node), node, path, self.source.file)
        if dataclasses.is_dataclass(typ):
            return self.decode_object(node, typ, path)
        if origin is list:
            if not isinstance(node, yaml.SequenceNode):
                raise self.fail(node, path, "must be a list")
            (item,) = typing.get_args(typ)
            return [self.decode(n, item, f"{path}[{i}]") for i, n in enumerate(node.value)]
        if origin is dict:
            if not isinstance(node, yaml.MappingNode):
                raise self.fail(node, path, "must be a mapping")
            _, vt = typing.get_args(typ)
            return {str(self.source.value(k)): self.decode(v, vt, f"{path}.{k.value}") for k, v in node.value}
        return self.decode_scalar(node, typ, path)

    def decode_scalar(self, node: yaml.Node, typ: Any, path: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, path, f"must be {_describe(typ)}")
        value = self.source.value(node)
        if typ is Seconds:
            try:
                return Seconds(parse_duration(value))
            except ValueError as exc:
                raise self.fail(node, path, str(exc)) from None
        if typ is bool:
            if not isinstance(value, bool):
                raise self.fail(node, path, f"must be true or false, not {node.value!r}")
            return value
        if typ is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise self.fail(node, path, f"must be an integer, not {node.value!r}")
            return value
        if typ is float:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self.fail(node, path, f"must be a number, not {node.value!r}")
            return float(value)
        if typ is str:
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise self.fail(node, path, f"must be a string, not {node.value!r}")
            return value if isinstance(value, str) else node.value
        if typ is Any:
            return value
        raise TypeError(f"unsupported config type {typ!r}")

    def decode_object(self, node: yaml.Node, cls: type[T], path: str) -> T:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, path, "must be a mapping")
        hints = typing.get_type_hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls) if f.init}  # type: ignore[arg-type]
        by_key = {(f.metadata.get("key") or camel(f.name)).lower(): f for f in fields.values()}
        values: dict[str, Any] = {}
        for knode, vnode in node.value:
            key = str(self.source.value(knode))
            f = by_key.get(key.lower())
            fpath = f"{path}.{key}" if path else key
            if f is None:
                if getattr(cls, "__config_lenient__", False):
                    self.warnings.append(f"{self.source.file}:{line_of(knode)}: {fpath}: unknown key ignored")
                    continue
                known = ", ".join(sorted(f.metadata.get("key") or camel(f.name) for f in fields.values()))
                raise self.fail(knode, fpath, f"unknown key (known keys: {known})")
            decode = f.metadata.get("decode")
            value = decode(self, vnode, fpath) if decode else self.decode(vnode, hints[f.name], fpath)
            if value is not None:
                values[f.name] = value
        try:
            obj = cls(**values)
        except TypeError:
            missing = [camel(n) for n, f in fields.items() if n not in values
                       and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
            raise self.fail(node, path, f"missing required key {missing[0] if missing else '?'}") from None
        check = getattr(obj, "check", None)
        if callable(check):
            try:
                check()
            except ConfigError as err:
                raise err.located(file=self.source.file, line=line_of(node), field_prefix=path or None) from None
        return obj


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _describe(typ: Any) -> str:
    if typ is Seconds:
        return "a duration"
    return {bool: "true or false", int: "an integer", float: "a number", str: "a string"}.get(typ, "a value")


def mapping_keys(node: yaml.Node) -> Mapping[str, yaml.Node]:
    """Keys of a mapping node, lower-cased, to their value nodes."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value).lower(): v for k, v in node.value}
