"""PipeCD's AES-256-GCM encryption of secrets at rest (`pkg/crypto/aes.go`).

The key is the first 32 bytes of the encryption key file. A ciphertext is
base64(12-byte random nonce || AES-GCM ciphertext || 16-byte tag), standard alphabet with padding,
so values written by PipeCD decrypt here and the other way round. Project SSO client ids and
secrets (GitHub, and, unlike PipeCD, OIDC and Google too) are stored this way.
"""
from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pipecd_cp.errors import FailedPrecondition

KEY_BYTES = 32
NONCE_BYTES = 12


class SecretBox:
    """Encrypts and decrypts short secrets with the first 32 bytes of the encryption key."""

    def __init__(self, encryption_key: bytes) -> None:
        if len(encryption_key) < KEY_BYTES:
            raise ValueError(f"the encryption key must be at least {KEY_BYTES} bytes")
        self._aead = AESGCM(encryption_key[:KEY_BYTES])

    def encrypt(self, plaintext: str) -> str:
        """base64(nonce || ciphertext) of `plaintext` (a fresh random nonce every time)."""
        nonce = os.urandom(NONCE_BYTES)
        return base64.b64encode(nonce + self._aead.encrypt(nonce, plaintext.encode(), None)).decode()

    def decrypt(self, ciphertext: str) -> str:
        """The plaintext; `FailedPrecondition` when the value was not encrypted with this key."""
        try:
            raw = base64.b64decode(ciphertext, validate=True)
            if len(raw) <= NONCE_BYTES:
                raise ValueError("too short")
            return self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode()
        except (ValueError, binascii.Error, InvalidTag, UnicodeDecodeError):
            raise FailedPrecondition("a stored secret cannot be decrypted with this encryption key") from None
