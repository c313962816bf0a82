"""PipeCD's MySQL config block, read as PipeCD reads it (BuildDataSourceName + go-sql-driver DSN)."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pipecd_cp.errors import ConfigError
from pipecd_cp.testing import driver_context
from pipecd_cp_mysql import MySQLDataStore
from pipecd_cp_mysql.dsn import go_duration, parse_config, parse_url


def secret(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# ----------------------------------------------------------------------------- url forms
def test_pipecd_quickstart_block() -> None:
    cfg = parse_config({"url": "root:test@tcp(pipecd-mysql:3306)", "database": "quickstart"})
    assert (cfg.user, cfg.password, cfg.host, cfg.port, cfg.database) == ("root", "test", "pipecd-mysql", 3306,
                                                                           "quickstart")


def test_host_port_with_credentials_files_builds_user_pass_at_tcp(tmp_path: Path) -> None:
    cfg = parse_config({"url": "mysql.internal:3307", "database": "pipecd",
                        "usernameFile": secret(tmp_path, "u", "pipecd"),
                        "passwordFile": secret(tmp_path, "p", "s3cr:t@/x")})
    assert (cfg.user, cfg.password, cfg.host, cfg.port, cfg.database) == ("pipecd", "s3cr:t@/x", "mysql.internal",
                                                                           3307, "pipecd")


def test_url_naming_the_database_is_used_as_is_when_database_is_empty() -> None:
    cfg = parse_config({"url": "u:p@tcp(10.0.0.5:3306)/pipecd?timeout=5s&readTimeout=1m30s&writeTimeout=500ms"})
    assert (cfg.user, cfg.password, cfg.host, cfg.database) == ("u", "p", "10.0.0.5", "pipecd")
    assert (cfg.connect_timeout, cfg.read_timeout, cfg.write_timeout) == (5.0, 90.0, 0.5)


def test_bare_host_port_without_database_in_url() -> None:
    cfg = parse_config({"url": "db:3306", "database": "x"})
    assert (cfg.user, cfg.password, cfg.host, cfg.port, cfg.database) == ("", "", "db", 3306, "x")
    cfg = parse_config({"url": "db", "database": "x"})
    assert (cfg.host, cfg.port) == ("db", 3306)


def test_params_without_a_database_in_url_and_the_same_database_twice() -> None:
    cfg = parse_config({"url": "root@tcp(h:1)?timeout=2s", "database": "d"})
    assert (cfg.user, cfg.host, cfg.port, cfg.database, cfg.connect_timeout) == ("root", "h", 1, "d", 2.0)
    assert parse_config({"url": "root@tcp(h)/d", "database": "d"}).database == "d"


def test_passwords_with_at_colon_and_slash_split_like_go_sql_driver() -> None:
    cfg = parse_config({"url": "user:pa:ss@w/rd@tcp(h:3306)/db"})
    assert (cfg.user, cfg.password, cfg.database) == ("user", "pa:ss@w/rd", "db")
    cfg = parse_config({"url": "onlyuser@tcp(h:3306)/db"})
    assert (cfg.user, cfg.password) == ("onlyuser", "")


def test_ipv6_unix_socket_and_default_address() -> None:
    cfg = parse_config({"url": "u@tcp([::1]:3310)/d"})
    assert (cfg.host, cfg.port) == ("::1", 3310)
    cfg = parse_config({"url": "u@unix(/run/mysqld/mysqld.sock)/d"})
    assert cfg.unix_socket == "/run/mysqld/mysqld.sock"
    cfg = parse_config({"url": "u@tcp()/d"})
    assert (cfg.host, cfg.port) == ("127.0.0.1", 3306)


def test_tls_client_only_params_and_system_variables() -> None:
    cfg = parse_config({"url": "u@tcp(h)/d?tls=skip-verify&parseTime=true&multiStatements=true"
                               "&innodb_lock_wait_timeout=5&sql_mode=%27STRICT_ALL_TABLES%27"})
    assert cfg.tls == "skip-verify"
    assert cfg.session_variables == (("innodb_lock_wait_timeout", "5"), ("sql_mode", "'STRICT_ALL_TABLES'"))
    assert parse_config({"url": "u@tcp(h)/d?tls=true"}).tls == "verify"
    assert parse_config({"url": "u@tcp(h)/d?tls=false"}).tls is None


def test_go_durations() -> None:
    assert go_duration("1h2m3.5s", "x") == 3723.5
    assert go_duration("250ms", "x") == 0.25
    for bad in ("", "5", "s", "5 s", "1x"):
        with pytest.raises(ConfigError):
            go_duration(bad, "x")


def test_parse_url_keeps_the_raw_parts() -> None:
    p = parse_url("a:b@tcp(h:1)/d%2Fx?k=v%20w")
    assert (p.user, p.password, p.net, p.address, p.database, p.params) == ("a", "b", "tcp", "h:1", "d/x",
                                                                             (("k", "v w"),))


# ----------------------------------------------------------------------------- credentials files
def test_credentials_files_are_verbatim_except_one_trailing_newline(tmp_path: Path) -> None:
    block = {"url": "h:3306", "database": "d"}
    cfg = parse_config({**block, "usernameFile": secret(tmp_path, "u", "admin\n"),
                        "passwordFile": secret(tmp_path, "p", " pass word \n\n")})
    assert cfg.user == "admin"
    assert cfg.password == " pass word \n", "only one newline is dropped; spaces are the password's"
    cfg = parse_config({**block, "usernameFile": secret(tmp_path, "u2", "admin\r\n"),
                        "passwordFile": secret(tmp_path, "p2", "x")})
    assert (cfg.user, cfg.password) == ("admin", "x")


def test_one_file_alone_or_no_database_ignores_the_files_as_pipecd_does(tmp_path: Path,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    user = secret(tmp_path, "u", "fromfile")
    with caplog.at_level(logging.WARNING):
        cfg = parse_config({"url": "root:pw@tcp(h:3306)", "database": "d", "usernameFile": user})
    assert (cfg.user, cfg.password) == ("root", "pw")
    assert "ignoring the credentials files" in caplog.text
    cfg = parse_config({"url": "root:pw@tcp(h:3306)/d", "usernameFile": user,
                        "passwordFile": secret(tmp_path, "p", "x")})
    assert (cfg.user, cfg.password, cfg.database) == ("root", "pw", "d")


def test_missing_credentials_file_is_a_config_error_naming_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"url": "h:3306", "database": "d", "usernameFile": str(tmp_path / "nope"),
                      "passwordFile": secret(tmp_path, "p", "x")})
    assert err.value.field == "usernameFile" and "no such file" in str(err.value)
    with pytest.raises(ConfigError) as err:
        parse_config({"url": "h:3306", "database": "d", "usernameFile": secret(tmp_path, "u", "x"),
                      "passwordFile": str(tmp_path)})
    assert err.value.field == "passwordFile"


# ----------------------------------------------------------------------------- errors
@pytest.mark.parametrize("block, field", [
    ({}, "url"),
    ({"url": ""}, "url"),
    ({"url": 5, "database": "d"}, "url"),
    ({"url": "h:3306"}, "database"),
    ({"url": "h:3306", "database": 3}, "database"),
    ({"url": "u@tcp(h:3306)/a", "database": "b"}, "url"),
    ({"url": "u@tcp(h:3306", "database": "d"}, "url"),
    ({"url": "u@tcp(h:99999)/d"}, "url"),
    ({"url": "u@tcp(h:port)/d"}, "url"),
    ({"url": "u@tcp(::1)/d"}, "url"),
    ({"url": "u@pipe(x)/d"}, "url"),
    ({"url": "u@tcp(h)/d?tls=custom"}, "url"),
    ({"url": "u@tcp(h)/d?timeout=soon"}, "url"),
    ({"url": "u@tcp(h)/d?novalue"}, "url"),
    ({"url": "u@tcp(h)/d?bad-name=1"}, "url"),
    ({"url": "u@tcp(h)/d?x=1;DROP"}, "url"),
    ({"url": "h", "database": "d", "maxConnections": 0}, "maxConnections"),
    ({"url": "h", "database": "d", "maxConnections": True}, "maxConnections"),
    ({"url": "h", "database": "d", "retryTimeout": "later"}, "retryTimeout"),
    ({"url": "h", "database": "d", "retryTimeout": -1}, "retryTimeout"),
])
def test_bad_blocks_are_config_errors_with_the_field(block: dict, field: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(block)
    assert err.value.field == field


def test_credentials_in_url_and_in_files_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"url": "root:x@tcp(h:3306)", "database": "d", "usernameFile": secret(tmp_path, "u", "a"),
                      "passwordFile": secret(tmp_path, "p", "b")})
    assert err.value.field == "url"


def test_extensions_and_unknown_keys(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        cfg = parse_config({"url": "h", "database": "d", "maxConnections": 4, "retryTimeout": "2s", "colour": 1})
    assert (cfg.max_connections, cfg.retry_seconds) == (4, 2.0)
    assert "unknown config key 'colour'" in caplog.text


# ----------------------------------------------------------------------------- secrets and connecting
def test_the_password_is_never_shown(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cfg = parse_config({"url": "h:3306", "database": "d", "usernameFile": secret(tmp_path, "u", "alice"),
                        "passwordFile": secret(tmp_path, "p", "hunter2-very-secret")})
    assert "hunter2" not in repr(cfg) and "hunter2" not in cfg.describe()
    assert cfg.describe() == "alice@h:3306/d"


def test_from_config_does_not_connect(tmp_path: Path) -> None:
    # Port 1 has no server: building the driver must still succeed; only open() connects.
    ds = MySQLDataStore.from_config({"url": "root@tcp(127.0.0.1:1)/nowhere"}, driver_context("datastore", tmp_path))
    assert ds.config.port == 1 and ds._pool is None
    ds._runner.shutdown()
