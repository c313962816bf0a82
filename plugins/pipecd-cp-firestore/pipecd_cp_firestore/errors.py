"""The one place where Firestore client and gRPC errors become `pipecd_cp.errors`."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from google.api_core import exceptions as gexc
from google.auth import exceptions as auth_exc

from pipecd_cp.errors import (AlreadyExists, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied,
                              PipeCDError, ResourceExhausted, Unauthenticated, Unavailable, Unimplemented)
from pipecd_cp.errors import Internal as InternalError

# Most specific first: several google.api_core classes derive from one another.
_MAP: tuple[tuple[type[BaseException], type[PipeCDError]], ...] = (
    (gexc.NotFound, NotFound),
    (gexc.AlreadyExists, AlreadyExists),
    (gexc.Aborted, Unavailable),             # contention that outlived our retries
    (gexc.FailedPrecondition, FailedPrecondition),  # e.g. "the query requires an index"
    (gexc.Conflict, AlreadyExists),          # (Aborted and FailedPrecondition are Conflicts too)
    (gexc.InvalidArgument, InvalidArgument),
    (gexc.BadRequest, InvalidArgument),
    (gexc.PermissionDenied, PermissionDenied),
    (gexc.Forbidden, PermissionDenied),
    (gexc.Unauthenticated, Unauthenticated),
    (gexc.Unauthorized, Unauthenticated),
    (gexc.ResourceExhausted, ResourceExhausted),
    (gexc.TooManyRequests, ResourceExhausted),
    (gexc.MethodNotImplemented, Unimplemented),
    (gexc.DeadlineExceeded, Unavailable),
    (gexc.ServiceUnavailable, Unavailable),
    (gexc.RetryError, Unavailable),
    (gexc.GoogleAPICallError, InternalError),
    (auth_exc.RefreshError, Unauthenticated),
    (auth_exc.DefaultCredentialsError, Unauthenticated),
    (auth_exc.TransportError, Unavailable),
    (auth_exc.GoogleAuthError, Unauthenticated),
)


def translate(exc: BaseException, what: str) -> PipeCDError:
    """The pipecd-cp error for a native one; `what` names the object (never a secret)."""
    if isinstance(exc, PipeCDError):
        return exc
    for native, ours in _MAP:
        if isinstance(exc, native):
            return ours(f"firestore: {what}: {_message(exc)}")
    if isinstance(exc, (ValueError, TypeError)):
        # The client refuses a value before sending it (an integer beyond 64 bits, a bad id...).
        return InvalidArgument(f"firestore: {what}: {exc}")
    return InternalError(f"firestore: {what}: {type(exc).__name__}: {exc}")


@contextmanager
def native_errors(what: str) -> Iterator[None]:
    """Re-raise any Firestore, gRPC or auth error inside the block as a pipecd-cp error."""
    try:
        yield
    except PipeCDError:
        raise
    except (gexc.GoogleAPIError, auth_exc.GoogleAuthError, ValueError, TypeError) as exc:
        raise translate(exc, what) from exc


def _message(exc: BaseException) -> str:
    if isinstance(exc, gexc.GoogleAPICallError):
        return exc.message or type(exc).__name__
    return str(exc) or type(exc).__name__
