"""An in-process control plane serving WebService on gRPC and gRPC-Web, with login pages."""
from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import bcrypt
import pytest

from pipecd_cp.app import Host, HostSettings
from pipecd_cp.bootstrap import create_project
from pipecd_cp.config.controlplane import ControlPlaneConfig, parse_config
from pipecd_cp.plugins import build_plugin_manager
from pipecd_cp.server.process import ServeOptions, ServerProcess, server_listeners
from tests.web.helpers import WebClient, token_cookie

KEY = bytes(range(64))  # the encryption key file's content
PROJECT, OTHER, DEBUG = "proj", "other", "debug"
DEBUG_USER, DEBUG_PASSWORD = "debug-admin", "debug-password"


@dataclass
class WebServer:
    host: Host
    process: ServerProcess
    client: WebClient
    clock: list[float]
    passwords: dict[str, tuple[str, str]] = field(default_factory=dict)  # project -> (username, password)

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.process.ports['http']}"

    def now(self) -> int:
        return int(self.clock[0])

    def cookie(self, roles: list[str], project: str = PROJECT, subject: str = "alice", ttl: int = 3600) -> str:
        return token_cookie(KEY, project, roles, subject, now=self.now(), ttl=ttl)


def config_text(spec: str = "") -> str:
    debug_hash = bcrypt.hashpw(DEBUG_PASSWORD.encode(), bcrypt.gensalt(4)).decode()
    return ("apiVersion: pipecd.dev/v1beta1\nkind: ControlPlane\nspec:\n"
            f"  projects:\n  - id: {DEBUG}\n    staticAdmin: {{username: {DEBUG_USER}, passwordHash: '{debug_hash}'}}\n"
            + "".join(f"  {line}\n" for line in spec.splitlines()))


Factory = Callable[..., Awaitable[WebServer]]


@pytest.fixture
async def web_server(tmp_path: Path) -> AsyncIterator[Factory]:
    """Factory: `await web_server(spec_yaml="", insecure_cookie=True)` starts a server."""
    started: list[WebServer] = []

    async def start(spec: str = "", insecure_cookie: bool = True) -> WebServer:
        config = parse_config(config_text(spec), "cp.yaml") if spec is not None else ControlPlaneConfig()
        clock = [time.time()]
        data = tmp_path / f"data{len(started)}"
        host = Host(config, HostSettings(data_dir=data, encryption_key=KEY, clock=lambda: clock[0]),
                    build_plugin_manager(env={}))
        host.settings.insecure_cookie = insecure_cookie
        await host.start()
        passwords = {}
        for project in (PROJECT, OTHER):
            passwords[project] = await create_project(host, project)
        process = ServerProcess(host, ServeOptions(
            bind="127.0.0.1", grpc_ports={"web": 0}, http=server_listeners(0, 0, None), grace_period=1))
        await process.start()
        client = WebClient(f"127.0.0.1:{process.ports['web']}", f"http://127.0.0.1:{process.ports['http']}")
        server = WebServer(host, process, client, clock, passwords)
        started.append(server)
        return server

    yield start
    for server in started:
        await server.client.close()
        await server.process.stop(0)
        await server.host.close()
