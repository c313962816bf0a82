"""Every form of PipeCD's S3 block (plus pipecd-cp's endpoint keys), and every error naming its key."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipecd_cp.errors import ConfigError
from pipecd_cp_s3.config import S3Settings, parse_settings


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "credentials").write_text("[default]\naws_access_key_id = a\naws_secret_access_key = b\n")
    (tmp_path / "token").write_text("eyJ.token\n")
    return {"credentials": str(tmp_path / "credentials"), "token": str(tmp_path / "token")}


def test_the_minimal_block_uses_the_default_chain() -> None:
    settings, unknown = parse_settings({"bucket": "pipecd", "region": "us-west-2"})
    assert settings == S3Settings(bucket="pipecd", region="us-west-2")
    assert settings.credentials_mode == "default-chain" and unknown == []


def test_a_shared_credentials_file_and_profile(files: dict[str, str]) -> None:
    settings, _ = parse_settings({"bucket": "b", "region": "r", "credentialsFile": files["credentials"],
                                  "profile": "ci"})
    assert (settings.credentials_file, settings.profile) == (files["credentials"], "ci")
    assert settings.credentials_mode == "shared-credentials-file"
    settings, _ = parse_settings({"bucket": "b", "region": "r", "profile": "ci"})
    assert settings.credentials_mode == "profile"


def test_web_identity(files: dict[str, str]) -> None:
    settings, _ = parse_settings({"bucket": "b", "region": "r", "roleARN": "arn:aws:iam::123456789012:role/pipecd",
                                  "tokenFile": files["token"], "stsEndpoint": "http://127.0.0.1:9100"})
    assert (settings.role_arn, settings.token_file, settings.sts_endpoint) == (
        "arn:aws:iam::123456789012:role/pipecd", files["token"], "http://127.0.0.1:9100")
    assert settings.credentials_mode == "web-identity"


def test_endpoints_keys_in_any_case_and_unknown_keys(files: dict[str, str]) -> None:
    settings, unknown = parse_settings({"Bucket": "b", "REGION": "r", "endpoint": "https://s3.internal:8443/",
                                        "credentialsfile": files["credentials"], "acl": "private", "profile": ""})
    assert (settings.bucket, settings.region, settings.endpoint) == ("b", "r", "https://s3.internal:8443")
    assert settings.credentials_file == files["credentials"] and settings.profile is None  # "" = absent, as in Go
    assert unknown == ["acl"]


@pytest.mark.parametrize(("config", "field"), [
    ({"region": "r"}, "bucket"),
    ({"bucket": "", "region": "r"}, "bucket"),
    ({"bucket": "a/b", "region": "r"}, "bucket"),
    ({"bucket": 5, "region": "r"}, "bucket"),
    ({"bucket": "b"}, "region"),
    ({"bucket": "b", "region": ["us-east-1"]}, "region"),
    ({"bucket": "b", "region": "r", "credentialsFile": "/no/such/file"}, "credentialsFile"),
    ({"bucket": "b", "region": "r", "roleARN": "arn:aws:iam::1:role/x"}, "tokenFile"),
    ({"bucket": "b", "region": "r", "tokenFile": "TOKEN"}, "roleARN"),
    ({"bucket": "b", "region": "r", "roleARN": "role/x", "tokenFile": "TOKEN"}, "roleARN"),
    ({"bucket": "b", "region": "r", "roleARN": "arn:aws:iam::1:role/x", "tokenFile": "/no/such/token"}, "tokenFile"),
    ({"bucket": "b", "region": "r", "roleARN": "arn:aws:iam::1:role/x", "tokenFile": "TOKEN",
      "credentialsFile": "CREDENTIALS"}, "roleARN"),
    ({"bucket": "b", "region": "r", "roleARN": "arn:aws:iam::1:role/x", "tokenFile": "TOKEN", "profile": "p"},
     "roleARN"),
    ({"bucket": "b", "region": "r", "stsEndpoint": "http://127.0.0.1:9100"}, "stsEndpoint"),
    ({"bucket": "b", "region": "r", "endpoint": "127.0.0.1:9100"}, "endpoint"),
    ({"bucket": "b", "region": "r", "endpoint": "ftp://h"}, "endpoint"),
    ({"bucket": "b", "region": "r", "endpoint": "http://h:99999"}, "endpoint"),
    ({"bucket": "b", "region": "r", "endpoint": "https://key:secret@h"}, "endpoint"),
    ({"bucket": "b", "region": "r", "endpoint": "https://h/?x=1"}, "endpoint"),
    ({"bucket": "b", "region": "r", "Bucket": "c"}, "Bucket"),
])
def test_errors_name_the_key(config: dict, field: str, files: dict[str, str]) -> None:
    config = {k: files["token"] if v == "TOKEN" else files["credentials"] if v == "CREDENTIALS" else v
              for k, v in config.items()}
    with pytest.raises(ConfigError) as info:
        parse_settings(config)
    assert info.value.field == field


def test_messages_never_repeat_endpoint_credentials() -> None:
    with pytest.raises(ConfigError) as info:
        parse_settings({"bucket": "b", "region": "r", "endpoint": "https://key:hunter2@h"})
    assert "hunter2" not in str(info.value)


def test_the_block_must_be_a_mapping() -> None:
    with pytest.raises(ConfigError):
        parse_settings("bucket")  # type: ignore[arg-type]
