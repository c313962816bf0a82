"""`pipecd-cp ops`: PipeCD's `controlplane ops`, plus commands to run and inspect its tasks.

    pipecd-cp ops [--config-file F] [--http-port 9082] [--admin-port 9085] [--grace-period 15s] ...
    pipecd-cp ops run TASK --once [--dry-run]     run one task now, print its report (exit 1 if it failed)
    pipecd-cp ops list [--json]                   tasks, schedules, last run, next run
    pipecd-cp ops hash-password                   a bcrypt hash for --owner-password-file (reads stdin)
"""
from __future__ import annotations

import asyncio
import getpass
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from pipecd_cp.app import Host
from pipecd_cp.cli.common import (CacheAddress, ConfigFile, DataDir, EncryptionKeyFile, HostFlags, IoThreads,
                                  LogEncoding, LogLevel, run_on_host, setup_logging)
from pipecd_cp.config.durations import parse_duration
from pipecd_cp.errors import PipeCDError, PluginError
from pipecd_cp.ops.attempt import LEASED, UNAVAILABLE
from pipecd_cp.ops.clock import SystemClock
from pipecd_cp.ops.leases import holder_id, leases_for
from pipecd_cp.ops.ownerpage.auth import STATE_KEY, OwnerAuth, cookie_secret, hash_owner_password
from pipecd_cp.ops.process import OpsOptions, OpsProcess
from pipecd_cp.ops.registry import ScheduledTask, installed_names, resolve, resolve_all
from pipecd_cp.ops.scheduler import Scheduler
from pipecd_cp.ops.state import TaskStates

app = typer.Typer(help="The maintenance process: scheduled tasks, the owner page and /metrics.",
                  invoke_without_command=True, no_args_is_help=False)

Bind = Annotated[str, typer.Option("--bind", help="Address the owner page and admin servers listen on.")]
OwnerPasswordFile = Annotated[Optional[Path], typer.Option(
    "--owner-password-file", dir_okay=False, help="A bcrypt hash of the owner page's password "
    "(pipecd-cp ops hash-password). Without it or --owner-token-file the owner page is not served.")]
OwnerTokenFile = Annotated[Optional[Path], typer.Option(
    "--owner-token-file", dir_okay=False, help="A secret (>= 32 characters) for the owner page: typed at sign-in "
    "or sent as 'Authorization: Bearer TOKEN'.")]


def _grace(value: str) -> float:
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--grace-period") from None


@app.callback()
def ops(ctx: typer.Context,
        config_file: ConfigFile = None,
        data_dir: DataDir = None,
        http_port: Annotated[int, typer.Option("--http-port", help="The owner page.")] = 9082,
        admin_port: Annotated[int, typer.Option("--admin-port", help="Admin HTTP: /healthz /version /metrics.")] = 9085,
        grace_period: Annotated[str, typer.Option("--grace-period", help="How long running tasks get to reach a "
                                                  "safe point on SIGTERM.")] = "15s",
        cache_address: CacheAddress = None,
        encryption_key_file: EncryptionKeyFile = None,
        bind: Bind = "0.0.0.0",
        owner_password_file: OwnerPasswordFile = None,
        owner_token_file: OwnerTokenFile = None,
        io_threads: IoThreads = 16,
        log_level: LogLevel = "info",
        log_encoding: LogEncoding = "console") -> None:
    """Run the ops process (PipeCD's `controlplane ops`) until SIGTERM; see the sub-commands to run one task."""
    if ctx.invoked_subcommand is not None:
        return
    setup_logging(log_level, log_encoding)
    grace = _grace(grace_period)
    owner = OwnerAuth.from_files(owner_password_file, owner_token_file)
    flags = HostFlags(config_file, data_dir, cache_address, encryption_key_file, io_threads, "ops")
    asyncio.run(_serve(flags, owner, OpsOptions(bind=bind, http_port=http_port, admin_port=admin_port,
                                                grace_period=grace)))


async def _serve(flags: HostFlags, owner: OwnerAuth | None, options: OpsOptions) -> None:
    host = flags.build()
    await host.start()
    try:
        if owner is None:
            import logging
            logging.getLogger("pipecd_cp.ops").warning(
                "ops | the owner page is not configured (no --owner-password-file or --owner-token-file): "
                "it answers 503")
        else:
            host.state[STATE_KEY] = owner
        options.ops_settings = {"cookie_secret": cookie_secret(host.settings.encryption_key),
                                "xsrf_cookie_kwargs": {"httponly": True, "samesite": "Strict"}}
        await OpsProcess(host, options).run()
    finally:
        await host.close()


def _unknown(name: str) -> PipeCDError:
    names = installed_names()
    return PluginError(f"unknown ops task {name!r}; installed: {', '.join(names) or 'none'}")


