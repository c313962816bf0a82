"""Go struct field names of protobuf messages, as protoc-gen-go generates them.

PipeCD writes entities to Firestore with the Go client, which names each map key after the Go
struct field (`project_id` -> `ProjectId`, `keyValues` -> `KeyValues`, `metadata_v2` ->
`MetadataV2`). This module reproduces protoc-gen-go's `GoCamelCase` and its conflict rule, so
the names match PipeCD's documents exactly.
"""
from __future__ import annotations

from collections.abc import Sequence

from google.protobuf.descriptor import Descriptor

# Methods every generated message has: a field whose name collides gets a trailing "_".
_GENERATED = ("Reset", "String", "ProtoMessage", "Marshal", "Unmarshal", "ExtensionRangeArray",
              "ExtensionMap", "Descriptor")


def go_camel_case(name: str) -> str:
    """protoc-gen-go's `GoCamelCase` of one proto identifier (`sync_state` -> `SyncState`)."""
    out: list[str] = []
    i, n = 0, len(name)
    while i < n:
        c = name[i]
        if c == "." and i + 1 < n and "a" <= name[i + 1] <= "z":
            pass  # ".x" joins words
        elif c == ".":
            out.append("_")
        elif c == "_" and (i == 0 or name[i - 1] == "."):
            out.append("X")  # a leading "_" becomes "X" so the name stays exported
        elif c == "_" and i + 1 < n and "a" <= name[i + 1] <= "z":
            pass  # "_x" starts a new word: drop the "_", the letter is upper-cased below
        elif "0" <= c <= "9":
            out.append(c)
        else:
            out.append(c.upper() if "a" <= c <= "z" else c)
            while i + 1 < n and "a" <= name[i + 1] <= "z":
                i += 1
                out.append(name[i])
        i += 1
    return "".join(out)


def go_field_names(field_names: Sequence[str]) -> list[str]:
    """The Go names of a message's fields, in declaration order, conflicts resolved as protoc-gen-go does."""
    used: dict[str, bool] = {name: True for name in _GENERATED}
    out = []
    for proto_name in field_names:
        name = go_camel_case(proto_name)
        while used.get(name) or used.get("Get" + name):
            name += "_"
        used[name] = True
        used["Get" + name] = True
        out.append(name)
    return out


def message_go_names(descriptor: Descriptor) -> dict[str, str]:
    """Proto field name -> Go field name for one message."""
    names = [f.name for f in descriptor.fields]
    return dict(zip(names, go_field_names(names)))
