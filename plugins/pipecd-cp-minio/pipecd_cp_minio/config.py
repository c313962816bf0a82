"""PipeCD's MinIO file store block (`spec.filestore.config` with `type: MINIO`), parsed into `MinIOSettings`.

    spec:
      filestore:
        type: MINIO
        config:
          endpoint: http://pipecd-minio:9000        # required; https:// means TLS
          bucket: quickstart                         # required
          accessKeyFile: /etc/pipecd-secret/minio-access-key   # one trailing newline trimmed
          secretKeyFile: /etc/pipecd-secret/minio-secret-key
          autoCreateBucket: true                     # create the bucket at start-up when missing

As in PipeCD (Go's encoding/json), keys match case-insensitively and unknown keys are ignored;
`parse_settings` returns them so the driver can log a warning. The key files are read here, once,
at start-up (PipeCD does the same). With neither key file the client is anonymous.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pipecd_cp.errors import ConfigError

KEYS = ("endpoint", "bucket", "accessKeyFile", "secretKeyFile", "autoCreateBucket")


@dataclass(frozen=True)
class MinIOSettings:
    """What the driver needs. The keys are left out of `repr`."""

    endpoint: str  # host:port, as the SDK takes it
    bucket: str
    secure: bool = False
    access_key: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)
    auto_create_bucket: bool = False

    @property
    def url(self) -> str:
        """The endpoint as a URL, for logs and messages."""
        return f"{'https' if self.secure else 'http'}://{self.endpoint}"


def parse_settings(config: Mapping[str, Any]) -> tuple[MinIOSettings, list[str]]:
    """The settings and the unknown keys (ignored, as PipeCD ignores them); `ConfigError(field=...)`."""
    values, unknown = _fold_keys(config)
    endpoint, secure = _endpoint(_string(values, "endpoint"))
    bucket = _string(values, "bucket")
    if bucket is None:
        raise ConfigError("the bucket name is required", field="bucket")
    if "/" in bucket:
        raise ConfigError("a bucket name has no '/'; object paths go below it", field="bucket")
    access_file, secret_file = _string(values, "accessKeyFile"), _string(values, "secretKeyFile")
    if (access_file is None) != (secret_file is None):
        raise ConfigError("set both accessKeyFile and secretKeyFile, or neither (anonymous access)",
                          field="secretKeyFile" if secret_file is None else "accessKeyFile")
    auto_create = values.get("autoCreateBucket", False)
    if not isinstance(auto_create, bool):
        raise ConfigError("must be true or false", field="autoCreateBucket")
    return MinIOSettings(
        endpoint=endpoint, bucket=bucket, secure=secure, auto_create_bucket=auto_create,
        access_key=read_secret(access_file, "accessKeyFile") if access_file else None,
        secret_key=read_secret(secret_file, "secretKeyFile") if secret_file else None), unknown


def read_secret(path: str, key: str) -> str:
    """A key file's text with one trailing newline trimmed, as PipeCD trims it."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}", field=key) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text", field=key) from None
    text = text.removesuffix("\n").removesuffix("\r")
    if not text:
        raise ConfigError(f"{path} is empty", field=key)
    return text


def _endpoint(value: str | None) -> tuple[str, bool]:
    """`http(s)://host[:port]` to the SDK's ("host:port", secure)."""
    if value is None:
        raise ConfigError("required: the server's URL, e.g. http://minio:9000", field="endpoint")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ConfigError("is not a valid URL", field="endpoint") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("must be an http:// or https:// URL with a host, e.g. http://minio:9000", field="endpoint")
    if parts.username is not None or parts.path.strip("/") or parts.query or parts.fragment:
        raise ConfigError("must be scheme://host[:port] only (no credentials, path or query)", field="endpoint")
    return parts.netloc, scheme == "https"


def _fold_keys(config: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    if not isinstance(config, Mapping):
        raise ConfigError("the minio config must be a mapping")
    canonical = {k.lower(): k for k in KEYS}
    values: dict[str, Any] = {}
    unknown: list[str] = []
    for raw_key, value in config.items():
        name = canonical.get(str(raw_key).lower())
        if name is None:
            unknown.append(str(raw_key))
        elif name in values:
            raise ConfigError("given twice (keys are case-insensitive)", field=str(raw_key))
        elif value is not None:  # `key:` with no value reads as absent, as in Go
            values[name] = value
    return values, unknown


def _string(values: Mapping[str, Any], key: str) -> str | None:
    """A string value; "" is Go's zero value, the same as absent."""
    value = values.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError("must be a non-empty string", field=key)
    return value.strip()
