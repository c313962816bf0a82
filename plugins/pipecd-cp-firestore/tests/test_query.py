"""Queries Firestore cannot run as asked: the driver splits them and still answers exactly."""
from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Any

import pytest

import pipecd_cp_firestore.store as fs_store
from pipecd_cp.datastore.base import FieldType, Filter, KindSchema, Op, Order, Query
from pipecd_cp.errors import InvalidArgument, NotFound, Unavailable
from pipecd_cp.testing import driver_context
from pipecd_cp_firestore.store import EMULATOR_ENV, FirestoreDataStore

FIELDS = {"n": FieldType.INT, "m": FieldType.INT, "name": FieldType.STRING, "tags": FieldType.LIST,
          "flag": FieldType.BOOL}


@pytest.fixture
async def docs(store: FirestoreDataStore) -> tuple[FirestoreDataStore, str, dict[str, dict]]:
    kind = f"Q{secrets.token_hex(4)}"
    await store.declare(KindSchema(kind, FIELDS))
    docs = {}
    for i in range(60):
        doc: dict[str, Any] = {"id": f"d{i:02d}", "n": i % 7, "m": i % 5, "tags": [f"t{i % 3}", f"u{i % 4}"]}
        if i % 2:
            doc["name"] = f"name{i % 6}"
        if i % 10 == 0:
            doc["extra"] = i  # an undeclared field, on some documents only
        docs[doc["id"]] = doc
    await asyncio.gather(*(store.create(kind, i, d) for i, d in docs.items()))
    return store, kind, docs


async def _all(ds: FirestoreDataStore, kind: str, filters: list[Filter], orders: list[Order] = (),  # type: ignore[assignment]
               limit: int = 0) -> list[str]:
    out, cursor = [], ""
    for _ in range(1000):
        page = await ds.find(kind, Query(filters, list(orders), limit, cursor))
        out += [d["id"] for d in page.items]
        if not limit or not page.items:
            return out
        assert len(page.items) <= limit
        cursor = page.cursor
    raise AssertionError("paging did not end")


def _want(docs: dict[str, dict], keep: Any, key: Any = None, reverse: bool = False) -> list[str]:
    ids = [i for i, d in sorted(docs.items()) if keep(d)]
    if key is not None:
        ids.sort(key=lambda i: (key(docs[i]), i) if not reverse else (-key(docs[i]), i))
    return ids


@pytest.mark.parametrize("limit", [0, 7])
async def test_filters_beyond_firestores_limits(docs: Any, limit: int) -> None:
    ds, kind, d = docs
    # two != (Firestore allows one per query)
    got = await _all(ds, kind, [Filter("n", Op.NE, 3), Filter("m", Op.NE, 1)], limit=limit)
    assert got == _want(d, lambda x: x["n"] != 3 and x["m"] != 1)
    # in with more than 30 values, not in with more than 10, and both together
    got = await _all(ds, kind, [Filter("id", Op.IN, [f"d{i:02d}" for i in range(0, 60, 2)] + ["zz"] * 5)], limit=limit)
    assert got == _want(d, lambda x: int(x["id"][1:]) % 2 == 0)
    got = await _all(ds, kind, [Filter("id", Op.IN, [f"d{i:02d}" for i in range(59, 0, -2)] + ["d00", "a/b"]),
                                Filter("n", Op.LT, 3)], [Order("m", descending=True)], limit=limit)
    assert got == _want(d, lambda x: (int(x["id"][1:]) % 2 == 1 or x["id"] == "d00") and x["n"] < 3,
                        key=lambda x: x["m"], reverse=True)
    got = await _all(ds, kind, [Filter("n", Op.NOT_IN, list(range(2, 14)))], limit=limit)
    assert got == _want(d, lambda x: x["n"] in (0, 1))
    got = await _all(ds, kind, [Filter("n", Op.IN, [1, 2]), Filter("m", Op.NOT_IN, [0])], limit=limit)
    assert got == _want(d, lambda x: x["n"] in (1, 2) and x["m"] != 0)
    # two array-contains
    got = await _all(ds, kind, [Filter("tags", Op.CONTAINS, "t1"), Filter("tags", Op.CONTAINS, "u2")], limit=limit)
    assert got == _want(d, lambda x: "t1" in x["tags"] and "u2" in x["tags"])


@pytest.mark.parametrize("limit", [0, 4])
async def test_inequalities_on_a_field_other_than_the_first_order(docs: Any, limit: int) -> None:
    ds, kind, d = docs
    got = await _all(ds, kind, [Filter("n", Op.GT, 4)], [Order("m", descending=True)], limit=limit)
    assert got == _want(d, lambda x: x["n"] > 4, key=lambda x: x["m"], reverse=True)
    got = await _all(ds, kind, [Filter("n", Op.GTE, 2), Filter("m", Op.LT, 2), Filter("name", Op.NE, "")],
                     [Order("n")], limit=limit)
    assert got == _want(d, lambda x: x["n"] >= 2 and x["m"] < 2 and x.get("name"), key=lambda x: x["n"])


