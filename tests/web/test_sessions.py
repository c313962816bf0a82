"""Session tokens, cookies, SSO secret encryption, login throttling and OAuth states.

The PipeCD-compatibility tests build tokens and ciphertexts by hand (hmac, base64, AES-GCM), the
way PipeCD's Go code writes them, without pipecd-cp's own helpers.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os

import grpc
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pipecd_cp.auth import sessions
from pipecd_cp.auth.aes import SecretBox
from pipecd_cp.auth.oauthstate import ExpiredState, InvalidState, OAuthStates, ReusedState, default_state_key
from pipecd_cp.auth.throttle import LoginThrottle
from pipecd_cp.cache.memory import MemoryCache
from pipecd_cp.errors import FailedPrecondition, Unauthenticated, Unavailable
from tests.web.conftest import KEY, PROJECT


def b64url(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def pipecd_token(key: bytes, claims: dict, alg: str = "HS256") -> str:
    """A JWT as PipeCD's pkg/jwt signs it (jwt-go, HS256 over the whole key file)."""
    header = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims).encode())
    digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}[alg]
    sig = b64url(hmac.new(key, header + b"." + payload, digest).digest())
    return (header + b"." + payload + b"." + sig).decode()


def claims(now: int, **over: object) -> dict:
    out = {"sub": "pipecd-user", "iss": "PipeCD", "iat": now, "nbf": now, "exp": now + 3600,
           "avatarUrl": "https://avatars.example.com/u.png",
           "role": {"project_id": PROJECT, "project_rbac_roles": ["Viewer"]}}
    out.update(over)
    return {k: v for k, v in out.items() if v is not None}


async def test_a_cookie_minted_by_pipecd_is_accepted(web_server) -> None:
    s = await web_server()
    cookie = "token=" + pipecd_token(KEY, claims(s.now()))
    for transport in ("call", "web"):
        r = await getattr(s.client, transport)("GetMe", cookie=cookie)
        assert r.code is grpc.StatusCode.OK
        assert (r.response.subject, r.response.project_id, r.response.avatar_url) == (
            "pipecd-user", PROJECT, "https://avatars.example.com/u.png")
    r = await s.client.call("ListApplications", cookie=cookie)
    assert r.code is grpc.StatusCode.OK, "the Viewer role in the token is honoured"


def test_only_valid_pipecd_tokens_verify() -> None:
    now = 1_700_000_000
    ok = sessions.verify(KEY, pipecd_token(KEY, claims(now)), now=now + 10)
    assert ok.subject == "pipecd-user" and ok.roles == ("Viewer",) and ok.project_id == PROJECT
    bad = [
        pipecd_token(KEY, claims(now), alg="HS512"),
        pipecd_token(KEY[:32], claims(now)),  # PipeCD signs with the whole file, not 32 bytes
        pipecd_token(KEY, claims(now, iss="someone")),
        pipecd_token(KEY, claims(now, exp=None)),
        pipecd_token(KEY, claims(now, exp=now - 1)),
        pipecd_token(KEY, claims(now, iat=now + 3600, nbf=now + 3600)),
        pipecd_token(KEY, claims(now, role=None)),
        pipecd_token(KEY, claims(now, role={"project_rbac_roles": ["Admin"]})),
        pipecd_token(KEY, claims(now, role={"project_id": PROJECT, "project_rbac_roles": "Admin"})),
        b64url(b'{"alg":"none","typ":"JWT"}').decode() + "." + b64url(json.dumps(claims(now)).encode()).decode() + ".",
        "not-a-jwt", "",
    ]
    for token in bad:
        with pytest.raises(Unauthenticated):
            sessions.verify(KEY, token, now=now + 10)


def test_minted_tokens_have_pipecds_claims() -> None:
    token = sessions.mint(KEY, "octocat", PROJECT, ["Admin"], now=1000, ttl=60, avatar_url="https://a/b.png")
    header, payload, _ = token.split(".")
    decode = lambda part: json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # noqa: E731
    assert decode(header) == {"alg": "HS256", "typ": "JWT"}
    assert decode(payload) == {"sub": "octocat", "iss": "PipeCD", "iat": 1000, "nbf": 1000, "exp": 1060,
                               "avatarUrl": "https://a/b.png",
                               "role": {"project_id": PROJECT, "project_rbac_roles": ["Admin"]}}
    signature = b64url(hmac.new(KEY, f"{header}.{payload}".encode(), hashlib.sha256).digest()).decode()
    assert token.split(".")[2] == signature, "HS256 over the whole key, as PipeCD verifies it"


