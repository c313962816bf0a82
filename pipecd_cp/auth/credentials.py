"""Credential formats on the wire, key generation and hashing.

- Pipeds send `authorization: PIPED-TOKEN {project},{piped},{key}`.
- pipectl and tools send `authorization: API-KEY {id}.{secret}`.

Keys come from `secrets` (PipeCD uses math/rand). A piped key is 50 characters of [a-z0-9]
(258 bits), as PipeCD's format; an API key is `{uuid4}.{50 characters}`. Only bcrypt hashes
(cost 10) are stored. bcrypt reads at most 72 bytes, so a key longer than that (our API keys)
is hashed as base64(SHA-256(key)); PipeCD's keys are shorter and hash as themselves, so keys
minted by PipeCD keep working against a shared database.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from dataclasses import dataclass

import bcrypt

from pipecd_cp.errors import Unauthenticated

ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
PIPED_KEY_LENGTH = 50
API_SECRET_LENGTH = 50
BCRYPT_COST = 10
_BCRYPT_MAX = 72


@dataclass(frozen=True)
class PipedToken:
    project_id: str
    piped_id: str
    key: str


@dataclass(frozen=True)
class APIKeyToken:
    key_id: str
    key: str  # the whole "{id}.{secret}"


def _split(header: str | None) -> tuple[str, str]:
    if not header:
        raise Unauthenticated("missing credentials")
    parts = header.split(" ")
    if len(parts) != 2 or not parts[1]:
        raise Unauthenticated("malformed credentials")
    return parts[0], parts[1]


def parse_piped_token(header: str | None) -> PipedToken:
    """Parse `PIPED-TOKEN p,piped,key`; `Unauthenticated` (never echoing the value) otherwise."""
    kind, data = _split(header)
    if kind != "PIPED-TOKEN":
        raise Unauthenticated("a piped token is required")
    parts = data.split(",")
    if len(parts) != 3 or not all(parts):
        raise Unauthenticated("malformed piped token")
    return PipedToken(*parts)


def parse_api_key(header: str | None) -> APIKeyToken:
    """Parse `API-KEY id.secret`; `Unauthenticated` (never echoing the value) otherwise."""
    kind, data = _split(header)
    if kind != "API-KEY":
        raise Unauthenticated("an API key is required")
    parts = data.split(".")
    if len(parts) != 2 or not all(parts):
        raise Unauthenticated("malformed API key")
    return APIKeyToken(parts[0], data)


def random_string(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_piped_key() -> str:
    return random_string(PIPED_KEY_LENGTH)


def new_api_key() -> tuple[str, str]:
    """(key id, whole key)."""
    key_id = str(uuid.uuid4())
    return key_id, f"{key_id}.{random_string(API_SECRET_LENGTH)}"


def _material(key: str) -> bytes:
    raw = key.encode()
    return raw if len(raw) <= _BCRYPT_MAX else base64.b64encode(hashlib.sha256(raw).digest())


def hash_key(key: str) -> str:
    """The bcrypt hash to store for a key (slow: run it off the event loop)."""
    return bcrypt.hashpw(_material(key), bcrypt.gensalt(rounds=BCRYPT_COST)).decode()


def check_key(key: str, hashed: str) -> bool:
    """bcrypt comparison (slow: run it off the event loop). Malformed hashes never match."""
    try:
        return bcrypt.checkpw(_material(key), hashed.encode())
    except ValueError:
        return False


def digest(secret: str) -> str:
    """A fast, non-reversible cache key for a credential (never store or log the credential)."""
    return hashlib.sha256(secret.encode()).hexdigest()
