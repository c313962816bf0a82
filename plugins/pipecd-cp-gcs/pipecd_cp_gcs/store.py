"""`gcs`: objects in a Google Cloud Storage bucket, one object per path, as PipeCD stores them.

Config (`spec.filestore` with `type: GCS`): see `pipecd_cp_gcs.config`. The object name is the
path itself (`log/{deploymentID}/{stageID}/{retriedCount}.txt`, ...), so PipeCD and pipecd-cp
can share a bucket. The bucket must exist (the driver never creates it, like PipeCD).

The client is Google's blocking `google-cloud-storage`, run on the host's thread pool. With
`STORAGE_EMULATOR_HOST` set (fake-gcs-server in the tests) it talks to that emulator without
credentials.
"""
from __future__ import annotations

import builtins
import mimetypes
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from google.api_core import exceptions as gexc
from google.cloud import storage
from google.cloud.storage.retry import DEFAULT_RETRY

from pipecd_cp.concurrency import BlockingRunner
from pipecd_cp.errors import InvalidArgument, NotFound, Unavailable
from pipecd_cp.filestore.base import DEFAULT_CHUNK, FileStore, ObjectAttrs, ObjectReader, check_path, check_prefix
from pipecd_cp_gcs.config import GCSConfig, parse_config
from pipecd_cp_gcs.errors import native_errors

if TYPE_CHECKING:
    from pipecd_cp.drivers import DriverContext

EMULATOR_ENV = "STORAGE_EMULATOR_HOST"
#: A reader fetches at least this much per request (one ranged GET), and hands it out in pieces.
READ_AHEAD = 8 << 20
_SCOPES = ["https://www.googleapis.com/auth/devstorage.read_write"]
_LIST_FIELDS = "items(name,size,updated),nextPageToken"
#: How long `open` keeps trying to reach the bucket before answering Unavailable.
OPEN_TIMEOUT = 15.0


class _GCSReader(ObjectReader):
    """Ranged reads of one generation of an object, so an overwrite never mixes two versions.

    If the object is replaced while it is being read, the old generation is gone and the next
    read raises `NotFound` rather than returning bytes of the new one.
    """

    def __init__(self, blob: Any, size: int, runner: BlockingRunner) -> None:
        self._blob, self.size, self._runner = blob, size, runner
        self._pos = 0
        self._buffer = b""

    async def read(self, n: int = DEFAULT_CHUNK) -> bytes:
        if n <= 0:
            return b""
        if not self._buffer:
            remaining = self.size - self._pos  # type: ignore[operator]
            if remaining <= 0:
                return b""
            want = min(max(n, READ_AHEAD), remaining)
            self._buffer = await self._runner.run(self._fetch, self._pos, want)
            self._pos += len(self._buffer)
            if not self._buffer:
                return b""
        chunk, self._buffer = self._buffer[:n], self._buffer[n:]
        return chunk

    def _fetch(self, start: int, length: int) -> bytes:
        with native_errors(f"object {self._blob.name!r}"):
            # Checksums cover whole objects only; a range is checked by its length.
            data = self._blob.download_as_bytes(start=start, end=start + length - 1, checksum=None)
        if len(data) != length:
            raise Unavailable(f"gcs: object {self._blob.name!r}: short read ({len(data)} of {length} bytes)")
        return data

    async def close(self) -> None:
        self._buffer = b""


