"""Flags shared by every command that runs on a host (serve, ops, apikey, piped, project)."""
from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional, TypeVar

import typer

from pipecd_cp.app import Host, HostSettings
from pipecd_cp.bootstrap import default_data_dir, ensure_key_file, read_key_file
from pipecd_cp.config.controlplane import ControlPlaneConfig, load_config
from pipecd_cp.plugins import build_plugin_manager

log = logging.getLogger("pipecd_cp.cli")

ConfigFile = Annotated[Optional[Path], typer.Option(
    "--config-file", help="PipeCD control-plane config (kind: ControlPlane). Omit to run on embedded defaults.",
    dir_okay=False)]
DataDir = Annotated[Optional[Path], typer.Option(
    "--data-dir", help="Folder for embedded defaults (SQLite, files, generated key). "
    "Default: $PIPECD_CP_DATA_DIR or ~/.local/share/pipecd-cp.", file_okay=False)]
CacheAddress = Annotated[Optional[str], typer.Option(
    "--cache-address", help="Redis host:port (or a redis:// URL); selects the redis cache plugin.")]
EncryptionKeyFile = Annotated[Optional[Path], typer.Option(
    "--encryption-key-file", help="Key for JWT signing and AES-GCM (>= 32 bytes). "
    "Default: {data-dir}/encryption-key, generated on first start.", dir_okay=False)]
LogLevel = Annotated[str, typer.Option("--log-level", help="debug, info, warning or error.")]
LogEncoding = Annotated[str, typer.Option("--log-encoding", help="console or json.")]
IoThreads = Annotated[int, typer.Option("--io-threads", min=1, max=256,
                                        help="Threads for blocking storage drivers.")]


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": self.formatTime(record), "level": record.levelname.lower(), "logger": record.name,
               "msg": record.getMessage()}
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return json.dumps(out)


def setup_logging(level: str = "info", encoding: str = "console") -> None:
    levels = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}
    if level.lower() not in levels:
        raise typer.BadParameter(f"unknown log level {level!r}; use one of {', '.join(levels)}",
                                 param_hint="--log-level")
    if encoding not in ("console", "json"):
        raise typer.BadParameter("use console or json", param_hint="--log-encoding")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_JsonFormatter() if encoding == "json" else
                         logging.Formatter("%(asctime)s %(levelname)-7s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(levels[level.lower()])
    logging.getLogger("stevedore").setLevel(logging.WARNING)
    logging.getLogger("tornado.access").setLevel(logging.ERROR)  # requests are counted in /metrics


@dataclass
class HostFlags:
    config_file: Path | None = None
    data_dir: Path | None = None
    cache_address: str | None = None
    encryption_key_file: Path | None = None
    io_threads: int = 16
    component: str = "server"

    def build(self) -> Host:
        """Read the config and the key, and build (not start) a host."""
        config = load_config(self.config_file) if self.config_file else ControlPlaneConfig()
        for warning in config.warnings:
            log.warning("config | %s", warning)
        data_dir = self.data_dir or default_data_dir()
        if self.encryption_key_file:
            key = read_key_file(self.encryption_key_file)
        else:
            key, created = ensure_key_file(data_dir)
            if created:
                log.info("bootstrap | generated an encryption key at %s", data_dir / "encryption-key")
            if config.file:
                log.warning("bootstrap | no --encryption-key-file: using %s; every replica needs the same key",
                            data_dir / "encryption-key")
        settings = HostSettings(data_dir=data_dir, cache_address=self.cache_address, encryption_key=key,
                                io_threads=self.io_threads, component=self.component)
        return Host(config, settings, build_plugin_manager())


T = TypeVar("T")


def run_on_host(flags: HostFlags, action: Callable[[Host], Awaitable[T]]) -> T:
    """Start a host from `flags`, run `action` on it, close it: for one-shot commands (logging
    kept to warnings so the command's own output stays readable)."""
    setup_logging("warning")

    async def main() -> T:
        host = flags.build()
        await host.start()
        try:
            return await action(host)
        finally:
            await host.close()
    return asyncio.run(main())
