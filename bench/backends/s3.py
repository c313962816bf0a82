"""The s3 file store plugin beside boto3 doing the same requests with the same client, on the same pool.

Put and get of 1 KB and 1 MB objects. Needs moto_server on 127.0.0.1:9100
(plugins/pipecd-cp-s3/ci/up) and pipecd-cp-s3 installed.
"""
from __future__ import annotations

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
        from pipecd_cp_s3.store import S3FileStore, client_config
    except ImportError as exc:
        raise Unreachable(f"pipecd-cp-s3 is not installed ({exc})") from None
    try:
        socket.create_connection(ADDRESS, timeout=0.5).close()
    except OSError:
        raise Unreachable(f"nothing listens on {ENDPOINT} (plugins/pipecd-cp-s3/ci/up)") from None
    from pipecd_cp.testing import driver_context

    tmp = Path(tempfile.mkdtemp(prefix="bench-s3-"))
    credentials = tmp / "credentials"  # explicit, so nothing reads ~/.aws or asks instance metadata
    credentials.write_text("[bench]\naws_access_key_id = AKIABENCH00000000000\naws_secret_access_key = bench\n")
    bucket = f"pipecd-cp-bench-{secrets.token_hex(4)}"
    store = S3FileStore.from_config({"bucket": bucket, "region": "us-east-1", "endpoint": ENDPOINT,
                                     "credentialsFile": str(credentials), "profile": "bench"},
                                    driver_context("filestore", tmp))
    await store.open()
    runner = store._runner
    raw = store.session.client("s3", endpoint_url=ENDPOINT, config=client_config(runner.max_workers))
    await runner.run(raw.create_bucket, Bucket=bucket)
    _state.update(store=store, raw=raw, bucket=bucket, runner=runner)

    def raw_get(key: str) -> bytes:
        body = raw.get_object(Bucket=bucket, Key=key)["Body"]
        try:
            return body.read()
        finally:
            body.close()

    out: list[Case] = []
    for size, blob in (("1KB", os.urandom(1024)), ("1MB", os.urandom(1 << 20))):
        for i in range(20):
            await store.put(f"p/{size}/{i}", blob)
            await runner.run(raw.put_object, Bucket=bucket, Key=f"r/{size}/{i}", Body=blob)
        out.append(Case("s3", f"put {size}", lambda i, b=blob, s=size: store.put(f"p/{s}/{i % 20}", b),
                        lambda i, b=blob, s=size: runner.run(raw.put_object, Bucket=bucket, Key=f"r/{s}/{i % 20}",
                                                             Body=b)))
        out.append(Case("s3", f"get {size}", lambda i, s=size: store.get(f"p/{s}/{i % 20}"),
                        lambda i, s=size: runner.run(raw_get, f"r/{s}/{i % 20}")))
    return out


async def teardown() -> None:
    raw, bucket, runner = _state["raw"], _state["bucket"], _state["runner"]

    def remove() -> None:
        for page in raw.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            keys = [{"Key": item["Key"]} for item in page.get("Contents", ())]
            if keys:
                raw.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
        raw.delete_bucket(Bucket=bucket)
    await runner.run(remove)
    await _state["store"].close()
