"""The datastore driver contract: JSON documents by kind and id.

A driver stores documents (JSON-compatible dicts) in collections named by kind (`Application`,
`Deployment`, ...). Typed stores (`pipecd_cp.stores`) convert them to and from protobuf models;
drivers never see models.

Query semantics every driver must implement (the conformance suite checks them):
- A field path is dotted (`sync_state.status`) and names nested object keys. The path `id`
  means the document's primary key.
- Before use, a kind's queryable fields are declared with their types (`declare`); queries
  filter and order only on declared fields and `id`.
- A missing field (or JSON null) compares as the zero value of the operand's type: `False`, `0`
  or `""`. PipeCD omits zero values from documents, so `disabled == False` must match a document
  with no `disabled` key.
- `contains` is true when an array field holds the value.
- In orders, a missing field sorts below every value greater than its type's zero (positive
  numbers, non-empty strings, `True`); its order relative to an explicit zero or a negative
  number is unspecified (PipeCD's documents never hold explicit zeros).
- Results are ordered by the query's orders, then by primary key (ascending unless an order on
  `id` says otherwise), so paging is stable across ties. A page's cursor is empty when the page is
  empty; passing a non-empty cursor back returns the rows after that page's last row.
"""
from __future__ import annotations

import abc
import base64
import enum
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pipecd_cp.errors import InvalidArgument, InvalidCursor

if TYPE_CHECKING:
    from pipecd_cp.drivers import DriverContext

Document = dict[str, Any]
Mutator = Callable[[Document], Document | None]
Scalar = str | int | float | bool | None

_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_KIND = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
ID_FIELD = "id"


class Op(str, enum.Enum):
    """Filter operators (PipeCD's ListFilter operators)."""

    EQ = "=="
    NE = "!="
    IN = "in"
    NOT_IN = "not in"
    LT = "<"
    LTE = "<="
    GT = ">"
    GTE = ">="
    CONTAINS = "contains"


@dataclass(frozen=True, slots=True)
class Filter:
    """`field op value`; `in` and `not in` take a sequence of scalars."""

    field: str
    op: Op
    value: Any


@dataclass(frozen=True, slots=True)
class Order:
    field: str
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """What `find` returns: matching documents, ordered, at most `limit` (0 = no limit)."""

    filters: Sequence[Filter] = ()
    orders: Sequence[Order] = ()
    limit: int = 0
    cursor: str = ""


class FieldType(str, enum.Enum):
    """The JSON type of a declared field."""

    STRING = "string"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    LIST = "list"  # an array of scalars, queried with `contains`


@dataclass(frozen=True)
class KindSchema:
    """A kind's queryable fields (dotted paths) with their types, and composite index hints.

    Each index lists equality fields first, then order fields.
    """

    kind: str
    fields: Mapping[str, FieldType]
    indexes: Sequence[Sequence[Order]] = ()

    def __post_init__(self) -> None:
        check_kind(self.kind)
        for path, typ in self.fields.items():
            check_path(path)
            FieldType(typ)
        for index in self.indexes:
            for o in index:
                if o.field != ID_FIELD and o.field not in self.fields:
                    raise InvalidArgument(f"index field {o.field!r} is not declared", field="indexes")


@dataclass(slots=True)
class Page:
    items: list[Document]
    cursor: str = ""


@dataclass(frozen=True, slots=True)
class FindPlan:
    """A validated query, handed to a driver's `_find`.

    `orders` are the user orders without `id`; `id_descending` is the direction of the primary-key
    tiebreak. `after` is None for the first page, else the order values of the last row seen
    (one per entry of `orders`) and `after_id` its primary key.
    """

    kind: str
    filters: tuple[Filter, ...]
    orders: tuple[Order, ...]
    id_descending: bool
    limit: int
    after: tuple[Scalar, ...] | None = None
    after_id: str | None = None
    signature: str = field(default="", compare=False)


class DataStore(abc.ABC):
    """A document datastore. Subclasses implement the `_` methods; see the module docstring.

    Implementations must be safe to call concurrently from one event loop. Blocking drivers
    should derive from `pipecd_cp.datastore.blocking.BlockingDataStore`.
    """

    #: The word users write in config (`spec.datastore.type`, lower-cased); the entry-point name.
    name: ClassVar[str] = ""

    @classmethod
    @abc.abstractmethod
    def from_config(cls, config: Mapping[str, Any], context: "DriverContext") -> "DataStore":
        """Build a driver from its `spec.datastore.config` block.

        Raises `ConfigError(field=...)` naming the key inside the block; the host adds the file,
        line and `spec.datastore.config` prefix. Must not connect yet (that is `open`).
        """

    async def open(self) -> None:
        """Connect and make sure the storage layout exists (idempotent, safe to race)."""

    async def close(self) -> None:
        """Release connections. The driver is not used afterwards."""

    @abc.abstractmethod
    async def get(self, kind: str, id: str) -> Document:
        """Return the document; `NotFound` when there is none."""

    @abc.abstractmethod
    async def create(self, kind: str, id: str, doc: Document) -> None:
        """Store a new document; `AlreadyExists` when the id is taken (nothing is changed)."""

    @abc.abstractmethod
    async def update(self, kind: str, id: str, mutate: Mutator) -> Document:
        """Atomically read, mutate and write one document; return what was written.

        `mutate` receives a copy of the stored document and returns the new one (or mutates it in
        place and returns None). It may be called more than once when a driver retries on
        contention, so it must not have side effects. An exception from `mutate` aborts the
        update and propagates; nothing is written. Concurrent updates of one document never lose
        one. `NotFound` when there is no such document.
        """

    @abc.abstractmethod
    async def delete(self, kind: str, id: str) -> None:
        """Delete the document; `NotFound` when there is none."""

    async def declare(self, schema: "KindSchema") -> None:
        """State the typed fields and index hints of one kind, before it is used. Idempotent.

        Queries on a kind filter and order only on declared fields (and `id`); drivers that
        need types use this (MySQL maps fields to typed columns, Firestore writes zero values
        for declared fields so equality on zero matches). The default does nothing. May be
        called concurrently by several processes.
        """

    async def find(self, kind: str, query: Query) -> Page:
        """Return one page of documents matching `query`; `InvalidArgument` for a bad query or cursor."""
        plan = plan_find(kind, query)
        rows = await self._find(plan)
        return make_page(plan, rows)

    @abc.abstractmethod
    async def _find(self, plan: FindPlan) -> list[tuple[str, Document]]:
        """Return `(id, document)` rows for a validated plan, in order, at most `plan.limit`."""


