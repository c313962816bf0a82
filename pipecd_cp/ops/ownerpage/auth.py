"""Who may use the owner page: the owner's password (bcrypt hash in a file) or token (in a file).

PipeCD's owner page has no authentication. Here `pipecd-cp ops` takes either or both of

- `--owner-password-file FILE`: a bcrypt hash of the owner's password (make it with
  `pipecd-cp ops hash-password`); the password is typed into the login form;
- `--owner-token-file FILE`: a random secret of at least 32 characters; typed into the login
  form, or sent as `Authorization: Bearer TOKEN` by scripts (no cookie, no CSRF token needed).

Without either, every owner-page URL answers 503 with a page saying how to configure it; the
scheduler and `/metrics` run regardless (a drop-in ops container must not crash-loop).

A login sets a signed session cookie (12 hours; HttpOnly, SameSite=Strict; Secure when the
request came over HTTPS) bound to a fingerprint of the configured credentials, so changing either file ends every
session. Failed logins are throttled per client address.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

import bcrypt

from pipecd_cp.errors import ConfigError

STATE_KEY = "pipecd_cp.ops.owner_auth"
COOKIE = "pipecd_cp_owner"
SESSION_DAYS = 0.5
MIN_TOKEN = 32
MAX_FAILURES, FAILURE_WINDOW = 10, 300.0


def _read(path: Path, flag: str) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise ConfigError("no such file", field=flag, file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read it: {exc}", field=flag, file=str(path)) from None


def hash_owner_password(password: str) -> str:
    """A bcrypt hash (cost 12) for `--owner-password-file`."""
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=12)).decode()


@dataclass
class OwnerAuth:
    """The configured owner credentials and the failed-login throttle."""

    password_hash: bytes | None = None
    token_digest: bytes | None = None
    _failures: dict[str, list[float]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_files(cls, password_file: Path | None, token_file: Path | None) -> "OwnerAuth | None":
        """Read the flags' files; None when neither is given; `ConfigError` for a bad file."""
        if password_file is None and token_file is None:
            return None
        auth = cls()
        if password_file is not None:
            text = _read(password_file, "--owner-password-file")
            try:
                bcrypt.checkpw(b"probe", text.encode())
            except ValueError:
                raise ConfigError("must hold a bcrypt hash, not a password (make one with: "
                                  "pipecd-cp ops hash-password > FILE)", field="--owner-password-file",
                                  file=str(password_file)) from None
            auth.password_hash = text.encode()
        if token_file is not None:
            token = _read(token_file, "--owner-token-file")
            if len(token) < MIN_TOKEN:
                raise ConfigError(f"the token must be at least {MIN_TOKEN} characters (e.g. openssl rand -hex 32)",
                                  field="--owner-token-file", file=str(token_file))
            auth.token_digest = hashlib.sha256(token.encode()).digest()
        return auth

    @property
    def fingerprint(self) -> str:
        """Changes whenever a credential changes (ends existing sessions)."""
        h = hashlib.sha256(b"owner:" + (self.password_hash or b"-") + b":" + (self.token_digest or b"-"))
        return h.hexdigest()[:32]

    def token_ok(self, candidate: str) -> bool:
        if self.token_digest is None or not candidate:
            return False
        return hmac.compare_digest(hashlib.sha256(candidate.encode()).digest(), self.token_digest)

    def password_ok(self, candidate: str) -> bool:
        """bcrypt check (blocking: run it on the host's thread pool)."""
        if self.password_hash is None or not candidate:
            return False
        return bcrypt.checkpw(candidate.encode(), self.password_hash)

    # throttle
    def throttled(self, client: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        recent = [t for t in self._failures.get(client, []) if now - t < FAILURE_WINDOW]
        self._failures[client] = recent
        if not recent:
            self._failures.pop(client, None)
        return len(recent) >= MAX_FAILURES

    def failed(self, client: str, now: float | None = None) -> None:
        self._failures.setdefault(client, []).append(time.monotonic() if now is None else now)
        if len(self._failures) > 10_000:  # bound memory under a scan
            self._failures.pop(next(iter(self._failures)))

    def succeeded(self, client: str) -> None:
        self._failures.pop(client, None)


def cookie_secret(encryption_key: bytes | None) -> str:
    """The owner page's cookie-signing secret, derived from the encryption key (shared by replicas)."""
    key = encryption_key or secrets.token_bytes(32)
    return hmac.new(key, b"pipecd-cp ops owner page cookies", hashlib.sha256).hexdigest()
