"""WebService on both transports: gRPC on the web port, gRPC-Web on the HTTP port (framing, text
mode, trailers, the cookie, legacy paths, errors, deadlines, CORS)."""
from __future__ import annotations

import base64

import grpc

from pipecd_cp.proto.grpc.service.webservice import service_pb2 as pb
from tests.web.conftest import PROJECT
from tests.web.helpers import LEGACY_PATH, PATH, decode_web, frames, parse_trailers

OK, UNAUTH = grpc.StatusCode.OK, grpc.StatusCode.UNAUTHENTICATED


async def test_get_me_over_grpc_and_every_grpc_web_framing(web_server) -> None:
    s = await web_server()
    cookie = s.cookie(["Admin"], subject="octocat")
    r = await s.client.call("GetMe", cookie=cookie)
    assert r.code is OK and (r.response.subject, r.response.project_id) == ("octocat", PROJECT)
    for ctype in ("application/grpc-web", "application/grpc-web+proto"):
        r = await s.client.web("GetMe", cookie=cookie, content_type=ctype)
        assert r.code is OK and r.response.subject == "octocat"
        assert r.http.headers["Content-Type"] == "application/grpc-web+proto"
        assert r.trailers == {"grpc-status": "0"}
    r = await s.client.web("GetMe", cookie=cookie, text=True)
    assert r.code is OK and r.response.subject == "octocat"
    assert r.http.headers["Content-Type"] == "application/grpc-web-text+proto"
    r = await s.client.web("GetMe", cookie=cookie, path=LEGACY_PATH)
    assert r.code is OK and r.response.project_id == PROJECT
    r = await s.client.call("GetMe", cookie=cookie, path=LEGACY_PATH)
    assert r.code is OK


async def test_text_mode_accepts_several_padded_base64_chunks(web_server) -> None:
    s = await web_server()
    req = pb.GetPipedRequest(piped_id="no-such-piped").SerializeToString()
    framed = bytes([0]) + len(req).to_bytes(4, "big") + req
    body = base64.b64encode(framed[:4]) + base64.b64encode(framed[4:])  # two chunks, the first padded
    assert b"=" in body[:8]
    resp = await s.client.post(PATH + "GetPiped", body, {"Content-Type": "application/grpc-web-text",
                                                         "Cookie": s.cookie(["Admin"])})
    r = decode_web(resp, "GetPiped")
    assert r.code is grpc.StatusCode.NOT_FOUND


async def test_errors_are_trailers_and_headers(web_server) -> None:
    s = await web_server()
    r = await s.client.web("GetPiped", pb.GetPipedRequest(piped_id="x"), cookie=s.cookie(["Admin"]))
    assert r.code is grpc.StatusCode.NOT_FOUND and r.response is None
    assert frames(r.http.body)[-1][0] == 0x80
    assert r.http.headers["grpc-status"] == "5" and "not found" in r.details
    r = await s.client.web("GetPiped", pb.GetPipedRequest(), cookie=s.cookie(["Admin"]))
    assert r.code is grpc.StatusCode.INVALID_ARGUMENT and "piped_id" in r.details
    resp = await s.client.post(PATH + "NoSuchMethod", bytes(5), {"Content-Type": "application/grpc-web"})
    assert resp.code == 200 and parse_trailers(frames(resp.body)[-1][1])["grpc-status"] == "12"


async def test_bad_bodies_and_content_types(web_server) -> None:
    s = await web_server()
    cookie = s.cookie(["Admin"])
    for body in (b"", b"\x00\x00\x00", b"\x00\x00\x00\x00\x09abc", bytes(5) + bytes(5)):
        resp = await s.client.post(PATH + "GetMe", body, {"Content-Type": "application/grpc-web", "Cookie": cookie})
        assert parse_trailers(frames(resp.body)[-1][1])["grpc-status"] == "3", body
    resp = await s.client.post(PATH + "GetMe", b"\x01\x00\x00\x00\x00", {"Content-Type": "application/grpc-web",
                                                                         "Cookie": cookie})
    assert parse_trailers(frames(resp.body)[-1][1])["grpc-status"] == "12"  # compressed: unsupported
    resp = await s.client.post(PATH + "GetMe", b"not base64!", {"Content-Type": "application/grpc-web-text",
                                                                "Cookie": cookie})
    assert parse_trailers(frames(base64.b64decode(resp.body))[-1][1])["grpc-status"] == "3"
    resp = await s.client.post(PATH + "GetMe", bytes(5), {"Content-Type": "application/json", "Cookie": cookie})
    assert resp.code == 415
    resp = await s.client.post(PATH + "GetMe", b"", {}, method="GET")
    assert resp.code == 405


