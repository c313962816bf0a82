"""Control of the local test server, for the restart test and for clean-up.

The server is found by the pid file it reports (`@@pid_file`), so only the very process the
tests talk to is ever stopped, and it is started again exactly as `scripts/services up` starts
it.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

HOST, PORT = "127.0.0.1", 3306
DAEMON = "/usr/sbin/mariadbd"


def listening(host: str = HOST, port: int = PORT) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_listening(up: bool = True, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while listening() != up:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{HOST}:{PORT} still {'down' if up else 'up'} after {timeout:.0f}s")
        time.sleep(0.1)


def start() -> None:
    """Start the server the way scripts/services does, and wait for its port."""
    subprocess.run(["start-stop-daemon", "--start", "--oknodo", "--background", "--exec", DAEMON],
                   check=True, timeout=30)
    wait_listening(True)


def ensure_running() -> None:
    """Start the server if nothing listens on its port (idempotent)."""
    if not listening():
        start()


def stop(pid_file: str, timeout: float = 60.0) -> None:
    """Stop the server whose pid is in `pid_file` (SIGTERM: InnoDB's normal shutdown) and wait."""
    pid = int(Path(pid_file).read_text().split()[0])
    comm = Path(f"/proc/{pid}/comm").read_text().strip()
    if comm not in ("mariadbd", "mysqld"):
        raise RuntimeError(f"pid {pid} from {pid_file} is {comm!r}, not the database server")
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists() or listening():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the server (pid {pid}) did not stop within {timeout:.0f}s")
        time.sleep(0.05)
