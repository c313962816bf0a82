"""The one place where pipecd-cp errors become gRPC status codes and HTTP statuses."""
from __future__ import annotations

import grpc

from pipecd_cp import errors as e

# Most specific first: InvalidCursor before InvalidArgument.
_TABLE: tuple[tuple[type[e.PipeCDError], grpc.StatusCode, int], ...] = (
    (e.NotFound, grpc.StatusCode.NOT_FOUND, 404),
    (e.AlreadyExists, grpc.StatusCode.ALREADY_EXISTS, 409),
    (e.InvalidArgument, grpc.StatusCode.INVALID_ARGUMENT, 400),
    (e.FailedPrecondition, grpc.StatusCode.FAILED_PRECONDITION, 412),
    (e.PermissionDenied, grpc.StatusCode.PERMISSION_DENIED, 403),
    (e.Unauthenticated, grpc.StatusCode.UNAUTHENTICATED, 401),
    (e.ResourceExhausted, grpc.StatusCode.RESOURCE_EXHAUSTED, 429),
    (e.Unavailable, grpc.StatusCode.UNAVAILABLE, 503),
    (e.Unimplemented, grpc.StatusCode.UNIMPLEMENTED, 501),
    (e.ConfigError, grpc.StatusCode.FAILED_PRECONDITION, 500),
    (e.PluginError, grpc.StatusCode.INTERNAL, 500),
    (e.Internal, grpc.StatusCode.INTERNAL, 500),
)


def grpc_status(err: BaseException) -> tuple[grpc.StatusCode, str]:
    """The status code and client-safe message for an error raised while handling an RPC.

    Anything that is not a `PipeCDError` is a bug: the client sees INTERNAL with a generic text
    (details go to the log, never to the wire).
    """
    if isinstance(err, e.PipeCDError):
        for cls, code, _ in _TABLE:
            if isinstance(err, cls):
                if code is grpc.StatusCode.INTERNAL:
                    return code, "internal error"
                return code, err.message
    return grpc.StatusCode.INTERNAL, "internal error"


def http_status(err: BaseException) -> int:
    """The HTTP status for an error raised while handling an HTTP request."""
    if isinstance(err, e.PipeCDError):
        for cls, _, status in _TABLE:
            if isinstance(err, cls):
                return status
    return 500
