"""The firestore datastore (on the emulator) beside google-cloud-firestore doing the same work.

Both sides store the same PipeCD Application documents (Go field names, zero values written) in
collections of the same size, on the same thread pool. The raw side hands the client a document
already in Firestore's shape and reads `to_dict()`; the plugin converts from and to the host's
documents. Needs the emulator: `plugins/pipecd-cp-firestore/ci/up`.
"""
from __future__ import annotations

import os
import secrets
import socket
import tempfile
from pathlib import Path
from typing import Any

from bench.backends.harness import Case, Unreachable
from pipecd_cp.datastore.base import Filter, Op, Order, Query
from pipecd_cp.testing import driver_context

_state: dict[str, Any] = {}
DEFAULT_HOST = "127.0.0.1:9120"
PROJECT = "pipecd-cp-bench"


def _reachable(host: str) -> bool:
    name, _, port = host.rpartition(":")
    try:
        with socket.create_connection((name, int(port)), timeout=1):
            return True
    except (OSError, ValueError):
        return False


def _app(i: int) -> dict[str, Any]:
    return {"id": f"seed{i}", "name": f"app-{i}", "piped_id": "piped-1", "project_id": "p", "kind": 0,
            "git_path": {"repo": {"id": "repo-1", "remote": "git@github.com:org/repo.git", "branch": "main"},
                         "path": f"apps/app-{i}", "config_filename": "app.pipecd.yaml"},
            "labels": {"env": "prod", "team": "core"}, "sync_state": {"status": 1, "timestamp": 100 + i},
            "created_at": 100, "updated_at": 100 + i}


async def cases(args: Any) -> list[Case]:
    host = os.environ.get("FIRESTORE_EMULATOR_HOST") or DEFAULT_HOST
    if not _reachable(host):
        raise Unreachable(f"no Firestore emulator on {host}; start it with plugins/pipecd-cp-firestore/ci/up")
    os.environ["FIRESTORE_EMULATOR_HOST"] = host
    try:
        from google.cloud import firestore
        from google.cloud.firestore_v1.base_query import FieldFilter

        from pipecd_cp.stores.applications import ApplicationStore
        from pipecd_cp_firestore.store import FirestoreDataStore
    except ImportError as exc:
        raise Unreachable(f"pipecd-cp-firestore is not installed ({exc})") from None

    tmp = Path(tempfile.mkdtemp(prefix="bench-firestore-"))
    run_id = secrets.token_hex(4)
    ds = FirestoreDataStore.from_config({"environment": f"bench-{run_id}", "project": PROJECT},
                                        driver_context("datastore", tmp))
    await ds.open()
    await ds.declare(ApplicationStore.schema())
    raw = firestore.Client(project=PROJECT)
    raw_col = raw.collection("pipecd").document(f"bench-raw-{run_id}").collection("Application")
    layout = ds.layout("Application")
    runner = ds._runner
    _state.update(ds=ds, raw=raw)
    for i in range(200):
        doc = _app(i)
        await ds.create("Application", doc["id"], doc)
        await runner.run(raw_col.document(doc["id"]).create, layout.encode(doc["id"], doc))
    new_doc = _app(0)
    new_data = layout.encode("x", dict(new_doc, id="x"))

    def raw_get(i: int) -> Any:
        return runner.run(lambda: raw_col.document(f"seed{i % 200}").get().to_dict())

    def raw_create(i: int) -> Any:
        return runner.run(raw_col.document(f"r{i}").create, dict(new_data, Id=f"r{i}"))

    def raw_update(i: int) -> Any:
        ref = raw_col.document("seed0")

        @firestore.transactional
        def tx(t: Any) -> None:
            data = ref.get(transaction=t).to_dict()
            data["UpdatedAt"] += 1
            t.set(ref, data)
        return runner.run(lambda: tx(raw.transaction()))

    def raw_find(i: int) -> Any:
        query = (raw_col.where(filter=FieldFilter("ProjectId", "==", "p"))
                 .order_by("UpdatedAt", direction=firestore.Query.DESCENDING).order_by("Id").limit(50))
        return runner.run(lambda: [s.to_dict() for s in query.stream()])

    def bump(d: dict) -> None:
        d["updated_at"] += 1
    find = Query([Filter("project_id", Op.EQ, "p")], [Order("updated_at", descending=True)], 50)
    return [
        Case("firestore", "get", lambda i: ds.get("Application", f"seed{i % 200}"), raw_get),
        Case("firestore", "create", lambda i: ds.create("Application", f"p{i}", dict(new_doc, id=f"p{i}")), raw_create),
        Case("firestore", "update", lambda i: ds.update("Application", "seed0", bump), raw_update),
        Case("firestore", "find 50", lambda i: ds.find("Application", find), raw_find),
    ]


async def teardown() -> None:
    if "ds" in _state:
        await _state["ds"].close()
        _state["raw"].close()
