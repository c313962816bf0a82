"""The gcs driver passes pipecd-cp's file store conformance suite against fake-gcs-server."""
from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from pipecd_cp.testing import FileStoreConformance
from pipecd_cp_gcs.store import GCSFileStore


class TestGCSConformance(FileStoreConformance):
    @pytest_asyncio.fixture
    async def filestore(self, store: GCSFileStore) -> AsyncIterator[GCSFileStore]:
        yield store
