"""Hook implementations: an admin page and a CLI command."""
from __future__ import annotations

import json

import typer

from pipecd_cp.contributions import CliCommand, HttpRoute
from pipecd_cp.hookspecs import hookimpl
from pipecd_cp.server.http.base import APIHandler


class MemfsStatusHandler(APIHandler):
    """GET /memfs on the admin port: what the memfs store holds (or that it is not in use)."""

    def get(self) -> None:
        store = self.host.filestore
        in_use = type(store).__name__ == "MemoryFileStore"
        body = {"in_use": in_use}
        if in_use:
            body.update(objects=len(store.objects), bytes=store.used_bytes)  # type: ignore[attr-defined]
        self.set_header("Content-Type", "application/json")
        self.write(json.dumps(body))


memfs_cli = typer.Typer(help="The memfs example plugin.", no_args_is_help=True)


@memfs_cli.command("about")
def about() -> None:
    """Say what this plugin is."""
    typer.echo("pipecd-cp-memfs: an in-memory file store (example plugin)")


@hookimpl
def register_http_routes() -> list[HttpRoute]:
    return [HttpRoute(r"/memfs", MemfsStatusHandler, server="admin", name="/memfs")]


@hookimpl
def register_cli_commands() -> list[CliCommand]:
    return [CliCommand("memfs", memfs_cli, help="The memfs example plugin.")]
