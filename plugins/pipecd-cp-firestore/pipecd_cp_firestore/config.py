"""The `spec.datastore.config` block of `type: FIRESTORE`, as PipeCD spells it.

    config:
      namespace: pipecd              # default "pipecd": the root collection
      environment: dev               # required: the document under the root collection
      collectionNamePrefix: ""       # prepended to each kind's collection name
      project: my-gcp-project        # optional when the credentials file or environment names one
      credentialsFile: /etc/pipecd-secret/firestore-service-account   # optional service-account JSON

Documents live at `{namespace}/{environment}/{collectionNamePrefix}{Kind}/{id}`.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipecd_cp.errors import ConfigError

DEFAULT_NAMESPACE = "pipecd"
KNOWN_KEYS = ("namespace", "environment", "collectionNamePrefix", "project", "credentialsFile")

# A path segment Firestore accepts: no "/", not "." or "..", not `__reserved__`.
_RESERVED = re.compile(r"^__.*__$")


@dataclass(frozen=True)
class FirestoreConfig:
    """A validated config block."""

    environment: str
    namespace: str = DEFAULT_NAMESPACE
    collection_name_prefix: str = ""
    project: str | None = None
    credentials_file: Path | None = None

    def collection_path(self, kind: str) -> tuple[str, str, str]:
        """The collection of `kind`: (namespace, environment, prefixed kind)."""
        return self.namespace, self.environment, self.collection_name_prefix + kind


def parse_config(config: Mapping[str, Any]) -> FirestoreConfig:
    """Validate a config block; `ConfigError(field=...)` names the offending key.

    The credentials file must exist (it is read in `open`, never logged).
    """
    if not isinstance(config, Mapping):
        raise ConfigError("must be a mapping")
    unknown = sorted(set(config) - set(KNOWN_KEYS))
    if unknown:
        raise ConfigError(f"unknown key (known keys: {', '.join(KNOWN_KEYS)})", field=str(unknown[0]))
    namespace = _segment(config, "namespace", DEFAULT_NAMESPACE)
    environment = _segment(config, "environment", None)
    prefix = config.get("collectionNamePrefix", "")
    if prefix is None:
        prefix = ""
    if not isinstance(prefix, str) or "/" in prefix:
        raise ConfigError("must be a string without '/'", field="collectionNamePrefix")
    project = config.get("project")
    if project is not None and (not isinstance(project, str) or not project.strip()):
        raise ConfigError("must be a non-empty string (a GCP project id)", field="project")
    creds = config.get("credentialsFile")
    credentials_file = None
    if creds is not None and creds != "":
        if not isinstance(creds, str):
            raise ConfigError("must be a file path", field="credentialsFile")
        credentials_file = Path(creds).expanduser()
        if not credentials_file.is_file():
            raise ConfigError(f"no such file: {creds}", field="credentialsFile")
    return FirestoreConfig(environment=environment, namespace=namespace, collection_name_prefix=prefix,
                           project=project or None, credentials_file=credentials_file)


def _segment(config: Mapping[str, Any], key: str, default: str | None) -> str:
    value = config.get(key)
    if value is None or value == "":
        if default is None:
            raise ConfigError("is required (the document that holds this control plane's collections)",
                              field=key)
        return default
    if not isinstance(value, str) or "/" in value or value in (".", "..") or _RESERVED.match(value):
        raise ConfigError("must be a Firestore id: no '/', not '.' or '..', not __reserved__", field=key)
    if len(value.encode()) > 1500:
        raise ConfigError("must be at most 1500 bytes", field=key)
    return value
