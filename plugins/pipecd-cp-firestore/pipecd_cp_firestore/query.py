"""Run a validated `FindPlan` on Firestore: natively where Firestore can, in memory where it cannot.

Each filter goes to Firestore when Firestore would give exactly the contract's answer and the
query stays within Firestore's rules; the rest ("residual" filters) are applied in memory to the
decoded documents. Firestore's rules this module keeps:

- range, `!=` and `not-in` filters only on the first field the query orders by (Firestore orders
  by inequality fields first; a filter on another field would reorder the results);
- at most one `!=` or `not-in`, at most one `in` (30 values at most; `not-in`: 10), never `in`
  together with `!=`/`not-in`, at most one `array-contains`;
- no null operands (Firestore's null semantics are not the contract's);
- a filter whose zero value matches (`disabled == false`, `kind in [0, 3]`) only on a field every
  stored document holds (see `layout.NativeField.nullable`): Firestore never matches a missing
  field.

Three strategies:

- ordered: Firestore orders (the query's orders, then the primary key) and pages with
  `start_after(last row's values)`; with residual filters it reads batches until `limit` rows
  matched. Used whenever every order field is present in every stored document.
- sorted in memory: when an order field may be missing from stored documents (an order on a
  field below a PipeCD message, which is null when unset), Firestore's order would drop those
  documents, so every document matching the native filters is read, then filtered, sorted
  (Firestore's type order, missing lowest), keyset-paged and cut in memory.
- by keys: `id in [...]` with more values than Firestore's `in` takes reads those documents by
  key (a batched get) and does the rest in memory, rather than scanning the collection.
"""
from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from google.cloud.firestore_v1.base_query import FieldFilter
from google.cloud.firestore_v1.collection import CollectionReference
from google.cloud.firestore_v1.query import Query as NativeQuery

from pipecd_cp.datastore.base import ID_FIELD, Document, Filter, FindPlan, Op, get_path, zero_of
from pipecd_cp_firestore.layout import Layout, NativeField, valid_document_id

MAX_IN = 30
MAX_NOT_IN = 10
MIN_BATCH, MAX_BATCH = 100, 1000

_FS_OPS = {Op.EQ: "==", Op.NE: "!=", Op.IN: "in", Op.NOT_IN: "not-in", Op.LT: "<", Op.LTE: "<=", Op.GT: ">",
           Op.GTE: ">=", Op.CONTAINS: "array_contains"}
_RANGE = {Op.LT, Op.LTE, Op.GT, Op.GTE}
_NATIVE_INEQUALITIES = {"<", "<=", ">", ">=", "!=", "not-in"}
_NEGATIVE = {Op.NE, Op.NOT_IN}
_CMP: dict[Op, Callable[[Any, Any], bool]] = {Op.LT: operator.lt, Op.LTE: operator.le, Op.GT: operator.gt,
                                              Op.GTE: operator.ge}

Row = tuple[str, Document]


# ----------------------------------------------------------------------------- in-memory semantics
def _family(v: Any) -> int:
    """Firestore's type order: null < booleans < numbers < strings < bytes < others."""
    if v is None:
        return 0
    if isinstance(v, bool):
        return 1
    if isinstance(v, (int, float)):
        return 2
    if isinstance(v, str):
        return 3
    if isinstance(v, (bytes, bytearray)):
        return 4
    return 5


def same(a: Any, b: Any) -> bool:
    """Equality as Firestore sees it: `True` is not `1`, `1` is `1.0`."""
    return _family(a) == _family(b) and a == b


def _compare(op: Op, a: Any, b: Any) -> bool:
    fa = _family(a)
    if fa != _family(b) or fa in (0, 5):
        return False
    return _CMP[op](a, b)


def matches(f: Filter, row_id: str, doc: Document) -> bool:
    """The contract's answer for one filter and one decoded document (missing = operand's zero)."""
    raw = row_id if f.field == ID_FIELD else get_path(doc, f.field)
    op, value = f.op, f.value
    if op is Op.CONTAINS:
        return isinstance(raw, list) and any(same(x, value) for x in raw)
    if op in (Op.IN, Op.NOT_IN):
        if not value:
            return op is Op.NOT_IN
        v = zero_of(value[0]) if raw is None else raw
        hit = any(same(v, x) for x in value)
        return hit if op is Op.IN else not hit
    if value is None:
        return (raw is None) if op is Op.EQ else (raw is not None) if op is Op.NE else False
    v = zero_of(value) if raw is None else raw
    if op is Op.EQ:
        return same(v, value)
    if op is Op.NE:
        return not same(v, value)
    return _compare(op, v, value)


def _semantic_zero(f: Filter) -> Any:
    if f.op in (Op.IN, Op.NOT_IN):
        return zero_of(f.value[0]) if f.value else None
    return zero_of(f.value)


