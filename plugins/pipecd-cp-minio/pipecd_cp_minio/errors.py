"""The one place where minio SDK (and urllib3) exceptions become `pipecd_cp.errors`."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import urllib3.exceptions
from minio.error import InvalidResponseError, MinioException, S3Error, ServerError

from pipecd_cp.errors import Internal, InvalidArgument, NotFound, PipeCDError, ResourceExhausted, Unavailable

_MISSING = frozenset({"NoSuchKey", "NoSuchObject", "ResourceNotFound"})
_REFUSED = frozenset({"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken",
                      "AllAccessDisabled", "AccountProblem"})
_BUSY = frozenset({"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "XMinioServerNotInitialized",
                   "XMinioStorageFull", "RequestTimeTooSkewed", "OperationAborted"})
_BAD_NAME = frozenset({"KeyTooLongError", "XMinioInvalidObjectName", "InvalidObjectName", "InvalidURI"})


def translate(exc: BaseException, bucket: str, path: str | None = None) -> PipeCDError:
    """The pipecd-cp error for a minio SDK exception raised on `bucket` (and `path`).

    Refused keys, a busy or broken server and network failures are `Unavailable`: the operator
    (or time) can fix them and the caller's request was not wrong. Messages hold the bucket, the
    path and the server's error code, never the keys.
    """
    what = f"{bucket}/{path}" if path else bucket
    if isinstance(exc, S3Error):
        code, status = exc.code or "", exc.response.status if exc.response is not None else 0
        if code == "NoSuchBucket":
            return Unavailable(f"the bucket {bucket!r} does not exist (set autoCreateBucket: true to create it)")
        if code in _MISSING:
            return NotFound(f"object {path!r} not found")
        if code in _REFUSED or status in (401, 403):
            return Unavailable(f"the server refused access to {what}: {code}")
        if code in _BUSY or status >= 500:
            return Unavailable(f"the server cannot serve {what} now: {code or status}")
        if code == "EntityTooLarge":
            return ResourceExhausted(f"{what} is larger than the server accepts")
        if code in _BAD_NAME:
            return InvalidArgument(f"the server rejects the object path: {code}", field="path")
        return Internal(f"the server answered {code or status} for {what}: {exc.message}")
    if isinstance(exc, (ServerError, InvalidResponseError)):  # 5xx, or a non-S3 answer (a proxy's page)
        return Unavailable(f"the server cannot serve {what} now: {exc}")
    if isinstance(exc, (urllib3.exceptions.HTTPError, OSError)):
        return Unavailable(f"the server is unreachable for {what}: {type(exc).__name__}: {exc}")
    if isinstance(exc, ValueError):  # the SDK's own argument checks
        return InvalidArgument(str(exc))
    return Internal(f"minio client error for {what}: {type(exc).__name__}: {exc}")


@contextmanager
def translated(bucket: str, path: str | None = None) -> Iterator[None]:
    """Run a block of SDK calls, re-raising their exceptions as `pipecd_cp.errors`."""
    try:
        yield
    except (MinioException, urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
        raise translate(exc, bucket, path) from exc
