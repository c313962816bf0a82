"""The minio file store plugin beside the minio SDK doing the same requests with the same HTTP client settings.

Put and get of 1 KB and 1 MB objects. Needs moto_server on 127.0.0.1:9100
(plugins/pipecd-cp-minio/ci/up) and pipecd-cp-minio installed.
"""
from __future__ import annotations

import io
import os
import secrets
import socket
import tempfile
from pathlib import Path
from typing import Any

from bench.backends.harness import Case, Unreachable

ADDRESS = ("127.0.0.1", 9100)
ENDPOINT = f"http://{ADDRESS[0]}:{ADDRESS[1]}"
_state: dict[str, Any] = {}  # what teardown() removes (the harness's convention, as in builtin.py)


async def cases(args: Any) -> list[Case]:
    try:
        from minio.deleteobjects import DeleteObject  # noqa: F401 - checked here, used in teardown

        from pipecd_cp_minio.content_types import content_type
        from pipecd_cp_minio.store import MinIOFileStore, http_client, make_client
    except ImportError as exc:
        raise Unreachable(f"pipecd-cp-minio is not installed ({exc})") from None
    try:
        socket.create_connection(ADDRESS, timeout=0.5).close()
    except OSError:
        raise Unreachable(f"nothing listens on {ENDPOINT} (plugins/pipecd-cp-minio/ci/up)") from None
    from pipecd_cp.testing import driver_context

    tmp = Path(tempfile.mkdtemp(prefix="bench-minio-"))
    (tmp / "access").write_text("bench-access\n")
    (tmp / "secret").write_text("bench-secret\n")
    bucket = f"pipecd-cp-bench-{secrets.token_hex(4)}"
    store = MinIOFileStore.from_config({"endpoint": ENDPOINT, "bucket": bucket, "accessKeyFile": str(tmp / "access"),
                                        "secretKeyFile": str(tmp / "secret"), "autoCreateBucket": True},
                                       driver_context("filestore", tmp))
    await store.open()
    runner = store._runner
    raw = make_client(store.settings, http_client(runner.max_workers))  # the same settings, no plugin code
    _state.update(store=store, raw=raw, bucket=bucket, runner=runner)

    def raw_put(key: str, blob: bytes) -> None:
        raw.put_object(bucket, key, io.BytesIO(blob), len(blob), content_type=content_type(key),
                       part_size=64 << 20, num_parallel_uploads=1)

    def raw_get(key: str) -> bytes:
        response = raw.get_object(bucket, key)
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    out: list[Case] = []
    for size, blob in (("1KB", os.urandom(1024)), ("1MB", os.urandom(1 << 20))):
        for i in range(20):
            await store.put(f"p/{size}/{i}.bin", blob)
            await runner.run(raw_put, f"r/{size}/{i}.bin", blob)
        out.append(Case("minio", f"put {size}", lambda i, b=blob, s=size: store.put(f"p/{s}/{i % 20}.bin", b),
                        lambda i, b=blob, s=size: runner.run(raw_put, f"r/{s}/{i % 20}.bin", b)))
        out.append(Case("minio", f"get {size}", lambda i, s=size: store.get(f"p/{s}/{i % 20}.bin"),
                        lambda i, s=size: runner.run(raw_get, f"r/{s}/{i % 20}.bin")))
    return out


async def teardown() -> None:
    from minio.deleteobjects import DeleteObject

    raw, bucket, runner = _state["raw"], _state["bucket"], _state["runner"]

    def remove() -> None:
        objects = [DeleteObject(o.object_name) for o in raw.list_objects(bucket, recursive=True)]
        for error in raw.remove_objects(bucket, objects):
            raise RuntimeError(f"bench clean-up failed: {error}")
        raw.remove_bucket(bucket)
    await runner.run(remove)
    await _state["store"].close()