async def test_the_cookie_is_read_robustly_and_checked(web_server) -> None:
    s = await web_server()
    good = s.cookie(["Viewer"], subject="bob")
    token = good.split("=", 1)[1]
    for cookie in (f"theme=dark; broken; {good}", f"novalue;{good};token=second", f' {good} ', f'token="{token}"'):
        for transport in ("call", "web"):
            r = await getattr(s.client, transport)("GetMe", cookie=cookie)
            assert r.code is OK and r.response.subject == "bob", (cookie, transport)
    for cookie in (None, "", "token", "token=", "broken", "token=abc.def.ghi", "other=x",
                   s.cookie(["Admin"], ttl=-10)):
        for transport in ("call", "web"):
            r = await getattr(s.client, transport)("GetMe", cookie=cookie)
            assert r.code is UNAUTH, (cookie, transport)


async def test_cookies_split_over_several_metadata_entries(web_server) -> None:
    s = await web_server()
    stub = s.client.channel.unary_unary(PATH + "GetMe", request_serializer=lambda m: m.SerializeToString(),
                                        response_deserializer=pb.GetMeResponse.FromString)
    resp = await stub(pb.GetMeRequest(), metadata=(("cookie", "a=b"), ("cookie", s.cookie(["Viewer"], subject="c"))))
    assert resp.subject == "c"


async def test_grpc_timeout_header_bounds_the_call(web_server) -> None:
    s = await web_server()
    r = await s.client.web("GetMe", cookie=s.cookie(["Admin"]), headers={"grpc-timeout": "5S"})
    assert r.code is OK
    r = await s.client.web("GetMe", cookie=s.cookie(["Admin"]), headers={"grpc-timeout": "1n"})
    assert r.code in (OK, grpc.StatusCode.DEADLINE_EXCEEDED)


async def test_no_cors_unless_configured(web_server) -> None:
    s = await web_server()
    origin = "https://console.example.com"
    resp = await s.client.post(PATH + "GetMe", b"", {"Origin": origin, "Access-Control-Request-Method": "POST"},
                               method="OPTIONS")
    assert resp.code == 403 and "Access-Control-Allow-Origin" not in resp.headers
    r = await s.client.web("GetMe", cookie=s.cookie(["Admin"]), headers={"Origin": origin})
    assert r.code is OK and "Access-Control-Allow-Origin" not in r.http.headers


async def test_cors_preflight_and_calls_when_configured(web_server) -> None:
    origin = "https://console.example.com"
    s = await web_server(f"web:\n  corsAllowedOrigins: [{origin}]")
    resp = await s.client.post(PATH + "GetMe", b"", {
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-grpc-web,x-user-agent"}, method="OPTIONS")
    assert resp.code == 204
    h = resp.headers
    assert h["Access-Control-Allow-Origin"] == origin and h["Access-Control-Allow-Credentials"] == "true"
    assert "POST" in h["Access-Control-Allow-Methods"]
    allowed = {x.strip() for x in h["Access-Control-Allow-Headers"].split(",")}
    assert {"content-type", "x-grpc-web", "grpc-timeout", "authorization"} <= allowed
    assert {x.strip() for x in h["Access-Control-Expose-Headers"].split(",")} == {"grpc-status", "grpc-message"}
    r = await s.client.web("GetMe", cookie=s.cookie(["Admin"]), headers={"Origin": origin})
    assert r.code is OK and r.http.headers["Access-Control-Allow-Origin"] == origin
    resp = await s.client.post(PATH + "GetMe", b"", {"Origin": "https://evil.example.com",
                                                     "Access-Control-Request-Method": "POST"}, method="OPTIONS")
    assert resp.code == 403 and "Access-Control-Allow-Origin" not in resp.headers


async def test_both_transports_share_one_dispatch_and_its_metrics(web_server) -> None:
    s = await web_server()
    await s.client.call("GetMe", cookie=s.cookie(["Admin"]))
    await s.client.web("GetMe", cookie=s.cookie(["Admin"]))
    await s.client.web("GetMe")
    text = s.host.metrics.render().decode()
    ok = [line for line in text.splitlines() if line.startswith("grpc_server_handled_total")
          and 'grpc_method="GetMe"' in line and 'grpc_code="OK"' in line]
    unauth = [line for line in text.splitlines() if line.startswith("grpc_server_handled_total")
              and 'grpc_method="GetMe"' in line and 'grpc_code="UNAUTHENTICATED"' in line]
    assert ok and float(ok[0].rsplit(" ", 1)[1]) == 2.0
    assert unauth and float(unauth[0].rsplit(" ", 1)[1]) == 1.0
