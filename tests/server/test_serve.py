"""`pipecd-cp serve` as a real process: embedded defaults, ports, admin, static files, drain."""
from __future__ import annotations

import gzip
import sqlite3
import stat
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import bcrypt
import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.conftest import env_with_path, write_dist


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def _health(addr: str, service: str = "") -> int:
    with grpc.insecure_channel(addr) as ch:
        return health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(service=service), timeout=5).status


def test_first_start_creates_key_and_project_second_start_reuses_them(serve, tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = serve(data_dir=data)
    created = [line for line in first.stdout if "Created project 'quickstart'" in line]
    assert len(created) == 1
    password = created[0].rsplit("password ", 1)[1]
    key_file = data / "encryption-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and len(key_file.read_bytes()) == 64
    key = key_file.read_bytes()
    assert first.terminate() == 0
    doc = sqlite3.connect(data / "pipecd.db").execute('SELECT doc FROM "Project" WHERE id = ?', ("quickstart",)).fetchone()
    import json
    admin = json.loads(doc[0])["static_admin"]
    assert admin["username"] == "hello-pipecd"
    assert bcrypt.checkpw(password.encode(), admin["password_hash"].encode())
    assert password not in doc[0], "only the hash is stored"

    second = serve(data_dir=data)
    assert not any("Created project" in line for line in second.stdout)
    assert key_file.read_bytes() == key
    assert second.terminate() == 0


def test_every_grpc_port_serves_health(serve) -> None:
    p = serve()
    for name in ("piped", "web", "api"):
        assert _health(p.addr(name)) == health_pb2.HealthCheckResponse.SERVING


def test_reflection_flag(serve) -> None:
    from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
    p = serve("--enable-grpc-reflection")
    with grpc.insecure_channel(p.addr("piped")) as ch:
        stub = reflection_pb2_grpc.ServerReflectionStub(ch)
        responses = stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=5)
        names = [s.name for r in responses for s in r.list_services_response.service]
    assert "grpc.health.v1.Health" in names


def test_admin_endpoints(serve) -> None:
    p = serve()
    assert _get(p.url("admin", "/healthz"))[2] == b"ok"
    assert _get(p.url("admin", "/version"))[2].decode().count(".") == 2
    _get(p.url("http", "/"))
    status, headers, body = _get(p.url("admin", "/metrics"))
    text = body.decode()
    assert status == 200 and headers["content-type"].startswith("text/plain")
    assert 'http_requests_total{code="200",method="GET",path="/healthz",pipecd_component="server"}' in text
    assert 'http_request_duration_milliseconds_bucket{code="200",le="1.0",method="GET",path="/",pipecd_component="server"}' in text
    assert "process_resident_memory_bytes" in text
    assert b"/metrics" in _get(p.url("admin", "/"))[2]


def test_static_files_types_caching_and_spa_fallback(serve, tmp_path: Path) -> None:
    root = tmp_path / "web"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>app</title>")
    (root / "assets" / "app-1a2b.js").write_text("export const x = 1;\n" * 200)
    (root / "assets" / "app-1a2b.css").write_text("body{}")
    (root / "favicon.ico").write_bytes(b"\x00\x00\x01\x00")
    p = serve("--static-dir", str(root))
    status, h, body = _get(p.url("http", "/"))
    assert status == 200 and h["content-type"] == "text/html; charset=utf-8" and h["cache-control"] == "no-cache"
    assert h["x-content-type-options"] == "nosniff" and "etag" in h
    for route in ("/applications", "/deployments/abc-123", "/settings/piped"):
        status, h, body = _get(p.url("http", route))
        assert status == 200 and body == b"<!doctype html><title>app</title>", route
    status, h, body = _get(p.url("http", "/assets/app-1a2b.js"), {"Accept-Encoding": "gzip"})
    assert status == 200 and h["content-type"] == "text/javascript; charset=utf-8"
    assert h["cache-control"] == "public, max-age=31536000, immutable"
    assert h.get("content-encoding") == "gzip" and gzip.decompress(body).startswith(b"export const x")
    assert _get(p.url("http", "/assets/app-1a2b.css"))[1]["content-type"] == "text/css; charset=utf-8"
    assert _get(p.url("http", "/favicon.ico"))[1]["content-type"] == "image/x-icon"
    for missing in ("/assets/gone.js", "/assets/", "/nope.png", "/deep/script.js"):
        status, h, body = _get(p.url("http", missing))
        assert status == 404 and b"<!doctype" not in body, missing
    for escape in ("/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2f..%2fetc%2fpasswd"):
        status, _, body = _get(p.url("http", escape))
        assert b"root:" not in body and (status in (403, 404) or body.startswith(b"<!doctype")), escape