@pytest.mark.parametrize("limit", [0, 5])
async def test_undeclared_fields_follow_the_contract(docs: Any, limit: int) -> None:
    ds, kind, d = docs
    got = await _all(ds, kind, [Filter("extra", Op.EQ, 0)], limit=limit)  # missing compares as 0
    assert got == _want(d, lambda x: x.get("extra", 0) == 0)
    got = await _all(ds, kind, [Filter("extra", Op.GTE, 20)], limit=limit)
    assert got == ["d20", "d30", "d40", "d50"]
    got = await _all(ds, kind, [Filter("m", Op.EQ, 0)], [Order("extra", descending=True)], limit=limit)
    assert got == ["d50", "d40", "d30", "d20", "d10", "d00"] + _want(d, lambda x: x["m"] == 0 and "extra" not in x)


async def test_null_operands(docs: Any) -> None:
    ds, kind, d = docs
    assert await _all(ds, kind, [Filter("name", Op.EQ, None)]) == _want(d, lambda x: "name" not in x)
    assert await _all(ds, kind, [Filter("name", Op.NE, None)]) == _want(d, lambda x: "name" in x)
    assert await _all(ds, kind, [Filter("name", Op.LT, None)]) == []


async def test_id_filters(docs: Any) -> None:
    ds, kind, d = docs
    assert await _all(ds, kind, [Filter("id", Op.GT, "d55")]) == ["d56", "d57", "d58", "d59"]
    got = await _all(ds, kind, [Filter("id", Op.LTE, "d03")], [Order("n", descending=True)])
    assert got == ["d03", "d02", "d01", "d00"]
    assert await _all(ds, kind, [Filter("id", Op.NE, "d00"), Filter("n", Op.EQ, 0)]) == _want(
        d, lambda x: x["n"] == 0 and x["id"] != "d00")
    assert await _all(ds, kind, [Filter("id", Op.EQ, "not/an/id")]) == []


async def test_ids_firestore_cannot_hold_are_invalid_argument(store: FirestoreDataStore) -> None:
    for bad in ("a/b", "..", "__reserved__"):
        with pytest.raises(InvalidArgument):
            await store.create("Thing", bad, {"id": bad})
        with pytest.raises(InvalidArgument):
            await store.get("Thing", bad)


async def test_values_firestore_cannot_hold_are_invalid_argument(store: FirestoreDataStore) -> None:
    with pytest.raises(InvalidArgument):
        await store.create("Thing", "a", {"matrix": [[1, 2], [3]]})
    with pytest.raises(InvalidArgument):
        await store.create("Thing", "b", {"huge": 1 << 64})
    with pytest.raises(NotFound):
        await store.get("Thing", "a")
    await store.create("Thing", "c", {"v": 1})
    with pytest.raises(InvalidArgument):
        await store.update("Thing", "c", lambda doc: {"huge": 1 << 64})
    assert await store.get("Thing", "c") == {"v": 1}


async def test_updates_from_two_processes_lose_nothing(emulator: str, environment: str, tmp_path: Path) -> None:
    """Two drivers (as two processes would) race on one document: Firestore's transactions decide."""
    stores = []
    for i in range(2):
        ds = FirestoreDataStore.from_config({"environment": environment, "project": "pipecd-cp-test"},
                                            driver_context("datastore", tmp_path / str(i)))
        await ds.open()
        stores.append(ds)
    try:
        await stores[0].create("Counter", "c", {"n": 0})

        def bump(doc: dict) -> None:
            doc["n"] += 1
        await asyncio.gather(*(ds.update("Counter", "c", bump) for ds in stores for _ in range(2)))
        assert (await stores[1].get("Counter", "c"))["n"] == 4
    finally:
        for ds in stores:
            await ds.close()


async def test_open_fails_unavailable_when_firestore_is_unreachable(emulator: str, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(EMULATOR_ENV, "127.0.0.1:1")
    monkeypatch.setattr(fs_store, "_OPEN_TIMEOUT", 1.0)
    ds = FirestoreDataStore.from_config({"environment": "x"}, driver_context("datastore", tmp_path))
    with pytest.raises(Unavailable):
        await ds.open()


async def test_combinations_firestore_refuses_or_restricts(docs: Any) -> None:
    ds, kind, d = docs
    cases = [
        ([Filter("n", Op.NE, 3), Filter("n", Op.GT, 1)], [Order("n")], lambda x: x["n"] not in (0, 1, 3)),
        ([Filter("n", Op.NOT_IN, [3, 4]), Filter("n", Op.LT, 6)], [Order("n", descending=True)],
         lambda x: x["n"] < 6 and x["n"] not in (3, 4)),
        ([Filter("n", Op.IN, [3, 4]), Filter("tags", Op.CONTAINS, "t1")], [], lambda x: x["n"] in (3, 4)
         and "t1" in x["tags"]),
        # an equality on the document id beside an inequality on another field
        ([Filter("id", Op.IN, ["d01", "d03", "d10"]), Filter("n", Op.GT, 1)], [Order("n")],
         lambda x: x["id"] in ("d01", "d03", "d10") and x["n"] > 1),
        ([Filter("id", Op.EQ, "d03"), Filter("m", Op.NE, 0)], [], lambda x: x["id"] == "d03"),
        ([Filter("id", Op.GT, "d10"), Filter("id", Op.NE, "d15"), Filter("n", Op.LTE, 2)], [],
         lambda x: x["id"] > "d10" and x["id"] != "d15" and x["n"] <= 2),
    ]
    for filters, orders, keep in cases:
        for limit in (0, 3):
            got = await _all(ds, kind, filters, orders, limit=limit)
            want = _want(d, keep)
            for o in reversed(orders):
                want.sort(key=lambda i, o=o: d[i][o.field], reverse=o.descending)
            assert got == want, (filters, orders, limit)
