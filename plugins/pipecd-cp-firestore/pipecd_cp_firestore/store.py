"""`firestore`: documents in Google Cloud Firestore, in PipeCD's own layout.

Config (`spec.datastore` with `type: FIRESTORE`): see `pipecd_cp_firestore.config`. A document
lives at `{namespace}/{environment}/{collectionNamePrefix}{Kind}/{id}`. PipeCD's kinds are
stored exactly as PipeCD's Go code stores them (`pipecd_layout`), other kinds as given with
their declared fields zero-filled (`plain_layout`). Queries run natively where Firestore can
answer them exactly, in memory otherwise (`query`).

The client is Google's blocking `google-cloud-firestore`, run on the host's thread pool. With
`FIRESTORE_EMULATOR_HOST` set it talks to that emulator without credentials.
"""
from __future__ import annotations

import asyncio
import itertools
import os
import random
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from google.api_core import exceptions as gexc
from google.api_core import retry as retries
from google.cloud import firestore

from pipecd_cp.datastore.base import Document, FindPlan, KindSchema, Mutator, check_id, check_kind
from pipecd_cp.datastore.blocking import BlockingDataStore, apply_mutator
from pipecd_cp.errors import InvalidArgument, NotFound, Unavailable
from pipecd_cp_firestore.config import FirestoreConfig, parse_config
from pipecd_cp_firestore.errors import native_errors
from pipecd_cp_firestore.indexes import IndexReport, ensure_indexes
from pipecd_cp_firestore.layout import Layout, check_document_id
from pipecd_cp_firestore.pipecd_layout import PIPECD_KINDS, ModelLayout
from pipecd_cp_firestore.plain_layout import PlainLayout
from pipecd_cp_firestore.query import FindRunner

if TYPE_CHECKING:
    from google.cloud.firestore_v1.collection import CollectionReference

    from pipecd_cp.drivers import DriverContext

EMULATOR_ENV = "FIRESTORE_EMULATOR_HOST"
#: How long `update` keeps retrying a contended transaction before answering Unavailable.
UPDATE_DEADLINE = 60.0
_OPEN_TIMEOUT = 15.0
#: Reads give up after this long (the client's own default keeps retrying for up to 5 minutes).
CALL_TIMEOUT = 30.0
#: A find may stream many documents: its deadline is longer.
FIND_TIMEOUT = 120.0
_READ_RETRY = retries.Retry(predicate=retries.if_transient_error, initial=0.1, maximum=2.0, timeout=CALL_TIMEOUT)
_FIND_RETRY = _READ_RETRY.with_timeout(FIND_TIMEOUT)


