"""The `Data` column: a document as PipeCD stores it, plus the keys PipeCD's layout needs.

On write we add `_extra` (the field PipeCD copies into its `Extra` column, per kind) and, only
when the document's own `id` is not its key, `_id` (the key, read by our `DocId` column; PipeCD's
documents always carry their key as `id`, so rows PipeCD wrote need no `_id`). On read both keys
are removed, so documents round-trip exactly. Documents may not use these two names themselves.
"""
from __future__ import annotations

import json
from typing import Any

from pipecd_cp.datastore.base import Document
from pipecd_cp.errors import Internal, InvalidArgument

EXTRA_KEY = "_extra"
KEY_KEY = "_id"
RESERVED = (EXTRA_KEY, KEY_KEY)

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def encode(id: str, doc: Document, extra_field: str | None) -> str:
    """The `Data` JSON text for document `doc` stored under `id`; InvalidArgument if it cannot be."""
    for key in RESERVED:
        if key in doc:
            raise InvalidArgument(f"the key {key!r} is reserved by the mysql datastore", field="doc")
    data = dict(doc)
    if extra_field is not None:
        value = doc.get(extra_field)
        data[EXTRA_KEY] = value if isinstance(value, str) else ""
    if doc.get("id") != id:
        data[KEY_KEY] = id
    try:
        return _encoder.encode(data)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"not a JSON document: {exc}", field="doc") from None


def decode(raw: Any) -> tuple[str, Document]:
    """`(key, document)` from a `Data` value, with the layout's own keys removed."""
    if isinstance(raw, (bytes, bytearray)):
        raw = raw.decode("utf-8")
    try:
        data = json.loads(raw)
    except (TypeError, ValueError) as exc:
        raise Internal(f"mysql: a stored document is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise Internal("mysql: a stored document is not a JSON object")
    key = data.pop(KEY_KEY, None)
    data.pop(EXTRA_KEY, None)
    if key is None:
        key = data.get("id")
    return ("" if key is None else str(key)), data
