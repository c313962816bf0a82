"""Row ids: how PipeCD turns a document id into its `Id BINARY(16)` primary key.

PipeCD keeps every entity under `UUID_TO_BIN(id, true)`. An id that Go's `uuid.Parse` rejects
(a project id such as `quickstart`) is first replaced by the UUIDv5 of the string in the OID
namespace. The swap flag moves the time-high and time-mid groups in front of time-low, so
time-ordered UUIDs (v1) cluster in the index. We compute the same bytes in Python so the SQL
never needs `UUID_TO_BIN` (which MariaDB lacks).
"""
from __future__ import annotations

import uuid

_HEX = frozenset("0123456789abcdefABCDEF")
_DASHES = (8, 13, 18, 23)


def parse_go_uuid(text: str) -> uuid.UUID | None:
    """The UUID that Go's `github.com/google/uuid.Parse` reads from `text`, or None if it rejects it.

    Accepted, as in Go: `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (any hex case), the same inside
    `{}` or after `urn:uuid:` (prefix case-insensitive), and 32 hex digits without dashes.
    """
    n = len(text)
    if n == 45:
        if text[:9].lower() != "urn:uuid:":
            return None
        text = text[9:]
    elif n == 38:
        if text[0] != "{" or text[-1] != "}":
            return None
        text = text[1:-1]
    elif n == 32:
        return uuid.UUID(hex=text) if all(c in _HEX for c in text) else None
    elif n != 36:
        return None
    if any(text[i] != "-" for i in _DASHES):
        return None
    digits = text.replace("-", "")
    if len(digits) != 32 or not all(c in _HEX for c in digits):
        return None
    return uuid.UUID(hex=digits)


def row_uuid(id: str) -> uuid.UUID:
    """The UUID PipeCD stores for document `id` (`makeRowID`)."""
    parsed = parse_go_uuid(id)
    return parsed if parsed is not None else uuid.uuid5(uuid.NAMESPACE_OID, id)


def swap(u: uuid.UUID) -> bytes:
    """`UUID_TO_BIN(u, 1)`: time-high, time-mid, time-low, then the last 8 bytes unchanged."""
    b = u.bytes
    return b[6:8] + b[4:6] + b[0:4] + b[8:16]


def unswap(b: bytes) -> uuid.UUID:
    """`BIN_TO_UUID(b, 1)`, the inverse of `swap`."""
    if len(b) != 16:
        raise ValueError("a row id is 16 bytes")
    return uuid.UUID(bytes=b[4:8] + b[2:4] + b[0:2] + b[8:16])


def row_id(id: str) -> bytes:
    """The `Id BINARY(16)` value of document `id`, exactly as PipeCD computes it."""
    return swap(row_uuid(id))