# ----------------------------------------------------------------------------- validation
def check_kind(kind: str) -> str:
    if not isinstance(kind, str) or not _KIND.match(kind):
        raise InvalidArgument(f"bad collection kind {kind!r}", field="kind")
    return kind


def check_id(id: str) -> str:
    if not isinstance(id, str) or not id or len(id) > 256 or "\x00" in id:
        raise InvalidArgument("an id must be a non-empty string of at most 256 characters", field="id")
    return id


def check_path(path: str) -> str:
    if not isinstance(path, str) or not _PATH.match(path):
        raise InvalidArgument(f"bad field path {path!r}", field="field")
    return path


def _check_scalar(value: Any, what: str) -> None:
    if value is not None and not isinstance(value, (str, int, float, bool)):
        raise InvalidArgument(f"{what} must be a string, number or boolean, not {type(value).__name__}",
                              field="value")


def plan_find(kind: str, query: Query) -> FindPlan:
    """Validate `query` and decode its cursor."""
    check_kind(kind)
    filters: list[Filter] = []
    for f in query.filters:
        check_path(f.field)
        op = Op(f.op)
        if op in (Op.IN, Op.NOT_IN):
            if isinstance(f.value, (str, bytes)) or not isinstance(f.value, Sequence):
                raise InvalidArgument(f"operator {op.value!r} needs a list of values", field=f.field)
            for v in f.value:
                _check_scalar(v, f"values of {f.field!r}")
            filters.append(Filter(f.field, op, tuple(f.value)))
        else:
            _check_scalar(f.value, f"the value of {f.field!r}")
            filters.append(Filter(f.field, op, f.value))
    orders: list[Order] = []
    id_desc = False
    for i, o in enumerate(query.orders):
        check_path(o.field)
        if o.field == ID_FIELD:
            if i != len(query.orders) - 1:
                raise InvalidArgument("an order on id must be the last order", field="orders")
            id_desc = o.descending
        else:
            orders.append(o)
    if not isinstance(query.limit, int) or query.limit < 0:
        raise InvalidArgument("limit must be a non-negative integer", field="limit")
    signature = _signature(orders, id_desc)
    after, after_id = decode_cursor(query.cursor, signature, len(orders)) if query.cursor else (None, None)
    return FindPlan(kind, tuple(filters), tuple(orders), id_desc, query.limit, after, after_id, signature)


# ----------------------------------------------------------------------------- cursors
def _signature(orders: Sequence[Order], id_desc: bool) -> str:
    parts = [f"{'-' if o.descending else '+'}{o.field}" for o in orders]
    parts.append(f"{'-' if id_desc else '+'}{ID_FIELD}")
    return ",".join(parts)


def get_path(doc: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path, or None when any part is missing."""
    cur: Any = doc
    for part in path.split("."):
        if not isinstance(cur, Mapping):
            return None
        cur = cur.get(part)
        if cur is None:
            return None
    return cur


def encode_cursor(plan: FindPlan, last_id: str, last_doc: Document) -> str:
    values = []
    for o in plan.orders:
        v = get_path(last_doc, o.field)
        values.append(v if isinstance(v, (str, int, float, bool)) else None)
    raw = json.dumps({"o": plan.signature, "v": values, "id": last_id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, signature: str, n: int) -> tuple[tuple[Scalar, ...], str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        values, last_id = data["v"], data["id"]
        ok = data["o"] == signature and isinstance(values, list) and len(values) == n and isinstance(last_id, str)
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise InvalidCursor("the cursor does not belong to this query", field="cursor")
    for v in values:
        _check_scalar(v, "a cursor value")
    return tuple(values), last_id


def make_page(plan: FindPlan, rows: list[tuple[str, Document]]) -> Page:
    items = [doc for _, doc in rows]
    if not rows:
        return Page(items, "")
    last_id, last_doc = rows[-1]
    return Page(items, encode_cursor(plan, last_id, last_doc))


# ----------------------------------------------------------------------------- in-memory semantics
def zero_of(sample: Any) -> Scalar:
    """The zero value a missing field compares as, given an operand."""
    if isinstance(sample, bool):
        return False
    if isinstance(sample, (int, float)):
        return 0
    if isinstance(sample, str):
        return ""
    return None
