"""The `spec.filestore.config` block of `type: GCS`, as PipeCD spells it.

    config:
      bucket: my-pipecd-bucket                                 # required
      credentialsFile: /etc/pipecd-secret/gcs-service-account  # optional service-account JSON

Without `credentialsFile` the client uses Application Default Credentials; with
`STORAGE_EMULATOR_HOST` set it talks to that emulator without credentials.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipecd_cp.errors import ConfigError

KNOWN_KEYS = ("bucket", "credentialsFile")
# GCS bucket names: 3-63 characters (up to 222 with dots), lower-case letters, digits, -, _ and .
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$")


@dataclass(frozen=True)
class GCSConfig:
    """A validated config block."""

    bucket: str
    credentials_file: Path | None = None


def parse_config(config: Mapping[str, Any]) -> GCSConfig:
    """Validate a config block; `ConfigError(field=...)` names the offending key."""
    if not isinstance(config, Mapping):
        raise ConfigError("must be a mapping")
    unknown = sorted(set(config) - set(KNOWN_KEYS))
    if unknown:
        raise ConfigError(f"unknown key (known keys: {', '.join(KNOWN_KEYS)})", field=str(unknown[0]))
    bucket = config.get("bucket")
    if bucket is None or bucket == "":
        raise ConfigError("is required (the bucket that holds the control plane's objects)", field="bucket")
    if not isinstance(bucket, str) or not _BUCKET.match(bucket):
        raise ConfigError("must be a GCS bucket name (lower-case letters, digits, '-', '_' and '.')", field="bucket")
    creds = config.get("credentialsFile")
    credentials_file = None
    if creds is not None and creds != "":
        if not isinstance(creds, str):
            raise ConfigError("must be a file path", field="credentialsFile")
        credentials_file = Path(creds).expanduser()
        if not credentials_file.is_file():
            raise ConfigError(f"no such file: {creds}", field="credentialsFile")
    return GCSConfig(bucket=bucket, credentials_file=credentials_file)
