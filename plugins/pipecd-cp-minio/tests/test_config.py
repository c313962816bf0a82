"""Every form of PipeCD's MinIO block, and every error naming its key."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipecd_cp.errors import ConfigError
from pipecd_cp_minio.config import MinIOSettings, parse_settings


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "access").write_text("AKIA-ACCESS\n")
    (tmp_path / "secret").write_text("secret with spaces \r\n")
    (tmp_path / "empty").write_text("\n")
    return {"access": str(tmp_path / "access"), "secret": str(tmp_path / "secret"), "empty": str(tmp_path / "empty"),
            "missing": str(tmp_path / "missing"), "folder": str(tmp_path)}


def test_pipecds_quickstart_block(keys: dict[str, str]) -> None:
    settings, unknown = parse_settings({"endpoint": "http://pipecd-minio:9000", "bucket": "quickstart",
                                        "accessKeyFile": keys["access"], "secretKeyFile": keys["secret"],
                                        "autoCreateBucket": True})
    assert settings == MinIOSettings(endpoint="pipecd-minio:9000", bucket="quickstart", secure=False,
                                     access_key="AKIA-ACCESS", secret_key="secret with spaces ",
                                     auto_create_bucket=True)
    assert unknown == [] and settings.url == "http://pipecd-minio:9000"


def test_https_means_tls_and_keys_are_optional_together() -> None:
    settings, _ = parse_settings({"endpoint": "HTTPS://minio.example.com/", "bucket": "b"})
    assert (settings.endpoint, settings.secure, settings.access_key, settings.secret_key) == (
        "minio.example.com", True, None, None)
    assert settings.auto_create_bucket is False


def test_keys_in_any_case_empty_values_and_unknown_keys(keys: dict[str, str]) -> None:
    settings, unknown = parse_settings({"Endpoint": "http://[::1]:9000", "BUCKET": "b",
                                        "accesskeyfile": keys["access"], "SecretKeyFile": keys["secret"],
                                        "region": "eu-west-1", "autoCreateBucket": None})
    assert (settings.endpoint, settings.access_key, settings.auto_create_bucket) == ("[::1]:9000", "AKIA-ACCESS", False)
    assert unknown == ["region"]


def test_keys_never_show_in_repr(keys: dict[str, str]) -> None:
    settings, _ = parse_settings({"endpoint": "http://m:9000", "bucket": "b", "accessKeyFile": keys["access"],
                                  "secretKeyFile": keys["secret"]})
    assert "AKIA-ACCESS" not in repr(settings) and "secret with" not in repr(settings)


@pytest.mark.parametrize(("config", "field"), [
    ({"bucket": "b"}, "endpoint"),
    ({"endpoint": "minio:9000", "bucket": "b"}, "endpoint"),
    ({"endpoint": "ftp://minio:9000", "bucket": "b"}, "endpoint"),
    ({"endpoint": "http://minio:99999", "bucket": "b"}, "endpoint"),
    ({"endpoint": "http://minio:9000/path", "bucket": "b"}, "endpoint"),
    ({"endpoint": "http://key:secret@minio:9000", "bucket": "b"}, "endpoint"),
    ({"endpoint": "http://minio:9000?x=1", "bucket": "b"}, "endpoint"),
    ({"endpoint": 9000, "bucket": "b"}, "endpoint"),
    ({"endpoint": "http://m:9000"}, "bucket"),
    ({"endpoint": "http://m:9000", "bucket": "a/b"}, "bucket"),
    ({"endpoint": "http://m:9000", "bucket": "b", "accessKeyFile": "ACCESS"}, "secretKeyFile"),
    ({"endpoint": "http://m:9000", "bucket": "b", "secretKeyFile": "SECRET"}, "accessKeyFile"),
    ({"endpoint": "http://m:9000", "bucket": "b", "accessKeyFile": "MISSING", "secretKeyFile": "SECRET"},
     "accessKeyFile"),
    ({"endpoint": "http://m:9000", "bucket": "b", "accessKeyFile": "ACCESS", "secretKeyFile": "EMPTY"},
     "secretKeyFile"),
    ({"endpoint": "http://m:9000", "bucket": "b", "accessKeyFile": "FOLDER", "secretKeyFile": "SECRET"},
     "accessKeyFile"),
    ({"endpoint": "http://m:9000", "bucket": "b", "autoCreateBucket": "yes"}, "autoCreateBucket"),
    ({"endpoint": "http://m:9000", "bucket": "b", "Bucket": "c"}, "Bucket"),
])
def test_errors_name_the_key(config: dict, field: str, keys: dict[str, str]) -> None:
    config = {k: keys.get(str(v).lower(), v) if isinstance(v, str) and v.isupper() else v for k, v in config.items()}
    with pytest.raises(ConfigError) as info:
        parse_settings(config)
    assert info.value.field == field


def test_messages_never_repeat_endpoint_credentials() -> None:
    with pytest.raises(ConfigError) as info:
        parse_settings({"endpoint": "http://key:hunter2@minio:9000", "bucket": "b"})
    assert "hunter2" not in str(info.value)


def test_the_block_must_be_a_mapping() -> None:
    with pytest.raises(ConfigError):
        parse_settings(None)  # type: ignore[arg-type]
