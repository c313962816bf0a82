"""The gcs file store (on fake-gcs-server) beside google-cloud-storage doing the same work.

Both sides write and read the same sizes of objects in the same bucket, on the same thread pool.
Needs the emulator: `plugins/pipecd-cp-gcs/ci/up`.
"""
from __future__ import annotations

import os
import secrets
import socket
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bench.backends.harness import Case, Unreachable
from pipecd_cp.testing import driver_context

_state: dict[str, Any] = {}
DEFAULT_URL = "http://127.0.0.1:9110"


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "", parsed.port or 80), timeout=1):
            return True
    except OSError:
        return False


async def cases(args: Any) -> list[Case]:
    url = os.environ.get("STORAGE_EMULATOR_HOST") or DEFAULT_URL
    if not _reachable(url):
        raise Unreachable(f"no GCS emulator on {url}; start it with plugins/pipecd-cp-gcs/ci/up")
    os.environ["STORAGE_EMULATOR_HOST"] = url
    try:
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import storage

        from pipecd_cp_gcs.store import GCSFileStore
    except ImportError as exc:
        raise Unreachable(f"pipecd-cp-gcs is not installed ({exc})") from None

    raw = storage.Client(project="pipecd-cp-bench", credentials=AnonymousCredentials())
    bucket = raw.create_bucket(f"bench-{secrets.token_hex(4)}")  # PipeCD never creates buckets; the bench does
    tmp = Path(tempfile.mkdtemp(prefix="bench-gcs-"))
    fs = GCSFileStore.from_config({"bucket": bucket.name}, driver_context("filestore", tmp))
    await fs.open()
    runner = fs._runner
    _state.update(fs=fs, raw=raw)
    out = []
    for size, blob in {"1KB": os.urandom(1024), "1MB": os.urandom(1 << 20)}.items():
        def raw_put(i: int, blob: bytes = blob, size: str = size) -> Any:
            return runner.run(bucket.blob(f"raw/{size}-{i % 50}").upload_from_string, blob,
                              content_type="application/octet-stream")

        def raw_get(i: int, size: str = size) -> Any:
            return runner.run(bucket.blob(f"raw/{size}-{i % 50}").download_as_bytes)
        out.append(Case("gcs", f"put {size}", lambda i, b=blob, s=size: fs.put(f"b/{s}-{i % 50}", b), raw_put))
        out.append(Case("gcs", f"get {size}", lambda i, s=size: fs.get(f"b/{s}-{i % 50}"), raw_get))
    return out


async def teardown() -> None:
    if "fs" in _state:
        await _state["fs"].close()
        _state["raw"].close()
