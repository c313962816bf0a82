"""mysql passes pipecd-cp's datastore conformance suite against a real server."""
from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from pipecd_cp.testing import DataStoreConformance
from pipecd_cp_mysql import MySQLDataStore


class TestMySQLConformance(DataStoreConformance):
    @pytest_asyncio.fixture
    async def datastore(self, store: MySQLDataStore) -> AsyncIterator[MySQLDataStore]:
        yield store
