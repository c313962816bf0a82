"""The layout of kinds that are not PipeCD's: the document as given, declared fields zero-filled.

Firestore never matches a missing field (`disabled == false` skips a document without
`disabled`, and an order on a field drops documents that lack it), while the datastore contract
says a missing field compares as its zero value. So each scalar field declared with `declare()`
is written with its zero value when the document lacks it (or holds null there), and the paths
filled are recorded in the document under `_pipecd_cp_zero` (missing) and `_pipecd_cp_null`
(explicit null) so that reads return exactly the document that was written. Those two keys are
reserved. Declare a kind's fields before writing it: documents written before a field was
declared are not filled in later.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipecd_cp.datastore.base import ID_FIELD, Document, FieldType, Scalar
from pipecd_cp.errors import InvalidArgument
from pipecd_cp_firestore.layout import NativeField

ZERO_KEY = "_pipecd_cp_zero"
NULL_KEY = "_pipecd_cp_null"
_ZERO: dict[FieldType, Scalar] = {FieldType.STRING: "", FieldType.INT: 0, FieldType.FLOAT: 0.0, FieldType.BOOL: False}


class PlainLayout:
    """Documents of a non-PipeCD kind; see the module docstring."""

    def __init__(self, kind: str, fields: Mapping[str, FieldType]) -> None:
        self.kind = kind
        # Only scalars are filled: a missing list never matches `contains` and is not ordered on.
        self._filled = {path: _ZERO[FieldType(t)] for path, t in fields.items() if FieldType(t) in _ZERO}
        self._fields: dict[str, NativeField] = {
            path: NativeField(tuple(path.split(".")), nullable=path not in self._filled, zero=self._filled.get(path))
            for path in fields}
        self.id_field = NativeField((), nullable=False, zero="", is_document_id=True)

    @property
    def filled_paths(self) -> tuple[str, ...]:
        return tuple(self._filled)

    def encode(self, id: str, doc: Document) -> dict[str, Any]:
        if ZERO_KEY in doc or NULL_KEY in doc:
            raise InvalidArgument(f"{ZERO_KEY!r} and {NULL_KEY!r} are reserved keys", field="doc")
        filler = _Filler(dict(doc))
        for path, zero in self._filled.items():
            filler.fill(path.split("."), zero)
        if filler.missing:
            filler.data[ZERO_KEY] = filler.missing
        if filler.nulls:
            filler.data[NULL_KEY] = filler.nulls
        return filler.data

    def decode(self, data: dict[str, Any]) -> Document:
        missing = data.pop(ZERO_KEY, None)
        nulls = data.pop(NULL_KEY, None)
        for path in missing or ():
            _unfill(data, path.split("."), delete=True)
        for path in nulls or ():
            _unfill(data, path.split("."), delete=False)
        return data

    def field(self, path: str) -> NativeField:
        if path == ID_FIELD:
            return self.id_field
        known = self._fields.get(path)
        if known is not None:
            return known
        return NativeField(tuple(path.split(".")), nullable=True)  # undeclared: documents may lack it


class _Filler:
    """Puts zero values into a shallow copy of a document, recording what it added.

    Objects on the way are copied before they are written to, so the caller's document is never
    changed. `missing` gets the shortest path that did not exist (reads delete it, and with it
    everything added below), `nulls` the paths that held null (reads put null back).
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.missing: list[str] = []
        self.nulls: list[str] = []
        self._ours: set[str] = set()     # objects this filler created or copied
        self._created: set[str] = set()  # objects this filler created (recorded already)

    def fill(self, parts: list[str], zero: Any) -> None:
        cur = self.data
        recorded = False
        for i, part in enumerate(parts):
            prefix = ".".join(parts[:i + 1])
            exists = part in cur
            value = cur.get(part)
            if i == len(parts) - 1:
                if value is None:
                    cur[part] = zero
                    if not recorded:
                        (self.nulls if exists else self.missing).append(prefix)
                return
            if prefix in self._created:
                recorded = True
            elif value is None:
                if not recorded:
                    (self.nulls if exists else self.missing).append(prefix)
                recorded = True
                cur[part] = {}
                self._created.add(prefix)
                self._ours.add(prefix)
            elif not isinstance(value, dict):
                return  # a scalar or a list on the way: the path cannot exist, nothing to fill
            elif prefix not in self._ours:
                cur[part] = dict(value)
                self._ours.add(prefix)
            cur = cur[part]


def _unfill(data: dict[str, Any], parts: list[str], *, delete: bool) -> None:
    cur: Any = data
    for part in parts[:-1]:
        cur = cur.get(part) if isinstance(cur, dict) else None
        if cur is None:
            return
    if isinstance(cur, dict):
        if delete:
            cur.pop(parts[-1], None)
        else:
            cur[parts[-1]] = None
