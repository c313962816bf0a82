"""PipeCD's S3 file store block (`spec.filestore.config` with `type: S3`), parsed into `S3Settings`.

    spec:
      filestore:
        type: S3
        config:
          bucket: pipecd                      # required
          region: us-west-2                   # required
          # credentials, one way or none (then boto3's default chain: env, ~/.aws, IMDS, ...):
          credentialsFile: /etc/pipecd-secret/aws-credentials   # a shared credentials file
          profile: pipecd                     # its profile (alone: a profile of ~/.aws)
          roleARN: arn:aws:iam::123456789012:role/pipecd        # web identity (STS
          tokenFile: /var/run/secrets/eks.amazonaws.com/serviceaccount/token  # AssumeRoleWithWebIdentity)
          # pipecd-cp additions, for S3-compatible servers:
          endpoint: https://s3.example.internal   # else AWS_ENDPOINT_URL(_S3) or AWS's own
          stsEndpoint: https://sts.example.internal  # for roleARN; else AWS_ENDPOINT_URL(_STS) or AWS's

As in PipeCD (Go's encoding/json), keys match case-insensitively and unknown keys are ignored;
`parse_settings` returns them so the driver can log a warning. Unlike PipeCD, half-configured
credentials (`roleARN` without `tokenFile`, or two ways at once) are errors rather than silently
falling back to the default chain.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pipecd_cp.errors import ConfigError

KEYS = ("bucket", "region", "profile", "credentialsFile", "roleARN", "tokenFile", "endpoint", "stsEndpoint")


@dataclass(frozen=True)
class S3Settings:
    """What the driver needs; holds paths to secrets, never a secret itself."""

    bucket: str
    region: str
    profile: str | None = None
    credentials_file: str | None = None
    role_arn: str | None = None
    token_file: str | None = None
    endpoint: str | None = None
    sts_endpoint: str | None = None

    @property
    def credentials_mode(self) -> str:
        """`web-identity`, `shared-credentials-file`, `profile` or `default-chain`."""
        if self.role_arn:
            return "web-identity"
        if self.credentials_file:
            return "shared-credentials-file"
        return "profile" if self.profile else "default-chain"


def parse_settings(config: Mapping[str, Any]) -> tuple[S3Settings, list[str]]:
    """The settings and the unknown keys (ignored, as PipeCD ignores them); `ConfigError(field=...)`."""
    values, unknown = _fold_keys(config)
    bucket, region = _string(values, "bucket"), _string(values, "region")
    if bucket is None:
        raise ConfigError("the bucket name is required", field="bucket")
    if "/" in bucket:
        raise ConfigError("a bucket name has no '/'; object paths go below it", field="bucket")
    if region is None:
        raise ConfigError("required (the bucket's AWS region, e.g. us-east-1)", field="region")

    profile, credentials_file = _string(values, "profile"), _string(values, "credentialsFile")
    role_arn, token_file = _string(values, "roleARN"), _string(values, "tokenFile")
    if credentials_file is not None:
        _readable(credentials_file, "credentialsFile")
    if (role_arn is None) != (token_file is None):
        missing = "tokenFile" if token_file is None else "roleARN"
        raise ConfigError("web identity needs both roleARN and tokenFile", field=missing)
    if role_arn is not None:
        if credentials_file is not None or profile is not None:
            raise ConfigError("use one way of getting credentials: roleARN+tokenFile or "
                              "credentialsFile/profile, not both", field="roleARN")
        if not role_arn.startswith("arn:"):
            raise ConfigError("must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", field="roleARN")
        _readable(token_file, "tokenFile")  # type: ignore[arg-type]

    sts_endpoint = _url(_string(values, "stsEndpoint"), "stsEndpoint")
    if sts_endpoint is not None and role_arn is None:
        raise ConfigError("only used with roleARN and tokenFile", field="stsEndpoint")
    return S3Settings(bucket=bucket, region=region, profile=profile, credentials_file=credentials_file,
                      role_arn=role_arn, token_file=token_file, endpoint=_url(_string(values, "endpoint"), "endpoint"),
                      sts_endpoint=sts_endpoint), unknown


def _fold_keys(config: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    if not isinstance(config, Mapping):
        raise ConfigError("the s3 config must be a mapping")
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


def _readable(path: str, key: str) -> None:
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"no such file: {path}", field=key)
    try:
        with p.open("rb"):
            pass
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}", field=key) from None


def _url(value: str | None, key: str) -> str | None:
    if value is None:
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ConfigError("is not a valid URL", field=key) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("must be an http:// or https:// URL with a host", field=key)
    if parts.username is not None or parts.query or parts.fragment:
        raise ConfigError("may not carry credentials, a ?query or a #fragment", field=key)
    return value.rstrip("/")
