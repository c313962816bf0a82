"""The three ways of getting credentials, against moto_server's S3 and STS."""
from __future__ import annotations

from pathlib import Path

import conftest
import pytest
from conftest import free_port

from pipecd_cp.errors import ConfigError, Unavailable
from pipecd_cp_s3.credentials import WEB_IDENTITY_METHOD

ROLE = "arn:aws:iam::123456789012:role/pipecd-control-plane"


async def _round_trip(store, path: str) -> None:
    await store.put(path, b"credentials work")
    assert await store.get(path) == b"credentials work"


async def test_the_default_chain_finds_the_environment(store_factory, config) -> None:
    store = await store_factory(config)
    creds = store.session.get_credentials()
    assert (creds.method, creds.access_key) == ("env", conftest.ENV_KEY_ID)
    await _round_trip(store, "creds/env.txt")


async def test_a_shared_credentials_file_with_a_profile_wins_over_the_environment(store_factory, config,
                                                                                  tmp_path: Path) -> None:
    file = tmp_path / "aws-credentials"
    file.write_text("[default]\naws_access_key_id = AKIADEFAULTPROFILE00\naws_secret_access_key = d\n\n"
                    "[pipecd]\naws_access_key_id = AKIAFROMTHEFILE00000\naws_secret_access_key = f\n")
    store = await store_factory({**config, "credentialsFile": str(file), "profile": "pipecd"})
    creds = store.session.get_credentials()
    assert (creds.method, creds.access_key) == ("shared-credentials-file", "AKIAFROMTHEFILE00000")
    await _round_trip(store, "creds/file.txt")


async def test_a_profile_missing_from_the_file_is_a_config_error(store_factory, config, tmp_path: Path) -> None:
    file = tmp_path / "aws-credentials"
    file.write_text("[default]\naws_access_key_id = a\naws_secret_access_key = b\n")
    with pytest.raises(ConfigError) as info:
        await store_factory({**config, "credentialsFile": str(file), "profile": "nope"})
    assert info.value.field == "profile"


async def test_web_identity_assumes_the_role_through_sts(store_factory, config, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("eyJhbGciOiJSUzI1NiJ9.service-account-token\n")
    store = await store_factory({**config, "roleARN": ROLE, "tokenFile": str(token),
                                 "stsEndpoint": conftest.ENDPOINT})
    creds = store.session.get_credentials()
    assert creds.method == WEB_IDENTITY_METHOD
    await _round_trip(store, "creds/web-identity.txt")
    frozen = creds.get_frozen_credentials()
    # Temporary credentials from STS (ASIA...), not the environment's long-term key.
    assert frozen.access_key.startswith("ASIA") and frozen.access_key != conftest.ENV_KEY_ID and frozen.token


async def test_web_identity_reads_the_token_file_when_it_fetches(store_factory, config, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("eyJhbGciOiJSUzI1NiJ9.service-account-token\n")
    store = await store_factory({**config, "roleARN": ROLE, "tokenFile": str(token),
                                 "stsEndpoint": conftest.ENDPOINT})
    token.unlink()  # credentials are fetched on first use, from the file as it is then
    with pytest.raises(Unavailable, match="credentials"):
        await store.get("creds/anything.txt")


async def test_an_unreachable_sts_is_unavailable(store_factory, config, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("eyJhbGciOiJSUzI1NiJ9.service-account-token")
    store = await store_factory({**config, "roleARN": ROLE, "tokenFile": str(token),
                                 "stsEndpoint": f"http://127.0.0.1:{free_port()}"})
    with pytest.raises(Unavailable, match="credentials"):
        await store.put("creds/never.txt", b"x")


async def test_no_credentials_anywhere_stops_start_up(store_factory, config, monkeypatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(ConfigError, match="no AWS credentials"):
        await store_factory(config)


async def test_the_endpoint_may_come_from_aws_endpoint_url(store_factory, config, monkeypatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", conftest.ENDPOINT)
    store = await store_factory({"bucket": config["bucket"], "region": config["region"]})
    await _round_trip(store, "creds/endpoint-from-env.txt")