def test_the_bundled_placeholder_console_is_served(serve) -> None:
    p = serve()
    status, h, body = _get(p.url("http", "/insights"))
    assert status == 200 and b"pipecd-cp" in body


SLOW_PLUGIN = '''
import asyncio, grpc
from pipecd_cp import hookimpl
from pipecd_cp.contributions import GrpcService, HttpRoute
from pipecd_cp.server.http.base import BaseHandler

class Slow(BaseHandler):
    async def get(self):
        await asyncio.sleep(1.5)
        self.write("finished")

async def sleep(request, context):
    await asyncio.sleep(1.5)
    return b"done"

@hookimpl
def register_http_routes():
    return [HttpRoute(r"/slow", Slow, "http", name="/slow")]

@hookimpl
def register_grpc_services():
    h = grpc.method_handlers_generic_handler("test.Slow", {"Sleep": grpc.unary_unary_rpc_method_handler(sleep)})
    return [GrpcService("test.Slow", h, "api")]
'''


def test_sigterm_drains_in_flight_calls_and_exits_zero(serve, tmp_path: Path) -> None:
    site = write_dist(tmp_path / "site", "pipecd-cp-slow", {"pipecd_cp.plugins": {"slow": "slow_plugin"}},
                      {"slow_plugin.py": SLOW_PLUGIN})
    p = serve("--grace-period", "10s", env=env_with_path(site))
    results: dict[str, object] = {}

    def http_call() -> None:
        results["http"] = _get(p.url("http", "/slow"))

    def grpc_call() -> None:
        with grpc.insecure_channel(p.addr("api")) as ch:
            results["grpc"] = ch.unary_unary("/test.Slow/Sleep")(b"", timeout=10)
    threads = [threading.Thread(target=http_call), threading.Thread(target=grpc_call)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    started = time.monotonic()
    assert p.proc is not None
    p.proc.send_signal(15)
    time.sleep(0.3)
    with pytest.raises(grpc.RpcError):
        _health(p.addr("piped"))  # no longer accepting
    for t in threads:
        t.join(15)
    assert p.proc.wait(15) == 0
    assert results["http"][0] == 200 and results["http"][2] == b"finished"
    assert results["grpc"] == b"done"
    assert time.monotonic() - started < 8
    assert any("server | stopped" in line for line in p.stderr)


def test_an_unknown_backend_stops_startup_with_one_line(tmp_path: Path) -> None:
    from tests.conftest import run_cli
    cfg = tmp_path / "cp.yaml"
    cfg.write_text("apiVersion: pipecd.dev/v1beta1\nkind: ControlPlane\nspec:\n  datastore:\n    type: MONGO\n")
    r = run_cli("serve", "--config-file", str(cfg), "--data-dir", str(tmp_path / "d"), "--bind", "127.0.0.1",
                "--piped-api-port", "0", "--web-api-port", "0", "--http-port", "0", "--api-port", "0",
                "--admin-port", "0")
    assert r.returncode == 1
    err = [line for line in r.stderr.splitlines() if "error" in line]
    assert len(err) == 1 and err[0].startswith(
        f"pipecd-cp: error: {cfg}: spec.datastore.type: unknown datastore 'mongo'; installed: ")
    assert "sqlite" in err[0] and err[0].endswith("to add it: pip install pipecd-cp-mongo")
    assert "Traceback" not in r.stderr
