"""Plan previews: queue BUILD_PLAN_PREVIEW commands, then collect their results (APIService)."""
from __future__ import annotations

from google.protobuf import json_format

from pipecd_cp.errors import FailedPrecondition, InvalidArgument, NotFound
from pipecd_cp.proto.model import command_pb2, planpreview_pb2
from pipecd_cp.stores import Stores
from pipecd_cp.stores.hashes import STAT_RETENTION
from pipecd_cp.stores.model import Owner, eq

DEFAULT_HANDLE_TIMEOUT = 300
HANDLED_RESULT_TTL = 24 * 3600


async def request_plan_preview(stores: Stores, project_id: str, *, remote_url: str, head_branch: str,
                               head_commit: str, base_branch: str, timeout: int) -> list[str]:
    """One command per repository (on any enabled piped) whose remote and branch match."""
    pipeds = await stores.pipeds.find([eq("project_id", project_id), eq("disabled", False)])
    ids = []
    for piped in pipeds.items:
        for repo in piped.repositories:
            if repo.remote == remote_url and repo.branch == base_branch:
                cmd = command_pb2.Command(
                    piped_id=piped.id, project_id=project_id, commander="pipectl",
                    type=command_pb2.Command.BUILD_PLAN_PREVIEW,
                    build_plan_preview=command_pb2.Command.BuildPlanPreview(
                        repository_id=repo.id, head_branch=head_branch, head_commit=head_commit,
                        base_branch=base_branch, timeout=timeout))
                ids.append((await stores.commands.add(cmd)).id)
    return ids


async def plan_preview_results(stores: Stores, owner: Owner, command_ids: list[str], handle_timeout: int,
                               address: str) -> list[planpreview_pb2.PlanPreviewCommandResult]:
    """PipeCD's GetPlanPreviewResults: NotFound while results are pending, so pipectl polls."""
    timeout = handle_timeout or DEFAULT_HANDLE_TIMEOUT
    now = stores.commands.now()
    stats = await stores.hashes.piped_stats()
    results = []
    for command_id in command_ids:
        cmd = await stores.commands.get(command_id)
        owner.check("Command", command_id, cmd.project_id)
        if cmd.type != command_pb2.Command.BUILD_PLAN_PREVIEW:
            raise InvalidArgument(f"command {command_id!r} is not a plan preview", field="commands")
        piped = await stores.pipeds.get(cmd.piped_id)
        base = address.rstrip("/")
        if cmd.status == command_pb2.COMMAND_NOT_HANDLED_YET:
            stat = stats.get(cmd.piped_id)
            online = stat is not None and now - stat.timestamp < STAT_RETENTION
            if not online:
                result = planpreview_pb2.PlanPreviewCommandResult(command_id=cmd.id, piped_id=cmd.piped_id,
                                                                  error="Maybe Piped is offline currently.")
            elif now - cmd.created_at < timeout:
                raise NotFound(f"Waiting for result of command {command_id}")
            else:
                result = planpreview_pb2.PlanPreviewCommandResult(
                    command_id=cmd.id, piped_id=cmd.piped_id,
                    error=f"Timed out, maybe the Piped is offline currently (waited {timeout}s).")
        else:
            if now - cmd.handled_at > HANDLED_RESULT_TTL:
                raise FailedPrecondition(f"the result of command {command_id!r} is too old")
            raw = await stores.objects.get_command_output(command_id)
            result = planpreview_pb2.PlanPreviewCommandResult()
            try:
                json_format.Parse(raw, result, ignore_unknown_fields=True)
            except json_format.ParseError:
                result = planpreview_pb2.PlanPreviewCommandResult(
                    command_id=cmd.id, piped_id=cmd.piped_id, error="the piped sent a result that cannot be read")
        result.piped_name = piped.name
        result.piped_url = f"{base}/settings/piped" if base else ""
        for app in result.results:
            if base and app.application_id:
                app.application_url = f"{base}/applications/{app.application_id}"
        results.append(result)
    return results
