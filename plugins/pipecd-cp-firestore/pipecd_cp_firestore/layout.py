"""How one kind's documents are laid out in Firestore: the contract both layouts implement.

A layout converts the host's documents (snake_case keys, zero values omitted) to the data stored
in Firestore and back, and maps the host's dotted field paths to Firestore field paths. Two
layouts exist: `pipecd_layout.ModelLayout` for PipeCD's kinds (Go field names, zero values
written, as PipeCD's Go code writes them) and `plain_layout.PlainLayout` for every other kind
(the document as given, with the declared fields zero-filled).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from google.cloud.firestore_v1.field_path import FieldPath

from pipecd_cp.datastore.base import Document, Scalar
from pipecd_cp.errors import InvalidArgument

DOCUMENT_ID = "__name__"
_RESERVED_ID = re.compile(r"^__.*__$")


@dataclass(frozen=True, slots=True)
class NativeField:
    """Where a host field path lives in stored Firestore data.

    `nullable` is true when a stored document may lack the field or hold null there (so a
    Firestore filter or order on it would skip documents the host contract must see); otherwise
    every stored document holds a value, and `zero` is what it holds for a host document that
    omits the field. `is_document_id` means the path is the document id itself (`__name__`).
    """

    parts: tuple[str, ...]
    nullable: bool
    zero: Scalar = None
    is_document_id: bool = False

    @property
    def path(self) -> str:
        """The field path as the Firestore client spells it (quoted where needed)."""
        if self.is_document_id:
            return DOCUMENT_ID
        return FieldPath(*self.parts).to_api_repr()

    def stored(self, value: Scalar) -> Scalar:
        """A host-side value (from a cursor) as stored: None becomes the stored zero."""
        if value is None and not self.nullable:
            return self.zero
        return value

    def read(self, data: dict[str, Any]) -> Any:
        """The stored value at this path in Firestore data (None when missing)."""
        cur: Any = data
        for part in self.parts:
            if not isinstance(cur, dict):
                return None
            cur = cur.get(part)
        return cur


class Layout(Protocol):
    """Converts one kind's documents and field paths; see the module docstring."""

    kind: str

    def encode(self, id: str, doc: Document) -> dict[str, Any]:
        """The Firestore data to store for host document `doc` (never mutates `doc`)."""

    def decode(self, data: dict[str, Any]) -> Document:
        """The host document for stored Firestore data (may reuse `data`'s objects)."""

    def field(self, path: str) -> NativeField:
        """Where the host's dotted `path` lives (`id` is the primary key)."""


def check_document_id(id: str) -> str:
    """Refuse ids Firestore cannot hold as a document id (PipeCD's ids never are)."""
    if not valid_document_id(id):
        raise InvalidArgument("a Firestore document id cannot contain '/', be '.' or '..', match __*__ "
                              "or exceed 1500 bytes", field="id")
    return id


def valid_document_id(id: object) -> bool:
    return (isinstance(id, str) and bool(id) and "/" not in id and id not in (".", "..")
            and not _RESERVED_ID.match(id) and len(id.encode()) <= 1500)

