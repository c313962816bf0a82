"""A control plane under test: `pipecd-cp serve` in a subprocess, its CLI, and clients for it.

Backends are chosen by `Backend` (a config file body plus extra flags), so the same scenarios run
on the embedded defaults and on production plugins.
"""
from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipecd_cp.app import Host
from pipecd_cp.cli.common import HostFlags
from pipecd_cp.testing.clients import APIClient, PipedClient
from tests.conftest import ServeProcess, run_cli

PROJECT = "quickstart"


@dataclass
class Backend:
    """How to run the control plane: `config` is the `spec:` body (empty = embedded defaults)."""

    name: str
    config: str = ""
    args: tuple[str, ...] = ()
    env: dict[str, str] | None = None
    #: `--cache-address` (PipeCD's way of choosing Redis).
    cache_address: str | None = None
    #: The cache outlives a server restart (Redis), so what only the cache holds survives it.
    shared_cache: bool = False
    #: Writes setup files (keys, credentials) into the data folder and returns extra spec text.
    prepare: Callable[[Path], str] | None = None


EMBEDDED = Backend("embedded")


@dataclass
class ControlPlane:
    backend: Backend
    data_dir: Path
    config_file: Path | None = None
    process: ServeProcess | None = None
    output: list[str] = field(default_factory=list)  # every line the server printed, across restarts
    _project_ready: bool = False

    def __post_init__(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        spec = self.backend.config
        if self.backend.prepare:
            spec += self.backend.prepare(self.data_dir)
        if spec:
            self.config_file = self.data_dir / "control-plane.yaml"
            self.config_file.write_text("apiVersion: pipecd.dev/v1beta1\nkind: ControlPlane\nspec:\n" +
                                        "".join(f"  {line}\n" for line in spec.splitlines()))

    @property
    def flags(self) -> list[str]:
        out = ["--data-dir", str(self.data_dir)]
        if self.config_file:
            out += ["--config-file", str(self.config_file)]
        if self.backend.cache_address:
            out += ["--cache-address", self.backend.cache_address]
        return out + list(self.backend.args)

    def start(self, *extra: str) -> "ControlPlane":
        """Start the server; with a config file, make sure the project `quickstart` exists."""
        if self.config_file is not None and not self._project_ready:
            r = run_cli("project", "add", "--id", PROJECT, *self.flags, env=self.backend.env)
            assert r.returncode == 0 or "already exists" in r.stderr, r.stderr
            self._project_ready = True
        args = [a for a in self.flags if a not in ("--data-dir", str(self.data_dir))]
        self.process = ServeProcess(self.data_dir, *args, *extra, env=self.backend.env).start()
        return self

    def stop(self) -> int:
        assert self.process is not None
        code = self.process.terminate()
        self.output += self.process.stdout + self.process.stderr
        self.process = None
        return code

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.output += self.process.stdout + self.process.stderr
            self.process = None

    def all_output(self) -> str:
        live = (self.process.stdout + self.process.stderr) if self.process else []
        return "\n".join(self.output + live)

    def addr(self, name: str) -> str:
        assert self.process is not None
        return self.process.addr(name)

    def url(self, name: str, path: str = "/") -> str:
        assert self.process is not None
        return self.process.url(name, path)

    # ------------------------------------------------------------------ CLI
    def cli(self, *args: str) -> str:
        r = run_cli(*args, *self.flags, env=self.backend.env)
        assert r.returncode == 0, r.stderr
        self.output += r.stdout.splitlines() + r.stderr.splitlines()
        return r.stdout

    def add_project(self, project_id: str) -> None:
        self.cli("project", "add", "--id", project_id)

    def register_piped(self, name: str, project: str = PROJECT) -> tuple[str, str]:
        out = self.cli("piped", "register", "--project", project, "--name", name)
        found = dict(re.findall(r"^(piped-id|piped-key): (\S+)$", out, re.M))
        return found["piped-id"], found["piped-key"]

    def api_key(self, role: str = "READ_WRITE", project: str = PROJECT, name: str = "test") -> str:
        return self.cli("apikey", "create", "--project", project, "--name", name, "--role", role).splitlines()[-1]

    # ------------------------------------------------------------------ clients
    def piped(self, piped_id: str, key: str, project: str = PROJECT) -> PipedClient:
        return PipedClient(self.addr("piped"), project, piped_id, key)

    def api(self, key: str) -> APIClient:
        return APIClient(self.addr("api"), key)

    @contextlib.asynccontextmanager
    async def host(self) -> AsyncIterator[Host]:
        """An in-process host on the same stores (to look at what the server wrote)."""
        host = HostFlags(self.config_file, self.data_dir, self.backend.cache_address, None, component="test").build()
        await host.start()
        try:
            yield host
        finally:
            await host.close()
