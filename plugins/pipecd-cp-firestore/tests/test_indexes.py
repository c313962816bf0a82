"""PipeCD's 30 composite indexes as data, and the index ensurer (a no-op on the emulator)."""
from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import pytest

from pipecd_cp.testing import driver_context
from pipecd_cp_firestore.config import parse_config
from pipecd_cp_firestore.indexes import CompositeIndex, IndexField, load_indexes, missing_indexes
from pipecd_cp_firestore.pipecd_layout import PIPECD_KINDS, ModelLayout
from pipecd_cp_firestore.store import EMULATOR_ENV, FirestoreDataStore


def test_there_are_pipecds_30_indexes() -> None:
    indexes = load_indexes()
    assert len(indexes) == 30
    assert Counter(ix.collection_group for ix in indexes) == {
        "Application": 7, "Command": 1, "Deployment": 10, "Event": 8, "DeploymentChain": 2, "DeploymentTrace": 2}
    assert len({(ix.collection_group, ix.fields) for ix in indexes}) == 30, "duplicates"
    assert all(ix.query_scope == "COLLECTION" for ix in indexes)
    descs = {ix.describe() for ix in indexes}
    assert "Application(SyncState.Status, UpdatedAt DESC, Id)" in descs
    assert "Event(EventKey, Name, ProjectId, CreatedAt DESC, Id)" in descs
    assert "Command(Status, CreatedAt)" in descs


def test_every_index_field_is_a_go_field_the_driver_writes() -> None:
    for ix in load_indexes():
        layout = ModelLayout(ix.collection_group, PIPECD_KINDS[ix.collection_group])
        written = set(layout.encode("x", {"id": "x"}))
        for f in ix.fields:
            top = f.field_path.split(".")[0]
            assert top in written, f"{ix.describe()}: {f.field_path}"


def test_collection_groups_take_the_prefix() -> None:
    assert {ix.collection_group for ix in load_indexes("cp_")} == {
        "cp_Application", "cp_Command", "cp_Deployment", "cp_Event", "cp_DeploymentChain", "cp_DeploymentTrace"}


def test_missing_indexes_ignore_the_implicit_document_name_field() -> None:
    wanted = load_indexes()
    first = wanted[0]
    existing = [CompositeIndex(first.collection_group, first.fields + (IndexField("__name__"),))]
    missing = missing_indexes(wanted, existing)
    assert len(missing) == 29 and first not in missing
    other_order = CompositeIndex(wanted[1].collection_group, (wanted[1].fields[0], IndexField("UpdatedAt")))
    assert len(missing_indexes(wanted, [other_order])) == 30


async def test_against_the_emulator_nothing_is_done_and_the_report_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv(EMULATOR_ENV, "127.0.0.1:9120")
    store = FirestoreDataStore(parse_config({"environment": "dev"}), driver_context("datastore", tmp_path))
    with caplog.at_level(logging.INFO):
        report = await store.ensure_indexes()
    assert report.skipped and "emulator" in report.skipped and report.wanted == 30 and not report.created
    assert "needs no composite indexes" in caplog.text
