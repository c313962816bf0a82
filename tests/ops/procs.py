"""`pipecd-cp ops` in a subprocess on free ports, for the process and owner-page tests."""
from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

_READY = re.compile(r"server \| ready (.*)$")


class OpsProc:
    """`pipecd-cp ops` on free ports; `ports` comes from its ready line."""

    def __init__(self, *args: str, env: dict | None = None) -> None:
        cmd = [sys.executable, "-m", "pipecd_cp", "ops", "--bind", "127.0.0.1", "--http-port", "0",
               "--admin-port", "0", *args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.lines: list[str] = []
        self.ports: dict[str, int] = {}
        self._ready = threading.Event()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            m = _READY.search(line)
            if m:
                self.ports = {k: int(v) for k, v in (p.split("=") for p in m.group(1).split())}
                self._ready.set()

    def wait_ready(self, timeout: float = 30) -> "OpsProc":
        deadline = time.monotonic() + timeout
        while not self._ready.wait(0.05):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise AssertionError("ops did not become ready:\n" + "\n".join(self.lines[-30:]))
        return self

    def wait_line(self, needle: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(needle in line for line in self.lines):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError(f"no line with {needle!r}:\n" + "\n".join(self.lines[-30:]))
            time.sleep(0.02)

    def get(self, server: str, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.ports[server]}{path}", timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    def terminate(self, timeout: float = 30) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
