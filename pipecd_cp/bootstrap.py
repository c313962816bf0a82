"""Embedded defaults: the data folder, the encryption key and the quickstart project.

With no `--config-file`, `pipecd-cp serve` keeps everything in one data folder:

    {data-dir}/pipecd.db        SQLite datastore
    {data-dir}/files/           local file store
    {data-dir}/encryption-key   64 random bytes, mode 0600 (JWT signing and AES-GCM)

and creates a datastore project `quickstart` whose static admin password is generated and shown
once. A second start finds all three and reuses them.
"""
from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path
from typing import TYPE_CHECKING

import bcrypt

from pipecd_cp.errors import AlreadyExists, ConfigError
from pipecd_cp.proto.model import project_pb2

if TYPE_CHECKING:
    from pipecd_cp.app import Host

log = logging.getLogger("pipecd_cp.bootstrap")

KEY_FILE = "encryption-key"
MIN_KEY_BYTES = 32
QUICKSTART_PROJECT = "quickstart"
QUICKSTART_USER = "hello-pipecd"


def default_data_dir() -> Path:
    """`$PIPECD_CP_DATA_DIR`, else `$XDG_DATA_HOME/pipecd-cp`, else `~/.local/share/pipecd-cp`."""
    env = os.environ.get("PIPECD_CP_DATA_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "pipecd-cp"


def read_key_file(path: Path) -> bytes:
    """Read an encryption key file (`--encryption-key-file`): it must hold at least 32 bytes."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("no such file", field="--encryption-key-file", file=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read it: {exc.strerror}", field="--encryption-key-file", file=str(path)) from None
    if len(data) < MIN_KEY_BYTES:
        raise ConfigError(f"the key must be at least {MIN_KEY_BYTES} bytes, it has {len(data)}",
                          field="--encryption-key-file", file=str(path))
    return data


def ensure_key_file(data_dir: Path) -> tuple[bytes, bool]:
    """The data folder's encryption key, created (mode 0600) on first use; (key, created)."""
    path = data_dir / KEY_FILE
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            log.warning("bootstrap | %s is readable by other users (mode %o); run chmod 600", path, mode)
        return read_key_file(path), False
    with os.fdopen(fd, "wb") as fh:
        fh.write(secrets.token_bytes(64))
        fh.flush()
        os.fsync(fh.fileno())
    return read_key_file(path), True


def generate_password(length: int = 24) -> str:
    """A random password from a CSPRNG (letters and digits)."""
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def hash_password(password: str) -> str:
    """A bcrypt hash (cost 10, PipeCD's `bcrypt.DefaultCost`)."""
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=10)).decode()


async def create_project(host: "Host", project_id: str, desc: str = "", username: str | None = None, *,
                         shared_sso_name: str = "", allow_stray_as_viewer: bool = False) -> tuple[str, str]:
    """Create a datastore project with a random static admin; return (username, password).

    `AlreadyExists` when the id is taken.
    """
    username = username or generate_password(10).lower()
    password = generate_password()
    digest = await host.runner.run(hash_password, password)
    project = project_pb2.Project(id=project_id, desc=desc, shared_sso_name=shared_sso_name,
                                  allow_stray_as_viewer=allow_stray_as_viewer,
                                  static_admin=project_pb2.ProjectStaticUser(username=username, password_hash=digest))
    await host.stores.projects.add(project)
    return username, password


async def ensure_quickstart_project(host: "Host") -> str | None:
    """Create the `quickstart` project if it is missing; return its new password, else None."""
    try:
        _, password = await create_project(host, QUICKSTART_PROJECT, "Created by pipecd-cp on first start",
                                           QUICKSTART_USER)
    except AlreadyExists:
        return None
    return password
