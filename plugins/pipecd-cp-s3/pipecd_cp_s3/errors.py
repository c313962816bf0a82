"""The one place where boto3/botocore exceptions become `pipecd_cp.errors`."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore import exceptions as bx

from pipecd_cp.errors import Internal, InvalidArgument, NotFound, PipeCDError, ResourceExhausted, Unavailable

_MISSING = frozenset({"NoSuchKey", "NotFound", "404"})
_REFUSED = frozenset({"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken",
                      "TokenRefreshRequired", "AllAccessDisabled", "AccountProblem", "InvalidClientTokenId"})
_BUSY = frozenset({"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "Throttling",
                   "ThrottlingException", "RequestTimeTooSkewed", "OperationAborted"})
_BAD_NAME = frozenset({"KeyTooLongError", "InvalidObjectName", "InvalidURI"})


def translate(exc: BaseException, bucket: str, path: str | None = None) -> PipeCDError:
    """The pipecd-cp error for a botocore exception raised on `bucket` (and `path`).

    Refused credentials, throttling, 5xx answers and network failures are `Unavailable`: the
    operator (or time) can fix them and the caller's request was not wrong. Messages hold the
    bucket, the path and S3's error code, never credentials.
    """
    what = f"s3://{bucket}/{path}" if path else f"s3://{bucket}"
    if isinstance(exc, bx.ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        if code == "NoSuchBucket":
            return Unavailable(f"the bucket {bucket!r} does not exist")
        if code in _MISSING:
            return NotFound(f"object {path!r} not found")
        if code in _REFUSED or status in (401, 403):
            return Unavailable(f"S3 refused access to {what}: {code}")
        if code in _BUSY or status >= 500:
            return Unavailable(f"S3 cannot serve {what} now: {code or status}")
        if code == "EntityTooLarge":
            return ResourceExhausted(f"{what} is larger than the server accepts")
        if code in _BAD_NAME:
            return InvalidArgument(f"S3 rejects the object path: {code}", field="path")
        return Internal(f"S3 answered {code or status} for {what}: {error.get('Message', '')}")
    if isinstance(exc, (bx.NoCredentialsError, bx.PartialCredentialsError, bx.CredentialRetrievalError)):
        return Unavailable(f"no usable AWS credentials for {what}: {exc}")
    if isinstance(exc, (bx.ConnectionError, bx.HTTPClientError, bx.IncompleteReadError, OSError)):
        return Unavailable(f"S3 is unreachable for {what}: {type(exc).__name__}: {exc}")
    if isinstance(exc, bx.ParamValidationError):
        return InvalidArgument(str(exc))
    return Internal(f"S3 client error for {what}: {type(exc).__name__}: {exc}")


@contextmanager
def translated(bucket: str, path: str | None = None) -> Iterator[None]:
    """Run a block of boto3 calls, re-raising their exceptions as `pipecd_cp.errors`."""
    try:
        yield
    except bx.ProfileNotFound:
        raise  # a configuration problem, reported by the driver's open() with its field
    except (bx.BotoCoreError, bx.ClientError, OSError) as exc:
        raise translate(exc, bucket, path) from exc