@app.command("run")
def run_cmd(task: Annotated[str, typer.Argument(help="The task's name (see: pipecd-cp ops list).")],
            once: Annotated[bool, typer.Option("--once", help="Run it now, once (required).")] = False,
            dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would change; change nothing "
                                                  "(tasks that support it).")] = False,
            config_file: ConfigFile = None, data_dir: DataDir = None, cache_address: CacheAddress = None,
            encryption_key_file: EncryptionKeyFile = None) -> None:
    """Run TASK once now (with its lease, so never alongside a scheduled run) and print its report."""
    if task not in installed_names():
        raise _unknown(task)
    if not once:
        raise typer.BadParameter("only --once is supported: run the task now, once (the ops process runs it "
                                 "on its schedule)", param_hint="--once")
    flags = HostFlags(config_file, data_dir, cache_address, encryption_key_file, component="ops")

    async def action(host: Host) -> tuple[Any, ScheduledTask]:
        st = resolve(host, task)
        st.task.check(True)
        if st.not_applicable:
            raise PipeCDError(f"{task} does not apply here: {st.not_applicable}")
        if dry_run and not type(st.task).supports_dry_run:
            raise PipeCDError(f"{task} does not support --dry-run")
        scheduler = Scheduler(host, [st], clock=SystemClock())
        await scheduler.prepare()
        return await scheduler.runner.run(st, slot=None, manual=True, dry_run=dry_run,
                                          leased=not st.startup), st
    result, st = run_on_host(flags, action)
    if result.outcome == LEASED:
        raise PipeCDError(f"{task} is running elsewhere right now (its lease is held); try again later")
    if result.outcome == UNAVAILABLE:
        raise PipeCDError(f"{task} could not start: {result.error}")
    if result.ok:
        prefix = "dry run: " if dry_run else ""
        typer.echo(f"{task}: {prefix}{result.report.render() if result.report else 'done'} ({result.seconds:.2f}s)")
        return
    typer.echo(f"{task}: {result.outcome}: {type(result.error).__name__}: {result.error}", err=True)
    raise typer.Exit(1)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if ts else "-"


@app.command("list")
def list_cmd(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
             config_file: ConfigFile = None, data_dir: DataDir = None, cache_address: CacheAddress = None,
             encryption_key_file: EncryptionKeyFile = None) -> None:
    """Every installed task: schedule, whether it is enabled, its last run and its next run."""
    flags = HostFlags(config_file, data_dir, cache_address, encryption_key_file, component="ops")

    async def action(host: Host) -> list[dict[str, Any]]:
        tasks = resolve_all(host)
        states = await TaskStates(host.datastore).all()
        clock = SystemClock()
        leases = leases_for(host, clock, holder_id())
        now = clock.time()
        rows = []
        for st in tasks:
            s = states.get(st.name)
            try:
                running = await leases.holder(st.name)
            except PipeCDError:
                running = None
            rows.append({
                "name": st.name, "distribution": st.distribution, "schedule": st.describe_schedule(),
                "enabled": st.enabled, "not_applicable": st.not_applicable, "timeout": st.timeout,
                "last_outcome": s.last_outcome if s else "", "last_finished_at": s.last_finished_at if s else 0,
                "last_success_at": s.last_success_at if s else 0, "last_report": s.last_report if s else {},
                "last_error": s.last_error if s else "", "failures": s.failures if s else 0,
                "running_on": running, "next_run_at": _next_run(st, s, now)})
        return rows
    rows = run_on_host(flags, action)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = [("TASK", "SCHEDULE", "ENABLED", "LAST RUN", "LAST OUTCOME", "NEXT RUN")]
    for r in rows:
        enabled = "n/a" if r["not_applicable"] else ("yes" if r["enabled"] else "no")
        last = r["last_outcome"] + (f" ({r['failures']} failures)" if r["failures"] else "")
        if r["running_on"]:
            last = f"running on {r['running_on']}"
        table.append((r["name"], r["schedule"], enabled, _iso(r["last_finished_at"]), last or "-",
                      _iso(r["next_run_at"]) if r["next_run_at"] else "-"))
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        typer.echo("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())


def _next_run(st: ScheduledTask, state: Any, now: float) -> float:
    """When the scheduler will next try the task (0 when it will not, or only at start-up)."""
    if not st.active or st.schedule is None:
        return 0.0
    if state is not None and state.failures and state.retry_at > now:
        return state.retry_at
    last = state.last_slot if state is not None else 0.0
    latest = st.schedule.latest(now)
    if last and latest > last:
        return now  # a slot is due (runs as soon as an ops process is up)
    return st.schedule.next(now)


@app.command("hash-password")
def hash_password_cmd() -> None:
    """Read a password (typed, or from stdin) and print its bcrypt hash for --owner-password-file."""
    if sys.stdin.isatty():
        password = getpass.getpass("Owner password: ")
        if getpass.getpass("Again: ") != password:
            raise PipeCDError("the passwords differ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 12:
        raise PipeCDError("use at least 12 characters")
    typer.echo(hash_owner_password(password))