class _MutatorFailed(Exception):
    """Carries an exception raised by the caller's mutator through the transaction machinery."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(repr(error))
        self.error = error


class _DocumentTurns:
    """One lock per document being updated, dropped when nobody holds or awaits it."""

    def __init__(self) -> None:
        self._locks: dict[tuple[str, str], tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def turn(self, kind: str, id: str) -> AsyncIterator[None]:
        key = (kind, id)
        lock, users = self._locks.get(key, (None, 0))
        lock = lock or asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class FirestoreDataStore(BlockingDataStore):
    """Documents in Firestore; see the module docstring."""

    name = "firestore"

    def __init__(self, config: FirestoreConfig, context: "DriverContext") -> None:
        super().__init__(context.runner)
        self.config = config
        self._logger = context.logger
        self._client: firestore.Client | None = None
        registry: dict[str, Any] = {}
        self._layouts: dict[str, Layout] = {kind: ModelLayout(kind, model, registry)
                                            for kind, model in PIPECD_KINDS.items()}
        self._schemas: dict[str, KindSchema] = {}
        # Updaters of one document in this process take turns: concurrent transactions on one
        # document conflict, and the emulator resolves each conflict by timing the transactions
        # out (seconds each) while Firestore aborts all but one; the retries would cost far more
        # than the wait. Other processes are still handled by the transactions themselves.
        self._turns = _DocumentTurns()

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: "DriverContext") -> "FirestoreDataStore":
        return cls(parse_config(config), context)

    @property
    def emulator_host(self) -> str | None:
        """The emulator this driver talks to (`FIRESTORE_EMULATOR_HOST`), or None for Google Cloud."""
        return os.environ.get(EMULATOR_ENV) or None

    @property
    def client(self) -> firestore.Client:
        if self._client is None:
            raise Unavailable("firestore: the datastore is not open")
        return self._client

    # ------------------------------------------------------------------ lifecycle
    def _open_sync(self) -> None:
        with native_errors("opening the client"):
            credentials = None
            project = self.config.project
            if self.config.credentials_file is not None and not self.emulator_host:
                from google.oauth2 import service_account  # only needed with a key file
                credentials = service_account.Credentials.from_service_account_file(
                    str(self.config.credentials_file), scopes=["https://www.googleapis.com/auth/datastore"])
                project = project or credentials.project_id
            self._client = firestore.Client(project=project, credentials=credentials)
            # One cheap read so a wrong address or credentials fail start-up, not the first request.
            # (The client's default retry for this call would keep trying for minutes.)
            retry = retries.Retry(predicate=retries.if_transient_error, initial=0.2, maximum=2.0,
                                  timeout=_OPEN_TIMEOUT)
            self._root().get(timeout=_OPEN_TIMEOUT, retry=retry)
        self._logger.info("firestore | open project=%s root=%s/%s%s", self._client.project, self.config.namespace,
                          self.config.environment, f" emulator={self.emulator_host}" if self.emulator_host else "")

    def _close_sync(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()

    def _root(self) -> Any:
        return self.client.collection(self.config.namespace).document(self.config.environment)

    def collection(self, kind: str) -> "CollectionReference":
        """The collection holding `kind`: `{namespace}/{environment}/{prefix}{kind}`."""
        return self.client.collection(*self.config.collection_path(kind))

    def layout(self, kind: str) -> Layout:
        """How `kind`'s documents are stored (PipeCD's layout for PipeCD's kinds)."""
        layout = self._layouts.get(kind)
        if layout is None:
            layout = PlainLayout(kind, {})
        return layout

    async def declare(self, schema: KindSchema) -> None:
        """Remember the declared fields; other kinds' documents get them zero-filled from now on."""
        check_kind(schema.kind)
        old = self._schemas.get(schema.kind)
        fields = {**(old.fields if old else {}), **schema.fields}
        self._schemas[schema.kind] = KindSchema(schema.kind, fields, schema.indexes)
        if schema.kind not in PIPECD_KINDS:
            self._layouts[schema.kind] = PlainLayout(schema.kind, fields)

    # ------------------------------------------------------------------ operations
    def _ref(self, kind: str, id: str) -> Any:
        return self.collection(kind).document(check_document_id(id))

    def _get_sync(self, kind: str, id: str) -> Document:
        ref = self._ref(kind, id)
        with native_errors(f"{kind} {id!r}"):
            snap = ref.get(retry=_READ_RETRY, timeout=CALL_TIMEOUT)
        if not snap.exists:
            raise NotFound(f"{kind} {id!r} not found")
        return self.layout(kind).decode(snap.to_dict() or {})

    def _create_sync(self, kind: str, id: str, doc: Document) -> None:
        ref = self._ref(kind, id)
        data = self.layout(kind).encode(id, doc)
        with native_errors(f"{kind} {id!r}"):
            # One commit with an "exists: false" precondition: atomic, and AlreadyExists (not a
            # silent overwrite) when the id is taken, like PipeCD's read-then-set transaction.
            ref.create(data, timeout=CALL_TIMEOUT)

    async def update(self, kind: str, id: str, mutate: Mutator) -> Document:
        async with self._turns.turn(check_kind(kind), check_id(id)):
            return await super().update(kind, id, mutate)

    def _update_sync(self, kind: str, id: str, mutate: Mutator) -> Document:
        ref = self._ref(kind, id)
        layout = self.layout(kind)
        written: list[Document] = []

        @firestore.transactional
        def run(tx: Any) -> None:
            snap = ref.get(transaction=tx, retry=_READ_RETRY, timeout=CALL_TIMEOUT)
            if not snap.exists:
                raise NotFound(f"{kind} {id!r} not found")
            try:
                doc = apply_mutator(mutate, layout.decode(snap.to_dict() or {}))
            except Exception as exc:
                raise _MutatorFailed(exc) from exc
            data = layout.encode(id, doc)
            try:
                tx.set(ref, data)
            except (ValueError, TypeError) as exc:  # the client refuses a value
                raise InvalidArgument(f"firestore: {kind} {id!r}: {exc}") from exc
            written[:] = [doc]

        client = self.client
        deadline = time.monotonic() + UPDATE_DEADLINE
        for attempt in itertools.count():
            try:
                with native_errors(f"{kind} {id!r}"):
                    try:
                        run(client.transaction(max_attempts=5))
                        return written[0]
                    except gexc.Aborted:
                        pass  # a lock timeout or a race lost to another process (or a read aborted)
                    except ValueError as exc:
                        # The client gives up after max_attempts aborted commits with a ValueError.
                        if not isinstance(exc.__cause__, gexc.Aborted):
                            raise
                    if time.monotonic() >= deadline:
                        raise Unavailable(f"firestore: {kind} {id!r}: still contended after "
                                          f"{UPDATE_DEADLINE:.0f}s of retries")
            except _MutatorFailed as failed:
                raise failed.error from None
            # Jittered exponential back-off, so contending processes stop colliding.
            time.sleep(random.uniform(0, min(2.0, 0.02 * 2 ** min(attempt, 7))))
        raise AssertionError("unreachable")

    def _delete_sync(self, kind: str, id: str) -> None:
        ref = self._ref(kind, id)
        with native_errors(f"{kind} {id!r}"):
            try:
                ref.delete(option=self.client.write_option(exists=True), timeout=CALL_TIMEOUT)
            except gexc.NotFound:
                raise NotFound(f"{kind} {id!r} not found") from None

    def _find_sync(self, plan: FindPlan) -> list[tuple[str, Document]]:
        runner = FindRunner(self.client, self.collection(plan.kind), self.layout(plan.kind), retry=_FIND_RETRY,
                            timeout=FIND_TIMEOUT)
        with native_errors(f"find {plan.kind}"):
            return runner.run(plan)

    # ------------------------------------------------------------------ indexes
    async def ensure_indexes(self) -> IndexReport:
        """Create PipeCD's composite indexes that are missing (see `pipecd_cp_firestore.indexes`)."""
        return await ensure_indexes(self.config, self._runner, self._logger, emulator_host=self.emulator_host)
