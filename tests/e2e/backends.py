"""The backends the end-to-end scenarios run on: the embedded defaults and the production plugins.

Each production backend talks to a real server on 127.0.0.1 (MariaDB, Redis, moto_server for S3
and MinIO, the Firestore emulator, fake-gcs-server), started by `scripts/services`; `prepare`
runs the plugin's own `ci/up` (idempotent) so a lone `pytest tests/e2e` works too, and creates
what the backend needs (a fresh database, bucket or Firestore environment). Firestore + GCS skips,
saying why, only where the machine has no Firestore emulator (as the plugin's tests do).
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.harness import EMBEDDED, Backend

MOTO = "http://127.0.0.1:9100"
GCS = "http://127.0.0.1:9110"
FIRESTORE = "127.0.0.1:9120"
AWS_ENV = {"AWS_ACCESS_KEY_ID": "pipecd-cp-e2e", "AWS_SECRET_ACCESS_KEY": "pipecd-cp-e2e-secret",
           "AWS_EC2_METADATA_DISABLED": "true"}
EMULATOR_ENV = {"FIRESTORE_EMULATOR_HOST": FIRESTORE, "STORAGE_EMULATOR_HOST": GCS}


def _up(plugin: str) -> None:
    script = REPO / "plugins" / plugin / "ci" / "up"
    subprocess.run([str(script)], check=True, capture_output=True, timeout=180)


def _listening(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, port)) == 0


def _mysql_database() -> str:
    import pymysql
    name = f"pcp_e2e_{secrets.token_hex(4)}"
    conn = pymysql.connect(host="127.0.0.1", port=3306, user="root", password="")
    with conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    conn.close()
    return name


def _mysql_block() -> str:
    return f"datastore:\n  type: MYSQL\n  config: {{url: 'root@tcp(127.0.0.1:3306)', database: {_mysql_database()}}}\n"


def _bucket() -> str:
    import boto3
    name = f"pcp-e2e-{secrets.token_hex(4)}"
    boto3.client("s3", endpoint_url=MOTO, region_name="us-east-1", aws_access_key_id=AWS_ENV["AWS_ACCESS_KEY_ID"],
                 aws_secret_access_key=AWS_ENV["AWS_SECRET_ACCESS_KEY"]).create_bucket(Bucket=name)
    return name


def _mysql_redis_s3(data: Path) -> str:
    _up("pipecd-cp-s3")
    os.environ.update(AWS_ENV)  # the test process opens in-process hosts on the same stores
    return _mysql_block() + (f"filestore:\n  type: S3\n  config: {{bucket: {_bucket()}, region: us-east-1, "
                             f"endpoint: '{MOTO}'}}\n")


def _mysql_redis_minio(data: Path) -> str:
    _up("pipecd-cp-minio")
    (data / "minio-access-key").write_text(AWS_ENV["AWS_ACCESS_KEY_ID"] + "\n")
    (data / "minio-secret-key").write_text(AWS_ENV["AWS_SECRET_ACCESS_KEY"] + "\n")
    bucket = f"pcp-e2e-{secrets.token_hex(4)}"  # created by the driver: autoCreateBucket
    return _mysql_block() + (
        f"filestore:\n  type: MINIO\n  config:\n    endpoint: '{MOTO}'\n    bucket: {bucket}\n"
        f"    accessKeyFile: {data / 'minio-access-key'}\n    secretKeyFile: {data / 'minio-secret-key'}\n"
        f"    autoCreateBucket: true\n"
        # Redis through its own config block, on a database of its own (PipeCD can only do host:port).
        f"cache:\n  type: REDIS\n  config: {{url: 'redis://127.0.0.1:6379/3'}}\n")


def _firestore_gcs(data: Path) -> str:
    _up("pipecd-cp-firestore")
    host, port = FIRESTORE.split(":")
    if not _listening(host, int(port)):
        pytest.skip("the Firestore emulator is not available on this machine (see plugins/pipecd-cp-firestore/ci/up)")
    _up("pipecd-cp-gcs")
    os.environ.update(EMULATOR_ENV)
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage
    bucket = f"pcp-e2e-{secrets.token_hex(4)}"
    storage.Client(project="pipecd-cp-e2e", credentials=AnonymousCredentials()).create_bucket(bucket)
    return (f"datastore:\n  type: FIRESTORE\n  config: {{namespace: pipecd, environment: e2e-{secrets.token_hex(4)}, "
            f"project: pipecd-cp-e2e}}\nfilestore:\n  type: GCS\n  config: {{bucket: {bucket}}}\n")


BACKENDS: list[Backend] = [
    EMBEDDED,
    Backend("mysql-redis-s3", prepare=_mysql_redis_s3, cache_address="127.0.0.1:6379", shared_cache=True,
            env={**os.environ, **AWS_ENV}),
    Backend("mysql-redis-minio", prepare=_mysql_redis_minio, shared_cache=True),
    Backend("firestore-gcs", prepare=_firestore_gcs, env={**os.environ, **EMULATOR_ENV}),
]
