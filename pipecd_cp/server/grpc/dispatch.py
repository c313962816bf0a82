"""Serve a protobuf service from an object with one async method per RPC.

`UnaryService` is a `grpc.GenericRpcHandler`. For every call it: decodes the request itself (a
malformed message is INVALID_ARGUMENT, not a crash), runs the service's authenticator, enforces
the request's validation rules, awaits the implementation, and maps any error to a status
through `errormap` - in that order, as PipeCD's interceptor chain does. It also answers on the
legacy `/pipe.api.service.*` paths that old pipeds still use.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf.descriptor import ServiceDescriptor
from google.protobuf.message import DecodeError, Message
from google.protobuf.message_factory import GetMessageClass

from pipecd_cp.errors import InvalidArgument, PipeCDError
from pipecd_cp.server.errormap import grpc_status
from pipecd_cp.server.metrics import Metrics
from pipecd_cp.validation import Validator

log = logging.getLogger("pipecd_cp.grpc")

LEGACY_PREFIX = "pipe.api.service."
CURRENT_PREFIX = "grpc.service."


@dataclass
class CallContext:
    """What an RPC implementation learns about its call."""

    method: str
    grpc: grpc.aio.ServicerContext
    principal: Any = None
    _metadata: dict[str, str] | None = field(default=None, repr=False)

    @property
    def metadata(self) -> dict[str, str]:
        """Invocation metadata, keys lower-cased (the last value wins for repeated keys)."""
        if self._metadata is None:
            self._metadata = {k.lower(): v for k, v in (self.grpc.invocation_metadata() or ())
                              if isinstance(v, str)}
        return self._metadata

    def peer(self) -> str:
        return self.grpc.peer() or ""


Authenticator = Callable[[CallContext], Awaitable[Any]]
Implementation = Callable[[Message, CallContext], Awaitable[Message]]


def legacy_name(full_name: str) -> str | None:
    """`grpc.service.x.Y` -> `pipe.api.service.x.Y` (None for other names)."""
    if full_name.startswith(CURRENT_PREFIX):
        return LEGACY_PREFIX + full_name[len(CURRENT_PREFIX):]
    return None


class UnaryService(grpc.GenericRpcHandler):
    """Dispatch every unary method of `descriptor` to `impl.<MethodName>(request, ctx)`.

    Methods the implementation lacks answer UNIMPLEMENTED.
    """

    def __init__(self, descriptor: ServiceDescriptor, impl: object, *, metrics: Metrics,
                 validator: Validator, authenticate: Authenticator | None = None,
                 aliases: Sequence[str] | None = None) -> None:
        self.descriptor = descriptor
        self.full_name = descriptor.full_name
        self._metrics, self._validator, self._authenticate = metrics, validator, authenticate
        names = [self.full_name, *(aliases if aliases is not None else filter(None, [legacy_name(self.full_name)]))]
        self._handlers: dict[str, grpc.RpcMethodHandler] = {}
        for method in descriptor.methods:
            fn = getattr(impl, method.name, None)
            if fn is None:
                continue
            handler = grpc.unary_unary_rpc_method_handler(
                self._behavior(method.name, GetMessageClass(method.input_type), fn))
            for name in names:
                self._handlers[f"/{name}/{method.name}"] = handler

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler | None:
        return self._handlers.get(handler_call_details.method)

    def behavior(self, path: str) -> Callable[[bytes, Any], Awaitable[bytes]] | None:
        """The behaviour serving `path` (`/pkg.Service/Method`, legacy names too), or None.

        Other transports (the gRPC-Web bridge) call it with the raw request bytes and an object
        offering the `grpc.aio.ServicerContext` methods used here (`invocation_metadata`,
        `peer`, `abort`, `code`), so every call runs this one dispatch path.
        """
        handler = self._handlers.get(path)
        return handler.unary_unary if handler is not None else None

    def _behavior(self, name: str, request_cls: type[Message], fn: Implementation) -> Callable[..., Awaitable[bytes]]:
        metrics = self._metrics.rpc(self.full_name, name)
        validator, authenticate = self._validator, self._authenticate
        full = f"/{self.full_name}/{name}"

        async def behavior(raw: bytes, context: grpc.aio.ServicerContext) -> bytes:
            started = time.perf_counter()
            metrics.started.inc()  # type: ignore[attr-defined]
            code = grpc.StatusCode.OK
            try:
                ctx = CallContext(full, context)
                if authenticate is not None:
                    ctx.principal = await authenticate(ctx)
                try:
                    request = request_cls.FromString(raw)
                except DecodeError:
                    raise InvalidArgument("malformed request message") from None
                validator.validate(request)
                response = await fn(request, ctx)
                return response.SerializeToString()
            except asyncio.CancelledError:
                code = grpc.StatusCode.CANCELLED
                raise
            except grpc.aio.AbortError:
                code = context.code() or grpc.StatusCode.UNKNOWN
                raise
            except Exception as err:  # every error leaves as a status; details stay in the log
                code, message = grpc_status(err)
                if not isinstance(err, PipeCDError) or code is grpc.StatusCode.INTERNAL:
                    log.error("grpc | %s failed: %s", full, err, exc_info=err)
                await context.abort(code, message)
                raise  # unreachable: abort raises
            finally:
                metrics.done(code.name, time.perf_counter() - started)

        return behavior
