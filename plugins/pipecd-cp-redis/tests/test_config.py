"""Every form of the redis config block and of --cache-address, and every error naming its key."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipecd_cp.errors import ConfigError
from pipecd_cp_redis.config import RedisSettings, parse_settings


def test_cache_address_as_pipecd_passes_it() -> None:
    s = parse_settings({}, "cache:6379")
    assert (s.host, s.port, s.db, s.username, s.password, s.tls) == ("cache", 6379, 0, None, None, False)
    assert (s.connect_timeout, s.timeout, s.max_connections) == (0.5, 0.5, 8)


def test_cache_address_ipv6_and_url_forms() -> None:
    assert (parse_settings({}, "[::1]:6380").host, parse_settings({}, "[::1]:6380").port) == ("::1", 6380)
    s = parse_settings({}, "rediss://:pw@redis.internal:6390/4")
    assert (s.host, s.port, s.db, s.password, s.tls) == ("redis.internal", 6390, 4, "pw", True)


def test_url_forms() -> None:
    s = parse_settings({"url": "redis://redis.example.com"})
    assert (s.host, s.port, s.db, s.tls) == ("redis.example.com", 6379, 0, False)
    s = parse_settings({"url": "rediss://app:p%40ss%2Fw@10.0.0.5:6380/3"})
    assert (s.host, s.port, s.db, s.username, s.password, s.tls) == ("10.0.0.5", 6380, 3, "app", "p@ss/w", True)
    s = parse_settings({"url": "redis://:only-password@h:1/"})
    assert (s.username, s.password, s.db) == (None, "only-password", 0)
    s = parse_settings({"url": "REDIS://user@h:2"})
    assert (s.username, s.password) == ("user", None)


def test_address_with_every_option(tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text("from-a-file\n")
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    s = parse_settings({"address": "redis:6380", "username": "pipecd", "passwordFile": str(secret), "db": 7,
                        "tls": True, "tlsCAFile": str(ca), "connectTimeout": "250ms", "timeout": "1.5s",
                        "maxConnections": 4})
    assert s == RedisSettings(host="redis", port=6380, db=7, username="pipecd", password="from-a-file", tls=True,
                              tls_ca_file=str(ca), connect_timeout=0.25, timeout=1.5, max_connections=4)


def test_the_block_wins_over_the_flag_and_keys_are_case_insensitive(tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("x\r\n")
    s = parse_settings({"URL": "redis://block:1", "PasswordFile": str(secret), "DB": 2}, "flag:6379")
    assert (s.host, s.port, s.password, s.db) == ("block", 1, "x", 2)
    assert parse_settings({"url": "redis://h:1/2", "db": 2}).db == 2  # the same database twice is fine
    assert parse_settings({"url": None}, "flag:6379").host == "flag"  # `url:` with no value is absent


def test_no_credential_is_ever_shown() -> None:
    s = parse_settings({"url": "rediss://u:hunter2@h:1/0"})
    assert "hunter2" not in repr(s) and "hunter2" not in s.describe()
    assert s.describe() == "rediss://h:1/0"
    assert parse_settings({}, "[::1]:2").describe() == "redis://[::1]:2/0"


def _error(config: dict, cache_address: str | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_settings(config, cache_address)
    return info.value


@pytest.mark.parametrize(("config", "field"), [
    ({"url": "redis://h:1", "address": "h:1"}, "address"),
    ({}, "url"),
    ({"url": "http://h:1"}, "url"),
    ({"url": "redis://"}, "url"),
    ({"url": "redis://h:99999"}, "url"),
    ({"url": "redis://h:1/zero"}, "url"),
    ({"url": "redis://h:1/0?db=2"}, "url"),
    ({"url": 6379}, "url"),
    ({"url": "  "}, "url"),
    ({"address": "redis"}, "address"),
    ({"address": "redis:0"}, "address"),
    ({"address": "redis:port"}, "address"),
    ({"address": "redis://h:1"}, "address"),
    ({"address": "u:p@h:1"}, "address"),
    ({"url": "redis://a@h:1", "username": "b"}, "username"),
    ({"address": "h:1", "db": -1}, "db"),
    ({"address": "h:1", "db": True}, "db"),
    ({"address": "h:1", "db": "2"}, "db"),
    ({"url": "redis://h:1/3", "db": 2}, "db"),
    ({"address": "h:1", "tls": "yes"}, "tls"),
    ({"url": "rediss://h:1", "tls": False}, "tls"),
    ({"address": "h:1", "tlsCAFile": "/etc/hostname"}, "tlsCAFile"),
    ({"address": "h:1", "tls": True, "tlsCAFile": "/no/such/ca.pem"}, "tlsCAFile"),
    ({"address": "h:1", "connectTimeout": "soon"}, "connectTimeout"),
    ({"address": "h:1", "connectTimeout": 5}, "connectTimeout"),
    ({"address": "h:1", "connectTimeout": "0s"}, "connectTimeout"),
    ({"address": "h:1", "timeout": "-1s"}, "timeout"),
    ({"address": "h:1", "maxConnections": 0}, "maxConnections"),
    ({"address": "h:1", "maxConnections": 1.5}, "maxConnections"),
    ({"address": "h:1", "pasword": "x"}, "pasword"),
    ({"address": "h:1", "Address": "h:2"}, "Address"),
])
def test_errors_name_the_key(config: dict, field: str) -> None:
    assert _error(config).field == field


def test_password_file_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_text("\n")
    assert _error({"address": "h:1", "passwordFile": str(tmp_path / "missing")}).field == "passwordFile"
    assert _error({"address": "h:1", "passwordFile": str(empty)}).field == "passwordFile"
    assert _error({"address": "h:1", "passwordFile": str(tmp_path)}).field == "passwordFile"
    secret = tmp_path / "pw"
    secret.write_text("x")
    err = _error({"url": "redis://:inline@h:1", "passwordFile": str(secret)})
    assert err.field == "passwordFile" and "inline" not in str(err)


def test_messages_never_repeat_a_url_password() -> None:
    for url in ("http://u:hunter2@h:1", "redis://u:hunter2@h:99999", "redis://u:hunter2@h/x", "redis://u:hunter2@"):
        assert "hunter2" not in str(_error({"url": url}))


def test_unknown_keys_suggest_the_known_one() -> None:
    err = _error({"address": "h:1", "pasword": "x"})
    assert "passwordFile" in err.reason and "known keys" in err.reason


@pytest.mark.parametrize("flag", ["cache", "cache:", "cache:abc", "http://cache:1", "redis://cache:1/x"])
def test_a_bad_cache_address_flag_names_the_flag(flag: str) -> None:
    err = _error({}, flag)
    assert err.field is None and str(err).startswith("--cache-address: ")


def test_the_block_must_be_a_mapping() -> None:
    with pytest.raises(ConfigError):
        parse_settings(["url"])  # type: ignore[arg-type]
