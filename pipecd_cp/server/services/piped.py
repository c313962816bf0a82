"""PipedService: the API pipeds call, with PipeCD's behaviour RPC by RPC (reference section 4).

Every method receives the verified `PipedPrincipal` in `ctx.principal`. Any entity a request
names must belong to the calling piped: another project's is NOT_FOUND, another piped's in the
same project PERMISSION_DENIED. Ownership of datastore entities is checked inside the update
transaction; for file- and cache-only RPCs through `Ownership`.
"""
from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from pipecd_cp.domain.ownership import Ownership
from pipecd_cp.errors import NotFound, PermissionDenied
from pipecd_cp.proto.grpc.service.pipedservice import service_pb2 as pb
from pipecd_cp.proto.model import (command_pb2, common_pb2, deployment_chain_pb2 as cpb, deployment_pb2 as dpb,
                                   piped_pb2)
from pipecd_cp.server.grpc.dispatch import CallContext
from pipecd_cp.stores.chains import BLOCK_DONE
from pipecd_cp.stores.deployments import NOT_COMPLETED
from pipecd_cp.stores.events import event_key
from pipecd_cp.stores.model import Filter, Op, Owner, asc, desc, eq

if TYPE_CHECKING:
    from pipecd_cp.app import Host

_LIST_EVENT_STATUS = {pb.ListEventsRequest.NOT_HANDLED: 0, pb.ListEventsRequest.SUCCESS: 1,
                      pb.ListEventsRequest.FAILURE: 2, pb.ListEventsRequest.OUTDATED: 3}


def _kind(name: str) -> int:
    """An ApplicationKind from its name; an unknown name matches nothing."""
    return common_pb2.ApplicationKind.Value(name) if name in common_pb2.ApplicationKind.keys() else -1


def _owner(ctx: CallContext) -> Owner:
    p = ctx.principal
    return Owner(p.project_id, p.piped_id)


