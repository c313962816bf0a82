"""The `pipecd-cp` command line."""
from __future__ import annotations

import sys
from collections.abc import Sequence

import typer

from pipecd_cp.contributions import merge
from pipecd_cp.errors import PipeCDError
from pipecd_cp.plugins import build_plugin_manager, collect


def build_app(pm: object) -> typer.Typer:
    """The typer application: built-in commands plus every plugin's `register_cli_commands`."""
    from pipecd_cp.cli import admin_cmds, config_cmd, ops_cmd, plugins_cmd, serve_cmd, version_cmd

    app = typer.Typer(name="pipecd-cp", help="A Python control plane for PipeCD.", no_args_is_help=True,
                      add_completion=False, pretty_exceptions_enable=False,
                      context_settings={"help_option_names": ["-h", "--help"]})
    app.command("serve")(serve_cmd.serve)
    app.add_typer(ops_cmd.app, name="ops")
    app.add_typer(plugins_cmd.app, name="plugins")
    app.add_typer(config_cmd.app, name="config")
    app.command("version")(version_cmd.version)
    app.add_typer(admin_cmds.project_app, name="project")
    app.add_typer(admin_cmds.piped_app, name="piped")
    app.add_typer(admin_cmds.apikey_app, name="apikey")
    builtin = {"serve", "ops", "plugins", "config", "version", "project", "piped", "apikey"}
    for cmd in merge("CLI command", collect(pm, "register_cli_commands")):  # type: ignore[arg-type]
        if cmd.name in builtin:
            raise PipeCDError(f"a plugin registers the CLI command {cmd.name!r}, which is built in")
        if isinstance(cmd.command, typer.Typer):
            app.add_typer(cmd.command, name=cmd.name, help=cmd.help or None)
        else:
            app.command(cmd.name, help=cmd.help or None)(cmd.command)
    return app


def fail(message: str, code: int = 1) -> "typer.Exit":
    """Print one error line and return the exit to raise."""
    typer.echo(f"pipecd-cp: error: {message}", err=True)
    return typer.Exit(code)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the console script: one line on stderr for any error, never a traceback.

    Typer handles usage errors (exit 2); pipecd-cp's own errors exit 1.
    """
    try:
        app = build_app(build_plugin_manager())
        app(args=list(argv) if argv is not None else None, prog_name="pipecd-cp")
    except PipeCDError as exc:
        typer.echo(f"pipecd-cp: error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
