"""PipeCD's MySQL config block (`url`, `database`, `usernameFile`, `passwordFile`) to connection settings.

PipeCD builds a go-sql-driver DSN from the block (`BuildDataSourceName`):

- `url` is required;
- `database` empty: `url` must name the database itself (`.../quickstart`) and is used as is;
- `database` set but either credentials file missing: `{url}/{database}`;
- both files set: `{user}:{password}@tcp({url})/{database}`, the file contents taken verbatim.

We follow those rules and read the result as go-sql-driver reads a DSN,
`[user[:password]@][net[(addr)]][/dbname][?param=value&...]`, with these differences, each one
accepting a config PipeCD would reject or mis-read, never the reverse:

- a bare `host[:port]` is accepted where go-sql-driver wants `tcp(host:port)`;
- `?params` are accepted without a `/dbname`, and a `url` naming the same database as
  `database` is not doubled;
- one trailing newline in a credentials file is dropped (`echo pass > file` writes one; with it
  PipeCD's login fails);
- contradictions (credentials both in `url` and in files, two different database names) are
  errors instead of a DSN that cannot work.

Parameters: `timeout`, `readTimeout`, `writeTimeout` (Go durations) and `tls` (`true`,
`skip-verify`, `preferred`, `false`) are honoured; go-sql-driver's client-side switches
(`parseTime`, `multiStatements`, ...) have no meaning here and are ignored; any other name is a
session system variable set on every connection, as go-sql-driver does.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from pipecd_cp.errors import ConfigError

DEFAULT_PORT = 3306
DEFAULT_RETRY_SECONDS = 15.0

#: go-sql-driver parameters that only change that client's behaviour.
_CLIENT_ONLY = frozenset({
    "allowAllFiles", "allowCleartextPasswords", "allowFallbackToPlaintext", "allowNativePasswords",
    "allowOldPasswords", "charset", "checkConnLiveness", "clientFoundRows", "collation", "columnsWithAlias",
    "compress", "connectionAttributes", "interpolateParams", "loc", "maxAllowedPacket", "multiStatements",
    "parseTime", "rejectReadOnly", "serverPubKey", "timeTruncate",
})
_TLS = {"true": "verify", "skip-verify": "skip-verify", "preferred": "skip-verify", "false": None}
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_KNOWN_KEYS = frozenset({"url", "database", "usernameFile", "passwordFile", "maxConnections", "retryTimeout"})


@dataclass(frozen=True)
class MySQLConfig:
    """Where and how to connect. `password` is never part of `repr` or `describe`."""

    database: str
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    unix_socket: str | None = None
    user: str = ""
    password: str = field(default="", repr=False)
    connect_timeout: float = 10.0
    #: Socket timeouts; the default outlasts InnoDB's 50 s lock wait, yet a hung server frees the thread.
    read_timeout: float | None = 120.0
    write_timeout: float | None = 120.0
    tls: str | None = None  # None, "verify" or "skip-verify"
    session_variables: tuple[tuple[str, str], ...] = ()
    #: Pool size; 0 means "as many as the host's I/O threads".
    max_connections: int = 0
    #: How long transient failures (lost connections, deadlocks, lock timeouts) are retried.
    retry_seconds: float = DEFAULT_RETRY_SECONDS

    def describe(self) -> str:
        """`user@host:port/database` for log lines (no password)."""
        where = f"unix({self.unix_socket})" if self.unix_socket else f"{self.host}:{self.port}"
        return f"{self.user + '@' if self.user else ''}{where}/{self.database}"


@dataclass(frozen=True)
class ParsedURL:
    """The parts of a go-sql-driver DSN (or of PipeCD's shorter `url`)."""

    user: str | None
    password: str | None
    net: str
    address: str
    database: str
    params: tuple[tuple[str, str], ...]
    has_slash: bool


def parse_url(url: str) -> ParsedURL:
    """Split `[user[:password]@][net(addr)|host[:port]][/dbname][?params]`; ConfigError(field="url")."""
    user = password = None
    rest = url
    at = url.rfind("@")
    if at >= 0:
        creds, rest = url[:at], url[at + 1:]
        user, sep, pw = creds.partition(":")  # the user ends at the first colon, as in go-sql-driver
        password = pw if sep else None
    paren = rest.find("(")
    stop = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    if 0 <= paren < stop:
        close = rest.find(")", paren)
        if close < 0:
            raise ConfigError("an address in parentheses is not closed, as in tcp(host:3306)", field="url")
        net, address, tail = rest[:paren], rest[paren + 1:close], rest[close + 1:]
    else:
        net, address, tail = "tcp", rest[:stop], rest[stop:]
    database, has_slash, query = "", False, ""
    if tail.startswith("/"):
        has_slash = True
        database, _, query = tail[1:].partition("?")
        database = unquote(database)
    elif tail.startswith("?"):
        query = tail[1:]
    elif tail:
        raise ConfigError(f"unexpected {tail[:20]!r} after the address", field="url")
    params = []
    for item in filter(None, query.split("&")):
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ConfigError(f"parameter {item!r} is not name=value", field="url")
        params.append((name, unquote(value.replace("+", " "))))
    return ParsedURL(user, password, net or "tcp", address, database, tuple(params), has_slash)


def go_duration(text: str, what: str, key: str = "url") -> float:
    """Seconds in a Go duration such as `5s`, `1m30s` or `500ms`; ConfigError(field=key) otherwise."""
    pos, total = 0, 0.0
    for m in _DURATION.finditer(text):
        if m.start() != pos:
            break
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if pos != len(text) or not text:
        raise ConfigError(f"{what}={text!r} is not a Go duration such as 5s or 500ms", field=key)
    return total


def _host_port(address: str) -> tuple[str, int]:
    if not address:
        return "127.0.0.1", DEFAULT_PORT
    if address.startswith("["):
        end = address.find("]")
        if end < 0:
            raise ConfigError(f"bad IPv6 address {address!r}", field="url")
        host, rest = address[1:end], address[end + 1:]
        port_text = rest[1:] if rest.startswith(":") else ("" if not rest else None)
    elif address.count(":") == 1:
        host, port_text = address.split(":")
    elif ":" in address:
        raise ConfigError(f"an IPv6 address needs brackets: [{address}]:3306", field="url")
    else:
        host, port_text = address, ""
    if port_text is None or (port_text and not port_text.isdigit()):
        raise ConfigError(f"bad port in {address!r}", field="url")
    port = int(port_text) if port_text else DEFAULT_PORT
    if not 0 < port < 65536:
        raise ConfigError(f"port {port} is out of range", field="url")
    return host or "127.0.0.1", port


def read_secret_file(path: str, key: str) -> str:
    """A credentials file's contents, verbatim except for one trailing newline (see module doc)."""
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"no such file: {path}", field=key) from None
    except (OSError, UnicodeError) as exc:
        raise ConfigError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}", field=key) from None
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith("\n") else text


