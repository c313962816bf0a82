"""Queries beyond the conformance suite: undeclared fields, and fields another process declared."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipecd_cp.datastore.base import FieldType, Filter, KindSchema, Op, Order, Query
from pipecd_cp.errors import InvalidArgument
from pipecd_cp.testing import driver_context
from pipecd_cp_mysql import MySQLDataStore

DOCS = {
    "a": {"id": "a", "n": 1, "s": "Web", "b": True, "tags": ["x", 1, True], "f": 1.5},
    "b": {"id": "b", "n": 2, "s": "web", "b": False, "tags": ["y"], "f": 2},
    "c": {"id": "c", "s": "web ", "tags": []},
}


async def ids(ds: MySQLDataStore, kind: str, *filters: Filter, orders: tuple[Order, ...] = ()) -> list[str]:
    return [d["id"] for d in (await ds.find(kind, Query(list(filters), list(orders)))).items]


@pytest.mark.asyncio
async def test_filters_on_undeclared_fields_read_data_with_the_operands_type(store: MySQLDataStore) -> None:
    for i, d in DOCS.items():
        await store.create("Loose", i, d)
    assert await ids(store, "Loose", Filter("n", Op.EQ, 2)) == ["b"]
    assert await ids(store, "Loose", Filter("n", Op.LT, 2)) == ["a", "c"], "missing compares as 0"
    assert await ids(store, "Loose", Filter("f", Op.GT, 1.9)) == ["b"]
    assert await ids(store, "Loose", Filter("s", Op.EQ, "web")) == ["b"], "exact: no case folding, no padding"
    assert await ids(store, "Loose", Filter("b", Op.EQ, False)) == ["b", "c"]
    assert await ids(store, "Loose", Filter("tags", Op.CONTAINS, "x")) == ["a"]
    assert await ids(store, "Loose", Filter("tags", Op.CONTAINS, 1)) == ["a"]
    assert await ids(store, "Loose", Filter("tags", Op.CONTAINS, True)) == ["a"]
    assert await ids(store, "Loose", Filter("tags", Op.CONTAINS, "1")) == []
    assert await ids(store, "Loose", Filter("nope", Op.EQ, None)) == ["a", "b", "c"]
    with pytest.raises(InvalidArgument, match="declare"):
        await store.find("Loose", Query(orders=[Order("n")]))


@pytest.mark.asyncio
async def test_declared_string_fields_compare_exactly(store: MySQLDataStore) -> None:
    await store.declare(KindSchema("Exact", {"s": FieldType.STRING}))
    for i, d in DOCS.items():
        await store.create("Exact", i, d)
    assert await ids(store, "Exact", Filter("s", Op.EQ, "web")) == ["b"]
    assert await ids(store, "Exact", orders=(Order("s"),)) == ["a", "b", "c"]


@pytest.mark.asyncio
async def test_fields_declared_by_another_process_are_found(store: MySQLDataStore, config_block: dict[str, Any],
                                                            tmp_path: Path) -> None:
    for i, d in DOCS.items():
        await store.create("Shared2", i, d)
    other = MySQLDataStore.from_config(config_block, driver_context("datastore", tmp_path))
    await other.open()
    try:
        await other.declare(KindSchema("Shared2", {"n": FieldType.INT}, [[Order("n", descending=True)]]))
    finally:
        await other.close()
        other._runner.shutdown()
    assert await ids(store, "Shared2", orders=(Order("n", descending=True),)) == ["b", "a", "c"]