def test_cookie_parsing_is_robust() -> None:
    value = sessions.cookie_value
    assert value(["a=1; token=abc; b=2"]) == "abc"
    assert value(["broken; token=abc"]) == "abc", "an item without '=' is skipped (PipeCD panics)"
    assert value(['token="quoted"']) == "quoted"
    assert value(["x=1", "token=second-header"]) == "second-header"
    assert value(["token=first; token=second"]) == "first"
    assert value(["token=a=b"]) == "a=b"
    for headers in ([], [""], ["token"], ["tokens=abc"], [";;;"]):
        assert not value(headers)


def test_sso_secrets_use_pipecds_aes_gcm_format() -> None:
    box = SecretBox(KEY)
    # As PipeCD's pkg/crypto/aes.go writes it: base64(nonce || Seal(plaintext)) with the key's first 32 bytes.
    nonce = os.urandom(12)
    go_written = base64.b64encode(nonce + AESGCM(KEY[:32]).encrypt(nonce, b"client-secret", None)).decode()
    assert box.decrypt(go_written) == "client-secret"
    ours = box.encrypt("client-secret")
    raw = base64.b64decode(ours)
    assert AESGCM(KEY[:32]).decrypt(raw[:12], raw[12:], None) == b"client-secret"
    assert box.encrypt("client-secret") != ours, "a fresh nonce every time"
    with pytest.raises(FailedPrecondition):
        SecretBox(b"x" * 32).decrypt(ours)
    with pytest.raises(FailedPrecondition):
        box.decrypt("plaintext-secret")


class DownCache(MemoryCache):
    """A cache driver whose server is down for counters and single-use keys."""

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        raise Unavailable("connection refused")

    async def add(self, key: str, value: bytes, ttl: float | None = None) -> bool:
        raise Unavailable("connection refused")

    async def take(self, key: str) -> bytes | None:
        raise Unavailable("connection refused")


@pytest.mark.parametrize("cache", [MemoryCache(), DownCache()], ids=["shared", "cache-down"])
async def test_throttle_counts_per_key_and_survives_a_cache_outage(cache: MemoryCache) -> None:
    now = [0.0]
    throttle = LoginThrottle(cache, limit=5, window=60, clock=lambda: now[0])
    for _ in range(4):
        await throttle.failed(["user:p/alice", "addr:10.0.0.1"])
    assert await throttle.retry_after(["user:p/alice", "addr:10.0.0.1"]) is None
    await throttle.failed(["user:p/alice", "addr:10.0.0.1"])
    wait = await throttle.retry_after(["user:p/alice"])
    assert wait is not None and 0 < wait <= 60
    assert await throttle.retry_after(["user:p/bob", "addr:10.0.0.2"]) is None, "other users and addresses are free"
    assert await throttle.retry_after(["user:p/bob", "addr:10.0.0.1"]) is not None, "the address is blocked"
    await throttle.reset("user:p/alice")
    assert await throttle.retry_after(["user:p/alice"]) is None
    if isinstance(cache, DownCache):
        now[0] += 61  # the in-process window ends
        assert await throttle.retry_after(["addr:10.0.0.1"]) is None


@pytest.mark.parametrize("cache", [MemoryCache(), DownCache()], ids=["shared", "cache-down"])
async def test_oauth_states_are_signed_bound_short_lived_and_single_use(cache: MemoryCache) -> None:
    now = [1_000_000.0]
    states = OAuthStates(default_state_key(KEY), cache, lambda: now[0])
    state = await states.issue("p1")
    with pytest.raises(InvalidState):
        states.verify(state, "p2")
    with pytest.raises(InvalidState):
        states.verify(state[:-2] + ("00" if state[-2:] != "00" else "11"), "p1")
    with pytest.raises(InvalidState):
        states.verify("zz", "p1")
    await states.redeem(state, "p1")
    with pytest.raises(ReusedState):
        await states.redeem(state, "p1")
    late = await states.issue("p1")
    now[0] += 1801
    with pytest.raises(ExpiredState):
        await states.redeem(late, "p1")
    other = OAuthStates(default_state_key(b"another encryption key of 32 bytes"), cache, lambda: now[0])
    with pytest.raises(InvalidState):
        other.verify(await states.issue("p1"), "p1")
    assert default_state_key(KEY) == default_state_key(bytes(KEY)), "stable across restarts"
