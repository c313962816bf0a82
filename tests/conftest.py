"""Shared test helpers: fake installed distributions and a real `pipecd-cp serve` subprocess."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_entry_points() -> Iterator[None]:
    """stevedore caches entry points per namespace for the life of a process (right for a server,
    whose installed packages do not change); tests install distributions, so start each afresh."""
    from stevedore.extension import ExtensionManager
    ExtensionManager.ENTRY_POINT_CACHE.clear()
    yield
    ExtensionManager.ENTRY_POINT_CACHE.clear()


def write_dist(root: Path, name: str, entry_points: dict[str, dict[str, str]],
               modules: dict[str, str] | None = None, version: str = "0.1.0") -> Path:
    """Create an installed distribution (a dist-info folder plus modules) under `root`."""
    root.mkdir(parents=True, exist_ok=True)
    dist = root / f"{name.replace('-', '_')}-{version}.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    lines = []
    for group, eps in entry_points.items():
        lines.append(f"[{group}]")
        lines += [f"{k} = {v}" for k, v in eps.items()]
    (dist / "entry_points.txt").write_text("\n".join(lines) + "\n")
    for rel, source in (modules or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return root


def env_with_path(*paths: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*map(str, paths), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(extra)
    return env


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m pipecd_cp ARGS` and capture its output."""
    return subprocess.run([sys.executable, "-m", "pipecd_cp", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, cwd=cwd)


_READY = re.compile(r"server \| ready (.*)$")


class ServeProcess:
    """`pipecd-cp serve` in a subprocess on free ports; `ports` is filled from its ready line."""

    def __init__(self, data_dir: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.data_dir, self.args, self.env = data_dir, list(args), env
        self.proc: subprocess.Popen[str] | None = None
        self.ports: dict[str, int] = {}
        self.stdout: list[str] = []
        self.stderr: list[str] = []

    def start(self, timeout: float = 30) -> "ServeProcess":
        cmd = [sys.executable, "-m", "pipecd_cp", "serve", "--data-dir", str(self.data_dir), "--bind", "127.0.0.1",
               "--piped-api-port", "0", "--web-api-port", "0", "--http-port", "0", "--api-port", "0",
               "--admin-port", "0", *self.args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env)
        ready = threading.Event()

        def pump(stream, sink: list[str]) -> None:
            for line in stream:
                sink.append(line.rstrip("\n"))
                m = _READY.search(line)
                if m:
                    self.ports = {k: int(v) for k, v in (p.split("=") for p in m.group(1).split())}
                    ready.set()
        threading.Thread(target=pump, args=(self.proc.stdout, self.stdout), daemon=True).start()
        threading.Thread(target=pump, args=(self.proc.stderr, self.stderr), daemon=True).start()
        deadline = time.monotonic() + timeout
        while not ready.wait(0.05):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise AssertionError("serve did not become ready:\n" + "\n".join(self.stderr[-30:]))
        return self

    def addr(self, name: str) -> str:
        return f"127.0.0.1:{self.ports[name]}"

    def url(self, name: str, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.ports[name]}{path}"

    def terminate(self, timeout: float = 40) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator:
    """Factory: `serve(*args, env=..., data_dir=...)` starts a server; all are killed at the end."""
    started: list[ServeProcess] = []

    def start(*args: str, env: dict[str, str] | None = None, data_dir: Path | None = None) -> ServeProcess:
        p = ServeProcess(data_dir or tmp_path / "data", *args, env=env).start()
        started.append(p)
        return p
    yield start
    for p in started:
        p.kill()
