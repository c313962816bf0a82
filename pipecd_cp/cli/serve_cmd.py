"""`pipecd-cp serve`: PipeCD's `controlplane server`, with the same flags and defaults."""
from __future__ import annotations

import asyncio
import gc
import logging
from pathlib import Path
from typing import Annotated, Optional

import typer

from pipecd_cp.bootstrap import QUICKSTART_PROJECT, QUICKSTART_USER, ensure_quickstart_project
from pipecd_cp.cli.common import (CacheAddress, ConfigFile, DataDir, EncryptionKeyFile, HostFlags, IoThreads,
                                  LogEncoding, LogLevel, setup_logging)
from pipecd_cp.config.durations import parse_duration
from pipecd_cp.server.grpc.servers import DEFAULT_MAX_RECV, GrpcOptions
from pipecd_cp.server.process import ServeOptions, ServerProcess, server_listeners

log = logging.getLogger("pipecd_cp.cli")


def _duration(value: str, flag: str) -> float:
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=flag) from None


def serve(
    config_file: ConfigFile = None,
    data_dir: DataDir = None,
    piped_api_port: Annotated[int, typer.Option("--piped-api-port", help="gRPC PipedService (pipeds).")] = 9080,
    web_api_port: Annotated[int, typer.Option("--web-api-port", help="gRPC WebService (console).")] = 9081,
    http_port: Annotated[int, typer.Option("--http-port", help="HTTP: console, auth, gRPC-Web.")] = 9082,
    api_port: Annotated[int, typer.Option("--api-port", help="gRPC APIService (pipectl, API keys).")] = 9083,
    admin_port: Annotated[int, typer.Option("--admin-port", help="Admin HTTP: /healthz /version /metrics.")] = 9085,
    cache_address: CacheAddress = None,
    encryption_key_file: EncryptionKeyFile = None,
    insecure_cookie: Annotated[bool, typer.Option("--insecure-cookie", help="Do not mark cookies Secure.")] = False,
    grace_period: Annotated[str, typer.Option("--grace-period", help="How long to drain on SIGTERM.")] = "30s",
    tls: Annotated[bool, typer.Option("--tls", help="Serve gRPC and HTTP over TLS.")] = False,
    cert_file: Annotated[Optional[Path], typer.Option("--cert-file", dir_okay=False)] = None,
    key_file: Annotated[Optional[Path], typer.Option("--key-file", dir_okay=False)] = None,
    enable_grpc_reflection: Annotated[bool, typer.Option("--enable-grpc-reflection")] = False,
    static_dir: Annotated[Optional[Path], typer.Option("--static-dir", file_okay=False,
                                                       help="Console assets (default: the bundled webroot).")] = None,
    bind: Annotated[str, typer.Option("--bind", help="Address every server listens on.")] = "0.0.0.0",
    max_recv_msg_size: Annotated[int, typer.Option("--max-recv-msg-size", min=1024,
                                                   help="Largest accepted request, bytes.")] = DEFAULT_MAX_RECV,
    io_threads: IoThreads = 16,
    log_level: LogLevel = "info",
    log_encoding: LogEncoding = "console",
) -> None:
    """Run the control plane's servers (piped API, web API, HTTP, API, admin)."""
    setup_logging(log_level, log_encoding)
    grace = _duration(grace_period, "--grace-period")
    tls_cert = tls_key = None
    if tls:
        if not (cert_file and key_file):
            raise typer.BadParameter("--tls needs --cert-file and --key-file", param_hint="--tls")
        tls_cert, tls_key = cert_file.read_bytes(), key_file.read_bytes()
    flags = HostFlags(config_file, data_dir, cache_address, encryption_key_file, io_threads, "server")
    options = ServeOptions(
        bind=bind,
        grpc_ports={"piped": piped_api_port, "web": web_api_port, "api": api_port},
        http=server_listeners(http_port, admin_port, static_dir),
        grace_period=grace,
        grpc=GrpcOptions(max_receive_bytes=max_recv_msg_size, reflection=enable_grpc_reflection,
                         tls_cert=tls_cert, tls_key=tls_key),
        tls_cert_file=cert_file if tls else None, tls_key_file=key_file if tls else None,
    )
    asyncio.run(_serve(flags, options, insecure_cookie))


async def _serve(flags: HostFlags, options: ServeOptions, insecure_cookie: bool) -> None:
    host = flags.build()
    host.settings.insecure_cookie = insecure_cookie
    await host.start()
    # Everything allocated at start-up lives as long as the process: keep it out of the GC's
    # scans, and collect the young generation less often (fewer pauses on the request path).
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    try:
        if host.embedded:
            password = await ensure_quickstart_project(host)
            if password:
                print(f"Created project {QUICKSTART_PROJECT!r}. Static admin (shown once): "
                      f"username {QUICKSTART_USER}, password {password}", flush=True)
        await ServerProcess(host, options).run()
    finally:
        await host.close()
