"""The one place where Cloud Storage client, HTTP and auth errors become `pipecd_cp.errors`."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import requests
from google.api_core import exceptions as gexc
from google.auth import exceptions as auth_exc
from google.cloud.storage import exceptions as media

from pipecd_cp.errors import (FailedPrecondition, Internal, InvalidArgument, NotFound, PermissionDenied,
                              PipeCDError, ResourceExhausted, Unauthenticated, Unavailable)

# Most specific first: several google.api_core classes derive from one another.
_MAP: tuple[tuple[type[BaseException], type[PipeCDError]], ...] = (
    (gexc.NotFound, NotFound),
    (gexc.Forbidden, PermissionDenied),
    (gexc.Unauthorized, Unauthenticated),
    (gexc.TooManyRequests, ResourceExhausted),
    (gexc.PreconditionFailed, FailedPrecondition),
    (gexc.RequestRangeNotSatisfiable, InvalidArgument),
    (gexc.BadRequest, InvalidArgument),
    (gexc.ServerError, Unavailable),           # 5xx: GCS asks to retry
    (gexc.RetryError, Unavailable),
    (gexc.GoogleAPICallError, Internal),
    (auth_exc.RefreshError, Unauthenticated),
    (auth_exc.DefaultCredentialsError, Unauthenticated),
    (auth_exc.TransportError, Unavailable),
    (auth_exc.GoogleAuthError, Unauthenticated),
    (media.DataCorruption, Unavailable),       # a checksum mismatch in transit
    (media.InvalidResponse, Unavailable),
    (requests.ConnectionError, Unavailable),
    (requests.Timeout, Unavailable),
    (requests.RequestException, Unavailable),
)
NATIVE = tuple(native for native, _ in _MAP) + (gexc.GoogleAPIError,)


def translate(exc: BaseException, what: str) -> PipeCDError:
    """The pipecd-cp error for a native one; `what` names the object (never a secret)."""
    if isinstance(exc, PipeCDError):
        return exc
    for native, ours in _MAP:
        if isinstance(exc, native):
            message = exc.message if isinstance(exc, gexc.GoogleAPICallError) else str(exc)
            return ours(f"gcs: {what}: {message or type(exc).__name__}")
    return Internal(f"gcs: {what}: {type(exc).__name__}: {exc}")


@contextmanager
def native_errors(what: str) -> Iterator[None]:
    """Re-raise any Cloud Storage, HTTP or auth error inside the block as a pipecd-cp error."""
    try:
        yield
    except PipeCDError:
        raise
    except NATIVE as exc:
        raise translate(exc, what) from exc
