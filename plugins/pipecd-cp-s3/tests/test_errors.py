"""Native failures become pipecd-cp errors: a down endpoint, a missing bucket, missing objects."""
from __future__ import annotations

import asyncio
import time

import pytest
from conftest import free_port

from pipecd_cp.errors import InvalidArgument, NotFound, Unavailable


async def test_an_unreachable_endpoint_is_unavailable_within_seconds(store_factory, config) -> None:
    store = await store_factory({**config, "endpoint": f"http://127.0.0.1:{free_port()}"})  # open sends nothing
    for call in (store.get("a.txt"), store.put("a.txt", b"x"), store.list("a/"), store.delete("a.txt"),
                 store.open_reader("a.txt")):
        t0 = time.monotonic()
        with pytest.raises(Unavailable, match="unreachable"):
            await call
        assert time.monotonic() - t0 < 10  # three attempts with standard backoff, not botocore's legacy minute


async def test_a_missing_bucket_is_unavailable_not_not_found(store_factory, config) -> None:
    store = await store_factory({**config, "bucket": "pipecd-cp-no-such-bucket"})
    with pytest.raises(Unavailable, match="does not exist"):
        await store.get("a.txt")
    with pytest.raises(Unavailable, match="does not exist"):
        await store.list("")


async def test_not_found_and_sizes(store_factory, config) -> None:
    store = await store_factory(config)
    with pytest.raises(NotFound, match="errors/none.json"):
        await store.get("errors/none.json")
    await store.put("errors/sized.bin", bytearray(b"12345"))
    reader = await store.open_reader("errors/sized.bin")
    async with reader:
        assert reader.size == 5 and await reader.read() == b"12345"
    await store.put("errors/view.bin", memoryview(b"abc"))
    assert await store.get("errors/view.bin") == b"abc"
    with pytest.raises(InvalidArgument):
        await store.put("errors/text.txt", "not bytes")  # type: ignore[arg-type]


async def test_listing_pages_past_a_thousand_objects(store_factory, config) -> None:
    """ListObjectsV2 answers 1000 keys a page; the paginator must fetch them all, in order."""
    store = await store_factory(config)
    sem = asyncio.Semaphore(16)

    async def put(i: int) -> None:
        async with sem:
            await store.put(f"many/{i:05d}.json", b"{}")
    await asyncio.gather(*(put(i) for i in range(1050)))
    listed = await store.list("many/")
    assert [a.path for a in listed] == [f"many/{i:05d}.json" for i in range(1050)]
    assert {a.size for a in listed} == {2}
