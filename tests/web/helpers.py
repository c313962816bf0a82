"""Clients for the web side under test: WebService over gRPC and over gRPC-Web, cookies, tokens."""
from __future__ import annotations

import base64
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import grpc
import tornado.httpclient
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass

from pipecd_cp.auth import sessions
from pipecd_cp.proto.grpc.service.webservice import service_pb2 as web_pb

SERVICE = web_pb.DESCRIPTOR.services_by_name["WebService"]
PATH = "/grpc.service.webservice.WebService/"
LEGACY_PATH = "/pipe.api.service.webservice.WebService/"


def response_class(method: str) -> type[Message]:
    return GetMessageClass(SERVICE.methods_by_name[method].output_type)


def request_class(method: str) -> type[Message]:
    return GetMessageClass(SERVICE.methods_by_name[method].input_type)


@dataclass
class Result:
    code: grpc.StatusCode
    details: str = ""
    response: Message | None = None
    http: tornado.httpclient.HTTPResponse | None = None
    trailers: dict[str, str] = field(default_factory=dict)


def frames(body: bytes) -> list[tuple[int, bytes]]:
    out, i = [], 0
    while i < len(body):
        flag, length = body[i], int.from_bytes(body[i + 1:i + 5], "big")
        out.append((flag, body[i + 5:i + 5 + length]))
        i += 5 + length
    assert i == len(body), "trailing bytes after the last frame"
    return out


def parse_trailers(raw: bytes) -> dict[str, str]:
    out = {}
    for line in raw.decode("ascii").split("\r\n"):
        if line:
            k, _, v = line.partition(":")
            out[k.strip().lower()] = v.strip()
    return out


class WebClient:
    """Calls WebService methods by name over gRPC (`call`) or gRPC-Web (`web`)."""

    def __init__(self, grpc_addr: str, http_base: str) -> None:
        self.grpc_addr, self.http_base = grpc_addr, http_base
        self.channel = grpc.aio.insecure_channel(grpc_addr)
        self.http = tornado.httpclient.AsyncHTTPClient(force_instance=True)

    async def close(self) -> None:
        await self.channel.close()
        self.http.close()

    async def call(self, method: str, request: Message | None = None, cookie: str | None = None,
                   path: str = PATH) -> Result:
        request = request if request is not None else request_class(method)()
        stub = self.channel.unary_unary(path + method, request_serializer=lambda m: m.SerializeToString(),
                                        response_deserializer=response_class(method).FromString)
        md = (("cookie", cookie),) if cookie is not None else ()
        try:
            response = await stub(request, metadata=md, timeout=20)
        except grpc.aio.AioRpcError as err:
            return Result(err.code(), err.details() or "")
        return Result(grpc.StatusCode.OK, "", response)

    async def post(self, path: str, body: bytes, headers: dict[str, str], method: str = "POST") -> \
            tornado.httpclient.HTTPResponse:
        req = tornado.httpclient.HTTPRequest(self.http_base + path, method=method, headers=headers,
                                             body=body if method == "POST" else None,
                                             allow_nonstandard_methods=True, follow_redirects=False,
                                             request_timeout=20)
        return await self.http.fetch(req, raise_error=False)

    async def web(self, method: str, request: Message | None = None, cookie: str | None = None, *,
                  text: bool = False, content_type: str | None = None, path: str = PATH,
                  headers: dict[str, str] | None = None) -> Result:
        request = request if request is not None else request_class(method)()
        payload = request.SerializeToString()
        body = bytes([0]) + len(payload).to_bytes(4, "big") + payload
        if text:
            body = base64.b64encode(body)
        hdrs = {"Content-Type": content_type or ("application/grpc-web-text" if text else "application/grpc-web+proto"),
                "X-Grpc-Web": "1", **(headers or {})}
        if cookie is not None:
            hdrs["Cookie"] = cookie
        resp = await self.post(path + method, body, hdrs)
        return decode_web(resp, method)


def decode_web(resp: tornado.httpclient.HTTPResponse, method: str) -> Result:
    assert resp.code == 200, (resp.code, resp.body)
    body = resp.body
    if resp.headers["Content-Type"].startswith("application/grpc-web-text"):
        body = base64.b64decode(body)
    parsed = frames(body)
    assert parsed and parsed[-1][0] == 0x80, "the last frame must be the trailers frame"
    trailers = parse_trailers(parsed[-1][1])
    code = grpc.StatusCode.OK
    for c in grpc.StatusCode:
        if c.value[0] == int(trailers["grpc-status"]):
            code = c
    data = [p for f, p in parsed if f == 0]
    response = response_class(method).FromString(data[0]) if data else None
    assert (code is grpc.StatusCode.OK) == (response is not None)
    details = urllib.parse.unquote(trailers.get("grpc-message", ""))
    return Result(code, details, response, resp, trailers)


def token_cookie(key: bytes, project: str, roles: list[str], subject: str = "alice", *, now: int,
                 ttl: int = 3600) -> str:
    return f"{sessions.TOKEN_COOKIE}={sessions.mint(key, subject, project, roles, now=now, ttl=ttl)}"


def set_cookies(resp: tornado.httpclient.HTTPResponse) -> dict[str, str]:
    """Set-Cookie headers by cookie name (the raw header text)."""
    out = {}
    for header in resp.headers.get_list("Set-Cookie"):
        out[header.split("=", 1)[0]] = header
    return out


def cookie_value(header: str) -> str:
    c: SimpleCookie = SimpleCookie()
    c.load(header)
    (morsel,) = c.values()
    return morsel.value
