"""`minio`: the FileStore contract on a MinIO (or other S3-compatible) server, with the minio SDK.

Each object path is the object key, unchanged, in the configured bucket (PipeCD's layout). Objects
are written with the Content-Type PipeCD sets (`pipecd_cp_minio.content_types`). The SDK blocks,
so every call runs on the host's bounded thread pool (`context.runner`); one client serves every
thread.

Client settings, fixed on purpose (the SDK's defaults wait up to 5 minutes and retry 5 times):
connect timeout 5 s, read timeout 60 s, 2 retries with a short backoff on connection errors and
5xx answers, one pooled connection per pool thread. Objects up to 64 MiB go up in one PUT (the
SDK would otherwise split anything over 5 MiB into parts uploaded by threads of its own).
"""
from __future__ import annotations

import io
import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import certifi
import urllib3
from minio import Minio
from minio.error import S3Error

from pipecd_cp.concurrency import BlockingRunner
from pipecd_cp.errors import InvalidArgument
from pipecd_cp.filestore.base import DEFAULT_CHUNK, FileStore, ObjectAttrs, ObjectReader, check_path, check_prefix
from pipecd_cp_minio.config import MinIOSettings, parse_settings
from pipecd_cp_minio.content_types import content_type
from pipecd_cp_minio.errors import translated

if TYPE_CHECKING:
    from pipecd_cp.drivers import DriverContext

log = logging.getLogger("pipecd_cp.filestore.minio")

PART_SIZE = 64 << 20
#: Answers to CreateBucket that mean "it exists now": another replica created it first.
_BUCKET_EXISTS = frozenset({"BucketAlreadyOwnedByYou", "BucketAlreadyExists"})


def http_client(max_connections: int) -> urllib3.PoolManager:
    """The SDK's HTTP client as the driver configures it (see the module docstring)."""
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=5, read=60), maxsize=max_connections,
        cert_reqs="CERT_REQUIRED", ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
        retries=urllib3.Retry(total=2, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]))


def make_client(settings: MinIOSettings, http: urllib3.PoolManager) -> Minio:
    """A client for `settings` over `http` (no request is sent)."""
    return Minio(settings.endpoint, access_key=settings.access_key, secret_key=settings.secret_key,
                 secure=settings.secure, http_client=http)


class _ResponseReader(ObjectReader):
    """Streams a GetObject response; each read runs on the pool."""

    def __init__(self, response: Any, runner: BlockingRunner, bucket: str, path: str) -> None:
        self._response, self._runner = response, runner
        self._bucket, self._path = bucket, path
        length = response.headers.get("Content-Length")
        self.size = int(length) if length is not None else None

    async def read(self, n: int = DEFAULT_CHUNK) -> bytes:
        return await self._runner.run(self._read_sync, n)

    def _read_sync(self, n: int) -> bytes:
        with translated(self._bucket, self._path):
            return self._response.read(n)

    async def close(self) -> None:
        await self._runner.run(_release, self._response)


def _release(response: Any) -> None:
    response.close()
    response.release_conn()


class MinIOFileStore(FileStore):
    """The `minio` file store; see the module docstring and `pipecd_cp_minio.config` for the config block."""

    name = "minio"

    def __init__(self, settings: MinIOSettings, runner: BlockingRunner, logger: logging.Logger | None = None) -> None:
        self.settings = settings
        self.bucket = settings.bucket
        self._runner = runner
        self._log = logger or log
        self._http: urllib3.PoolManager | None = None
        self._client: Minio | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: "DriverContext") -> "MinIOFileStore":
        settings, unknown = parse_settings(config)
        for key in unknown:  # ignored, as PipeCD ignores them, but a typo should be visible
            context.logger.warning("filestore | minio: unknown config key %r ignored", key)
        return cls(settings, context.runner, context.logger)

    @property
    def client(self) -> Minio:
        """The SDK client; open() first."""
        if self._client is None:
            raise RuntimeError("MinIOFileStore is not open")
        return self._client

    async def open(self) -> None:
        """Build the client and, with `autoCreateBucket`, create the bucket when missing (then a server
        that cannot be reached stops start-up with `Unavailable`, as PipeCD's EnsureBucket does)."""
        self._http = http_client(self._runner.max_workers)
        self._client = make_client(self.settings, self._http)
        if self.settings.auto_create_bucket:
            await self._runner.run(self._ensure_bucket_sync)
        self._log.info("filestore | minio bucket %r at %s", self.bucket, self.settings.url)

    def _ensure_bucket_sync(self) -> None:
        with translated(self.bucket):
            if self.client.bucket_exists(self.bucket):
                return
            try:
                self.client.make_bucket(self.bucket)
                self._log.info("filestore | minio created bucket %r", self.bucket)
            except S3Error as exc:
                if exc.code not in _BUCKET_EXISTS:  # losing the race to another replica is fine
                    raise

    async def close(self) -> None:
        if self._http is not None:
            await self._runner.run(self._http.clear)  # the SDK has no close(): drop our pool's connections
            self._http = self._client = None

    # ------------------------------------------------------------------ objects
    async def get(self, path: str) -> bytes:
        return await self._runner.run(self._get_sync, check_path(path))

    def _get_sync(self, path: str) -> bytes:
        with translated(self.bucket, path):
            response = self.client.get_object(self.bucket, path)
            try:
                return response.read()
            finally:
                _release(response)

    async def open_reader(self, path: str) -> ObjectReader:
        return await self._runner.run(self._open_reader_sync, check_path(path))

    def _open_reader_sync(self, path: str) -> ObjectReader:
        # PipeCD stats first; GetObject's own 404 answers the same question in one round trip.
        with translated(self.bucket, path):
            response = self.client.get_object(self.bucket, path)
        return _ResponseReader(response, self._runner, self.bucket, path)

    async def put(self, path: str, data: bytes) -> None:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InvalidArgument("object data must be bytes", field="data")
        await self._runner.run(self._put_sync, check_path(path), data)

    def _put_sync(self, path: str, data: bytes | bytearray | memoryview) -> None:
        with translated(self.bucket, path):
            # One PUT up to PART_SIZE (visible whole or not at all); larger objects go up as a
            # multipart upload, parts in sequence on this thread, completed atomically.
            self.client.put_object(self.bucket, path, io.BytesIO(data), len(data), content_type=content_type(path),
                                   part_size=PART_SIZE, num_parallel_uploads=1)

    async def delete(self, path: str) -> None:
        await self._runner.run(self._delete_sync, check_path(path))

    def _delete_sync(self, path: str) -> None:
        with translated(self.bucket, path):  # S3 answers 204 for a missing key too: idempotent
            self.client.remove_object(self.bucket, path)

    async def list(self, prefix: str = "") -> list[ObjectAttrs]:
        return await self._runner.run(self._list_sync, check_prefix(prefix))

    def _list_sync(self, prefix: str) -> list[ObjectAttrs]:
        out: list[ObjectAttrs] = []
        with translated(self.bucket, prefix or None):
            # recursive=True: no delimiter, every object below the prefix, as PipeCD lists.
            for item in self.client.list_objects(self.bucket, prefix=prefix or None, recursive=True):
                modified = int(item.last_modified.timestamp()) if item.last_modified else 0
                out.append(ObjectAttrs(item.object_name, int(item.size or 0), modified))
        out.sort(key=lambda a: a.path)  # S3 sorts by UTF-8 bytes, so does str; compatible servers may not
        return out
