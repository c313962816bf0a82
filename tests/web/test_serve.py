"""The console's server side in a real `pipecd-cp serve`: static login on the HTTP port, then
WebService over gRPC (web port) and gRPC-Web (HTTP port) with the session cookie."""
from __future__ import annotations

import http.client
import urllib.parse

import grpc

from pipecd_cp.proto.grpc.service.webservice import service_pb2 as pb
from pipecd_cp.proto.grpc.service.webservice import service_pb2_grpc as web_grpc
from tests.web.helpers import frames, parse_trailers


def _login(port: int, project: str, username: str, password: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = urllib.parse.urlencode({"project": project, "username": username, "password": password})
    conn.request("POST", "/auth/login/static", body, {"Content-Type": "application/x-www-form-urlencoded"})
    resp = conn.getresponse()
    resp.read()
    return resp


def _token(resp: http.client.HTTPResponse) -> tuple[str, str]:
    header = next(v for k, v in resp.getheaders() if k.lower() == "set-cookie" and v.startswith("token="))
    return header.split(";", 1)[0], header


def test_static_login_then_web_calls_on_both_ports(serve) -> None:
    p = serve("--insecure-cookie")
    password = next(line for line in p.stdout if "Created project" in line).rsplit("password ", 1)[1]
    resp = _login(p.ports["http"], "quickstart", "hello-pipecd", password)
    assert resp.status == 302 and resp.getheader("Location") == "/"
    cookie, header = _token(resp)
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Secure" not in header
    with grpc.insecure_channel(p.addr("web")) as ch:
        me = web_grpc.WebServiceStub(ch).GetMe(pb.GetMeRequest(), metadata=(("cookie", cookie),), timeout=10)
    assert (me.subject, me.project_id) == ("hello-pipecd", "quickstart")
    conn = http.client.HTTPConnection("127.0.0.1", p.ports["http"], timeout=10)
    conn.request("POST", "/grpc.service.webservice.WebService/GetMe", bytes(5),
                 {"Content-Type": "application/grpc-web+proto", "Cookie": cookie, "X-Grpc-Web": "1"})
    web = conn.getresponse()
    parts = frames(web.read())
    assert web.status == 200 and parse_trailers(parts[-1][1])["grpc-status"] == "0"
    assert pb.GetMeResponse.FromString(parts[0][1]).subject == "hello-pipecd"
    assert _login(p.ports["http"], "quickstart", "hello-pipecd", "wrong").status == 303


def test_cookies_are_secure_without_the_insecure_flag(serve) -> None:
    p = serve()
    password = next(line for line in p.stdout if "Created project" in line).rsplit("password ", 1)[1]
    _, header = _token(_login(p.ports["http"], "quickstart", "hello-pipecd", password))
    assert "Secure" in header.split("; ")
