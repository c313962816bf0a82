"""`pipecd-cp config check FILE`."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from pipecd_cp.app import Host, HostSettings
from pipecd_cp.bootstrap import default_data_dir
from pipecd_cp.config.controlplane import load_config
from pipecd_cp.ops.registry import resolve_all
from pipecd_cp.plugins import build_plugin_manager

app = typer.Typer(help="Work with control-plane config files.", no_args_is_help=True)


@app.command("check")
def check(file: Annotated[Path, typer.Argument(help="The control-plane YAML file.", dir_okay=False)],
          cache_address: Annotated[str | None, typer.Option("--cache-address")] = None) -> None:
    """Parse FILE, each backend's config block and the ops tasks' settings (without connecting);
    exit 1 on the first problem."""
    config = load_config(file)
    host = Host(config, HostSettings(data_dir=default_data_dir(), cache_address=cache_address),
                build_plugin_manager())
    try:
        chosen = []
        for sel in host.selected_drivers():
            host._build_driver(sel)
            chosen.append(f"{sel.kind.label} {sel.name}")
        resolve_all(host, applicability=False)  # spec.ops.tasks: names and each task's options
    finally:
        asyncio.run(_close(host))
    for warning in config.warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(f"{file}: ok ({', '.join(chosen)})")


async def _close(host: Host) -> None:
    host.runner.shutdown(wait=False)
