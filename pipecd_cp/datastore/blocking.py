"""Adapter for datastore drivers built on blocking client libraries."""
from __future__ import annotations

import abc

from pipecd_cp.concurrency import BlockingRunner
from pipecd_cp.datastore.base import DataStore, Document, FindPlan, KindSchema, Mutator, check_id, check_kind
from pipecd_cp.errors import InvalidArgument


class BlockingDataStore(DataStore):
    """A DataStore whose work happens in `_sync` methods, run on the host's bounded thread pool.

    The async methods validate their arguments on the loop, then run the sync method on the pool.
    """

    def __init__(self, runner: BlockingRunner) -> None:
        self._runner = runner

    async def open(self) -> None:
        await self._runner.run(self._open_sync)

    async def close(self) -> None:
        await self._runner.run(self._close_sync)

    async def get(self, kind: str, id: str) -> Document:
        return await self._runner.run(self._get_sync, check_kind(kind), check_id(id))

    async def create(self, kind: str, id: str, doc: Document) -> None:
        _check_doc(doc)
        await self._runner.run(self._create_sync, check_kind(kind), check_id(id), doc)

    async def update(self, kind: str, id: str, mutate: Mutator) -> Document:
        return await self._runner.run(self._update_sync, check_kind(kind), check_id(id), mutate)

    async def delete(self, kind: str, id: str) -> None:
        await self._runner.run(self._delete_sync, check_kind(kind), check_id(id))

    async def _find(self, plan: FindPlan) -> list[tuple[str, Document]]:
        return await self._runner.run(self._find_sync, plan)

    async def declare(self, schema: KindSchema) -> None:
        await self._runner.run(self._declare_sync, schema)

    def _declare_sync(self, schema: KindSchema) -> None:
        """Create what the kind's declared fields and indexes need (default: nothing)."""

    def _open_sync(self) -> None:
        """Connect and create the layout (default: nothing)."""

    def _close_sync(self) -> None:
        """Disconnect (default: nothing)."""

    @abc.abstractmethod
    def _get_sync(self, kind: str, id: str) -> Document: ...

    @abc.abstractmethod
    def _create_sync(self, kind: str, id: str, doc: Document) -> None: ...

    @abc.abstractmethod
    def _update_sync(self, kind: str, id: str, mutate: Mutator) -> Document: ...

    @abc.abstractmethod
    def _delete_sync(self, kind: str, id: str) -> None: ...

    @abc.abstractmethod
    def _find_sync(self, plan: FindPlan) -> list[tuple[str, Document]]: ...


def _check_doc(doc: object) -> None:
    if not isinstance(doc, dict):
        raise InvalidArgument("a document must be a JSON object", field="doc")


def apply_mutator(mutate: Mutator, current: Document) -> Document:
    """Run `mutate` on `current` (a private copy) and return the document to write."""
    result = mutate(current)
    doc = current if result is None else result
    _check_doc(doc)
    return doc
