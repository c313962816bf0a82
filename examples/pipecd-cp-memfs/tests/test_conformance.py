"""memfs passes pipecd-cp's file store conformance suite: one subclass, one fixture."""
import pytest_asyncio

from pipecd_cp.testing import FileStoreConformance
from pipecd_cp_memfs.store import MemoryFileStore


class TestMemfsConformance(FileStoreConformance):
    @pytest_asyncio.fixture
    async def filestore(self):
        store = MemoryFileStore()
        await store.open()
        yield store
        await store.close()
