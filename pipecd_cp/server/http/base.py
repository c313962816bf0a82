"""The handler class stack every pipecd-cp HTTP route derives from."""
from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING, Any

import tornado.web

from pipecd_cp.errors import PipeCDError
from pipecd_cp.server.errormap import http_status

if TYPE_CHECKING:
    from pipecd_cp.app import Host

log = logging.getLogger("pipecd_cp.http")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


class InFlight:
    """Counts requests being handled, so shutdown can wait for them."""

    def __init__(self) -> None:
        self.count = 0


class BaseHandler(tornado.web.RequestHandler):
    """Typed access to the host, route metrics, security headers, drain accounting."""

    route: str = ""

    def initialize(self, **kwargs: Any) -> None:
        self.route = kwargs.pop("route", self.route)
        for k, v in kwargs.items():
            setattr(self, k, v)

    @property
    def host(self) -> "Host":
        return self.application.settings["pipecd_host"]

    def set_default_headers(self) -> None:
        for k, v in SECURITY_HEADERS.items():
            self.set_header(k, v)

    def prepare(self) -> None:
        self._t0 = time.perf_counter()
        inflight: InFlight | None = self.application.settings.get("pipecd_inflight")
        if inflight is not None:
            inflight.count += 1
            self._counted = True

    def on_finish(self) -> None:
        if getattr(self, "_counted", False):
            self.application.settings["pipecd_inflight"].count -= 1
            self._counted = False
        t0 = getattr(self, "_t0", None)
        if t0 is not None:
            self.host.metrics.observe_http(self.request.method or "", self.route or "unknown",
                                           self.get_status(), time.perf_counter() - t0)

    def on_connection_close(self) -> None:
        if getattr(self, "_counted", False):
            self.application.settings["pipecd_inflight"].count -= 1
            self._counted = False

    def error_answer(self, status_code: int, kwargs: dict[str, Any]) -> tuple[int, str]:
        """The status and client-safe message for an error being written (`write_error`'s
        arguments): pipecd-cp errors map through `errormap`; 5xx details never reach the client."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        message = self._reason
        if isinstance(exc, PipeCDError):
            status_code = http_status(exc)
            self.set_status(status_code)
            message = exc.message if status_code < 500 else "internal error"
        elif isinstance(exc, tornado.web.HTTPError) and exc.log_message and status_code < 500:
            message = exc.log_message
        return status_code, message

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, (tornado.web.HTTPError, PipeCDError)) and http_status(value) < 500:
            return
        log.error("http | %s %s failed", self.request.method, self.request.path, exc_info=(typ, value, tb))


class APIHandler(BaseHandler):
    """A handler whose errors are always JSON: `{"error": "...", "code": 400}`."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        status_code, message = self.error_answer(status_code, kwargs)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"error": message, "code": status_code}))


class PlainHandler(BaseHandler):
    """A text/plain handler for probes and metrics."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code} {self._reason}\n")