def sort_key(v: Any) -> tuple[int, Any]:
    """A key sorting stored values in Firestore's order (missing and null lowest)."""
    fam = _family(v)
    if fam == 5:
        return fam, repr(v)
    return fam, (0 if v is None else v)


# ----------------------------------------------------------------------------- planning
@dataclass(frozen=True, slots=True)
class NativeFilter:
    field: NativeField
    op: str
    value: Any


@dataclass(frozen=True, slots=True)
class Split:
    """Filters Firestore runs, filters applied in memory, and whether nothing can match."""

    native: tuple[NativeFilter, ...]
    residual: tuple[Filter, ...]
    impossible: bool = False


def split_filters(filters: Sequence[Filter], layout: Layout, pinned: tuple[str, ...] | None,
                  id_value: Callable[[str], Any]) -> Split:
    """Decide, filter by filter, what Firestore runs (see the module docstring).

    `pinned` is the path of the field Firestore orders by first (inequalities only there), or
    None when the results are sorted in memory (then the first inequality's field is pinned).
    `id_value` turns an id into the value Firestore compares the id field with.
    """
    native: list[NativeFilter] = []
    accepted: list[Filter] = []  # the filters behind `native`, one for one
    residual: list[Filter] = []
    has_in = has_negative = has_contains = False
    for f in filters:
        if f.op is Op.IN and not f.value:
            return Split((), (), impossible=True)
        if f.op is Op.NOT_IN and not f.value:
            continue  # matches everything
        nf = layout.field(f.field)
        values = list(f.value) if f.op in (Op.IN, Op.NOT_IN) else [f.value]
        ok = _exact_natively(f, nf, values)
        inequality = f.op in _RANGE or f.op in _NEGATIVE
        if ok and inequality:
            ok = pinned is None or _key(nf) == pinned
        if ok and f.op in _NEGATIVE:
            ok = not has_negative and not has_in and (f.op is not Op.NOT_IN or len(values) <= MAX_NOT_IN)
        if ok and f.op is Op.IN:
            ok = not has_in and not has_negative and len(values) <= MAX_IN
        if ok and f.op is Op.CONTAINS:
            ok = not has_contains
        if not ok:
            residual.append(f)
            continue
        if inequality:
            pinned = _key(nf)
        accepted.append(f)
        has_negative |= f.op in _NEGATIVE
        has_in |= f.op is Op.IN
        has_contains |= f.op is Op.CONTAINS
        if nf.is_document_id:
            values = [id_value(v) for v in values]
        native.append(NativeFilter(nf, _FS_OPS[f.op], values if f.op in (Op.IN, Op.NOT_IN) else values[0]))
    # Firestore refuses an equality on the document id beside inequalities on other fields; the
    # id equality is the selective one, so the inequalities are applied in memory instead.
    if any(n.field.is_document_id and n.op in ("==", "in") for n in native):
        keep = [n for n in native if n.field.is_document_id or n.op not in _NATIVE_INEQUALITIES]
        residual += [f for f, n in zip(accepted, native) if n not in keep]
        native = keep
    return Split(tuple(native), tuple(residual))


def _exact_natively(f: Filter, nf: NativeField, values: list[Any]) -> bool:
    """True when Firestore's answer for `f` is the contract's answer."""
    if any(v is None for v in values):
        return False
    if nf.is_document_id:
        return f.op is not Op.CONTAINS and all(valid_document_id(v) for v in values)
    if f.op is Op.CONTAINS:
        return True  # a missing array holds nothing, natively and by contract
    if not matches(f, "", {}):
        return True  # a document without the field does not match: skipping it is right
    # The zero matches: every stored document must hold the field, as that very zero.
    return not nf.nullable and same(nf.zero, _semantic_zero(f))


def _key(nf: NativeField) -> tuple[str, ...]:
    return ("__name__",) if nf.is_document_id else nf.parts


