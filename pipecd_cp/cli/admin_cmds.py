"""Bootstrap commands that work on the datastore directly, with the same config and flags as `serve`:

    pipecd-cp project add --id P [--desc D]        create a project (static admin shown once)
    pipecd-cp project list
    pipecd-cp piped register --project P --name N  prints the piped id and key (shown once)
    pipecd-cp apikey create --project P --name N --role READ_ONLY|READ_WRITE
                                                   prints the key alone on the last line (shown once)
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Annotated

import typer

from pipecd_cp.app import Host
from pipecd_cp.auth.credentials import hash_key, new_api_key
from pipecd_cp.bootstrap import create_project
from pipecd_cp.cli.common import CacheAddress, ConfigFile, DataDir, EncryptionKeyFile, HostFlags, run_on_host
from pipecd_cp.domain.pipeds import register_piped
from pipecd_cp.errors import AlreadyExists, NotFound, PipeCDError
from pipecd_cp.proto.model import apikey_pb2

CLI_CREATOR = "pipecd-cp-cli"

project_app = typer.Typer(help="Manage datastore projects.", no_args_is_help=True)
piped_app = typer.Typer(help="Manage pipeds.", no_args_is_help=True)
apikey_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)

Project = Annotated[str, typer.Option("--project", help="The project id.")]
Name = Annotated[str, typer.Option("--name", help="A name for it.")]


async def _require_project(host: Host, project_id: str) -> None:
    if host.config.spec.project(project_id) is not None:
        return
    try:
        await host.stores.projects.get(project_id)
    except NotFound:
        raise PipeCDError(f"no project {project_id!r} (create it with: pipecd-cp project add --id {project_id})") from None


@project_app.command("add")
def project_add(project_id: Annotated[str, typer.Option("--id", help="The new project's id.")],
                desc: Annotated[str, typer.Option("--desc")] = "",
                shared_sso: Annotated[str, typer.Option("--shared-sso", help="A sharedSSOConfigs name.")] = "",
                allow_stray_as_viewer: Annotated[bool, typer.Option("--allow-stray-as-viewer")] = False,
                config_file: ConfigFile = None, data_dir: DataDir = None, cache_address: CacheAddress = None,
                encryption_key_file: EncryptionKeyFile = None) -> None:
    """Create a project with a random static admin (its password is shown only once)."""
    flags = HostFlags(config_file, data_dir, cache_address, encryption_key_file, component="cli")

    async def action(host: Host) -> tuple[str, str]:
        if shared_sso and host.config.spec.shared_sso(shared_sso) is None:
            raise PipeCDError(f"--shared-sso {shared_sso!r} is not one of the config file's sharedSSOConfigs")
        if host.config.spec.project(project_id) is not None:
            raise PipeCDError(f"project {project_id!r} is defined in the config file")
        try:
            return await create_project(host, project_id, desc, shared_sso_name=shared_sso,
                                        allow_stray_as_viewer=allow_stray_as_viewer)
        except AlreadyExists:
            raise PipeCDError(f"project {project_id!r} already exists") from None
    username, password = run_on_host(flags, action)
    typer.echo(f"Created project {project_id!r}. Static admin (shown once):")
    typer.echo(f"username: {username}")
    typer.echo(f"password: {password}")


@project_app.command("list")
def project_list(as_json: Annotated[bool, typer.Option("--json")] = False, config_file: ConfigFile = None,
                 data_dir: DataDir = None, cache_address: CacheAddress = None,
                 encryption_key_file: EncryptionKeyFile = None) -> None:
    """List the datastore's projects (projects of the config file are not listed, as in PipeCD)."""
    flags = HostFlags(config_file, data_dir, cache_address, encryption_key_file, component="cli")
    projects = run_on_host(flags, lambda host: host.stores.projects.find_all())
    rows = [{"id": p.id, "desc": p.desc, "static_admin_disabled": p.static_admin_disabled,
             "shared_sso_name": p.shared_sso_name,
             "created_at": datetime.fromtimestamp(p.created_at, timezone.utc).isoformat()} for p in projects]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = [("ID", "DESCRIPTION", "STATIC ADMIN DISABLED", "SHARED SSO", "CREATED")]
    table += [(r["id"], r["desc"], str(r["static_admin_disabled"]).lower(), r["shared_sso_name"], r["created_at"])
              for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    for row in table:
        typer.echo("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())


@piped_app.command("register")
def piped_register(project: Project, name: Name, desc: Annotated[str, typer.Option("--desc")] = "",
                   config_file: ConfigFile = None, data_dir: DataDir = None, cache_address: CacheAddress = None,
                   encryption_key_file: EncryptionKeyFile = None) -> None:
    """Register a piped; prints its id and key (the key is shown only once)."""
    flags = HostFlags(config_file, data_dir, cache_address, encryption_key_file, component="cli")

    async def action(host: Host) -> tuple[str, str]:
        await _require_project(host, project)
        piped, key = await register_piped(host.stores, host.runner, project, name, desc, CLI_CREATOR)
        return piped.id, key
    piped_id, key = run_on_host(flags, action)
    typer.echo(f"Registered piped {name!r} in project {project!r}. The key is shown only once.")
    typer.echo(f"piped-id: {piped_id}")
    typer.echo(f"piped-key: {key}")


@apikey_app.command("create")
def apikey_create(project: Project, name: Name,
                  role: Annotated[str, typer.Option("--role", help="READ_ONLY or READ_WRITE.")] = "READ_ONLY",
                  config_file: ConfigFile = None, data_dir: DataDir = None, cache_address: CacheAddress = None,
                  encryption_key_file: EncryptionKeyFile = None) -> None:
    """Create an API key; the key is printed alone on the last line (shown only once)."""
    if role not in apikey_pb2.APIKey.Role.keys():
        raise typer.BadParameter("use READ_ONLY or READ_WRITE", param_hint="--role")
    flags = HostFlags(config_file, data_dir, cache_address, encryption_key_file, component="cli")

    async def action(host: Host) -> tuple[str, str]:
        await _require_project(host, project)
        key_id, key = new_api_key()
        key_hash = await host.runner.run(hash_key, key)
        await host.stores.apikeys.add(apikey_pb2.APIKey(id=key_id, name=name, key_hash=key_hash, project_id=project,
                                                        role=apikey_pb2.APIKey.Role.Value(role), creator=CLI_CREATOR))
        return key_id, key
    key_id, key = run_on_host(flags, action)
    typer.echo(f"Created {role} API key {name!r} ({key_id}) in project {project!r}. It is shown only once:")
    typer.echo(key)
