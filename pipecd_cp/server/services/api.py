"""APIService: the API pipectl and external tools call with API keys (reference section 6).

READ_ONLY keys may call only the read methods in `READ_ONLY_METHODS`; everything else needs
READ_WRITE. Every object is scoped to the key's project: another project's object is NOT_FOUND
(PipeCD answers InvalidArgument, or nothing at all for GetCommand and Encrypt).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pipecd_cp.domain import applications as apps_domain
from pipecd_cp.domain import events as events_domain
from pipecd_cp.domain import planpreview, sealed
from pipecd_cp.domain.pipeds import register_piped
from pipecd_cp.errors import InvalidArgument, NotFound
from pipecd_cp.proto.grpc.service.apiservice import service_pb2 as pb
from pipecd_cp.proto.model import common_pb2, deployment_pb2
from pipecd_cp.server.grpc.dispatch import CallContext
from pipecd_cp.stores.model import Filter, Op, Owner, asc, desc, eq
from pipecd_cp.stores.pipeds import redact

if TYPE_CHECKING:
    from pipecd_cp.app import Host

READ_ONLY_METHODS = frozenset({"GetApplication", "ListApplications", "GetDeployment", "ListDeployments",
                               "ListStageLogs", "GetCommand", "GetPiped", "Encrypt"})


def _owner(ctx: CallContext) -> Owner:
    return Owner(ctx.principal.project_id)


def _enum_values(enum: object, names: list[str], field: str) -> list[int]:
    out = []
    for name in names:
        try:
            out.append(enum.Value(name))  # type: ignore[attr-defined]
        except ValueError:
            raise InvalidArgument(f"unknown value {name!r}", field=field) from None
    return out


class API:
    def __init__(self, host: "Host") -> None:
        self.host = host
        self.stores = host.stores

    # ------------------------------------------------------------------ applications
    async def AddApplication(self, req: pb.AddApplicationRequest, ctx: CallContext) -> pb.AddApplicationResponse:
        app_id = await apps_domain.add_application(
            self.stores, _owner(ctx), name=req.name, piped_id=req.piped_id, git_path=req.git_path, kind=req.kind,
            platform_provider=req.platform_provider, description=req.description, labels=req.labels)
        return pb.AddApplicationResponse(application_id=app_id)

    async def SyncApplication(self, req: pb.SyncApplicationRequest, ctx: CallContext) -> pb.SyncApplicationResponse:
        cmd_id = await apps_domain.sync_application(self.stores, _owner(ctx), req.application_id, common_pb2.AUTO,
                                                    commander=ctx.principal.key_id)
        return pb.SyncApplicationResponse(command_id=cmd_id)

    async def GetApplication(self, req: pb.GetApplicationRequest, ctx: CallContext) -> pb.GetApplicationResponse:
        return pb.GetApplicationResponse(application=await self.stores.applications.get_owned(req.application_id,
                                                                                               _owner(ctx)))

    async def ListApplications(self, req: pb.ListApplicationsRequest, ctx: CallContext) -> pb.ListApplicationsResponse:
        filters = [eq("project_id", ctx.principal.project_id), eq("disabled", req.disabled)]
        if req.name:
            filters.append(eq("name", req.name))
        if req.kind:
            filters.append(eq("kind", _enum_values(common_pb2.ApplicationKind, [req.kind], "kind")[0]))
        if req.piped_id:
            filters.append(eq("piped_id", req.piped_id))
        labels = dict(req.labels)
        found = await self.stores.applications.find_matching(
            filters, [desc("updated_at"), asc("id")], max(req.limit, 0), req.cursor,
            lambda a: apps_domain.labels_match(a.labels, labels))
        return pb.ListApplicationsResponse(applications=found.items, cursor=found.cursor)

    async def UpdateApplication(self, req: pb.UpdateApplicationRequest, ctx: CallContext) -> pb.UpdateApplicationResponse:
        owner = _owner(ctx)
        git_path = await apps_domain.resolve_git_path(self.stores, owner, req.piped_id, req.git_path)

        def change(a: object) -> None:  # the application itself must be ours too (PipeCD forgets)
            a.piped_id = req.piped_id  # type: ignore[attr-defined]
            a.platform_provider = a.cloud_provider = req.platform_provider  # type: ignore[attr-defined]
            a.git_path.config_filename = git_path.config_filename  # type: ignore[attr-defined]
            a.deploy_targets_by_plugin.clear()  # type: ignore[attr-defined]
        await self.stores.applications.update_live(req.application_id, owner, change)
        return pb.UpdateApplicationResponse(application_id=req.application_id)

    async def DeleteApplication(self, req: pb.DeleteApplicationRequest, ctx: CallContext) -> pb.DeleteApplicationResponse:
        await self.stores.applications.soft_delete(req.application_id, _owner(ctx))
        return pb.DeleteApplicationResponse(application_id=req.application_id)

    async def EnableApplication(self, req: pb.EnableApplicationRequest, ctx: CallContext) -> pb.EnableApplicationResponse:
        await self.stores.applications.set_disabled(req.application_id, _owner(ctx), False)
        return pb.EnableApplicationResponse(application_id=req.application_id)

    async def DisableApplication(self, req: pb.DisableApplicationRequest,
                                 ctx: CallContext) -> pb.DisableApplicationResponse:
        await self.stores.applications.set_disabled(req.application_id, _owner(ctx), True)
        return pb.DisableApplicationResponse(application_id=req.application_id)

    async def RenameApplicationConfigFile(self, req: pb.RenameApplicationConfigFileRequest,
                                          ctx: CallContext) -> pb.RenameApplicationConfigFileResponse:
        owner = _owner(ctx)
        for app_id in req.application_ids:  # all must be ours before any changes
            await self.stores.applications.get_owned(app_id, owner)
        for app_id in req.application_ids:
            await self.stores.applications.update_live(app_id, owner,
                                                       lambda a: setattr(a.git_path, "config_filename", req.new_filename))
        return pb.RenameApplicationConfigFileResponse()

    async def UpdateApplicationDeployTargets(self, req: pb.UpdateApplicationDeployTargetsRequest,
                                             ctx: CallContext) -> pb.UpdateApplicationDeployTargetsResponse:
        def change(a: object) -> None:
            a.deploy_targets_by_plugin.clear()  # type: ignore[attr-defined]
            for plugin, targets in req.deploy_targets_by_plugin.items():
                a.deploy_targets_by_plugin[plugin].CopyFrom(targets)  # type: ignore[attr-defined]
        await self.stores.applications.update_live(req.application_id, _owner(ctx), change)
        return pb.UpdateApplicationDeployTargetsResponse()

    # ------------------------------------------------------------------ deployments
    async def GetDeployment(self, req: pb.GetDeploymentRequest, ctx: CallContext) -> pb.GetDeploymentResponse:
        if not req.deployment_id:
            raise InvalidArgument("value must be at least 1 character long", field="deployment_id")
        return pb.GetDeploymentResponse(deployment=await self.stores.deployments.get_owned(req.deployment_id,
                                                                                            _owner(ctx)))

    async def ListDeployments(self, req: pb.ListDeploymentsRequest, ctx: CallContext) -> pb.ListDeploymentsResponse:
        filters = [eq("project_id", ctx.principal.project_id)]
        if req.statuses:  # PipeCD uses only the first of each list
            filters.append(Filter("status", Op.IN, _enum_values(deployment_pb2.DeploymentStatus, list(req.statuses),
                                                                "statuses")))
        if req.kinds:
            filters.append(Filter("kind", Op.IN, _enum_values(common_pb2.ApplicationKind, list(req.kinds), "kinds")))
        if req.application_ids:
            filters.append(Filter("application_id", Op.IN, list(req.application_ids)))
        if req.application_name:
            filters.append(eq("application_name", req.application_name))
        labels = dict(req.labels)
        found = await self.stores.deployments.find_matching(
            filters, [desc("updated_at"), asc("id")], max(req.limit, 0), req.cursor,
            lambda d: apps_domain.labels_match(d.labels, labels))
        return pb.ListDeploymentsResponse(deployments=found.items, cursor=found.cursor)

    async def ListStageLogs(self, req: pb.ListStageLogsRequest, ctx: CallContext) -> pb.ListStageLogsResponse:
        dep = await self.stores.deployments.get_owned(req.deployment_id, _owner(ctx))
        out = pb.ListStageLogsResponse()
        for stage in dep.stages:
            try:
                blocks, completed = await self.stores.stage_logs.fetch(dep.id, stage.id, stage.retried_count)
            except NotFound:
                if stage.rollback:
                    continue  # a rollback stage that never ran has no log
                blocks, completed = [], False
            out.stage_logs[stage.id].CopyFrom(pb.StageLog(blocks=blocks, completed=completed))
        return out

    # ------------------------------------------------------------------ commands
    async def GetCommand(self, req: pb.GetCommandRequest, ctx: CallContext) -> pb.GetCommandResponse:
        cmd = await self.stores.commands.get(req.command_id)
        _owner(ctx).check("Command", cmd.id, cmd.project_id)
        return pb.GetCommandResponse(command=cmd)

    # ------------------------------------------------------------------ pipeds
    async def GetPiped(self, req: pb.GetPipedRequest, ctx: CallContext) -> pb.GetPipedResponse:
        return pb.GetPipedResponse(piped=redact(await self.stores.pipeds.get_owned(req.piped_id, _owner(ctx))))

    async def RegisterPiped(self, req: pb.RegisterPipedRequest, ctx: CallContext) -> pb.RegisterPipedResponse:
        piped, key = await register_piped(self.stores, self.host.runner, ctx.principal.project_id, req.name, req.desc,
                                          creator=ctx.principal.key_name)
        return pb.RegisterPipedResponse(id=piped.id, key=key)

    async def UpdatePiped(self, req: pb.UpdatePipedRequest, ctx: CallContext) -> pb.UpdatePipedResponse:
        def change(p: object) -> None:
            p.name, p.desc = req.name, req.desc  # type: ignore[attr-defined]
        await self.stores.pipeds.update_owned(req.piped_id, _owner(ctx), change)
        return pb.UpdatePipedResponse()

    async def EnablePiped(self, req: pb.EnablePipedRequest, ctx: CallContext) -> pb.EnablePipedResponse:
        await self.stores.pipeds.set_disabled(req.piped_id, _owner(ctx), False)
        return pb.EnablePipedResponse()

    async def DisablePiped(self, req: pb.DisablePipedRequest, ctx: CallContext) -> pb.DisablePipedResponse:
        await self.stores.pipeds.set_disabled(req.piped_id, _owner(ctx), True)
        return pb.DisablePipedResponse()

    # ------------------------------------------------------------------ events
    async def RegisterEvent(self, req: pb.RegisterEventRequest, ctx: CallContext) -> pb.RegisterEventResponse:
        event_id = await events_domain.register_event(
            self.stores, ctx.principal.project_id, name=req.name, data=req.data, labels=req.labels,
            contexts=req.contexts, commit_hash=req.commit_hash, commit_url=req.commit_url,
            commit_title=req.commit_title, commit_message=req.commit_message, commit_author=req.commit_author,
            commit_timestamp=req.commit_timestamp)
        return pb.RegisterEventResponse(event_id=event_id)

    # ------------------------------------------------------------------ plan preview
    async def RequestPlanPreview(self, req: pb.RequestPlanPreviewRequest,
                                 ctx: CallContext) -> pb.RequestPlanPreviewResponse:
        ids = await planpreview.request_plan_preview(
            self.stores, ctx.principal.project_id, remote_url=req.repo_remote_url, head_branch=req.head_branch,
            head_commit=req.head_commit, base_branch=req.base_branch, timeout=req.timeout)
        return pb.RequestPlanPreviewResponse(commands=ids)

    async def GetPlanPreviewResults(self, req: pb.GetPlanPreviewResultsRequest,
                                    ctx: CallContext) -> pb.GetPlanPreviewResultsResponse:
        results = await planpreview.plan_preview_results(self.stores, _owner(ctx), list(req.commands),
                                                         req.command_handle_timeout, self.host.config.spec.address)
        return pb.GetPlanPreviewResultsResponse(results=results)

    # ------------------------------------------------------------------ secrets
    async def Encrypt(self, req: pb.EncryptRequest, ctx: CallContext) -> pb.EncryptResponse:
        # PipeCD checks no project here; another project's piped is NOT_FOUND.
        ciphertext = await sealed.seal_for_piped(self.stores, self.host.runner, _owner(ctx), req.piped_id,
                                                 req.plaintext, req.base64_encoding)
        return pb.EncryptResponse(ciphertext=ciphertext)

