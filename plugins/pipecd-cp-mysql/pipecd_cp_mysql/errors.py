"""The one place where PyMySQL's exceptions become `pipecd_cp.errors`.

`classify` says what a failure means for the caller's next step (drop the connection and retry,
retry the transaction, or give up); `translate` turns a failure that is given up on into the
project's error hierarchy. Messages carry MySQL's text, which never holds the password.
"""
from __future__ import annotations

import enum
import socket

import pymysql

from pipecd_cp.errors import (AlreadyExists, FailedPrecondition, Internal, InvalidArgument, PipeCDError,
                              Unavailable)

DUPLICATE_KEY = 1062
PACKET_TOO_LARGE = 1153  # the server then drops the connection; retrying the same bytes cannot help
SIGNAL = 1644  # SIGNAL SQLSTATE '45000' from a trigger or procedure: PipeCD's ErrUserDefined

#: The connection is unusable: the server went away, restarted, or refused to take us.
CONNECTION_CODES = frozenset({
    1040,  # too many connections
    1053,  # server shutdown in progress
    1152, 1154, 1155, 1156, 1157, 1158, 1159, 1160, 1161,  # aborted / network read-write errors
    1317,  # query interrupted (the server is shutting down)
    1927,  # MariaDB: connection was killed
    2001, 2002, 2003, 2004, 2005, 2006, 2011, 2012, 2013, 2014, 2026, 2027, 2055,
    4031,  # MySQL 8: disconnected by the server for inactivity
})
#: The transaction lost a lock race; running it again may succeed. InnoDB has rolled back the
#: whole transaction on a deadlock and the statement on a lock wait timeout; we roll back the rest.
CONTENTION_CODES = frozenset({1205, 1213})
#: Schema statements that find their work already done (PipeCD's ensurer ignores these too).
SCHEMA_DONE_CODES = frozenset({
    1050,  # table exists
    1060,  # duplicate column name
    1061,  # duplicate key name
    1091,  # can't drop: no such column or key
})
#: The document does not fit the table: a generated column rejects the value or the JSON is bad.
BAD_DATA_CODES = frozenset({1048, 1264, 1292, 1366, 1406, 1690, 3140, 3141, 3143, 3146, 3156, 4025, 4038})
#: The server is reachable but will not serve us; retrying does not help, and the message says why.
REFUSED_CODES = frozenset({1044, 1045, 1049, 1142, 1227, 1290, 1836})


class Failure(enum.Enum):
    CONNECTION = "connection"
    CONTENTION = "contention"
    PERMANENT = "permanent"


def errno(exc: BaseException) -> int:
    """MySQL's error number of a PyMySQL exception (0 when it has none)."""
    if isinstance(exc, pymysql.err.MySQLError) and exc.args and isinstance(exc.args[0], int):
        return exc.args[0]
    return 0


def _text(exc: BaseException) -> str:
    if isinstance(exc, pymysql.err.MySQLError) and len(exc.args) >= 2:
        return str(exc.args[1])
    return str(exc) or type(exc).__name__


def classify(exc: BaseException) -> Failure:
    """What `exc`, raised while using a connection, means for the connection and the operation."""
    code = errno(exc)
    if code in CONNECTION_CODES:
        return Failure.CONNECTION
    if code in CONTENTION_CODES:
        return Failure.CONTENTION
    if isinstance(exc, (pymysql.err.InterfaceError, OSError, socket.timeout, EOFError)):
        return Failure.CONNECTION  # closed socket, reset by peer, timeouts
    if isinstance(exc, pymysql.err.InternalError) and "sequence" in _text(exc).lower():
        return Failure.CONNECTION  # a half-read packet: the stream is out of step
    if isinstance(exc, pymysql.err.Error) and not isinstance(exc, pymysql.err.DatabaseError) and code == 0:
        return Failure.CONNECTION  # pymysql.err.Error("Already closed") from ping
    return Failure.PERMANENT


def is_native(exc: BaseException) -> bool:
    """True for exceptions that come from the client library or the network (not from callers)."""
    return isinstance(exc, (pymysql.err.Error, OSError, socket.timeout, EOFError))


def translate(exc: BaseException, what: str) -> PipeCDError:
    """The project error for a native failure that will not be retried (any more)."""
    code, text = errno(exc), _text(exc)
    where = f"mysql: {what}"
    kind = classify(exc)
    if kind is Failure.CONNECTION:
        return Unavailable(f"{where}: the server cannot be reached: {text}")
    if kind is Failure.CONTENTION:
        return Unavailable(f"{where}: still contended after retrying: {text}")
    if code == DUPLICATE_KEY:
        return AlreadyExists(f"{where}: already exists")
    if code == SIGNAL:
        return FailedPrecondition(text)
    if code == PACKET_TOO_LARGE:
        return InvalidArgument(f"{where}: the document is larger than the server's max_allowed_packet", field="doc")
    if code in BAD_DATA_CODES:
        return InvalidArgument(f"{where}: the document does not fit the table: {text}", field="doc")
    if code in REFUSED_CODES:
        return Unavailable(f"{where}: the server refused: ({code}) {text}")
    return Internal(f"{where}: ({code}) {text}")