class PipedAPI:
    def __init__(self, host: "Host") -> None:
        self.host = host
        self.stores = host.stores
        self.ownership = Ownership(host.stores)

    # ------------------------------------------------------------------ piped
    async def ReportStat(self, req: pb.ReportStatRequest, ctx: CallContext) -> pb.ReportStatResponse:
        await self.stores.hashes.put_piped_stat(ctx.principal.piped_id, req.piped_stats, self.host.now())
        return pb.ReportStatResponse()

    async def ReportPipedMeta(self, req: pb.ReportPipedMetaRequest, ctx: CallContext) -> pb.ReportPipedMetaResponse:
        now = self.host.now()

        def change(p: piped_pb2.Piped) -> None:
            providers = list(req.platform_providers)
            names = {x.name for x in providers}
            for legacy in req.cloud_providers:  # PipeCD: cloud providers became platform providers
                if legacy.name not in names:
                    providers.append(piped_pb2.Piped.PlatformProvider(name=legacy.name, type=legacy.type))
                    names.add(legacy.name)
            del p.cloud_providers[:]
            del p.platform_providers[:]
            p.platform_providers.extend(providers)
            del p.plugins[:]
            p.plugins.extend(req.plugins)
            del p.repositories[:]
            p.repositories.extend(req.repositories)
            if req.HasField("secret_encryption"):
                p.secret_encryption.CopyFrom(req.secret_encryption)
            else:
                p.ClearField("secret_encryption")
            p.version, p.config, p.started_at = req.version, req.config, now
        piped = await self.stores.pipeds.update_owned(ctx.principal.piped_id, _owner(ctx), change)
        return pb.ReportPipedMetaResponse(name=piped.name, web_base_url=self.host.config.spec.address)

    async def GetDesiredVersion(self, req: pb.GetDesiredVersionRequest, ctx: CallContext) -> pb.GetDesiredVersionResponse:
        piped = await self.stores.pipeds.get_owned(ctx.principal.piped_id, _owner(ctx))
        return pb.GetDesiredVersionResponse(version=piped.desired_version)

    # ------------------------------------------------------------------ applications
    async def ListApplications(self, req: pb.ListApplicationsRequest, ctx: CallContext) -> pb.ListApplicationsResponse:
        p = ctx.principal
        found = await self.stores.applications.find(
            [eq("project_id", p.project_id), eq("piped_id", p.piped_id), eq("disabled", False)])
        return pb.ListApplicationsResponse(applications=found.items)

    async def ReportApplicationSyncState(self, req: pb.ReportApplicationSyncStateRequest,
                                         ctx: CallContext) -> pb.ReportApplicationSyncStateResponse:
        await self.stores.applications.update_live(req.application_id, _owner(ctx),
                                                   lambda a: a.sync_state.CopyFrom(req.state))
        return pb.ReportApplicationSyncStateResponse()

    async def ReportApplicationDeployingStatus(self, req: pb.ReportApplicationDeployingStatusRequest,
                                               ctx: CallContext) -> pb.ReportApplicationDeployingStatusResponse:
        def change(a: object) -> None:
            a.deploying = req.deploying  # type: ignore[attr-defined]
        await self.stores.applications.update_live(req.application_id, _owner(ctx), change)
        return pb.ReportApplicationDeployingStatusResponse()

    async def ReportApplicationMostRecentDeployment(self, req: pb.ReportApplicationMostRecentDeploymentRequest,
                                                    ctx: CallContext) -> pb.ReportApplicationMostRecentDeploymentResponse:
        await self.stores.applications.update_most_recent_deployment(req.application_id, _owner(ctx), req.status,
                                                                     req.deployment)
        return pb.ReportApplicationMostRecentDeploymentResponse()

    async def GetApplicationMostRecentDeployment(self, req: pb.GetApplicationMostRecentDeploymentRequest,
                                                 ctx: CallContext) -> pb.GetApplicationMostRecentDeploymentResponse:
        app = await self.stores.applications.get_owned(req.application_id, _owner(ctx))
        field = {dpb.DEPLOYMENT_SUCCESS: "most_recently_successful_deployment",
                 dpb.DEPLOYMENT_PENDING: "most_recently_triggered_deployment"}.get(req.status)
        if field is None or not app.HasField(field):
            raise NotFound(f"application {app.id!r} has no most recent deployment of that status")
        return pb.GetApplicationMostRecentDeploymentResponse(deployment=getattr(app, field))

    async def UpdateApplicationConfigurations(self, req: pb.UpdateApplicationConfigurationsRequest,
                                              ctx: CallContext) -> pb.UpdateApplicationConfigurationsResponse:
        owner = _owner(ctx)
        for info in req.applications:  # check them all first, as PipeCD does
            await self.ownership.application(info.id, owner)
        for info in req.applications:
            def change(a: object, info: common_pb2.ApplicationInfo = info) -> None:
                a.name, a.description = info.name, info.description  # type: ignore[attr-defined]
                a.labels.clear()  # type: ignore[attr-defined]
                a.labels.update(info.labels)  # type: ignore[attr-defined]
            await self.stores.applications.update_live(info.id, owner, change)
        return pb.UpdateApplicationConfigurationsResponse()

    async def ReportUnregisteredApplicationConfigurations(
            self, req: pb.ReportUnregisteredApplicationConfigurationsRequest,
            ctx: CallContext) -> pb.ReportUnregisteredApplicationConfigurationsResponse:
        p = ctx.principal
        await self.stores.hashes.put_unregistered(p.project_id, p.piped_id, list(req.applications))
        return pb.ReportUnregisteredApplicationConfigurationsResponse()

    # ------------------------------------------------------------------ deployments
    async def GetDeployment(self, req: pb.GetDeploymentRequest, ctx: CallContext) -> pb.GetDeploymentResponse:
        dep = await self.stores.deployments.get_owned(req.id, _owner(ctx))
        return pb.GetDeploymentResponse(deployment=dep)

    async def ListNotCompletedDeployments(self, req: pb.ListNotCompletedDeploymentsRequest,
                                          ctx: CallContext) -> pb.ListNotCompletedDeploymentsResponse:
        # PipeCD gives no order, so any cursor fails there (quirk 11); ordering by creation lets
        # a pipedv1 follow the cursor, and a pipedv0 (which ignores it) still gets everything.
        p = ctx.principal
        found = await self.stores.deployments.find(
            [eq("piped_id", p.piped_id), Filter("status", Op.IN, list(NOT_COMPLETED))],
            [asc("created_at")], cursor=req.cursor)
        deps = [d for d in found.items if d.project_id == p.project_id]
        return pb.ListNotCompletedDeploymentsResponse(deployments=deps, cursor=found.cursor)

    async def CreateDeployment(self, req: pb.CreateDeploymentRequest, ctx: CallContext) -> pb.CreateDeploymentResponse:
        p, dep = ctx.principal, req.deployment
        await self.ownership.application(dep.application_id, _owner(ctx))
        if dep.piped_id != p.piped_id or dep.project_id != p.project_id:
            raise PermissionDenied("a piped can only create deployments of its own applications")
        await self.stores.deployments.add(dep)
        self.host.metrics.deployment_created(p.project_id)
        if dep.deployment_chain_id and dep.deployment_chain_block_index > 0:
            await self.stores.chains.add_node_deployment(dep.deployment_chain_id, Owner(p.project_id),
                                                         dep.deployment_chain_block_index, dep)
        return pb.CreateDeploymentResponse()

    async def ReportDeploymentPlanned(self, req: pb.ReportDeploymentPlannedRequest,
                                      ctx: CallContext) -> pb.ReportDeploymentPlannedResponse:
        await self.stores.deployments.to_planned(
            req.deployment_id, _owner(ctx), summary=req.summary, reason=req.status_reason,
            commit_hash=req.running_commit_hash, config_filename=req.running_config_filename,
            sync_strategy=req.sync_strategy, versions=list(req.versions), stages=list(req.stages))
        await self._chain(req.deployment_chain_id, req.deployment_chain_block_index, req.deployment_id,
                          dpb.DEPLOYMENT_PLANNED, req.status_reason, ctx)
        return pb.ReportDeploymentPlannedResponse()

    async def ReportDeploymentStatusChanged(self, req: pb.ReportDeploymentStatusChangedRequest,
                                            ctx: CallContext) -> pb.ReportDeploymentStatusChangedResponse:
        await self.stores.deployments.set_status(req.deployment_id, _owner(ctx), req.status, req.status_reason)
        await self._chain(req.deployment_chain_id, req.deployment_chain_block_index, req.deployment_id,
                          req.status, req.status_reason, ctx)
        return pb.ReportDeploymentStatusChangedResponse()

    async def ReportDeploymentCompleted(self, req: pb.ReportDeploymentCompletedRequest,
                                        ctx: CallContext) -> pb.ReportDeploymentCompletedResponse:
        await self.stores.deployments.to_completed(req.deployment_id, _owner(ctx), req.status, req.status_reason,
                                                   dict(req.stage_statuses), req.completed_at)
        await self._chain(req.deployment_chain_id, req.deployment_chain_block_index, req.deployment_id,
                          req.status, req.status_reason, ctx)
        return pb.ReportDeploymentCompletedResponse()

    async def _chain(self, chain_id: str, block: int, deployment_id: str, status: int, reason: str,
                     ctx: CallContext) -> None:
        """Move the chain as soon as the piped reports, instead of waiting for ops' next poll."""
        if not chain_id:
            return
        try:
            await self.stores.chains.update_node_deployment_status(
                chain_id, Owner(ctx.principal.project_id), block, deployment_id, status, reason)
        except NotFound:
            pass  # not attached yet: ops' chain controller attaches and updates it

    async def SaveDeploymentMetadata(self, req: pb.SaveDeploymentMetadataRequest,
                                     ctx: CallContext) -> pb.SaveDeploymentMetadataResponse:
        await self.stores.deployments.merge_metadata(req.deployment_id, _owner(ctx), lambda d: d.metadata,
                                                     req.metadata)
        return pb.SaveDeploymentMetadataResponse()

    async def SaveDeploymentSharedMetadata(self, req: pb.SaveDeploymentSharedMetadataRequest,
                                           ctx: CallContext) -> pb.SaveDeploymentSharedMetadataResponse:
        deps = self.stores.deployments
        await deps.merge_metadata(req.deployment_id, _owner(ctx), deps.shared_metadata, req.metadata)
        return pb.SaveDeploymentSharedMetadataResponse()

    async def SaveDeploymentPluginMetadata(self, req: pb.SaveDeploymentPluginMetadataRequest,
                                           ctx: CallContext) -> pb.SaveDeploymentPluginMetadataResponse:
        deps = self.stores.deployments
        await deps.merge_metadata(req.deployment_id, _owner(ctx), deps.plugin_metadata(req.plugin_name), req.metadata)
        return pb.SaveDeploymentPluginMetadataResponse()

    async def SaveStageMetadata(self, req: pb.SaveStageMetadataRequest, ctx: CallContext) -> pb.SaveStageMetadataResponse:
        deps = self.stores.deployments
        await deps.merge_metadata(req.deployment_id, _owner(ctx), deps.stage_metadata(req.stage_id), req.metadata)
        return pb.SaveStageMetadataResponse()

    async def ReportStageStatusChanged(self, req: pb.ReportStageStatusChangedRequest,
                                       ctx: CallContext) -> pb.ReportStageStatusChangedResponse:
        await self.stores.deployments.update_stage_status(
            req.deployment_id, _owner(ctx), req.stage_id, status=req.status, reason=req.status_reason,
            requires=list(req.requires), visible=req.visible, retried_count=req.retried_count,
            completed_at=req.completed_at)
        return pb.ReportStageStatusChangedResponse()

    # ------------------------------------------------------------------ stage logs
    async def ReportStageLogs(self, req: pb.ReportStageLogsRequest, ctx: CallContext) -> pb.ReportStageLogsResponse:
        await self.ownership.deployment(req.deployment_id, _owner(ctx))
        await self.stores.stage_logs.append(req.deployment_id, req.stage_id, req.retried_count, list(req.blocks))
        return pb.ReportStageLogsResponse()

    async def ReportStageLogsFromLastCheckpoint(self, req: pb.ReportStageLogsFromLastCheckpointRequest,
                                                ctx: CallContext) -> pb.ReportStageLogsFromLastCheckpointResponse:
        await self.ownership.deployment(req.deployment_id, _owner(ctx))
        await self.stores.stage_logs.append_from_checkpoint(req.deployment_id, req.stage_id, req.retried_count,
                                                            list(req.blocks), req.completed)
        return pb.ReportStageLogsFromLastCheckpointResponse()

    # ------------------------------------------------------------------ commands
    async def ListUnhandledCommands(self, req: pb.ListUnhandledCommandsRequest,
                                    ctx: CallContext) -> pb.ListUnhandledCommandsResponse:
        p = ctx.principal
        return pb.ListUnhandledCommandsResponse(commands=await self.stores.commands.unhandled(p.project_id, p.piped_id))

    async def ReportCommandHandled(self, req: pb.ReportCommandHandledRequest,
                                   ctx: CallContext) -> pb.ReportCommandHandledResponse:
        owner = _owner(ctx)
        cmd = await self.stores.commands.get(req.command_id)
        owner.check("Command", cmd.id, cmd.project_id, cmd.piped_id)
        if req.output:
            await self.stores.objects.put_command_output(req.command_id, req.output)
        await self.stores.commands.handled(req.command_id, owner, req.status, req.metadata, req.handled_at)
        return pb.ReportCommandHandledResponse()

    # ------------------------------------------------------------------ live state
    async def ReportApplicationLiveState(self, req: pb.ReportApplicationLiveStateRequest,
                                         ctx: CallContext) -> pb.ReportApplicationLiveStateResponse:
        p, snapshot = ctx.principal, req.snapshot
        await self.ownership.application(snapshot.application_id, _owner(ctx))
        snapshot.piped_id, snapshot.project_id = p.piped_id, p.project_id
        await self.stores.live_states.put(snapshot)
        return pb.ReportApplicationLiveStateResponse()

    async def ReportApplicationLiveStateEvents(self, req: pb.ReportApplicationLiveStateEventsRequest,
                                               ctx: CallContext) -> pb.ReportApplicationLiveStateEventsResponse:
        owner = _owner(ctx)
        for app_id in {e.application_id for e in req.kubernetes_events}:  # PipeCD checks nothing here
            await self.ownership.application(app_id, owner)
        await self.stores.live_states.patch(list(req.kubernetes_events))
        return pb.ReportApplicationLiveStateEventsResponse()

    # ------------------------------------------------------------------ events
    async def GetLatestEvent(self, req: pb.GetLatestEventRequest, ctx: CallContext) -> pb.GetLatestEventResponse:
        found = await self.stores.events.find(
            [eq("project_id", ctx.principal.project_id), eq("name", req.name),
             eq("event_key", event_key(req.name, req.labels))], [desc("created_at"), asc("id")], limit=1)
        if not found.items:
            raise NotFound(f"no event {req.name!r} with those labels")
        return pb.GetLatestEventResponse(event=found.items[0])

    async def ListEvents(self, req: pb.ListEventsRequest, ctx: CallContext) -> pb.ListEventsResponse:
        filters = [eq("project_id", ctx.principal.project_id), Filter("created_at", Op.GTE, getattr(req, "from"))]
        if req.to > 0:
            filters.append(Filter("created_at", Op.LT, req.to))
        if req.status in _LIST_EVENT_STATUS:
            filters.append(eq("status", _LIST_EVENT_STATUS[req.status]))
        order = desc("created_at") if req.order == pb.DESC else asc("created_at")
        events = await self.stores.events.find_all(filters, [order, asc("id")])
        return pb.ListEventsResponse(events=events)

    async def ReportEventStatuses(self, req: pb.ReportEventStatusesRequest,
                                  ctx: CallContext) -> pb.ReportEventStatusesResponse:
        owner = Owner(ctx.principal.project_id)  # events belong to the project (PipeCD checks nothing)
        for e in req.events:
            await self.stores.events.get_owned(e.id, owner)
        for e in req.events:
            await self.stores.events.update_status(e.id, owner, e.status, e.status_description)
        return pb.ReportEventStatusesResponse()

    # ------------------------------------------------------------------ analysis and shared objects
    async def GetLatestAnalysisResult(self, req: pb.GetLatestAnalysisResultRequest,
                                      ctx: CallContext) -> pb.GetLatestAnalysisResultResponse:
        await self.ownership.application(req.application_id, _owner(ctx))
        result = await self.stores.objects.get_analysis_result(req.application_id)
        return pb.GetLatestAnalysisResultResponse(analysis_result=result)

    async def PutLatestAnalysisResult(self, req: pb.PutLatestAnalysisResultRequest,
                                      ctx: CallContext) -> pb.PutLatestAnalysisResultResponse:
        await self.ownership.application(req.application_id, _owner(ctx))
        await self.stores.objects.put_analysis_result(req.application_id, req.analysis_result)
        return pb.PutLatestAnalysisResultResponse()

    async def GetApplicationSharedObject(self, req: pb.GetApplicationSharedObjectRequest,
                                         ctx: CallContext) -> pb.GetApplicationSharedObjectResponse:
        await self.ownership.application(req.application_id, _owner(ctx))
        data = await self.stores.objects.get_shared_object(req.application_id, req.plugin_name, req.key)
        return pb.GetApplicationSharedObjectResponse(object=data)

    async def PutApplicationSharedObject(self, req: pb.PutApplicationSharedObjectRequest,
                                         ctx: CallContext) -> pb.PutApplicationSharedObjectResponse:
        await self.ownership.application(req.application_id, _owner(ctx))
        await self.stores.objects.put_shared_object(req.application_id, req.plugin_name, req.key, req.object)
        return pb.PutApplicationSharedObjectResponse()

    # ------------------------------------------------------------------ deployment chains
    async def CreateDeploymentChain(self, req: pb.CreateDeploymentChainRequest,
                                    ctx: CallContext) -> pb.CreateDeploymentChainResponse:
        p, first = ctx.principal, req.first_deployment
        await self.ownership.application(first.application_id, _owner(ctx))
        if first.piped_id != p.piped_id or first.project_id != p.project_id:
            raise PermissionDenied("a piped can only create deployments of its own applications")
        now = self.host.now()
        blocks = [cpb.ChainBlock(nodes=[cpb.ChainNode(
            application_ref=cpb.ChainApplicationRef(application_id=first.application_id,
                                                    application_name=first.application_name),
            deployment_ref=cpb.ChainDeploymentRef(deployment_id=first.id, status=first.status))],
            status=cpb.DEPLOYMENT_BLOCK_PENDING, started_at=now)]
        block_apps = []
        for matcher in req.matchers:
            filters = [eq("project_id", p.project_id), eq("disabled", False)]
            if matcher.name:
                filters.append(eq("name", matcher.name))
            if matcher.kind:
                filters.append(eq("kind", _kind(matcher.kind)))
            apps = await self.stores.applications.find_all(filters, [asc("id")])
            apps = [a for a in apps if all(a.labels.get(k) == v for k, v in matcher.labels.items())]
            block_apps.append(apps)
            blocks.append(cpb.ChainBlock(
                nodes=[cpb.ChainNode(application_ref=cpb.ChainApplicationRef(application_id=a.id,
                                                                              application_name=a.name))
                       for a in apps], status=cpb.DEPLOYMENT_BLOCK_PENDING, started_at=now))
        chain = cpb.DeploymentChain(id=str(uuid.uuid4()), project_id=p.project_id,
                                    status=cpb.DEPLOYMENT_CHAIN_PENDING, blocks=blocks)
        await self.stores.chains.add(chain)
        first.deployment_chain_id = chain.id
        await self.stores.deployments.add(first)
        self.host.metrics.deployment_created(p.project_id)
        for index, apps in enumerate(block_apps, start=1):
            for app in apps:
                await self.stores.commands.add(command_pb2.Command(
                    piped_id=app.piped_id, application_id=app.id, project_id=p.project_id, commander=chain.id,
                    type=command_pb2.Command.CHAIN_SYNC_APPLICATION,
                    chain_sync_application=command_pb2.Command.ChainSyncApplication(
                        deployment_chain_id=chain.id, block_index=index, application_id=app.id,
                        sync_strategy=common_pb2.AUTO)))
        return pb.CreateDeploymentChainResponse()

    async def InChainDeploymentPlannable(self, req: pb.InChainDeploymentPlannableRequest,
                                         ctx: CallContext) -> pb.InChainDeploymentPlannableResponse:
        await self.ownership.deployment(req.deployment_id, _owner(ctx))
        chain = await self.stores.chains.get_owned(req.deployment_chain_id, Owner(ctx.principal.project_id))
        index = req.deployment_chain_block_index
        if index >= len(chain.blocks):
            raise NotFound(f"deployment chain {chain.id!r} has no block {index}")
        if chain.blocks[index].status in BLOCK_DONE:
            return pb.InChainDeploymentPlannableResponse(cancel=True, cancel_reason="the block is already completed")
        if index == 0:
            return pb.InChainDeploymentPlannableResponse(plannable=True)
        previous = chain.blocks[index - 1].status
        if previous == cpb.DEPLOYMENT_BLOCK_SUCCESS:
            return pb.InChainDeploymentPlannableResponse(plannable=True)
        if previous in (cpb.DEPLOYMENT_BLOCK_FAILURE, cpb.DEPLOYMENT_BLOCK_CANCELLED):
            name = cpb.ChainBlockStatus.Name(previous)
            return pb.InChainDeploymentPlannableResponse(
                cancel=True, cancel_reason=f"the previous block of the deployment chain ended as {name}")
        return pb.InChainDeploymentPlannableResponse(plannable=False)
