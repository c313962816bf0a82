"""Test support shipped with pipecd-cp: backend conformance suites and helpers.

A backend package proves itself by subclassing one suite per kind and providing one fixture::

    import pytest_asyncio
    from pipecd_cp.testing import DataStoreConformance, driver_context

    class TestMyDataStore(DataStoreConformance):
        @pytest_asyncio.fixture
        async def datastore(self, tmp_path):
            store = MyDataStore.from_config({...}, driver_context("datastore", tmp_path))
            await store.open()
            yield store
            await store.close()

The suites need `pytest` and `pytest-asyncio` (`pip install pipecd-cp[testing]`).
"""
from pipecd_cp.testing.cache import CacheConformance
from pipecd_cp.testing.context import driver_context
from pipecd_cp.testing.datastore import DataStoreConformance
from pipecd_cp.testing.filestore import FileStoreConformance

__all__ = ["CacheConformance", "DataStoreConformance", "FileStoreConformance", "driver_context"]
