"""PipeCD's kinds on the emulator: PipeCD's document paths and Go field names, both ways."""
from __future__ import annotations

from typing import Any

import pytest

from pipecd_cp.datastore.base import Filter, Op, Order, Query
from pipecd_cp.errors import InvalidArgument
from pipecd_cp.proto.model import application_pb2, common_pb2, deployment_pb2
from pipecd_cp.stores.applications import ApplicationStore
from pipecd_cp.stores.documents import from_document, to_document
from pipecd_cp_firestore.store import FirestoreDataStore


def _raw_doc(raw: Any, environment: str, kind: str, id: str) -> Any:
    return raw.collection("pipecd").document(environment).collection(f"cp_{kind}").document(id)


def _app(id: str, **kw: Any) -> application_pb2.Application:
    app = application_pb2.Application(id=id, name=kw.pop("name", id), piped_id="piped-1", project_id="proj",
                                      created_at=100, updated_at=kw.pop("updated_at", 200), **kw)
    app.git_path.repo.id = "repo-1"
    app.git_path.path = f"apps/{id}"
    return app


async def test_a_document_written_by_the_driver_has_pipecds_path_go_names_and_zero_values(
        store: FirestoreDataStore, raw: Any, environment: str) -> None:
    app = _app("app-1", labels={"app.kubernetes.io/name": "web", "env": "prod"})
    app.git_path.repo.remote = "git@github.com:org/repo.git"
    app.git_path.config_filename = "app.pipecd.yaml"
    app.deploy_targets_by_plugin["kubernetes"].deploy_targets.append("cluster-1")
    await store.create("Application", "app-1", to_document(app))
    snap = _raw_doc(raw, environment, "Application", "app-1").get()
    assert snap.exists, "expected pipecd/{environment}/cp_Application/app-1"
    assert snap.to_dict() == {
        "Id": "app-1", "Name": "app-1", "PipedId": "piped-1", "ProjectId": "proj", "Kind": 0,
        "GitPath": {"Repo": {"Id": "repo-1", "Remote": "git@github.com:org/repo.git", "Branch": ""},
                    "Path": "apps/app-1", "ConfigFilename": "app.pipecd.yaml", "Url": ""},
        "CloudProvider": "", "PlatformProvider": "",
        "DeployTargetsByPlugin": {"kubernetes": {"DeployTargets": ["cluster-1"]}},
        "Description": "", "Labels": {"app.kubernetes.io/name": "web", "env": "prod"},
        "MostRecentlySuccessfulDeployment": None, "MostRecentlyTriggeredDeployment": None, "SyncState": None,
        "Deploying": False, "DeletedAt": 0, "Deleted": False, "Disabled": False, "CreatedAt": 100, "UpdatedAt": 200,
    }
    assert await store.get("Application", "app-1") == to_document(app)


async def test_a_deployment_keeps_enums_int64s_and_nested_go_names(store: FirestoreDataStore, raw: Any,
                                                                   environment: str) -> None:
    d = deployment_pb2.Deployment(id="dep-1", application_id="app-1", project_id="proj", status=4,
                                  deployment_chain_block_index=2, completed_at=1_700_000_000_123)
    d.metadata_v2.plugins["kubernetes"].keyValues["some_key"] = "v"
    stage = d.stages.add(id="stage-1", name="K8S_SYNC", status=2)
    stage.metadata["Approvers"] = "alice"
    await store.create("Deployment", "dep-1", to_document(d))
    data = _raw_doc(raw, environment, "Deployment", "dep-1").get().to_dict()
    assert data["Status"] == 4 and data["DeploymentChainBlockIndex"] == 2 and data["CompletedAt"] == 1_700_000_000_123
    assert data["MetadataV2"] == {"Shared": None, "Plugins": {"kubernetes": {"KeyValues": {"some_key": "v"}}}}
    assert data["Stages"][0]["Id"] == "stage-1" and data["Stages"][0]["Metadata"] == {"Approvers": "alice"}
    assert data["Stages"][0]["Requires"] is None and data["Trigger"] is None


async def test_a_document_written_by_pipecd_reads_back_into_the_model(store: FirestoreDataStore, raw: Any,
                                                                      environment: str) -> None:
    # What PipeCD's Go code stores for an application that piped has reported as synced.
    _raw_doc(raw, environment, "Application", "app-2").set({
        "Id": "app-2", "Name": "api", "PipedId": "piped-1", "ProjectId": "proj", "Kind": 4,
        "GitPath": {"Repo": {"Id": "repo-1", "Remote": "", "Branch": "main"}, "Path": "apps/api",
                    "ConfigFilename": "", "Url": ""},
        "CloudProvider": "", "PlatformProvider": "", "DeployTargetsByPlugin": None, "Description": "the api",
        "Labels": {"team": "core"}, "MostRecentlySuccessfulDeployment": None,
        "MostRecentlyTriggeredDeployment": {"DeploymentId": "dep-9", "Trigger": None, "Summary": "", "Version": "v1",
                                            "ConfigFilename": "", "Versions": None, "StartedAt": 150,
                                            "CompletedAt": 0},
        "SyncState": {"Status": 1, "ShortReason": "", "Reason": "", "HeadDeploymentId": "dep-9", "Timestamp": 160},
        "Deploying": False, "DeletedAt": 0, "Deleted": False, "Disabled": True, "CreatedAt": 100, "UpdatedAt": 170,
    })
    doc = await store.get("Application", "app-2")
    want = application_pb2.Application(
        id="app-2", name="api", piped_id="piped-1", project_id="proj",
        kind=common_pb2.ApplicationKind.Value("CLOUDRUN"),
        description="the api", labels={"team": "core"}, disabled=True, created_at=100, updated_at=170)
    want.git_path.repo.id = "repo-1"
    want.git_path.repo.branch = "main"
    want.git_path.path = "apps/api"
    want.most_recently_triggered_deployment.deployment_id = "dep-9"
    want.most_recently_triggered_deployment.version = "v1"
    want.most_recently_triggered_deployment.started_at = 150
    want.sync_state.status = application_pb2.SYNCED
    want.sync_state.head_deployment_id = "dep-9"
    want.sync_state.timestamp = 160
    assert from_document(doc, application_pb2.Application) == want
    assert doc == to_document(want)  # zero values omitted, as the host's documents are


