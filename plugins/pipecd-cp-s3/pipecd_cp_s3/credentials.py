"""A boto3 session that gets its credentials the way PipeCD's S3 store does.

- `credentialsFile` (+ `profile`): that shared credentials file. An explicit profile wins over the
  AWS_* environment variables, as in the Go SDK.
- `roleARN` + `tokenFile`: STS AssumeRoleWithWebIdentity with the token in the file (EKS IRSA and
  the like). The file is read again on every refresh, since the token rotates; the temporary
  credentials refresh themselves before they expire.
- otherwise: boto3's default chain (environment, ~/.aws, container and instance metadata).

Everything is set on a session of our own; nothing touches os.environ or a global default session.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import boto3
import botocore.session
from botocore import UNSIGNED
from botocore.config import Config
from botocore.credentials import CredentialProvider, DeferredRefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError, CredentialRetrievalError

from pipecd_cp_s3.config import S3Settings

WEB_IDENTITY_METHOD = "pipecd-cp-web-identity"


def make_session(settings: S3Settings) -> boto3.session.Session:
    """A session for `settings`; no network call is made here (credentials load on first use)."""
    core = botocore.session.Session()
    if settings.credentials_file:
        core.set_config_variable("credentials_file", settings.credentials_file)
    if settings.profile:
        core.set_config_variable("profile", settings.profile)
    if settings.role_arn and settings.token_file:
        resolver = core.get_component("credential_provider")
        # First in the chain: the configured role wins over anything in the environment.
        resolver.providers.insert(0, WebIdentityProvider(settings.role_arn, settings.token_file, settings.region,
                                                         settings.sts_endpoint))
    return boto3.session.Session(botocore_session=core, region_name=settings.region)


class WebIdentityProvider(CredentialProvider):
    """Temporary credentials from STS AssumeRoleWithWebIdentity, refreshed before they expire."""

    METHOD = WEB_IDENTITY_METHOD
    CANONICAL_NAME = "pipecd-cp-web-identity"

    def __init__(self, role_arn: str, token_file: str, region: str, sts_endpoint: str | None) -> None:
        super().__init__()
        self.role_arn, self.token_file = role_arn, token_file
        self._region, self._sts_endpoint = region, sts_endpoint
        self._sts: Any = None

    def load(self) -> DeferredRefreshableCredentials:
        return DeferredRefreshableCredentials(refresh_using=self._fetch, method=self.METHOD)

    def _client(self) -> Any:
        if self._sts is None:
            # AssumeRoleWithWebIdentity is unsigned: the token is the credential. A session of its
            # own, so building this client never asks the session being configured for credentials.
            session = boto3.session.Session(botocore_session=botocore.session.Session(), region_name=self._region)
            self._sts = session.client("sts", endpoint_url=self._sts_endpoint,
                                       config=Config(signature_version=UNSIGNED, retries={"mode": "standard"}))
        return self._sts

    def _fetch(self) -> dict[str, str]:
        """botocore's refresh callback (called under its lock): read the token, assume the role."""
        try:
            token = Path(self.token_file).read_text().strip()
            answer = self._client().assume_role_with_web_identity(
                RoleArn=self.role_arn, WebIdentityToken=token,
                RoleSessionName=f"pipecd-cp-{time.time_ns()}")  # the Go SDK's default: a timestamp
        except (OSError, ClientError, BotoCoreError) as exc:
            # botocore reports this as "cannot get credentials", not as an S3 answer.
            raise CredentialRetrievalError(provider=self.METHOD, error_msg=f"{type(exc).__name__}: {exc}") from exc
        creds = answer["Credentials"]
        return {"access_key": creds["AccessKeyId"], "secret_key": creds["SecretAccessKey"],
                "token": creds["SessionToken"], "expiry_time": creds["Expiration"].isoformat()}
