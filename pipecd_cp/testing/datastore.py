"""The datastore conformance suite (see `pipecd_cp.datastore.base` for the contract)."""
from __future__ import annotations

import asyncio
import secrets
from typing import Any

import pytest
import pytest_asyncio

from pipecd_cp.datastore.base import DataStore, FieldType, Filter, KindSchema, Op, Order, Query
from pipecd_cp.errors import AlreadyExists, InvalidArgument, NotFound

pytestmark = pytest.mark.asyncio

#: Every field the suite filters or orders on, declared as the typed stores declare theirs.
FIELDS = {"project_id": FieldType.STRING, "kind": FieldType.INT, "name": FieldType.STRING,
          "tags": FieldType.LIST, "sync_state.status": FieldType.INT, "updated_at": FieldType.INT,
          "disabled": FieldType.BOOL, "group": FieldType.STRING, "odd": FieldType.BOOL,
          "completed_at": FieldType.INT, "v": FieldType.INT, "score": FieldType.FLOAT}
INDEXES = ([Order("project_id"), Order("updated_at", descending=True)], [Order("updated_at", descending=True)])


class DataStoreConformance:
    """Subclass and provide an async fixture `datastore` yielding an opened driver."""

    @pytest_asyncio.fixture
    async def kind(self, datastore: DataStore) -> str:
        """A fresh, declared collection per test, so a backend needs no clean-up between tests."""
        name = f"Conf{secrets.token_hex(4)}"
        await datastore.declare(KindSchema(name, FIELDS, INDEXES))
        return name

    async def _seed(self, ds: DataStore, kind: str, docs: dict[str, dict[str, Any]]) -> None:
        await asyncio.gather(*(ds.create(kind, i, d) for i, d in docs.items()))

    async def _ids(self, ds: DataStore, kind: str, *filters: Filter, orders: tuple[Order, ...] = ()) -> list[str]:
        page = await ds.find(kind, Query(filters=list(filters), orders=list(orders)))
        return [d["id"] for d in page.items]

    # ------------------------------------------------------------------ get / create / delete
    @pytest.mark.asyncio
    async def test_get_missing_is_not_found(self, datastore: DataStore, kind: str) -> None:
        with pytest.raises(NotFound):
            await datastore.get(kind, "missing")

    @pytest.mark.asyncio
    async def test_create_then_get_round_trips(self, datastore: DataStore, kind: str) -> None:
        doc = {"id": "a", "name": "ünïcødé ✓ 日本", "n": 9007199254740993, "f": 1.5, "ok": True,
               "nested": {"deep": {"x": [1, "two", {"three": 3}]}}, "labels": {"env": "prod"}, "empty": {}}
        await datastore.create(kind, "a", doc)
        assert await datastore.get(kind, "a") == doc

    @pytest.mark.asyncio
    async def test_create_duplicate_is_already_exists_and_keeps_the_original(self, datastore: DataStore,
                                                                             kind: str) -> None:
        await datastore.create(kind, "a", {"id": "a", "v": 1})
        with pytest.raises(AlreadyExists):
            await datastore.create(kind, "a", {"id": "a", "v": 2})
        assert (await datastore.get(kind, "a"))["v"] == 1

    @pytest.mark.asyncio
    async def test_ids_may_be_unicode_and_uuid_like(self, datastore: DataStore, kind: str) -> None:
        ids = ["quickstart", "9b2e7e3c-1a4f-4c0e-9a55-2f6f0a6f1d1e", "プロジェクト-1", "a.b_c"]
        for i in ids:
            await datastore.create(kind, i, {"id": i})
        for i in ids:
            assert (await datastore.get(kind, i))["id"] == i

    @pytest.mark.asyncio
    async def test_delete(self, datastore: DataStore, kind: str) -> None:
        await datastore.create(kind, "a", {"id": "a"})
        await datastore.delete(kind, "a")
        with pytest.raises(NotFound):
            await datastore.get(kind, "a")
        with pytest.raises(NotFound):
            await datastore.delete(kind, "a")

    @pytest.mark.asyncio
    async def test_a_large_document(self, datastore: DataStore, kind: str) -> None:
        doc = {"id": "big", "stages": [{"id": f"s{i}", "log": "x" * 1000} for i in range(500)]}
        await datastore.create(kind, "big", doc)
        assert await datastore.get(kind, "big") == doc

    # ------------------------------------------------------------------ update
    @pytest.mark.asyncio
    async def test_update_returns_and_stores_the_new_document(self, datastore: DataStore, kind: str) -> None:
        await datastore.create(kind, "a", {"id": "a", "v": 1})

        def bump(doc: dict) -> None:
            doc["v"] += 1
            doc["added"] = {"k": "v"}
        assert await datastore.update(kind, "a", bump) == {"id": "a", "v": 2, "added": {"k": "v"}}
        assert await datastore.get(kind, "a") == {"id": "a", "v": 2, "added": {"k": "v"}}
        assert await datastore.update(kind, "a", lambda d: {"id": "a", "replaced": True}) == {"id": "a", "replaced": True}

    @pytest.mark.asyncio
    async def test_update_missing_is_not_found(self, datastore: DataStore, kind: str) -> None:
        with pytest.raises(NotFound):
            await datastore.update(kind, "missing", lambda d: d)

    @pytest.mark.asyncio
    async def test_a_failing_mutator_writes_nothing(self, datastore: DataStore, kind: str) -> None:
        await datastore.create(kind, "a", {"id": "a", "v": 1})

        def bad(doc: dict) -> None:
            doc["v"] = 99
            raise RuntimeError("refused")
        with pytest.raises(RuntimeError, match="refused"):
            await datastore.update(kind, "a", bad)
        assert (await datastore.get(kind, "a"))["v"] == 1

    @pytest.mark.asyncio
    async def test_50_concurrent_updates_lose_none(self, datastore: DataStore, kind: str) -> None:
        await datastore.create(kind, "counter", {"id": "counter", "n": 0, "seen": []})

        async def add(i: int) -> None:
            def mutate(doc: dict) -> dict:
                doc["n"] += 1
                doc["seen"] = sorted(doc["seen"] + [i])
                return doc
            await datastore.update(kind, "counter", mutate)
        await asyncio.gather(*(add(i) for i in range(50)))
        doc = await datastore.get(kind, "counter")
        assert doc["n"] == 50
        assert doc["seen"] == list(range(50))

    # ------------------------------------------------------------------ filters
    @pytest.fixture
    def fleet(self) -> dict[str, dict[str, Any]]:
        return {
            "a1": {"id": "a1", "project_id": "p1", "kind": 0, "name": "web", "tags": ["x", "y"],
                   "sync_state": {"status": 1}, "updated_at": 10},
            "a2": {"id": "a2", "project_id": "p1", "kind": 3, "name": "api", "disabled": True, "tags": ["y"],
                   "sync_state": {"status": 3}, "updated_at": 20},
            "a3": {"id": "a3", "project_id": "p2", "kind": 4, "name": "db", "tags": [], "updated_at": 30},
            "a4": {"id": "a4", "project_id": "p2", "name": "", "updated_at": 30},
        }

    @pytest.mark.asyncio
    async def test_filter_equal_and_missing_fields_compare_as_zero(self, datastore: DataStore, kind: str,
                                                                   fleet: dict) -> None:
        await self._seed(datastore, kind, fleet)
        assert sorted(await self._ids(datastore, kind, Filter("project_id", Op.EQ, "p1"))) == ["a1", "a2"]
        assert sorted(await self._ids(datastore, kind, Filter("disabled", Op.EQ, False))) == ["a1", "a3", "a4"]
        assert sorted(await self._ids(datastore, kind, Filter("disabled", Op.EQ, True))) == ["a2"]
        assert sorted(await self._ids(datastore, kind, Filter("kind", Op.EQ, 0))) == ["a1", "a4"]
        assert sorted(await self._ids(datastore, kind, Filter("name", Op.EQ, ""))) == ["a4"]
        assert sorted(await self._ids(datastore, kind, Filter("sync_state.status", Op.EQ, 0))) == ["a3", "a4"]
        assert await self._ids(datastore, kind, Filter("sync_state.status", Op.EQ, 3)) == ["a2"]

    @pytest.mark.asyncio
    async def test_filter_not_equal(self, datastore: DataStore, kind: str, fleet: dict) -> None:
        await self._seed(datastore, kind, fleet)
        assert sorted(await self._ids(datastore, kind, Filter("kind", Op.NE, 0))) == ["a2", "a3"]
        assert sorted(await self._ids(datastore, kind, Filter("disabled", Op.NE, True))) == ["a1", "a3", "a4"]
        assert sorted(await self._ids(datastore, kind, Filter("name", Op.NE, "web"))) == ["a2", "a3", "a4"]

    @pytest.mark.asyncio
    async def test_filter_in_and_not_in(self, datastore: DataStore, kind: str, fleet: dict) -> None:
        await self._seed(datastore, kind, fleet)
        assert sorted(await self._ids(datastore, kind, Filter("kind", Op.IN, [3, 4]))) == ["a2", "a3"]
        assert sorted(await self._ids(datastore, kind, Filter("kind", Op.IN, [0]))) == ["a1", "a4"]
        assert sorted(await self._ids(datastore, kind, Filter("kind", Op.NOT_IN, [3, 4]))) == ["a1", "a4"]
        assert sorted(await self._ids(datastore, kind, Filter("kind", Op.NOT_IN, [0]))) == ["a2", "a3"]
        assert await self._ids(datastore, kind, Filter("kind", Op.IN, [])) == []
        assert len(await self._ids(datastore, kind, Filter("kind", Op.NOT_IN, []))) == 4
        assert sorted(await self._ids(datastore, kind, Filter("id", Op.IN, ["a1", "a3", "zz"]))) == ["a1", "a3"]

    @pytest.mark.asyncio
    async def test_filter_ordering_operators(self, datastore: DataStore, kind: str, fleet: dict) -> None:
        await self._seed(datastore, kind, fleet)
        assert sorted(await self._ids(datastore, kind, Filter("updated_at", Op.LT, 20))) == ["a1"]
        assert sorted(await self._ids(datastore, kind, Filter("updated_at", Op.LTE, 20))) == ["a1", "a2"]
        assert sorted(await self._ids(datastore, kind, Filter("updated_at", Op.GT, 20))) == ["a3", "a4"]
        assert sorted(await self._ids(datastore, kind, Filter("updated_at", Op.GTE, 20))) == ["a2", "a3", "a4"]
        assert sorted(await self._ids(datastore, kind, Filter("kind", Op.LT, 3))) == ["a1", "a4"]
        assert sorted(await self._ids(datastore, kind, Filter("kind", Op.GTE, 0))) == ["a1", "a2", "a3", "a4"]

    @pytest.mark.asyncio
    async def test_filter_contains(self, datastore: DataStore, kind: str, fleet: dict) -> None:
        await self._seed(datastore, kind, fleet)
        assert sorted(await self._ids(datastore, kind, Filter("tags", Op.CONTAINS, "y"))) == ["a1", "a2"]
        assert await self._ids(datastore, kind, Filter("tags", Op.CONTAINS, "x")) == ["a1"]
        assert await self._ids(datastore, kind, Filter("tags", Op.CONTAINS, "z")) == []

    @pytest.mark.asyncio
    async def test_filters_combine_with_and(self, datastore: DataStore, kind: str, fleet: dict) -> None:
        await self._seed(datastore, kind, fleet)
        ids = await self._ids(datastore, kind, Filter("project_id", Op.EQ, "p1"), Filter("disabled", Op.EQ, False))
        assert ids == ["a1"]
        ids = await self._ids(datastore, kind, Filter("project_id", Op.EQ, "p2"), Filter("updated_at", Op.GTE, 30),
                              Filter("kind", Op.IN, [4]))
        assert ids == ["a3"]

    @pytest.mark.asyncio
    async def test_bad_queries_are_invalid_argument(self, datastore: DataStore, kind: str) -> None:
        for query in (Query(filters=[Filter("a;drop", Op.EQ, 1)]),
                      Query(orders=[Order("x' OR 1=1")]),
                      Query(filters=[Filter("a", Op.IN, "notalist")]),
                      Query(filters=[Filter("a", Op.EQ, {"x": 1})]),
                      Query(limit=-1),
                      Query(orders=[Order("id"), Order("a")])):
            with pytest.raises(InvalidArgument):
                await datastore.find(kind, query)

    # ------------------------------------------------------------------ orders and paging
    @pytest.mark.asyncio
    async def test_orders_with_missing_values_lowest(self, datastore: DataStore, kind: str, fleet: dict) -> None:
        await self._seed(datastore, kind, fleet)
        ids = await self._ids(datastore, kind, orders=(Order("updated_at", descending=True),))
        assert ids == ["a3", "a4", "a2", "a1"]
        ids = await self._ids(datastore, kind, orders=(Order("sync_state.status"),))
        assert ids == ["a3", "a4", "a1", "a2"]
        ids = await self._ids(datastore, kind, orders=(Order("updated_at", descending=True), Order("id", descending=True)))
        assert ids == ["a4", "a3", "a2", "a1"]

    @pytest.mark.asyncio
    async def test_limit_and_empty_pages(self, datastore: DataStore, kind: str, fleet: dict) -> None:
        await self._seed(datastore, kind, fleet)
        page = await datastore.find(kind, Query(orders=[Order("updated_at")], limit=3))
        assert [d["id"] for d in page.items] == ["a1", "a2", "a3"] and page.cursor
        page = await datastore.find(kind, Query(orders=[Order("updated_at")], limit=3, cursor=page.cursor))
        assert [d["id"] for d in page.items] == ["a4"] and page.cursor
        page = await datastore.find(kind, Query(orders=[Order("updated_at")], limit=3, cursor=page.cursor))
        assert page.items == [] and page.cursor == ""
        empty = await datastore.find(kind, Query(filters=[Filter("project_id", Op.EQ, "none")]))
        assert empty.items == [] and empty.cursor == ""

    async def _page_all(self, ds: DataStore, kind: str, query: Query) -> list[str]:
        out: list[str] = []
        cursor = ""
        for _ in range(10_000):
            page = await ds.find(kind, Query(query.filters, query.orders, query.limit, cursor))
            if not page.items:
                return out
            out += [d["id"] for d in page.items]
            cursor = page.cursor
        raise AssertionError("paging did not end")

    @pytest.mark.asyncio
    async def test_paging_1000_documents_with_equal_sort_keys(self, datastore: DataStore, kind: str) -> None:
        docs = {f"doc-{i:04d}-{secrets.token_hex(2)}": {"group": "same", "updated_at": 100, "odd": i % 2 == 1}
                for i in range(1000)}
        for i, d in docs.items():
            d["id"] = i
        sem = asyncio.Semaphore(32)

        async def put(i: str, d: dict) -> None:
            async with sem:
                await datastore.create(kind, i, d)
        await asyncio.gather(*(put(i, d) for i, d in docs.items()))
        for orders in ((Order("updated_at", descending=True),), (Order("group"), Order("updated_at")), ()):
            ids = await self._page_all(datastore, kind, Query(orders=list(orders), limit=37))
            assert len(ids) == 1000 and len(set(ids)) == 1000, "duplicates or gaps across pages"
            assert ids == sorted(docs), "ties must be broken by id ascending"
        ids = await self._page_all(datastore, kind, Query(filters=[Filter("odd", Op.EQ, False)],
                                                          orders=[Order("updated_at"), Order("id", descending=True)],
                                                          limit=50))
        assert ids == sorted((i for i, d in docs.items() if not d["odd"]), reverse=True)

    @pytest.mark.asyncio
    async def test_paging_over_distinct_and_missing_sort_values(self, datastore: DataStore, kind: str) -> None:
        docs = {f"d{i:03d}": {"id": f"d{i:03d}", **({"completed_at": 1 + i % 7} if i % 3 else {})} for i in range(120)}
        await self._seed(datastore, kind, docs)
        for desc in (False, True):
            ids = await self._page_all(datastore, kind, Query(orders=[Order("completed_at", descending=desc)], limit=11))

            def key(i: str) -> tuple:
                v = docs[i].get("completed_at")
                return (v is not None, v or 0)
            want = sorted(docs, key=lambda i: (key(i), i))
            if desc:
                want = sorted(docs, key=lambda i: (tuple(-x for x in key(i)), i))
            assert ids == want

    @pytest.mark.asyncio
    async def test_a_foreign_or_corrupt_cursor_is_invalid_argument(self, datastore: DataStore, kind: str) -> None:
        await self._seed(datastore, kind, {f"x{i}": {"id": f"x{i}", "v": i} for i in range(3)})
        page = await datastore.find(kind, Query(orders=[Order("v")], limit=1))
        with pytest.raises(InvalidArgument):
            await datastore.find(kind, Query(orders=[Order("v", descending=True)], limit=1, cursor=page.cursor))
        for bad in ("not-base64!!", "e30", page.cursor[:-3]):
            with pytest.raises(InvalidArgument):
                await datastore.find(kind, Query(orders=[Order("v")], limit=1, cursor=bad))

    @pytest.mark.asyncio
    async def test_declaring_again_and_concurrently_is_harmless(self, datastore: DataStore, kind: str,
                                                                fleet: dict) -> None:
        await self._seed(datastore, kind, fleet)
        more = [[Order("sync_state.status"), Order("updated_at")], [Order("kind"), Order("id")]]
        await asyncio.gather(*(datastore.declare(KindSchema(kind, FIELDS, [*INDEXES, *more])) for _ in range(4)))
        ids = await self._ids(datastore, kind, Filter("project_id", Op.EQ, "p2"),
                              orders=(Order("updated_at", descending=True),))
        assert ids == ["a3", "a4"]

    @pytest.mark.asyncio
    async def test_float_fields(self, datastore: DataStore, kind: str) -> None:
        await self._seed(datastore, kind, {"x": {"id": "x", "score": 0.5}, "y": {"id": "y", "score": 2.25},
                                           "z": {"id": "z"}})
        assert await self._ids(datastore, kind, Filter("score", Op.GT, 1.0)) == ["y"]
        assert await self._ids(datastore, kind, Filter("score", Op.LT, 1.0), orders=(Order("score"),)) == ["z", "x"]
        assert await self._ids(datastore, kind, orders=(Order("score", descending=True),)) == ["y", "x", "z"]