async def test_updates_rewrite_the_whole_pipecd_document(store: FirestoreDataStore, raw: Any, environment: str) -> None:
    await store.create("Application", "app-3", to_document(_app("app-3")))

    def sync(doc: dict) -> None:
        doc["sync_state"] = {"status": 1, "timestamp": 5}
    written = await store.update("Application", "app-3", sync)
    assert written["sync_state"] == {"status": 1, "timestamp": 5}
    data = _raw_doc(raw, environment, "Application", "app-3").get().to_dict()
    assert data["SyncState"] == {"Status": 1, "ShortReason": "", "Reason": "", "HeadDeploymentId": "", "Timestamp": 5}


async def test_namespace_and_prefix_place_the_collections(emulator: str, raw: Any, environment: str,
                                                          tmp_path: Any) -> None:
    from pipecd_cp.testing import driver_context
    ds = FirestoreDataStore.from_config({"namespace": "other-ns", "environment": environment,
                                         "project": "pipecd-cp-test", "collectionNamePrefix": "pre-"},
                                        driver_context("datastore", tmp_path))
    await ds.open()
    try:
        await ds.create("Project", "quickstart", {"id": "quickstart", "desc": "x"})
    finally:
        await ds.close()
    snap = raw.collection("other-ns").document(environment).collection("pre-Project").document("quickstart").get()
    assert snap.exists and snap.get("Desc") == "x"


async def test_an_id_other_than_the_key_is_refused(store: FirestoreDataStore) -> None:
    with pytest.raises(InvalidArgument):
        await store.create("Application", "app-4", {"id": "another"})


# ----------------------------------------------------------------------------- queries
@pytest.fixture
async def apps(store: FirestoreDataStore) -> FirestoreDataStore:
    await store.declare(ApplicationStore.schema())
    fleet = [_app("a1", updated_at=10), _app("a2", updated_at=30, disabled=True), _app("a3", updated_at=20),
             _app("a4", updated_at=30), _app("a5", updated_at=40, labels={"env": "prod"})]
    fleet[0].sync_state.status = application_pb2.SYNCED
    fleet[1].sync_state.status = application_pb2.OUT_OF_SYNC
    fleet[2].sync_state.SetInParent()  # status UNKNOWN (0), explicitly
    fleet[4].project_id = "other"
    for app in fleet:
        await store.create("Application", app.id, to_document(app))
    return store


async def _ids(ds: FirestoreDataStore, *filters: Filter, orders: tuple[Order, ...] = (), limit: int = 0) -> list[str]:
    out, cursor = [], ""
    while True:
        page = await ds.find("Application", Query(list(filters), list(orders), limit, cursor))
        out += [d["id"] for d in page.items]
        if not limit or not page.items:
            return out
        cursor = page.cursor


async def test_pipecd_queries_with_snake_case_fields(apps: FirestoreDataStore) -> None:
    by_update = (Order("updated_at", descending=True), Order("id"))
    assert await _ids(apps, Filter("project_id", Op.EQ, "proj"), orders=by_update) == ["a2", "a4", "a3", "a1"]
    assert await _ids(apps, Filter("project_id", Op.EQ, "proj"), orders=by_update, limit=3) == ["a2", "a4", "a3", "a1"]
    assert await _ids(apps, Filter("disabled", Op.EQ, False), orders=by_update) == ["a5", "a4", "a3", "a1"]
    assert await _ids(apps, Filter("sync_state.status", Op.EQ, 3)) == ["a2"]
    assert await _ids(apps, Filter("labels.env", Op.EQ, "prod")) == ["a5"]


async def test_a_missing_sync_state_counts_as_status_unknown(apps: FirestoreDataStore) -> None:
    # a4 and a5 have no SyncState at all (null in Firestore), a3 has one with status 0.
    by_update = (Order("updated_at", descending=True),)
    assert await _ids(apps, Filter("sync_state.status", Op.EQ, 0), orders=by_update) == ["a5", "a4", "a3"]
    assert await _ids(apps, Filter("sync_state.status", Op.EQ, 0), orders=by_update, limit=1) == ["a5", "a4", "a3"]
    assert await _ids(apps, Filter("sync_state.status", Op.IN, [0, 1]), orders=by_update) == ["a5", "a4", "a3", "a1"]
    assert await _ids(apps, Filter("sync_state.status", Op.NE, 0), orders=by_update) == ["a2", "a1"]


async def test_ordering_by_a_field_below_a_null_message_keeps_every_document(apps: FirestoreDataStore) -> None:
    want = ["a4", "a5", "a3", "a1", "a2"]  # null SyncState lowest, then 0 (a3), 1, 3
    assert await _ids(apps, orders=(Order("sync_state.status"),)) == want
    assert await _ids(apps, orders=(Order("sync_state.status"),), limit=2) == want
    descending = await _ids(apps, orders=(Order("sync_state.status", descending=True),), limit=2)
    assert descending == ["a2", "a1", "a3", "a4", "a5"]  # ties (the two nulls) still by id ascending
