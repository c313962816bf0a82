"""`pipecd-cp plugins list`."""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from pipecd_cp.plugins import build_plugin_manager, list_plugins

app = typer.Typer(help="Inspect installed plugins.", no_args_is_help=True)


@app.command("list")
def list_cmd(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Every installed backend (by entry-point group) and hook plugin, without importing unused backends."""
    rows = list_plugins(build_plugin_manager())
    if as_json:
        typer.echo(json.dumps([asdict(r) for r in rows], indent=2))
        return
    table = [("NAME", "GROUP", "DISTRIBUTION", "VERSION", "HOOKS")]
    table += [(r.name, r.group, r.distribution, r.version, ",".join(r.hooks)) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    for row in table:
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
