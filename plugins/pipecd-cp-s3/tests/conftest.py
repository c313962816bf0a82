"""Fixtures: moto_server on 127.0.0.1:9100 (started by ../ci/up), a fresh bucket per session, and an
AWS environment of the tests' own (so nothing reads ~/.aws or asks an instance metadata service)."""
from __future__ import annotations

import secrets
import socket
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import pytest_asyncio

from pipecd_cp.testing import driver_context
from pipecd_cp_s3 import S3FileStore

PLUGIN = Path(__file__).resolve().parent.parent
ENDPOINT = "http://127.0.0.1:9100"
REGION = "us-east-1"
ENV_KEY_ID, ENV_SECRET = "AKIAENVIRONMENT00000", "environment-secret"


def free_port() -> int:
    """A local port where nothing listens (for "the server is down" tests)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session", autouse=True)
def aws_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Credentials in the environment (boto3's default chain finds them) and no shared files."""
    home = tmp_path_factory.mktemp("aws-home")
    with pytest.MonkeyPatch.context() as mp:
        for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL",
                     "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_STS", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
                     "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"):
            mp.delenv(name, raising=False)
        mp.setenv("AWS_ACCESS_KEY_ID", ENV_KEY_ID)
        mp.setenv("AWS_SECRET_ACCESS_KEY", ENV_SECRET)
        mp.setenv("AWS_CONFIG_FILE", str(home / "config"))
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
        mp.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never probe 169.254.169.254 from a test
        yield


@pytest.fixture(scope="session")
def bucket(aws_environment: None) -> Iterator[str]:
    """A bucket of this test session's own on moto_server, emptied and removed at the end."""
    subprocess.run([str(PLUGIN / "ci" / "up")], check=True, timeout=120)
    name = f"pipecd-cp-s3-test-{secrets.token_hex(4)}"
    raw = boto3.session.Session(region_name=REGION).client("s3", endpoint_url=ENDPOINT)
    raw.create_bucket(Bucket=name)
    try:
        yield name
    finally:
        for page in raw.get_paginator("list_objects_v2").paginate(Bucket=name):
            keys = [{"Key": item["Key"]} for item in page.get("Contents", ())]
            if keys:
                raw.delete_objects(Bucket=name, Delete={"Objects": keys, "Quiet": True})
        raw.delete_bucket(Bucket=name)
        raw.close()


@pytest.fixture
def config(bucket: str) -> dict[str, Any]:
    """The plain config block pointing at the session bucket."""
    return {"bucket": bucket, "region": REGION, "endpoint": ENDPOINT}


@pytest_asyncio.fixture
async def store_factory(tmp_path: Path) -> AsyncIterator[Any]:
    """`await store_factory(config)`: an opened S3FileStore, closed after the test."""
    opened: list[S3FileStore] = []

    async def make(config: dict[str, Any]) -> S3FileStore:
        store = S3FileStore.from_config(config, driver_context("filestore", tmp_path))
        await store.open()
        opened.append(store)
        return store
    yield make
    for store in opened:
        await store.close()
