"""PipeCD's hybrid "sealed secret" encryption with a piped's public key.

A random 32-byte AES key encrypts the data with AES-256-GCM (an all-zero nonce, which is safe
because every key is used once); RSA-OAEP(SHA-256) encrypts that key with the piped's public key.
The result is base64(2-byte big-endian RSA ciphertext length || RSA ciphertext || AES-GCM
ciphertext), optionally of base64(plaintext), as PipeCD's `pkg/crypto/hybrid.go` writes it.
"""
from __future__ import annotations

import base64
import os
import struct
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pipecd_cp.errors import FailedPrecondition

if TYPE_CHECKING:
    from pipecd_cp.concurrency import BlockingRunner
    from pipecd_cp.stores import Stores
    from pipecd_cp.stores.model import Owner

_OAEP = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def encrypt(public_key_pem: str | bytes, plaintext: str, base64_encoding: bool = False) -> str:
    """Seal `plaintext` for the holder of the private key; `FailedPrecondition` for a bad key."""
    pem = public_key_pem.encode() if isinstance(public_key_pem, str) else public_key_pem
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError as exc:
        raise FailedPrecondition("the piped's public key is not a valid PEM key") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise FailedPrecondition("the piped's public key is not an RSA key")
    data = plaintext.encode()
    if base64_encoding:
        data = base64.b64encode(data)
    aes_key = os.urandom(32)
    sealed_key = key.encrypt(aes_key, _OAEP)
    body = AESGCM(aes_key).encrypt(b"\x00" * 12, data, None)
    return base64.b64encode(struct.pack(">H", len(sealed_key)) + sealed_key + body).decode()


def decrypt(private_key_pem: bytes, ciphertext: str) -> bytes:
    """The inverse (what a piped does); used by tests."""
    raw = base64.b64decode(ciphertext)
    (n,) = struct.unpack(">H", raw[:2])
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    aes_key = key.decrypt(raw[2:2 + n], _OAEP)  # type: ignore[union-attr]
    return AESGCM(aes_key).decrypt(b"\x00" * 12, raw[2 + n:], None)


async def seal_for_piped(stores: "Stores", runner: "BlockingRunner", owner: "Owner", piped_id: str,
                         plaintext: str, base64_encoding: bool = False) -> str:
    """Encrypt `plaintext` for a piped of the owner's project with its KEY_PAIR public key.

    `NotFound` for another project's piped; `FailedPrecondition` when the piped has no KEY_PAIR
    secret encryption (or a bad key). RSA runs on the host's thread pool.
    """
    piped = await stores.pipeds.get_owned(piped_id, owner)
    enc = piped.secret_encryption
    if enc.type != "KEY_PAIR" or not enc.public_key:
        raise FailedPrecondition(f"piped {piped.id!r} has no KEY_PAIR secret encryption configured")
    return await runner.run(encrypt, enc.public_key, plaintext, base64_encoding)
