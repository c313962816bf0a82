"""The one error hierarchy of pipecd-cp.

Storage drivers translate their native exceptions into these classes; servers map them to gRPC
status codes and HTTP answers in one place (`pipecd_cp.server.errormap`). Nothing here imports
gRPC or Tornado. Messages must never carry secrets (keys, hashes, passwords).
"""
from __future__ import annotations


class PipeCDError(Exception):
    """Base of every error pipecd-cp raises on purpose."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.__class__.__doc__ or self.__class__.__name__)

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class NotFound(PipeCDError):
    """The object does not exist (or belongs to someone else)."""


class AlreadyExists(PipeCDError):
    """An object with this identity already exists."""


class InvalidArgument(PipeCDError):
    """The input is malformed; `field` names the offending field when known."""

    def __init__(self, message: str = "", field: str | None = None) -> None:
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)


class InvalidCursor(InvalidArgument):
    """A paging cursor that this query did not produce."""


class FailedPrecondition(PipeCDError):
    """The object is not in a state that allows this operation."""


class PermissionDenied(PipeCDError):
    """The caller is authenticated but not allowed to do this."""


class Unauthenticated(PipeCDError):
    """The caller's credentials are missing or not valid."""


class ResourceExhausted(PipeCDError):
    """A size, rate or capacity limit was reached."""

    def __init__(self, message: str = "", retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class Unavailable(PipeCDError):
    """A backend could not be reached or gave up; retrying later may succeed."""


class Unimplemented(PipeCDError):
    """The operation is not implemented (by this backend or this server)."""


class Internal(PipeCDError):
    """A bug or an unexpected backend answer."""


class ConfigError(PipeCDError):
    """A configuration problem, located by file, line and field when known."""

    def __init__(self, message: str, *, field: str | None = None, file: str | None = None,
                 line: int | None = None) -> None:
        self.reason, self.field, self.file, self.line = message, field, file, line
        super().__init__(self._render())

    def _render(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line) if p is not None)
        parts = [p for p in (where, self.field, self.reason) if p]
        return ": ".join(parts)

    def located(self, *, file: str | None = None, line: int | None = None,
                field_prefix: str | None = None) -> "ConfigError":
        """Return a copy with a location filled in where it was missing."""
        field = self.field
        if field_prefix:
            field = f"{field_prefix}.{field}" if field else field_prefix
        return ConfigError(self.reason, field=field, file=self.file or file,
                           line=self.line if self.line is not None else line)


class PluginError(PipeCDError):
    """A plugin or named backend could not be found, imported or started."""