class GCSFileStore(FileStore):
    """Objects in a GCS bucket; see the module docstring."""

    name = "gcs"

    def __init__(self, config: GCSConfig, context: "DriverContext") -> None:
        self.config = config
        self._runner = context.runner
        self._logger = context.logger
        self._client: storage.Client | None = None
        self._bucket: Any = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: "DriverContext") -> "GCSFileStore":
        return cls(parse_config(config), context)

    @property
    def emulator_host(self) -> str | None:
        """The emulator this driver talks to (`STORAGE_EMULATOR_HOST`), or None for Google Cloud."""
        return os.environ.get(EMULATOR_ENV) or None

    @property
    def bucket(self) -> Any:
        if self._bucket is None:
            raise Unavailable("gcs: the file store is not open")
        return self._bucket

    # ------------------------------------------------------------------ lifecycle
    async def open(self) -> None:
        await self._runner.run(self._open_sync)

    def _open_sync(self) -> None:
        with native_errors(f"bucket {self.config.bucket!r}"):
            if self.emulator_host:
                from google.auth.credentials import AnonymousCredentials
                client = storage.Client(project="pipecd-cp", credentials=AnonymousCredentials())
            elif self.config.credentials_file is not None:
                from google.oauth2 import service_account
                creds = service_account.Credentials.from_service_account_file(str(self.config.credentials_file),
                                                                              scopes=_SCOPES)
                client = storage.Client(project=creds.project_id, credentials=creds)
            else:
                client = storage.Client()  # Application Default Credentials
            bucket = client.bucket(self.config.bucket)
            # One cheap listing (the permission PipeCD needs anyway) so a missing bucket or bad
            # credentials fail start-up, not the first request.
            try:
                list(client.list_blobs(bucket, max_results=1, fields="items(name)", timeout=OPEN_TIMEOUT,
                                       retry=DEFAULT_RETRY.with_timeout(OPEN_TIMEOUT)))
            except gexc.NotFound:
                client.close()
                raise NotFound(f"gcs: bucket {self.config.bucket!r} does not exist") from None
        self._client, self._bucket = client, bucket
        self._logger.info("gcs | open bucket=%s%s", self.config.bucket,
                          f" emulator={self.emulator_host}" if self.emulator_host else "")

    async def close(self) -> None:
        client, self._client, self._bucket = self._client, None, None
        if client is not None:
            await self._runner.run(client.close)

    # ------------------------------------------------------------------ objects
    async def get(self, path: str) -> bytes:
        return await self._runner.run(self._get_sync, check_path(path))

    def _get_sync(self, path: str) -> bytes:
        with native_errors(f"object {path!r}"):
            try:
                return self.bucket.blob(path).download_as_bytes()
            except gexc.NotFound:
                raise NotFound(f"object {path!r} not found") from None

    async def open_reader(self, path: str) -> ObjectReader:
        blob, size = await self._runner.run(self._stat_sync, check_path(path))
        return _GCSReader(blob, size, self._runner)

    def _stat_sync(self, path: str) -> tuple[Any, int]:
        with native_errors(f"object {path!r}"):
            blob = self.bucket.get_blob(path)
            if blob is None:
                raise NotFound(f"object {path!r} not found")
            # Pin the generation: every range request reads this very version.
            return self.bucket.blob(path, generation=blob.generation), int(blob.size or 0)

    async def put(self, path: str, data: bytes) -> None:
        check_path(path)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InvalidArgument("object data must be bytes", field="data")
        await self._runner.run(self._put_sync, path, bytes(data))

    def _put_sync(self, path: str, data: bytes) -> None:
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        with native_errors(f"object {path!r}"):
            # GCS makes an upload visible only once it is complete: readers never see a part.
            self.bucket.blob(path).upload_from_string(data, content_type=content_type)

    async def delete(self, path: str) -> None:
        await self._runner.run(self._delete_sync, check_path(path))

    def _delete_sync(self, path: str) -> None:
        with native_errors(f"object {path!r}"):
            try:
                self.bucket.blob(path).delete()
            except gexc.NotFound:
                pass  # already gone: deleting is idempotent

    async def list(self, prefix: str = "") -> list[ObjectAttrs]:
        return await self._runner.run(self._list_sync, check_prefix(prefix))

    def _list_sync(self, prefix: str) -> builtins.list[ObjectAttrs]:  # (`list` is the method here)
        out: builtins.list[ObjectAttrs] = []
        with native_errors(f"listing {prefix!r}"):
            # No delimiter: every object below the prefix, as PipeCD lists.
            for blob in self._client.list_blobs(self.bucket, prefix=prefix or None,  # type: ignore[union-attr]
                                                fields=_LIST_FIELDS):
                updated = int(blob.updated.timestamp()) if blob.updated is not None else 0
                out.append(ObjectAttrs(blob.name, int(blob.size or 0), updated))
        out.sort(key=lambda a: a.path)
        return out
