"""gRPC-Web on the HTTP port: what PipeCD's Envoy `grpc_web` filter does, in process.

A `POST /grpc.service.webservice.WebService/<Method>` (or the legacy `/pipe.api.service...`
path) with content type `application/grpc-web`, `application/grpc-web+proto` or
`application/grpc-web-text` (base64, possibly in several padded chunks) carries one
length-prefixed message. It is handed, with the request headers as metadata (so the `Cookie`
header arrives as `cookie`, as Envoy passes it), to the same `UnaryService` behaviour the gRPC
port runs. The answer is HTTP 200 with a data frame (on success) and a trailers frame
(`grpc-status`, `grpc-message`); errors also carry both in the headers, as a trailers-only
response would. A `grpc-timeout` header bounds the call (DEADLINE_EXCEEDED).

CORS answers only for origins listed in `spec.web.corsAllowedOrigins` (none by default), with
credentials, `x-grpc-web`, `grpc-timeout` and `authorization` allowed and `grpc-status` and
`grpc-message` exposed, as PipeCD's gateway configures it.
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import grpc

from pipecd_cp.server.http.base import BaseHandler

if TYPE_CHECKING:
    from pipecd_cp.server.grpc.dispatch import UnaryService

BINARY_TYPES = ("application/grpc-web", "application/grpc-web+proto")
TEXT_TYPES = ("application/grpc-web-text", "application/grpc-web-text+proto")
BINARY_REPLY = "application/grpc-web+proto"
TEXT_REPLY = "application/grpc-web-text+proto"
TRAILER_FLAG = 0x80
COMPRESSED_FLAG = 0x01
ALLOW_HEADERS = "content-type, x-grpc-web, x-user-agent, grpc-timeout, authorization"
EXPOSE_HEADERS = "grpc-status, grpc-message"
_SKIP_HEADERS = frozenset({"content-length", "content-type", "host", "connection", "te", "transfer-encoding",
                           "keep-alive", "accept-encoding"})
_TIMEOUT = re.compile(r"^(\d{1,8})([HMSmun])$")
_UNITS = {"H": 3600.0, "M": 60.0, "S": 1.0, "m": 1e-3, "u": 1e-6, "n": 1e-9}
_B64_CHUNK = re.compile(rb"[A-Za-z0-9+/]*=*")


class _Aborted(Exception):
    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        super().__init__(details)
        self.code, self.details = code, details


class WebCallContext:
    """The parts of `grpc.aio.ServicerContext` the dispatch uses, for a gRPC-Web request."""

    def __init__(self, metadata: list[tuple[str, str | bytes]], peer: str) -> None:
        self._metadata, self._peer = tuple(metadata), peer
        self._code: grpc.StatusCode | None = None

    def invocation_metadata(self) -> tuple[tuple[str, str | bytes], ...]:
        return self._metadata

    def peer(self) -> str:
        return self._peer

    def code(self) -> grpc.StatusCode | None:
        return self._code

    def set_code(self, code: grpc.StatusCode) -> None:
        self._code = code

    async def abort(self, code: grpc.StatusCode, details: str = "", trailing_metadata: Any = ()) -> None:
        self._code = code
        raise _Aborted(code, details)


def grpc_timeout(value: str | None) -> float | None:
    """Seconds from a `grpc-timeout` header (`10S`, `250m`), None when absent or malformed."""
    m = _TIMEOUT.match(value or "")
    return int(m.group(1)) * _UNITS[m.group(2)] if m else None


def decode_text(body: bytes) -> bytes:
    """Base64 that may be several padded chunks back to back (how grpc-web-text clients stream)."""
    body = b"".join(body.split())
    try:
        return b"".join(base64.b64decode(part, validate=True) for part in _B64_CHUNK.findall(body) if part)
    except (binascii.Error, ValueError):
        raise ValueError("the request body is not valid base64") from None


def unframe(body: bytes) -> bytes:
    """The one message of a unary gRPC-Web request body; ValueError for bad framing."""
    if len(body) < 5:
        raise ValueError("the request has no message frame")
    flag, length = body[0], int.from_bytes(body[1:5], "big")
    if flag & TRAILER_FLAG:
        raise ValueError("a request cannot start with a trailers frame")
    if flag & COMPRESSED_FLAG:
        raise LookupError("compressed messages are not supported")
    if len(body) != 5 + length:
        raise ValueError("a unary request carries exactly one message")
    return body[5:]


def frame(payload: bytes, flag: int = 0) -> bytes:
    return bytes([flag]) + len(payload).to_bytes(4, "big") + payload


def percent_encode(message: str) -> str:
    """gRPC's grpc-message encoding: bytes outside printable ASCII, and '%', as %XX."""
    out = []
    for byte in message.encode("utf-8"):
        out.append(chr(byte) if 0x20 <= byte <= 0x7E and byte != 0x25 else f"%{byte:02X}")
    return "".join(out)


