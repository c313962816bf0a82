"""The firestore driver passes pipecd-cp's datastore conformance suite against the emulator."""
from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from pipecd_cp.testing import DataStoreConformance
from pipecd_cp_firestore.store import FirestoreDataStore


class TestFirestoreConformance(DataStoreConformance):
    @pytest_asyncio.fixture
    async def datastore(self, store: FirestoreDataStore) -> AsyncIterator[FirestoreDataStore]:
        yield store
