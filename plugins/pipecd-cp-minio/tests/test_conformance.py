"""The minio file store passes pipecd-cp's file store conformance suite against moto_server."""
from __future__ import annotations

import pytest_asyncio

from pipecd_cp.testing import FileStoreConformance, driver_context
from pipecd_cp_minio import MinIOFileStore


class TestMinIOConformance(FileStoreConformance):
    @pytest_asyncio.fixture
    async def filestore(self, config, tmp_path):
        store = MinIOFileStore.from_config(config, driver_context("filestore", tmp_path))
        await store.open()
        yield store
        await store.close()
