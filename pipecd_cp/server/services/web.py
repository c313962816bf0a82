"""WebService: the API the web console calls, with PipeCD's behaviour RPC by RPC (reference section 5).

Served on the web gRPC port and, through the same `UnaryService` dispatch, as gRPC-Web on the
HTTP port. Every method receives the session's `WebPrincipal` in `ctx.principal`, already
authorized by its `(model.rbac)` rule (`pipecd_cp.auth.web`). Every object a request names must
belong to the caller's project: another project's object is NOT_FOUND (PipeCD answers
PERMISSION_DENIED, which tells the caller that it exists). Project-changing RPCs on a config
project ("debug" project) are FAILED_PRECONDITION, as PipeCD.

Differences from PipeCD, besides NOT_FOUND: key hashes are always redacted (ListAPIKeys too);
UpdateApplication checks that the application is the caller's, not only the piped; GetCommand
and ListDeploymentTraces stay inside the project; UpdateProjectSSOConfig stores OIDC, Google and
`session_ttl` too, with every client id and secret encrypted; releases come from
`spec.web.releasesSource` instead of GitHub; deleted applications are not listed; filters on
several kinds or statuses use all of them (PipeCD uses the first).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pipecd_cp.auth.aes import SecretBox
from pipecd_cp.auth.credentials import hash_key, new_api_key
from pipecd_cp.bootstrap import hash_password
from pipecd_cp.domain import applications as apps_domain
from pipecd_cp.domain import insights as insights_domain
from pipecd_cp.domain import projects as projects_domain
from pipecd_cp.domain import releases as releases_domain
from pipecd_cp.domain import sealed
from pipecd_cp.domain.ownership import Ownership
from pipecd_cp.domain.pipeds import recreate_piped_key, register_piped
from pipecd_cp.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from pipecd_cp.proto.grpc.service.webservice import service_pb2 as pb
from pipecd_cp.proto.model import apikey_pb2, command_pb2, deployment_pb2 as dpb, insight_pb2, piped_pb2
from pipecd_cp.server.grpc.dispatch import CallContext
from pipecd_cp.server.http.outbound import outbound
from pipecd_cp.stores import apikeys as apikeys_store
from pipecd_cp.stores.deployments import COMPLETED, STAGE_COMPLETED
from pipecd_cp.stores.hashes import STAT_RETENTION
from pipecd_cp.stores.model import Filter, Op, Owner, asc, desc, eq
from pipecd_cp.stores.pipeds import redact as redact_piped
from pipecd_cp.stores.projects import redact as redact_project

if TYPE_CHECKING:
    from pipecd_cp.app import Host
    from pipecd_cp.auth.web import WebPrincipal

_NEWEST_FIRST = [desc("updated_at"), asc("id")]


def _me(ctx: CallContext) -> "WebPrincipal":
    return ctx.principal


def _owner(ctx: CallContext) -> Owner:
    return Owner(ctx.principal.project_id)


def _since(field: str, value: int, op: Op = Op.GTE) -> list[Filter]:
    return [Filter(field, op, value)] if value > 0 else []


def _stage(dep: dpb.Deployment, stage_id: str) -> dpb.PipelineStage:
    stage = next((s for s in dep.stages if s.id == stage_id), None)
    if stage is None:
        raise FailedPrecondition("The stage was not found in the deployment")
    return stage


class WebAPI:
    def __init__(self, host: "Host") -> None:
        self.host = host
        self.stores = host.stores
        self.spec = host.config.spec
        self.ownership = Ownership(host.stores)
        self.box = SecretBox(host.auth.key)
        self.releases = releases_domain.ReleaseSource(self.spec.web.releases_source, host.runner,
                                                      lambda url: outbound(host).get_bytes(url), host.clock)

    async def _command(self, ctx: CallContext, **fields: object) -> str:
        """Queue a command from the calling user; return its id."""
        cmd = command_pb2.Command(project_id=_me(ctx).project_id, commander=_me(ctx).subject, **fields)
        return (await self.stores.commands.add(cmd)).id

    async def _roles_changed(self, ctx: CallContext) -> None:
        await self.host.auth.web.roles_changed(_me(ctx).project_id)

    def _refuse_config_project(self, ctx: CallContext) -> None:
        projects_domain.refuse_config_project(self.spec, _me(ctx).project_id)

    # ------------------------------------------------------------------ pipeds
    async def RegisterPiped(self, req: pb.RegisterPipedRequest, ctx: CallContext) -> pb.RegisterPipedResponse:
        piped, key = await register_piped(self.stores, self.host.runner, _me(ctx).project_id, req.name, req.desc,
                                          creator=_me(ctx).subject)
        return pb.RegisterPipedResponse(id=piped.id, key=key)

    async def UpdatePiped(self, req: pb.UpdatePipedRequest, ctx: CallContext) -> pb.UpdatePipedResponse:
        def change(p: piped_pb2.Piped) -> None:
            p.name, p.desc = req.name, req.desc
        await self.stores.pipeds.update_owned(req.piped_id, _owner(ctx), change)
        return pb.UpdatePipedResponse()

    async def RecreatePipedKey(self, req: pb.RecreatePipedKeyRequest, ctx: CallContext) -> pb.RecreatePipedKeyResponse:
        key = await recreate_piped_key(self.stores, self.host.runner, _owner(ctx), req.id, creator=_me(ctx).subject)
        return pb.RecreatePipedKeyResponse(key=key)

    async def DeleteOldPipedKeys(self, req: pb.DeleteOldPipedKeysRequest,
                                 ctx: CallContext) -> pb.DeleteOldPipedKeysResponse:
        await self.stores.pipeds.delete_old_keys(req.piped_id, _owner(ctx))
        return pb.DeleteOldPipedKeysResponse()

    async def EnablePiped(self, req: pb.EnablePipedRequest, ctx: CallContext) -> pb.EnablePipedResponse:
        await self.stores.pipeds.set_disabled(req.piped_id, _owner(ctx), False)
        return pb.EnablePipedResponse()

    async def DisablePiped(self, req: pb.DisablePipedRequest, ctx: CallContext) -> pb.DisablePipedResponse:
        await self.stores.pipeds.set_disabled(req.piped_id, _owner(ctx), True)
        return pb.DisablePipedResponse()

    async def ListPipeds(self, req: pb.ListPipedsRequest, ctx: CallContext) -> pb.ListPipedsResponse:
        filters = [eq("project_id", _me(ctx).project_id)]
        if req.options.HasField("enabled"):
            filters.append(eq("disabled", not req.options.enabled.value))
        pipeds = [redact_piped(p) for p in await self.stores.pipeds.find_all(filters)]
        if req.with_status:
            stats, now = await self.stores.hashes.piped_stats(), self.host.now()
            for p in pipeds:
                stat = stats.get(p.id)
                online = stat is not None and now - stat.timestamp < STAT_RETENTION
                p.status = piped_pb2.Piped.ONLINE if online else piped_pb2.Piped.OFFLINE
        return pb.ListPipedsResponse(pipeds=pipeds)

    async def GetPiped(self, req: pb.GetPipedRequest, ctx: CallContext) -> pb.GetPipedResponse:
        return pb.GetPipedResponse(piped=redact_piped(await self.stores.pipeds.get_owned(req.piped_id, _owner(ctx))))

    async def UpdatePipedDesiredVersion(self, req: pb.UpdatePipedDesiredVersionRequest,
                                        ctx: CallContext) -> pb.UpdatePipedDesiredVersionResponse:
        owner = _owner(ctx)
        for piped_id in req.piped_ids:  # all must be ours before any changes
            await self.stores.pipeds.get_owned(piped_id, owner)

        def change(p: piped_pb2.Piped) -> None:
            p.desired_version = req.version
        for piped_id in req.piped_ids:
            await self.stores.pipeds.update_owned(piped_id, owner, change)
        return pb.UpdatePipedDesiredVersionResponse()

    async def RestartPiped(self, req: pb.RestartPipedRequest, ctx: CallContext) -> pb.RestartPipedResponse:
        piped = await self.stores.pipeds.get_owned(req.piped_id, _owner(ctx))
        cmd_id = await self._command(ctx, piped_id=piped.id, type=command_pb2.Command.RESTART_PIPED,
                                     restart_piped=command_pb2.Command.RestartPiped(piped_id=piped.id))
        return pb.RestartPipedResponse(command_id=cmd_id)

    async def ListReleasedVersions(self, req: pb.ListReleasedVersionsRequest,
                                   ctx: CallContext) -> pb.ListReleasedVersionsResponse:
        return pb.ListReleasedVersionsResponse(
            versions=releases_domain.released_versions(await self.releases.releases()))

    async def ListDeprecatedNotes(self, req: pb.ListDeprecatedNotesRequest,
                                  ctx: CallContext) -> pb.ListDeprecatedNotesResponse:
        if not self.releases.configured:
            return pb.ListDeprecatedNotesResponse()
        # The caller's own project, whatever project_id the request names.
        pipeds = await self.stores.pipeds.find_all([eq("project_id", _me(ctx).project_id), eq("disabled", False)])
        notes = releases_domain.deprecated_notes(await self.releases.releases(), [p.version for p in pipeds])
        return pb.ListDeprecatedNotesResponse(notes=notes)

    # ------------------------------------------------------------------ applications
    async def AddApplication(self, req: pb.AddApplicationRequest, ctx: CallContext) -> pb.AddApplicationResponse:
        app_id = await apps_domain.add_application(
            self.stores, _owner(ctx), name=req.name, piped_id=req.piped_id, git_path=req.git_path, kind=req.kind,
            platform_provider=req.platform_provider, description=req.description, labels=req.labels,
            deploy_targets=req.deploy_targets_by_plugin)
        return pb.AddApplicationResponse(application_id=app_id)

    async def UpdateApplication(self, req: pb.UpdateApplicationRequest,
                                ctx: CallContext) -> pb.UpdateApplicationResponse:
        owner = _owner(ctx)
        await self.stores.pipeds.get_owned(req.piped_id, owner)  # the target piped must be ours

        def change(a: object) -> None:  # and the application too (PipeCD checks only the piped)
            a.piped_id = req.piped_id  # type: ignore[attr-defined]
            a.platform_provider = a.cloud_provider = req.platform_provider  # type: ignore[attr-defined]
            a.git_path.config_filename = req.config_filename  # type: ignore[attr-defined]
            a.deploy_targets_by_plugin.clear()  # type: ignore[attr-defined]
            for plugin, targets in req.deploy_targets_by_plugin.items():
                a.deploy_targets_by_plugin[plugin].CopyFrom(targets)  # type: ignore[attr-defined]
        await self.stores.applications.update_live(req.application_id, owner, change)
        self.ownership.forget("app", req.application_id)
        return pb.UpdateApplicationResponse()

    async def EnableApplication(self, req: pb.EnableApplicationRequest,
                                ctx: CallContext) -> pb.EnableApplicationResponse:
        await self.stores.applications.set_disabled(req.application_id, _owner(ctx), False)
        return pb.EnableApplicationResponse()

    async def DisableApplication(self, req: pb.DisableApplicationRequest,
                                 ctx: CallContext) -> pb.DisableApplicationResponse:
        await self.stores.applications.set_disabled(req.application_id, _owner(ctx), True)
        return pb.DisableApplicationResponse()

    async def DeleteApplication(self, req: pb.DeleteApplicationRequest,
                                ctx: CallContext) -> pb.DeleteApplicationResponse:
        await self.stores.applications.soft_delete(req.application_id, _owner(ctx))
        return pb.DeleteApplicationResponse()

    async def ListApplications(self, req: pb.ListApplicationsRequest, ctx: CallContext) -> pb.ListApplicationsResponse:
        o = req.options
        filters = [eq("project_id", _me(ctx).project_id), eq("deleted", False)]
        if o.HasField("enabled"):
            filters.append(eq("disabled", not o.enabled.value))
        if o.kinds:
            filters.append(Filter("kind", Op.IN, list(o.kinds)))
        if o.sync_statuses:
            filters.append(Filter("sync_state.status", Op.IN, list(o.sync_statuses)))
        if o.name:
            filters.append(eq("name", o.name))
        if o.piped_id:
            filters.append(eq("piped_id", o.piped_id))
        labels = dict(o.labels)
        found = await self.stores.applications.find_matching(
            filters, _NEWEST_FIRST, 0, "", lambda a: apps_domain.labels_match(a.labels, labels))
        return pb.ListApplicationsResponse(applications=found.items)

    async def SyncApplication(self, req: pb.SyncApplicationRequest, ctx: CallContext) -> pb.SyncApplicationResponse:
        cmd_id = await apps_domain.sync_application(self.stores, _owner(ctx), req.application_id, req.sync_strategy,
                                                    commander=_me(ctx).subject)
        return pb.SyncApplicationResponse(command_id=cmd_id)

    async def GetApplication(self, req: pb.GetApplicationRequest, ctx: CallContext) -> pb.GetApplicationResponse:
        app = await self.stores.applications.get_owned(req.application_id, _owner(ctx))
        return pb.GetApplicationResponse(application=app)

    async def GenerateApplicationSealedSecret(self, req: pb.GenerateApplicationSealedSecretRequest,
                                              ctx: CallContext) -> pb.GenerateApplicationSealedSecretResponse:
        data = await sealed.seal_for_piped(self.stores, self.host.runner, _owner(ctx), req.piped_id, req.data,
                                           req.base64_encoding)
        return pb.GenerateApplicationSealedSecretResponse(data=data)

    async def ListUnregisteredApplications(self, req: pb.ListUnregisteredApplicationsRequest,
                                           ctx: CallContext) -> pb.ListUnregisteredApplicationsResponse:
        apps = await self.stores.hashes.unregistered(_me(ctx).project_id)
        return pb.ListUnregisteredApplicationsResponse(applications=apps)

    async def GetApplicationLiveState(self, req: pb.GetApplicationLiveStateRequest,
                                      ctx: CallContext) -> pb.GetApplicationLiveStateResponse:
        await self.ownership.application(req.application_id, _owner(ctx))
        try:
            snapshot = await self.stores.live_states.get(req.application_id)
        except NotFound:
            raise NotFound(f"application {req.application_id!r} has no live state yet") from None
        return pb.GetApplicationLiveStateResponse(snapshot=snapshot)

    # ------------------------------------------------------------------ deployments
    async def ListDeployments(self, req: pb.ListDeploymentsRequest, ctx: CallContext) -> pb.ListDeploymentsResponse:
        o = req.options
        filters = [eq("project_id", _me(ctx).project_id), *_since("updated_at", req.page_min_updated_at)]
        if o.statuses:
            filters.append(Filter("status", Op.IN, list(o.statuses)))
        if o.kinds:
            filters.append(Filter("kind", Op.IN, list(o.kinds)))
        if o.application_ids:
            filters.append(Filter("application_id", Op.IN, list(o.application_ids)))
        if o.application_name:
            filters.append(eq("application_name", o.application_name))
        labels = dict(o.labels)
        found = await self.stores.deployments.find_matching(
            filters, _NEWEST_FIRST, max(req.page_size, 0), req.cursor,
            lambda d: apps_domain.labels_match(d.labels, labels))
        return pb.ListDeploymentsResponse(deployments=found.items, cursor=found.cursor)

    async def GetDeployment(self, req: pb.GetDeploymentRequest, ctx: CallContext) -> pb.GetDeploymentResponse:
        return pb.GetDeploymentResponse(deployment=await self.stores.deployments.get_owned(req.deployment_id,
                                                                                            _owner(ctx)))

    async def GetStageLog(self, req: pb.GetStageLogRequest, ctx: CallContext) -> pb.GetStageLogResponse:
        await self.ownership.deployment(req.deployment_id, _owner(ctx))
        blocks, completed = await self.stores.stage_logs.fetch(req.deployment_id, req.stage_id, req.retried_count,
                                                               req.offset_index)
        return pb.GetStageLogResponse(blocks=blocks, completed=completed)

    async def CancelDeployment(self, req: pb.CancelDeploymentRequest, ctx: CallContext) -> pb.CancelDeploymentResponse:
        dep = await self.stores.deployments.get_owned(req.deployment_id, _owner(ctx))
        if dep.status in COMPLETED:
            raise FailedPrecondition("could not cancel the deployment because it was already completed")
        cmd_id = await self._command(
            ctx, piped_id=dep.piped_id, application_id=dep.application_id, deployment_id=dep.id,
            type=command_pb2.Command.CANCEL_DEPLOYMENT,
            cancel_deployment=command_pb2.Command.CancelDeployment(
                deployment_id=dep.id, force_rollback=req.force_rollback, force_no_rollback=req.force_no_rollback))
        return pb.CancelDeploymentResponse(command_id=cmd_id)

    async def SkipStage(self, req: pb.SkipStageRequest, ctx: CallContext) -> pb.SkipStageResponse:
        dep = await self.stores.deployments.get_owned(req.deployment_id, _owner(ctx))
        stage = _stage(dep, req.stage_id)
        op = stage.available_operation
        if not (op == dpb.MANUAL_OPERATION_SKIP or (op == dpb.MANUAL_OPERATION_UNKNOWN and stage.name == "ANALYSIS")):
            raise FailedPrecondition(f"SKIP STAGE is not supported for stage {stage.name!r}")
        if stage.status in STAGE_COMPLETED:
            raise FailedPrecondition("Could not skip the stage because it was already completed")
        cmd_id = await self._command(
            ctx, piped_id=dep.piped_id, application_id=dep.application_id, deployment_id=dep.id, stage_id=stage.id,
            type=command_pb2.Command.SKIP_STAGE,
            skip_stage=command_pb2.Command.SkipStage(deployment_id=dep.id, stage_id=stage.id))
        return pb.SkipStageResponse(command_id=cmd_id)

    async def ApproveStage(self, req: pb.ApproveStageRequest, ctx: CallContext) -> pb.ApproveStageResponse:
        dep = await self.stores.deployments.get_owned(req.deployment_id, _owner(ctx))
        stage = _stage(dep, req.stage_id)
        approvers = list(stage.authorized_operators) or [
            a.strip() for a in stage.metadata.get("Approvers", "").split(",") if a.strip()]
        subject = _me(ctx).subject
        if approvers and subject not in approvers:
            raise PermissionDenied(f"You can't approve this deployment because you ({subject}) are not in the "
                                   f"approver list: {', '.join(approvers)}")
        if stage.status in STAGE_COMPLETED:
            raise FailedPrecondition("Could not approve the stage because it was already completed")
        cmd_id = await self._command(
            ctx, piped_id=dep.piped_id, application_id=dep.application_id, deployment_id=dep.id, stage_id=stage.id,
            type=command_pb2.Command.APPROVE_STAGE,
            approve_stage=command_pb2.Command.ApproveStage(deployment_id=dep.id, stage_id=stage.id))
        return pb.ApproveStageResponse(command_id=cmd_id)

    async def ListDeploymentTraces(self, req: pb.ListDeploymentTracesRequest,
                                   ctx: CallContext) -> pb.ListDeploymentTracesResponse:
        project_id = _me(ctx).project_id
        filters = [eq("project_id", project_id), *_since("updated_at", req.page_min_updated_at)]
        if req.options.commit_hash:
            filters.append(eq("commit_hash", req.options.commit_hash))
        found = await self.stores.traces.find(filters, _NEWEST_FIRST, max(req.page_size, 0), req.cursor)
        out = pb.ListDeploymentTracesResponse(cursor=found.cursor)
        for trace in found.items:  # PipeCD matches deployments by commit hash alone, across projects
            deps = await self.stores.deployments.find_all(
                [eq("deployment_trace_commit_hash", trace.commit_hash), eq("project_id", project_id)],
                [desc("updated_at")])
            out.traces.add(trace=trace, deployments=deps)
        return out

    # ------------------------------------------------------------------ deployment chains and events
    async def ListDeploymentChains(self, req: pb.ListDeploymentChainsRequest,
                                   ctx: CallContext) -> pb.ListDeploymentChainsResponse:
        filters = [eq("project_id", _me(ctx).project_id), *_since("updated_at", req.page_min_updated_at, Op.GT)]
        found = await self.stores.chains.find(filters, _NEWEST_FIRST, max(req.page_size, 0), req.cursor)
        return pb.ListDeploymentChainsResponse(deployment_chains=found.items, cursor=found.cursor)

    async def GetDeploymentChain(self, req: pb.GetDeploymentChainRequest,
                                 ctx: CallContext) -> pb.GetDeploymentChainResponse:
        chain = await self.stores.chains.get_owned(req.deployment_chain_id, _owner(ctx))
        return pb.GetDeploymentChainResponse(deployment_chain=chain)

    async def ListEvents(self, req: pb.ListEventsRequest, ctx: CallContext) -> pb.ListEventsResponse:
        o = req.options
        filters = [eq("project_id", _me(ctx).project_id), *_since("updated_at", req.page_min_updated_at)]
        if o.name:
            filters.append(eq("name", o.name))
        if o.statuses:
            filters.append(Filter("status", Op.IN, list(o.statuses)))
        labels = dict(o.labels)
        found = await self.stores.events.find_matching(
            filters, _NEWEST_FIRST, max(req.page_size, 0), req.cursor,
            lambda e: apps_domain.labels_match(e.labels, labels))
        return pb.ListEventsResponse(events=found.items, cursor=found.cursor)

    # ------------------------------------------------------------------ project
    async def GetProject(self, req: pb.GetProjectRequest, ctx: CallContext) -> pb.GetProjectResponse:
        view = await projects_domain.load_project(self.stores, self.spec, _me(ctx).project_id)
        return pb.GetProjectResponse(project=redact_project(view.project))

    async def UpdateProjectStaticAdmin(self, req: pb.UpdateProjectStaticAdminRequest,
                                       ctx: CallContext) -> pb.UpdateProjectStaticAdminResponse:
        self._refuse_config_project(ctx)
        if len(req.password.encode()) > 72:
            raise InvalidArgument("bcrypt uses at most 72 bytes of a password", field="password")
        digest = await self.host.runner.run(hash_password, req.password) if req.password else ""
        await self.stores.projects.update_static_admin(_me(ctx).project_id, req.username, digest)
        return pb.UpdateProjectStaticAdminResponse()

    async def EnableStaticAdmin(self, req: pb.EnableStaticAdminRequest,
                                ctx: CallContext) -> pb.EnableStaticAdminResponse:
        self._refuse_config_project(ctx)
        await self.stores.projects.set_static_admin_disabled(_me(ctx).project_id, False)
        return pb.EnableStaticAdminResponse()

    async def DisableStaticAdmin(self, req: pb.DisableStaticAdminRequest,
                                 ctx: CallContext) -> pb.DisableStaticAdminResponse:
        self._refuse_config_project(ctx)
        await self.stores.projects.set_static_admin_disabled(_me(ctx).project_id, True)
        return pb.DisableStaticAdminResponse()

    async def UpdateProjectSSOConfig(self, req: pb.UpdateProjectSSOConfigRequest,
                                     ctx: CallContext) -> pb.UpdateProjectSSOConfigResponse:
        self._refuse_config_project(ctx)
        await self.stores.projects.update_sso(_me(ctx).project_id, projects_domain.encrypt_sso(self.box, req.sso))
        return pb.UpdateProjectSSOConfigResponse()

    async def UpdateProjectRBACConfig(self, req: pb.UpdateProjectRBACConfigRequest,
                                      ctx: CallContext) -> pb.UpdateProjectRBACConfigResponse:
        self._refuse_config_project(ctx)
        await self.stores.projects.update_rbac_config(_me(ctx).project_id, req.rbac)
        await self._roles_changed(ctx)
        return pb.UpdateProjectRBACConfigResponse()

    async def GetMe(self, req: pb.GetMeRequest, ctx: CallContext) -> pb.GetMeResponse:
        me = _me(ctx)
        return pb.GetMeResponse(subject=me.subject, avatar_url=me.avatar_url, project_id=me.project_id)

    async def AddProjectRBACRole(self, req: pb.AddProjectRBACRoleRequest,
                                 ctx: CallContext) -> pb.AddProjectRBACRoleResponse:
        self._refuse_config_project(ctx)
        await self.stores.projects.add_role(_me(ctx).project_id, req.name, list(req.policies))
        await self._roles_changed(ctx)
        return pb.AddProjectRBACRoleResponse()

    async def UpdateProjectRBACRole(self, req: pb.UpdateProjectRBACRoleRequest,
                                    ctx: CallContext) -> pb.UpdateProjectRBACRoleResponse:
        self._refuse_config_project(ctx)
        await self.stores.projects.update_role(_me(ctx).project_id, req.name, list(req.policies))
        await self._roles_changed(ctx)
        return pb.UpdateProjectRBACRoleResponse()

    async def DeleteProjectRBACRole(self, req: pb.DeleteProjectRBACRoleRequest,
                                    ctx: CallContext) -> pb.DeleteProjectRBACRoleResponse:
        self._refuse_config_project(ctx)
        await self.stores.projects.delete_role(_me(ctx).project_id, req.name)
        await self._roles_changed(ctx)
        return pb.DeleteProjectRBACRoleResponse()

    async def AddProjectUserGroup(self, req: pb.AddProjectUserGroupRequest,
                                  ctx: CallContext) -> pb.AddProjectUserGroupResponse:
        self._refuse_config_project(ctx)
        await self.stores.projects.add_user_group(_me(ctx).project_id, req.sso_group, req.role)
        return pb.AddProjectUserGroupResponse()

    async def DeleteProjectUserGroup(self, req: pb.DeleteProjectUserGroupRequest,
                                     ctx: CallContext) -> pb.DeleteProjectUserGroupResponse:
        self._refuse_config_project(ctx)
        await self.stores.projects.delete_user_group(_me(ctx).project_id, req.sso_group)
        return pb.DeleteProjectUserGroupResponse()

    # ------------------------------------------------------------------ commands
    async def GetCommand(self, req: pb.GetCommandRequest, ctx: CallContext) -> pb.GetCommandResponse:
        cmd = await self.stores.commands.get(req.command_id)
        _owner(ctx).check("Command", cmd.id, cmd.project_id)
        return pb.GetCommandResponse(command=cmd)

    # ------------------------------------------------------------------ API keys
    async def GenerateAPIKey(self, req: pb.GenerateAPIKeyRequest, ctx: CallContext) -> pb.GenerateAPIKeyResponse:
        key_id, key = new_api_key()
        key_hash = await self.host.runner.run(hash_key, key)
        await self.stores.apikeys.add(apikey_pb2.APIKey(id=key_id, name=req.name, key_hash=key_hash,
                                                        project_id=_me(ctx).project_id, role=req.role,
                                                        creator=_me(ctx).subject))
        return pb.GenerateAPIKeyResponse(key=key)

    async def DisableAPIKey(self, req: pb.DisableAPIKeyRequest, ctx: CallContext) -> pb.DisableAPIKeyResponse:
        await self.stores.apikeys.disable(req.id, _owner(ctx))
        return pb.DisableAPIKeyResponse()

    async def ListAPIKeys(self, req: pb.ListAPIKeysRequest, ctx: CallContext) -> pb.ListAPIKeysResponse:
        filters = [eq("project_id", _me(ctx).project_id)]
        if req.options.HasField("enabled"):
            filters.append(eq("disabled", not req.options.enabled.value))
        used = await self.stores.hashes.api_keys_used()
        keys = []
        for key in await self.stores.apikeys.find_all(filters):
            key = apikeys_store.redact(key)  # always, unlike PipeCD (section 16.2)
            key.last_used_at = max(key.last_used_at, used.get(key.id, 0))
            keys.append(key)
        return pb.ListAPIKeysResponse(keys=keys)

    # ------------------------------------------------------------------ insights
    async def GetInsightData(self, req: pb.GetInsightDataRequest, ctx: CallContext) -> pb.GetInsightDataResponse:
        updated_at, matrix = await insights_domain.insight_data(
            self.stores, _me(ctx).project_id, req.metrics_kind, req.range_from, req.range_to, req.resolution,
            application_id=req.application_id, labels=_labels(req.labels))
        return pb.GetInsightDataResponse(updated_at=updated_at, type=insight_pb2.MATRIX, matrix=matrix)

    async def GetInsightApplicationCount(self, req: pb.GetInsightApplicationCountRequest,
                                         ctx: CallContext) -> pb.GetInsightApplicationCountResponse:
        updated_at, counts = await insights_domain.application_counts(self.stores, _me(ctx).project_id)
        return pb.GetInsightApplicationCountResponse(updated_at=updated_at, counts=counts)


def _labels(labels: Mapping[str, str]) -> dict[str, str] | None:
    return dict(labels) or None