def _string(config: Mapping[str, Any], key: str) -> str:
    value = config.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ConfigError("must be a string", field=key)
    return value


def parse_config(config: Mapping[str, Any], logger: logging.Logger | None = None) -> MySQLConfig:
    """Read PipeCD's `spec.datastore.config` for MYSQL; ConfigError(field=...) on bad input.

    Reads the credentials files (so a missing file is reported at start-up with its key) but
    does not connect. Unknown keys are ignored, as PipeCD ignores them.
    """
    log = logger or logging.getLogger("pipecd_cp_mysql")
    if not isinstance(config, Mapping):
        raise ConfigError("must be a mapping with url and database")
    for key in config:
        if key not in _KNOWN_KEYS:
            log.warning("mysql | ignoring unknown config key %r", key)
    url = _string(config, "url")
    if not url:
        raise ConfigError("is required (host:port, or user:password@tcp(host:port)/database)", field="url")
    database = _string(config, "database")
    user_file, pass_file = _string(config, "usernameFile"), _string(config, "passwordFile")
    parsed = parse_url(url)
    use_files = bool(database and user_file and pass_file)
    if (user_file or pass_file) and not use_files:
        # PipeCD reads the files only when database and both files are set; say so instead of
        # silently connecting without the credentials the operator meant to give.
        why = "database is not set" if not database else "both usernameFile and passwordFile are needed"
        log.warning("mysql | ignoring the credentials files as PipeCD does: %s", why)
    if not database:
        if not parsed.database:
            raise ConfigError("is required unless url ends with /<database>", field="database")
        database = parsed.database
    elif parsed.database and parsed.database != database:
        raise ConfigError(f"names database {parsed.database!r} but database is {database!r}", field="url")
    user, password = parsed.user or "", parsed.password or ""
    if use_files:
        if parsed.user is not None:
            raise ConfigError("must be host:port without user@ when usernameFile and passwordFile are set",
                              field="url")
        user, password = read_secret_file(user_file, "usernameFile"), read_secret_file(pass_file, "passwordFile")

    kwargs: dict[str, Any] = {}
    net = parsed.net
    if net in ("tcp", "tcp4", "tcp6"):
        kwargs["host"], kwargs["port"] = _host_port(parsed.address)
    elif net == "unix":
        kwargs["unix_socket"] = parsed.address or "/tmp/mysql.sock"
    else:
        raise ConfigError(f"network {net!r} is not supported (tcp or unix)", field="url")
    variables = []
    for name, value in parsed.params:
        if name == "timeout":
            kwargs["connect_timeout"] = go_duration(value, name)
        elif name == "readTimeout":
            kwargs["read_timeout"] = go_duration(value, name) or None
        elif name == "writeTimeout":
            kwargs["write_timeout"] = go_duration(value, name) or None
        elif name == "tls":
            if value not in _TLS:
                raise ConfigError(f"tls={value!r}: use true, skip-verify, preferred or false", field="url")
            kwargs["tls"] = _TLS[value]
        elif name in _CLIENT_ONLY:
            continue
        elif _VARIABLE.match(name) and ";" not in value and value:
            variables.append((name, value))
        else:
            raise ConfigError(f"parameter {name!r} is neither a known option nor a system variable", field="url")
    if "maxConnections" in config:
        n = config["maxConnections"]
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ConfigError("must be a positive integer", field="maxConnections")
        kwargs["max_connections"] = n
    if "retryTimeout" in config:
        t = config["retryTimeout"]
        if isinstance(t, str):
            t = go_duration(t, "retryTimeout", "retryTimeout")
        if not isinstance(t, (int, float)) or isinstance(t, bool) or t < 0:
            raise ConfigError("must be a number of seconds or a duration such as 15s", field="retryTimeout")
        kwargs["retry_seconds"] = float(t)
    return MySQLConfig(database=database, user=user, password=password, session_variables=tuple(variables),
                       **kwargs)
