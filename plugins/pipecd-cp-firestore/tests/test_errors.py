"""Firestore and gRPC errors become pipecd-cp errors in one place."""
from __future__ import annotations

import pytest
from google.api_core import exceptions as gexc
from google.auth import exceptions as auth_exc

from pipecd_cp.errors import (AlreadyExists, FailedPrecondition, Internal, InvalidArgument, NotFound, PermissionDenied,
                              ResourceExhausted, Unauthenticated, Unavailable)
from pipecd_cp_firestore.errors import native_errors, translate


@pytest.mark.parametrize("native, ours", [
    (gexc.NotFound("x"), NotFound), (gexc.AlreadyExists("x"), AlreadyExists), (gexc.Conflict("x"), AlreadyExists),
    (gexc.InvalidArgument("x"), InvalidArgument), (gexc.FailedPrecondition("needs an index"), FailedPrecondition),
    (gexc.PermissionDenied("x"), PermissionDenied), (gexc.Unauthenticated("x"), Unauthenticated),
    (gexc.ResourceExhausted("x"), ResourceExhausted), (gexc.ServiceUnavailable("x"), Unavailable),
    (gexc.DeadlineExceeded("x"), Unavailable), (gexc.Aborted("x"), Unavailable),
    (gexc.RetryError("gave up", None), Unavailable), (gexc.InternalServerError("x"), Internal),
    (auth_exc.RefreshError("x"), Unauthenticated), (auth_exc.TransportError("x"), Unavailable),
    (ValueError("Value out of range"), InvalidArgument),
])
def test_translate(native: Exception, ours: type) -> None:
    err = translate(native, "Application 'a'")
    assert type(err) is ours and "Application 'a'" in str(err)


def test_native_errors_keeps_the_cause_and_lets_other_exceptions_through() -> None:
    with pytest.raises(NotFound) as err, native_errors("Piped 'p'"):
        raise gexc.NotFound("gone")
    assert isinstance(err.value.__cause__, gexc.NotFound)
    with pytest.raises(KeyError), native_errors("Piped 'p'"):
        raise KeyError("not a Firestore error")