def trailers(code: grpc.StatusCode, message: str) -> bytes:
    text = f"grpc-status: {code.value[0]}\r\n"
    if message:
        text += f"grpc-message: {percent_encode(message)}\r\n"
    return frame(text.encode("ascii"), TRAILER_FLAG)


class GrpcWebHandler(BaseHandler):
    """Bridges gRPC-Web requests to one `UnaryService` (see the module docstring)."""

    SUPPORTED_METHODS = ("POST", "OPTIONS")  # type: ignore[assignment]
    #: Route kwarg: the host -> the `UnaryService` to call.
    service_of: Callable[[Any], "UnaryService"]

    # ------------------------------------------------------------------ CORS
    def _allowed_origin(self) -> str | None:
        origin = self.request.headers.get("Origin")
        allowed = self.host.config.spec.web.cors_allowed_origins
        return origin if origin and origin in allowed else None

    def _cors(self, origin: str | None) -> None:
        if origin is None:
            return
        self.set_header("Access-Control-Allow-Origin", origin)
        self.set_header("Access-Control-Allow-Credentials", "true")
        self.set_header("Access-Control-Expose-Headers", EXPOSE_HEADERS)
        self.add_header("Vary", "Origin")

    def options(self, *_: str) -> None:
        origin = self._allowed_origin()
        if origin is None:
            self.set_status(403)
            return
        self._cors(origin)
        self.set_header("Access-Control-Allow-Methods", "POST, OPTIONS")
        self.set_header("Access-Control-Allow-Headers", ALLOW_HEADERS)
        self.set_header("Access-Control-Max-Age", "86400")
        self.set_status(204)

    # ------------------------------------------------------------------ calls
    def _metadata(self) -> list[tuple[str, str | bytes]]:
        out: list[tuple[str, str | bytes]] = []
        for name, value in self.request.headers.get_all():
            key = name.lower()
            if key in _SKIP_HEADERS:
                continue
            if key.endswith("-bin"):
                try:
                    out.append((key, base64.b64decode(value + "=" * (-len(value) % 4))))
                except (binascii.Error, ValueError):
                    continue
            else:
                out.append((key, value))
        return out

    def _peer(self) -> str:
        ip = self.request.remote_ip or ""
        return f"ipv6:[{ip}]:0" if ":" in ip else f"ipv4:{ip}:0"

    async def post(self, *_: str) -> None:
        self._cors(self._allowed_origin())
        ctype = (self.request.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
        if ctype not in BINARY_TYPES + TEXT_TYPES:
            self.set_status(415)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("415: use application/grpc-web, application/grpc-web+proto or application/grpc-web-text\n")
            return
        text = ctype in TEXT_TYPES
        payload, code, message = b"", grpc.StatusCode.OK, ""
        behavior = self.service_of(self.host).behavior(self.request.path)
        try:
            if behavior is None:
                raise _Aborted(grpc.StatusCode.UNIMPLEMENTED, f"unknown method {self.request.path}")
            try:
                body = decode_text(self.request.body) if text else self.request.body
                request = unframe(body)
            except LookupError as exc:
                raise _Aborted(grpc.StatusCode.UNIMPLEMENTED, str(exc)) from None
            except ValueError as exc:
                raise _Aborted(grpc.StatusCode.INVALID_ARGUMENT, str(exc)) from None
            payload = await self._call(behavior, request)
        except _Aborted as err:
            code, message = err.code, err.details
        self._reply(text, payload if code is grpc.StatusCode.OK else None, code, message)

    async def _call(self, behavior: Callable[[bytes, Any], Awaitable[bytes]], request: bytes) -> bytes:
        context = WebCallContext(self._metadata(), self._peer())
        timeout = grpc_timeout(self.request.headers.get("grpc-timeout"))
        try:
            return await asyncio.wait_for(behavior(request, context), timeout)
        except asyncio.TimeoutError:
            raise _Aborted(grpc.StatusCode.DEADLINE_EXCEEDED, "deadline exceeded") from None

    def _reply(self, text: bool, payload: bytes | None, code: grpc.StatusCode, message: str) -> None:
        body = (frame(payload) if payload is not None else b"") + trailers(code, message)
        self.set_status(200)
        self.set_header("Content-Type", TEXT_REPLY if text else BINARY_REPLY)
        self.set_header("Cache-Control", "no-store")
        if code is not grpc.StatusCode.OK:
            self.set_header("grpc-status", str(code.value[0]))
            if message:
                self.set_header("grpc-message", percent_encode(message))
        self.finish(base64.b64encode(body) if text else body)
