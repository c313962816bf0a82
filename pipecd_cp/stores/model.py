"""`ModelStore`: a protobuf model kept as PipeCD's JSON document in the datastore.

A store knows its kind, its message class and its schema (declared fields and index hints). It
stamps `created_at`/`updated_at`, validates entities against their proto rules before every
write, and runs read-modify-write updates atomically through the driver.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from google.protobuf.message import Message

from pipecd_cp.datastore.base import (DataStore, Document, FieldType, Filter, KindSchema, Op, Order, Query,
                                      encode_cursor, plan_find)
from pipecd_cp.errors import NotFound, PermissionDenied
from pipecd_cp.stores.documents import from_document, to_document
from pipecd_cp.validation import Validator

M = TypeVar("M", bound=Message)
Clock = Callable[[], float]
S, I, B, L = FieldType.STRING, FieldType.INT, FieldType.BOOL, FieldType.LIST


def desc(field: str) -> Order:
    return Order(field, descending=True)


def asc(field: str) -> Order:
    return Order(field)


def eq(field: str, value: object) -> Filter:
    return Filter(field, Op.EQ, value)


@dataclass(frozen=True)
class Owner:
    """Who may touch an entity: a project, and optionally one piped in it.

    Another project's entity is NOT_FOUND (existence does not leak); another piped's entity in
    the same project is PERMISSION_DENIED, as PipeCD answers.
    """

    project_id: str
    piped_id: str | None = None

    def check(self, kind: str, entity_id: str, project_id: str, piped_id: str | None = None) -> None:
        if project_id != self.project_id:
            raise NotFound(f"{kind} {entity_id!r} not found")
        if self.piped_id is not None and piped_id is not None and piped_id != self.piped_id:
            raise PermissionDenied(f"{kind} {entity_id!r} does not belong to this piped")


@dataclass
class Found(Generic[M]):
    items: list[M]
    cursor: str


class ModelStore(Generic[M]):
    """Typed access to one kind. Subclasses set `kind`, `model` and `schema`."""

    kind: str
    model: type[Message]
    fields: dict[str, FieldType] = {}
    indexes: Sequence[Sequence[Order]] = ()

    def __init__(self, ds: DataStore, clock: Clock, validator: Validator) -> None:
        self.ds, self.clock, self.validator = ds, clock, validator
        #: Called with an entity id after a change that affects credentials (set by the host).
        self.on_credentials_changed: Callable[[str], Awaitable[None]] | None = None

    async def credentials_changed(self, id: str) -> None:
        if self.on_credentials_changed is not None:
            await self.on_credentials_changed(id)

    @classmethod
    def schema(cls) -> KindSchema:
        return KindSchema(cls.kind, cls.fields, cls.indexes)

    def now(self) -> int:
        return int(self.clock())

    def decode(self, doc: Document) -> M:
        return from_document(doc, self.model)  # type: ignore[return-value]

    # ------------------------------------------------------------------ reads
    async def get(self, id: str) -> M:
        """The entity; `NotFound` when missing."""
        return self.decode(await self.ds.get(self.kind, id))

    async def get_owned(self, id: str, owner: Owner) -> M:
        """The entity if `owner` may see it (see `Owner`)."""
        entity = await self.get(id)
        owner.check(self.kind, id, entity.project_id, getattr(entity, "piped_id", None) or None)
        return entity

    async def find(self, filters: Sequence[Filter] = (), orders: Sequence[Order] = (), limit: int = 0,
                   cursor: str = "") -> Found[M]:
        page = await self.ds.find(self.kind, Query(list(filters), list(orders), limit, cursor))
        return Found([self.decode(d) for d in page.items], page.cursor)

    async def find_all(self, filters: Sequence[Filter] = (), orders: Sequence[Order] = (),
                       page_size: int = 500) -> list[M]:
        """Every match, read in pages (for jobs that must see everything)."""
        out: list[M] = []
        cursor = ""
        orders = list(orders) or [asc("id")]
        while True:
            found = await self.find(filters, orders, page_size, cursor)
            out += found.items
            if len(found.items) < page_size:
                return out
            cursor = found.cursor

    async def find_matching(self, filters: Sequence[Filter], orders: Sequence[Order], limit: int, cursor: str,
                            predicate: Callable[[M], bool]) -> Found[M]:
        """Like `find`, keeping only items `predicate` accepts (filters the datastore cannot run).

        Reads page after page until `limit` accepted items (0 = all). The cursor points at the
        last returned item, so no page is larger than `limit` and paging never skips or repeats
        (PipeCD's label filter does both, pipe-cd/pipecd#7074).
        """
        query = Query(list(filters), list(orders), 0, cursor)
        plan = plan_find(self.kind, query)
        batch = max(limit * 2, 50) if limit else 500
        out: list[M] = []
        last: tuple[str, Document] | None = None
        while True:
            page = await self.ds.find(self.kind, Query(query.filters, query.orders, batch, cursor))
            for doc in page.items:
                item = self.decode(doc)
                if predicate(item):
                    out.append(item)
                    last = (str(doc.get("id", "")), doc)
                    if limit and len(out) == limit:
                        return Found(out, encode_cursor(plan, *last))
            if len(page.items) < batch:
                return Found(out, encode_cursor(plan, *last) if last else "")
            cursor = page.cursor

    # ------------------------------------------------------------------ writes
    def _stamp(self, entity: Message, now: int) -> None:
        if hasattr(entity, "created_at") and not entity.created_at:
            entity.created_at = now
        if hasattr(entity, "updated_at") and not entity.updated_at:
            entity.updated_at = now

    async def add(self, entity: M) -> M:
        """Stamp, validate and create; `AlreadyExists` when the id is taken."""
        self._stamp(entity, self.now())
        self.validator.validate(entity)
        await self.ds.create(self.kind, entity.id, to_document(entity))
        return entity

    async def update(self, id: str, change: Callable[[M], None], *, touch: bool = True) -> M:
        """Atomically apply `change` to the stored entity, re-validate and write it.

        `change` mutates the message in place and may raise to abort (nothing is written); it may
        run more than once when the driver retries. `touch` sets `updated_at` to now.
        """
        now = self.now()
        result: list[M] = []

        def mutate(doc: Document) -> Document:
            entity = self.decode(doc)
            change(entity)
            if touch and hasattr(entity, "updated_at"):
                entity.updated_at = now
            self.validator.validate(entity)
            result[:] = [entity]
            return to_document(entity)
        await self.ds.update(self.kind, id, mutate)
        return result[0]

    async def update_owned(self, id: str, owner: Owner, change: Callable[[M], None], *, touch: bool = True) -> M:
        """`update`, after checking inside the same transaction that `owner` may touch it."""
        def guarded(entity: M) -> None:
            owner.check(self.kind, id, entity.project_id, getattr(entity, "piped_id", None) or None)
            change(entity)
        return await self.update(id, guarded, touch=touch)

    async def delete(self, id: str) -> None:
        """Remove the document (retention clean-up only; PipeCD never deletes entities)."""
        await self.ds.delete(self.kind, id)