# ----------------------------------------------------------------------------- execution
class FindRunner:
    """Runs plans for one kind's collection; see the module docstring."""

    def __init__(self, client: Any, collection: CollectionReference, layout: Layout, *, retry: Any = None,
                 timeout: float | None = None) -> None:
        self.client = client
        self.collection = collection
        self.layout = layout
        self._call = {"retry": retry, "timeout": timeout} if retry is not None else {"timeout": timeout}
        self.id_field: NativeField = layout.field(ID_FIELD)

    def _id_value(self, id: str) -> Any:
        return self.collection.document(id) if self.id_field.is_document_id else id

    def run(self, plan: FindPlan) -> list[Row]:
        orders = [self.layout.field(o.field) for o in plan.orders]
        keys = _many_ids(plan.filters)
        if keys is not None:
            return self._by_keys(plan, orders, keys)
        if any(nf.nullable for nf in orders):
            return self._sorted_in_memory(plan, orders)
        return self._ordered(plan, orders)

    def _by_keys(self, plan: FindPlan, orders: list[NativeField], ids: list[str]) -> list[Row]:
        """`id in [more values than Firestore's in takes]`: read those documents by key."""
        refs = [self.collection.document(i) for i in dict.fromkeys(ids) if valid_document_id(i)]
        snaps = self.client.get_all(refs, **self._call) if refs else []
        return self._in_memory(plan, orders, (s for s in snaps if s.exists), plan.filters)

    def _filtered(self, split: Split) -> NativeQuery:
        query: Any = self.collection
        for nf in split.native:
            query = query.where(filter=FieldFilter(nf.field.path, nf.op, nf.value))
        return query

    def _ordered(self, plan: FindPlan, orders: list[NativeField]) -> list[Row]:
        first = _key(orders[0]) if orders else _key(self.id_field)
        split = split_filters(plan.filters, self.layout, first, self._id_value)
        if split.impossible:
            return []
        query = self._filtered(split)
        directions = [o.descending for o in plan.orders] + [plan.id_descending]
        for nf, desc in zip([*orders, self.id_field], directions):
            query = query.order_by(nf.path, direction=NativeQuery.DESCENDING if desc else NativeQuery.ASCENDING)
        cursor: list[Any] | None = None
        if plan.after is not None:
            cursor = [nf.stored(v) for nf, v in zip(orders, plan.after)] + [self._id_value(plan.after_id or "")]
        if not split.residual:
            batch = plan.limit
        elif plan.limit:
            batch = min(max(plan.limit * 2, MIN_BATCH), MAX_BATCH)
        else:
            batch = 0
        rows: list[Row] = []
        while True:
            page = query.start_after(cursor) if cursor is not None else query
            if batch:
                page = page.limit(batch)
            seen = 0
            last: Any = None
            for snap in page.stream(**self._call):
                seen += 1
                last = snap
                if plan.limit and len(rows) >= plan.limit:
                    continue  # the page is full: only drain this (bounded) batch
                doc = self.layout.decode(snap.to_dict() or {})
                if all(matches(f, snap.id, doc) for f in split.residual):
                    rows.append((snap.id, doc))
            if (plan.limit and len(rows) >= plan.limit) or not batch or seen < batch:
                return rows
            cursor = [last.get(nf.path) for nf in orders] + [self._native_id(last)]

    def _native_id(self, snap: Any) -> Any:
        if self.id_field.is_document_id:
            return snap.reference
        return snap.get(self.id_field.path)

    def _sorted_in_memory(self, plan: FindPlan, orders: list[NativeField]) -> list[Row]:
        split = split_filters(plan.filters, self.layout, None, self._id_value)
        if split.impossible:
            return []
        return self._in_memory(plan, orders, self._filtered(split).stream(**self._call), split.residual)

    def _in_memory(self, plan: FindPlan, orders: list[NativeField], snaps: Iterable[Any],
                   residual: Sequence[Filter]) -> list[Row]:
        """Filter, sort (Firestore's order, missing lowest), keyset-page and cut documents in memory."""
        found: list[tuple[tuple[Any, ...], Row]] = []
        for snap in snaps:
            data = snap.to_dict() or {}
            keys = tuple(nf.read(data) for nf in orders) + (self._row_id(snap, data),)
            doc = self.layout.decode(data)
            if all(matches(f, snap.id, doc) for f in residual):
                found.append((keys, (snap.id, doc)))
        directions = [o.descending for o in plan.orders] + [plan.id_descending]

        def compare(a: tuple[Any, ...], b: tuple[Any, ...]) -> int:
            return _compare_keys(a, b, directions)
        found.sort(key=functools.cmp_to_key(lambda a, b: compare(a[0], b[0])))
        if plan.after is not None:
            after = tuple(nf.stored(v) for nf, v in zip(orders, plan.after)) + (plan.after_id,)
            found = [item for item in found if compare(item[0], after) > 0]
        rows = [row for _, row in found]
        return rows[:plan.limit] if plan.limit else rows

    def _row_id(self, snap: Any, data: dict[str, Any]) -> Any:
        if self.id_field.is_document_id:
            return snap.id
        return self.id_field.read(data)


def _many_ids(filters: Sequence[Filter]) -> list[str] | None:
    """The ids of an `id in [...]` filter too long for Firestore's `in`, if the plan has one."""
    for f in filters:
        if f.field == ID_FIELD and f.op is Op.IN and len(f.value) > MAX_IN and all(isinstance(v, str) for v in f.value):
            return list(f.value)
    return None


def _compare_keys(a: Iterable[Any], b: Iterable[Any], directions: Sequence[bool]) -> int:
    for x, y, desc in zip(a, b, directions):
        kx, ky = sort_key(x), sort_key(y)
        if kx != ky:
            less = kx < ky
            return (1 if less else -1) if desc else (-1 if less else 1)
    return 0
