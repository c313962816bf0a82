"""Put sets the Content-Type from the path's extension, as PipeCD's MinIO store does."""
from __future__ import annotations

import pytest
from conftest import raw_client

from pipecd_cp_minio.content_types import content_type, extension


@pytest.mark.parametrize(("path", "expected"), [
    ("log/dep-1/stage-1/0.txt", "text/plain; charset=utf-8"),
    ("application-live-state/app-1.json", "application/json"),
    ("insights/p/completed-deployments/block_2024/chunk_3.json", "application/json"),
    ("command-output/cmd-1", "application/octet-stream"),
    ("page.HTML", "text/html; charset=utf-8"),
    ("image.PNG", "image/png"),
    ("bundle.wasm", "application/wasm"),
    ("notes.zzz-unknown", "application/octet-stream"),
    ("dir.d/no-extension", "application/octet-stream"),
    ("a/.hidden", "application/octet-stream"),
])
def test_the_content_type_of_a_path(path: str, expected: str) -> None:
    assert content_type(path) == expected


def test_the_extension_is_gos_filepath_ext() -> None:
    assert [extension(p) for p in ("a/b.tar.gz", "a.b/c", "x.", "plain", ".env")] == [".gz", "", ".", "", ".env"]


async def test_put_stores_the_content_type(store_factory, config) -> None:
    store = await store_factory(config)
    raw = raw_client()
    cases = {"ct/log/0.txt": "text/plain; charset=utf-8", "ct/state.json": "application/json",
             "ct/command-output/c1": "application/octet-stream", "ct/report.pdf": "application/pdf"}
    for path in cases:
        await store.put(path, b"{}")
    for path, expected in cases.items():
        assert raw.stat_object(config["bucket"], path).content_type == expected
