"""`s3`: the FileStore contract on an S3 bucket (AWS or any S3-compatible server), with boto3.

Each object path is the object key, unchanged, in the configured bucket (PipeCD's layout:
`log/{deployment}/{stage}/{retry}.txt`, `command-output/{id}.json`, ...). boto3 blocks, so every
call runs on the host's bounded thread pool (`context.runner`); boto3 clients are thread-safe,
one client serves every thread.

Client settings, fixed on purpose: connect timeout 5 s and read timeout 60 s; standard retry
mode with 3 attempts (a down endpoint fails in seconds, not the minute of botocore's legacy
mode); checksums only where S3 requires them, so S3-compatible servers that lack the newer
CRC checksums keep working; up to one pooled HTTP connection per pool thread.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from botocore.config import Config
from botocore.exceptions import ProfileNotFound

from pipecd_cp.concurrency import BlockingRunner
from pipecd_cp.errors import ConfigError, InvalidArgument
from pipecd_cp.filestore.base import DEFAULT_CHUNK, FileStore, ObjectAttrs, ObjectReader, check_path, check_prefix
from pipecd_cp_s3.config import S3Settings, parse_settings
from pipecd_cp_s3.credentials import make_session
from pipecd_cp_s3.errors import translated

if TYPE_CHECKING:
    import boto3

    from pipecd_cp.drivers import DriverContext

log = logging.getLogger("pipecd_cp.filestore.s3")


def client_config(max_connections: int) -> Config:
    """The botocore client configuration the driver uses (see the module docstring)."""
    return Config(connect_timeout=5, read_timeout=60, retries={"mode": "standard", "max_attempts": 3},
                  max_pool_connections=max_connections, request_checksum_calculation="when_required",
                  response_checksum_validation="when_required", user_agent_extra="pipecd-cp")


class _BodyReader(ObjectReader):
    """Streams a GetObject body; each read runs on the pool."""

    def __init__(self, body: Any, size: int | None, runner: BlockingRunner, bucket: str, path: str) -> None:
        self._body, self.size, self._runner = body, size, runner
        self._bucket, self._path = bucket, path

    async def read(self, n: int = DEFAULT_CHUNK) -> bytes:
        return await self._runner.run(self._read_sync, n)

    def _read_sync(self, n: int) -> bytes:
        with translated(self._bucket, self._path):
            return self._body.read(n)

    async def close(self) -> None:
        await self._runner.run(self._body.close)


class S3FileStore(FileStore):
    """The `s3` file store; see the module docstring and `pipecd_cp_s3.config` for the config block."""

    name = "s3"

    def __init__(self, settings: S3Settings, runner: BlockingRunner, logger: logging.Logger | None = None) -> None:
        self.settings = settings
        self.bucket = settings.bucket
        self._runner = runner
        self._log = logger or log
        self._session: boto3.session.Session | None = None
        self._client: Any = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: "DriverContext") -> "S3FileStore":
        settings, unknown = parse_settings(config)
        for key in unknown:  # ignored, as PipeCD ignores them, but a typo should be visible
            context.logger.warning("filestore | s3: unknown config key %r ignored", key)
        return cls(settings, context.runner, context.logger)

    @property
    def session(self) -> "boto3.session.Session":
        """The boto3 session (its credentials are the configured ones); open() first."""
        if self._session is None:
            raise RuntimeError("S3FileStore is not open")
        return self._session

    async def open(self) -> None:
        """Build the client (no request is sent, as in PipeCD). `ConfigError` when the configured
        credentials cannot even be found: no call could succeed, so start-up should stop."""
        await self._runner.run(self._open_sync)

    def _open_sync(self) -> None:
        try:
            session = make_session(self.settings)
            with translated(self.bucket):
                credentials = session.get_credentials()  # finds a source; web identity fetches later
            if credentials is None:
                raise ConfigError("no AWS credentials found: set credentialsFile (+ profile) or roleARN + "
                                  "tokenFile in spec.filestore.config, or provide them to boto3 (AWS_* "
                                  "environment, ~/.aws, instance role)")
            client = session.client("s3", endpoint_url=self.settings.endpoint,
                                    config=client_config(self._runner.max_workers))
        except ProfileNotFound:  # botocore reads the profile lazily, here or at client creation
            raise ConfigError(f"no profile {self.settings.profile!r} in the credentials or config files",
                              field="profile") from None
        self._session, self._client = session, client
        self._log.info("filestore | s3 bucket %r in %s via %s (credentials: %s)", self.bucket,
                       self.settings.region, client.meta.endpoint_url, credentials.method)

    async def close(self) -> None:
        if self._client is not None:
            await self._runner.run(self._client.close)
            self._client = None

    # ------------------------------------------------------------------ objects
    async def get(self, path: str) -> bytes:
        return await self._runner.run(self._get_sync, check_path(path))

    def _get_sync(self, path: str) -> bytes:
        with translated(self.bucket, path):
            body = self._client.get_object(Bucket=self.bucket, Key=path)["Body"]
            try:
                return body.read()
            finally:
                body.close()

    async def open_reader(self, path: str) -> ObjectReader:
        return await self._runner.run(self._open_reader_sync, check_path(path))

    def _open_reader_sync(self, path: str) -> ObjectReader:
        with translated(self.bucket, path):  # NoSuchKey arrives with the GetObject answer: raised here
            answer = self._client.get_object(Bucket=self.bucket, Key=path)
        return _BodyReader(answer["Body"], answer.get("ContentLength"), self._runner, self.bucket, path)

    async def put(self, path: str, data: bytes) -> None:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InvalidArgument("object data must be bytes", field="data")
        await self._runner.run(self._put_sync, check_path(path), data if isinstance(data, bytes) else bytes(data))

    def _put_sync(self, path: str, data: bytes) -> None:
        # One PutObject (up to 5 GiB): S3 makes it visible whole or not at all.
        with translated(self.bucket, path):
            self._client.put_object(Bucket=self.bucket, Key=path, Body=data)

    async def delete(self, path: str) -> None:
        await self._runner.run(self._delete_sync, check_path(path))

    def _delete_sync(self, path: str) -> None:
        with translated(self.bucket, path):  # S3 answers 204 for a missing key too: idempotent
            self._client.delete_object(Bucket=self.bucket, Key=path)

    async def list(self, prefix: str = "") -> list[ObjectAttrs]:
        return await self._runner.run(self._list_sync, check_prefix(prefix))

    def _list_sync(self, prefix: str) -> list[ObjectAttrs]:
        out: list[ObjectAttrs] = []
        with translated(self.bucket, prefix or None):
            # No delimiter: every object below the prefix, as PipeCD lists.
            for page in self._client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
                for item in page.get("Contents", ()):
                    out.append(ObjectAttrs(item["Key"], int(item["Size"]), int(item["LastModified"].timestamp())))
        out.sort(key=lambda a: a.path)  # S3 sorts by UTF-8 bytes, so does str; compatible servers may not
        return out
