"""PipeCD's 30 composite Firestore indexes, and creating the missing ones.

`indexes.json` (package data) holds the composite indexes PipeCD's queries need, in the Firestore
Admin API's shape (`collectionGroup`, `queryScope`, `fields[{fieldPath, order}]`), the same list
PipeCD's `firestoreindexensurer` embeds. `ensure_indexes` does what that ops job does, through
the Firestore Admin API instead of the `gcloud` CLI: prefix the collection groups with
`collectionNamePrefix`, list the existing composite indexes (ignoring `__name__`), and start
creating the missing ones without waiting for them to build. As in PipeCD, a failure to create
one index is logged and reported, while a failure to authenticate or list is raised.

The emulator answers every query without composite indexes, so against it nothing is done and
the report says so.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from pipecd_cp.concurrency import BlockingRunner
from pipecd_cp_firestore.errors import native_errors

if TYPE_CHECKING:
    from pipecd_cp_firestore.config import FirestoreConfig

DATABASE = "(default)"
ORDERS = ("ASCENDING", "DESCENDING")


@dataclass(frozen=True, slots=True)
class IndexField:
    field_path: str
    order: str = "ASCENDING"


@dataclass(frozen=True, slots=True)
class CompositeIndex:
    """One composite index of one collection group (queries on a single collection)."""

    collection_group: str
    fields: tuple[IndexField, ...]
    query_scope: str = "COLLECTION"

    def describe(self) -> str:
        terms = ", ".join(f.field_path + (" DESC" if f.order == "DESCENDING" else "") for f in self.fields)
        return f"{self.collection_group}({terms})"


@dataclass
class IndexReport:
    """What `ensure_indexes` found and did."""

    wanted: int
    existing: int = 0
    created: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: str | None = None  # why nothing was done (the emulator)

    def summary(self) -> str:
        if self.skipped:
            return f"composite indexes not ensured: {self.skipped}"
        return (f"{self.wanted} composite indexes wanted, {self.existing} present, {len(self.created)} being created, "
                f"{len(self.failed)} failed")


def load_indexes(prefix: str = "") -> list[CompositeIndex]:
    """PipeCD's composite indexes, with each collection group prefixed by `prefix`."""
    raw = json.loads(resources.files("pipecd_cp_firestore").joinpath("indexes.json").read_text("utf-8"))
    out = []
    for entry in raw:
        fields = tuple(IndexField(f["fieldPath"], f.get("order", "ASCENDING")) for f in entry["fields"])
        for f in fields:
            if f.order not in ORDERS:
                raise ValueError(f"indexes.json: bad order {f.order!r}")
        out.append(CompositeIndex(prefix + entry["collectionGroup"], fields, entry.get("queryScope", "COLLECTION")))
    return out


def missing_indexes(wanted: Iterable[CompositeIndex], existing: Iterable[CompositeIndex]) -> list[CompositeIndex]:
    """The wanted indexes that no existing one matches (`__name__` fields are ignored)."""
    have = {_identity(ix) for ix in existing}
    return [ix for ix in wanted if _identity(ix) not in have]


def _identity(ix: CompositeIndex) -> tuple[Any, ...]:
    return (ix.collection_group, ix.query_scope,
            tuple((f.field_path, f.order) for f in ix.fields if f.field_path != "__name__"))


async def ensure_indexes(config: "FirestoreConfig", runner: BlockingRunner, logger: logging.Logger, *,
                         emulator_host: str | None) -> IndexReport:
    """Create the missing composite indexes of PipeCD's kinds in the configured project.

    Returns a report. Raises `Unauthenticated`, `PermissionDenied` or `Unavailable` when the
    existing indexes cannot be listed; creation failures are logged and reported, not raised.
    Against the emulator it does nothing (`report.skipped` says so).
    """
    wanted = load_indexes(config.collection_name_prefix)
    if emulator_host:
        report = IndexReport(len(wanted), skipped=f"the emulator at {emulator_host} needs no composite indexes")
        logger.info("firestore | indexes skipped: %s", report.skipped)
        return report
    report = await runner.run(_ensure_sync, config, wanted, logger)
    logger.info("firestore | indexes: %s", report.summary())
    return report


def _ensure_sync(config: "FirestoreConfig", wanted: Sequence[CompositeIndex], logger: logging.Logger) -> IndexReport:
    from google.api_core import exceptions as gexc
    from google.cloud import firestore_admin_v1
    from google.cloud.firestore_admin_v1.types import Index

    report = IndexReport(len(wanted))
    with native_errors("listing composite indexes"):
        credentials, project = _credentials(config)
        admin = firestore_admin_v1.FirestoreAdminClient(credentials=credentials)
        existing: list[CompositeIndex] = []
        for group in sorted({ix.collection_group for ix in wanted}):
            for native in admin.list_indexes(parent=_parent(project, group)):
                existing.append(_from_admin(group, native))
    missing = missing_indexes(wanted, existing)
    report.existing = len(wanted) - len(missing)
    for ix in missing:
        native = Index(query_scope=Index.QueryScope[ix.query_scope],
                       fields=[Index.IndexField(field_path=f.field_path, order=Index.IndexField.Order[f.order])
                               for f in ix.fields])
        try:
            admin.create_index(parent=_parent(project, ix.collection_group), index=native)  # not awaited: builds async
            report.created.append(ix.describe())
        except gexc.AlreadyExists:
            report.existing += 1
        except gexc.GoogleAPICallError as exc:
            logger.warning("firestore | index %s not created: %s", ix.describe(), exc.message)
            report.failed.append(ix.describe())
    return report


def _credentials(config: "FirestoreConfig") -> tuple[Any, str]:
    import google.auth

    if config.credentials_file is not None:
        from google.oauth2 import service_account
        creds = service_account.Credentials.from_service_account_file(
            str(config.credentials_file), scopes=["https://www.googleapis.com/auth/datastore"])
        project = config.project or creds.project_id
    else:
        creds, default_project = google.auth.default(scopes=["https://www.googleapis.com/auth/datastore"])
        project = config.project or default_project
    if not project:
        raise ValueError("no GCP project: set config.project")
    return creds, project


def _parent(project: str, group: str) -> str:
    return f"projects/{project}/databases/{DATABASE}/collectionGroups/{group}"


def _from_admin(group: str, native: Any) -> CompositeIndex:
    fields = []
    for f in native.fields:
        order = f.order.name if f.order else ("ARRAY_CONTAINS" if f.array_config else "")
        fields.append(IndexField(f.field_path, order))
    return CompositeIndex(group, tuple(fields), native.query_scope.name)
