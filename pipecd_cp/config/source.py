"""YAML documents that remember where each value came from.

`read_yaml` returns the composed node tree; `Located` values carry the line of every key, so a
decoding error can name the file, the line and the field.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from pipecd_cp.errors import ConfigError


@dataclass
class Source:
    """A parsed YAML document: its file name, root node and a constructor for plain values."""

    file: str
    root: yaml.Node | None
    _loader: yaml.SafeLoader = field(repr=False)

    def value(self, node: yaml.Node) -> Any:
        """The plain Python value of a node (dicts, lists, scalars)."""
        return self._loader.construct_object(node, deep=True)


def line_of(node: yaml.Node | None) -> int | None:
    return None if node is None else node.start_mark.line + 1


def read_yaml(text: str, file: str) -> Source:
    """Compose one YAML document; `ConfigError` with the line for a syntax error."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        _reject_duplicate_keys(root, file)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = (exc.problem or exc.context or "invalid YAML").strip()
        raise ConfigError(f"invalid YAML: {reason}", file=file,
                          line=None if mark is None else mark.line + 1) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", file=file) from None
    return Source(file, root, loader)


def _reject_duplicate_keys(node: yaml.Node | None, file: str) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode):
                if k.value in seen:
                    raise ConfigError(f"duplicate key {k.value!r} (first on line {seen[k.value]})",
                                      file=file, line=line_of(k))
                seen[k.value] = line_of(k) or 0
            _reject_duplicate_keys(v, file)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _reject_duplicate_keys(item, file)
