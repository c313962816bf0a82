"""Row ids are PipeCD's: UUID_TO_BIN(id, swap=1), with uuid5(NAMESPACE_OID, id) for non-UUID ids."""
from __future__ import annotations

import hashlib
import uuid

import pytest

from pipecd_cp_mysql.ids import parse_go_uuid, row_id, row_uuid, swap, unswap


def test_swap_matches_mysqls_documented_example() -> None:
    # MySQL's manual: UUID_TO_BIN('6ccd780c-baba-1026-9564-5b8c656024db', 1)
    assert row_id("6ccd780c-baba-1026-9564-5b8c656024db").hex().upper() == "1026BABA6CCD780C95645B8C656024DB"


def test_unswap_inverts_swap() -> None:
    u = uuid.uuid4()
    assert unswap(swap(u)) == u
    with pytest.raises(ValueError):
        unswap(b"short")


def _uuid5_by_hand(name: str) -> uuid.UUID:
    # RFC 4122 section 4.3, written out: SHA-1 over namespace bytes + name, version 5, RFC variant.
    digest = bytearray(hashlib.sha1(uuid.NAMESPACE_OID.bytes + name.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    return uuid.UUID(bytes=bytes(digest))


@pytest.mark.parametrize("name", ["quickstart", "プロジェクト-1", "a.b_c", "x" * 256])
def test_non_uuid_ids_become_uuid5_in_the_oid_namespace(name: str) -> None:
    assert row_uuid(name) == _uuid5_by_hand(name)
    assert row_id(name) == swap(_uuid5_by_hand(name))


def test_the_forms_gos_uuid_parse_accepts() -> None:
    u = uuid.UUID("9b2e7e3c-1a4f-4c0e-9a55-2f6f0a6f1d1e")
    for text in ("9b2e7e3c-1a4f-4c0e-9a55-2f6f0a6f1d1e", "9B2E7E3C-1A4F-4C0E-9A55-2F6F0A6F1D1E",
                 "{9b2e7e3c-1a4f-4c0e-9a55-2f6f0a6f1d1e}", "urn:uuid:9b2e7e3c-1a4f-4c0e-9a55-2f6f0a6f1d1e",
                 "URN:UUID:9b2e7e3c-1a4f-4c0e-9a55-2f6f0a6f1d1e", "9b2e7e3c1a4f4c0e9a552f6f0a6f1d1e"):
        assert parse_go_uuid(text) == u, text
        assert row_uuid(text) == u


@pytest.mark.parametrize("text", ["", "9b2e7e3c-1a4f-4c0e-9a55-2f6f0a6f1d1", "9b2e7e3c_1a4f_4c0e_9a55_2f6f0a6f1d1e",
                                  "9b2e7e3c-1a4f-4c0e-9a55-2f6f0a6f1d1g", "(9b2e7e3c-1a4f-4c0e-9a55-2f6f0a6f1d1e)",
                                  "urn:uuix:9b2e7e3c-1a4f-4c0e-9a55-2f6f0a6f1d1e", "9b2e7e3c1a4f4c0e9a552f6f0a6f1d1z",
                                  "9b2e7e3c-1a4f4c0e-9a55-2f6f0a6f1d1e-"])
def test_what_go_rejects_is_hashed(text: str) -> None:
    assert parse_go_uuid(text) is None
    assert row_uuid(text) == _uuid5_by_hand(text)
