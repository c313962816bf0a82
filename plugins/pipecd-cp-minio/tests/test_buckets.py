"""autoCreateBucket: the bucket is created at open(), once, even by replicas starting together."""
from __future__ import annotations

import asyncio
import secrets

import pytest
from conftest import empty_and_remove, free_port, raw_client

from pipecd_cp.errors import Unavailable


@pytest.fixture
def new_bucket(moto) -> str:
    name = f"pipecd-cp-minio-auto-{secrets.token_hex(4)}"
    yield name
    raw = raw_client()
    if raw.bucket_exists(name):
        empty_and_remove(raw, name)


async def test_open_creates_the_bucket(store_factory, config, new_bucket) -> None:
    raw = raw_client()
    assert not raw.bucket_exists(new_bucket)
    store = await store_factory({**config, "bucket": new_bucket, "autoCreateBucket": True})
    assert raw.bucket_exists(new_bucket)
    await store.put("auto/created.json", b"{}")
    assert await store.get("auto/created.json") == b"{}"
    again = await store_factory({**config, "bucket": new_bucket, "autoCreateBucket": True})  # exists: fine
    assert await again.get("auto/created.json") == b"{}"


async def test_replicas_starting_together_all_open(store_factory, config, new_bucket) -> None:
    stores = await asyncio.gather(*(store_factory({**config, "bucket": new_bucket, "autoCreateBucket": True})
                                    for _ in range(6)))
    await stores[0].put("race/x", b"1")
    assert [await s.get("race/x") for s in stores] == [b"1"] * 6


async def test_without_auto_create_a_missing_bucket_is_unavailable(store_factory, config, new_bucket) -> None:
    store = await store_factory({**config, "bucket": new_bucket})  # open sends nothing
    with pytest.raises(Unavailable, match="autoCreateBucket"):
        await store.put("x.json", b"{}")
    assert not raw_client().bucket_exists(new_bucket)


async def test_auto_create_against_a_down_server_stops_start_up(store_factory, config, new_bucket) -> None:
    with pytest.raises(Unavailable, match="unreachable"):
        await store_factory({**config, "endpoint": f"http://127.0.0.1:{free_port()}", "autoCreateBucket": True})
