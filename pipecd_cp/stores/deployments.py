"""Deployments (kind `Deployment`) and their pipeline stages."""
from __future__ import annotations

from collections.abc import Callable, Mapping

from pipecd_cp.errors import InvalidArgument
from pipecd_cp.proto.model import deployment_pb2 as dpb
from pipecd_cp.stores.model import I, ModelStore, Owner, S, asc, desc

Deployment = dpb.Deployment
COMPLETED = frozenset({dpb.DEPLOYMENT_SUCCESS, dpb.DEPLOYMENT_FAILURE, dpb.DEPLOYMENT_CANCELLED})
NOT_COMPLETED = (dpb.DEPLOYMENT_PENDING, dpb.DEPLOYMENT_PLANNED, dpb.DEPLOYMENT_RUNNING, dpb.DEPLOYMENT_ROLLING_BACK)
STAGE_COMPLETED = frozenset({dpb.STAGE_SUCCESS, dpb.STAGE_FAILURE, dpb.STAGE_CANCELLED, dpb.STAGE_SKIPPED,
                             dpb.STAGE_EXITED})


def decorate_v0_stages(dep: Deployment) -> None:
    """pipedv0 deployments (no deploy targets): ANALYSIS stages may be skipped, WAIT_APPROVAL ones
    approved by the `Approvers` listed in their metadata, as PipeCD's store sets on add."""
    if dep.deploy_targets_by_plugin:
        return
    for stage in dep.stages:
        if stage.name == "ANALYSIS":
            stage.available_operation = dpb.MANUAL_OPERATION_SKIP
        elif stage.name == "WAIT_APPROVAL":
            stage.available_operation = dpb.MANUAL_OPERATION_APPROVE
            approvers = [a.strip() for a in stage.metadata.get("Approvers", "").split(",") if a.strip()]
            if approvers and not stage.authorized_operators:
                stage.authorized_operators.extend(approvers)


def _stage(dep: Deployment, stage_id: str) -> dpb.PipelineStage:
    for stage in dep.stages:
        if stage.id == stage_id:
            return stage
    raise InvalidArgument(f"deployment {dep.id!r} has no stage {stage_id!r}", field="stage_id")


class DeploymentStore(ModelStore[Deployment]):
    kind = "Deployment"
    model = Deployment
    fields = {"project_id": S, "piped_id": S, "application_id": S, "application_name": S, "kind": I, "status": I,
              "completed_at": I, "created_at": I, "updated_at": I, "deployment_chain_id": S,
              "deployment_trace_commit_hash": S}
    indexes = ([asc("project_id"), desc("updated_at")], [asc("piped_id"), asc("status")],
               [asc("application_id"), desc("updated_at")], [asc("application_name"), desc("updated_at")],
               [asc("kind"), desc("updated_at")], [asc("status"), desc("updated_at")],
               [desc("completed_at")], [asc("completed_at")], [asc("deployment_chain_id"), desc("updated_at")],
               [asc("deployment_trace_commit_hash"), desc("updated_at")], [desc("created_at")])

    async def add(self, entity: Deployment) -> Deployment:
        decorate_v0_stages(entity)
        return await super().add(entity)

    async def to_planned(self, id: str, owner: Owner, *, summary: str, reason: str, commit_hash: str,
                         config_filename: str, sync_strategy: int, versions: list[dpb.ArtifactVersion] | None,
                         stages: list[dpb.PipelineStage]) -> Deployment:
        now = self.now()

        def change(dep: Deployment) -> None:
            dep.status = dpb.DEPLOYMENT_PLANNED
            dep.summary, dep.status_reason = summary, reason
            dep.running_commit_hash, dep.running_config_filename = commit_hash, config_filename
            dep.trigger.sync_strategy = sync_strategy
            del dep.versions[:]
            dep.versions.extend(versions or [])
            del dep.stages[:]
            for stage in stages:
                s = dep.stages.add()
                s.CopyFrom(stage)
                s.created_at = s.created_at or now
                s.updated_at = s.updated_at or now
            decorate_v0_stages(dep)
        return await self.update_owned(id, owner, change)

    async def set_status(self, id: str, owner: Owner, status: int, reason: str) -> Deployment:
        def change(dep: Deployment) -> None:
            dep.status, dep.status_reason = status, reason
        return await self.update_owned(id, owner, change)

    async def to_completed(self, id: str, owner: Owner, status: int, reason: str,
                           stage_statuses: Mapping[str, int], completed_at: int) -> Deployment:
        if status not in COMPLETED:
            raise InvalidArgument(f"{dpb.DeploymentStatus.Name(status)} is not a completed status", field="status")
        now = self.now()

        def change(dep: Deployment) -> None:
            dep.status, dep.status_reason, dep.completed_at = status, reason, completed_at
            for stage in dep.stages:
                if stage.id in stage_statuses:
                    stage.status = stage_statuses[stage.id]
                    stage.updated_at = now
        return await self.update_owned(id, owner, change)

    async def update_stage_status(self, id: str, owner: Owner, stage_id: str, *, status: int, reason: str,
                                  requires: list[str], visible: bool, retried_count: int,
                                  completed_at: int) -> Deployment:
        now = self.now()

        def change(dep: Deployment) -> None:
            stage = _stage(dep, stage_id)
            stage.status, stage.status_reason = status, reason
            if requires:
                del stage.requires[:]
                stage.requires.extend(requires)
            stage.visible, stage.retried_count, stage.completed_at = visible, retried_count, completed_at
            stage.updated_at = now
        return await self.update_owned(id, owner, change)

    async def merge_metadata(self, id: str, owner: Owner, target: Callable[[Deployment], object],
                             values: Mapping[str, str]) -> Deployment:
        """Merge `values` key by key into the map `target(dep)` returns (PipeCD's metadata rule)."""
        def change(dep: Deployment) -> None:
            target(dep).update(values)  # type: ignore[attr-defined]
        return await self.update_owned(id, owner, change)

    @staticmethod
    def stage_metadata(stage_id: str) -> Callable[[Deployment], object]:
        return lambda dep: _stage(dep, stage_id).metadata

    @staticmethod
    def shared_metadata(dep: Deployment) -> object:
        return dep.metadata_v2.shared.keyValues  # created when missing (PipeCD assumes it exists)

    @staticmethod
    def plugin_metadata(plugin: str) -> Callable[[Deployment], object]:
        return lambda dep: dep.metadata_v2.plugins[plugin].keyValues
