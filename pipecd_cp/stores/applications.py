"""Applications (kind `Application`), with PipeCD's soft delete and update rules."""
from __future__ import annotations

from collections.abc import Callable

from pipecd_cp.errors import FailedPrecondition
from pipecd_cp.proto.model import application_pb2, deployment_pb2
from pipecd_cp.stores.model import B, I, ModelStore, Owner, S, asc, desc

Application = application_pb2.Application


def _live(change: Callable[[Application], None]) -> Callable[[Application], None]:
    def guarded(app: Application) -> None:
        if app.deleted:
            raise FailedPrecondition(f"application {app.id!r} is deleted")
        change(app)
    return guarded


class ApplicationStore(ModelStore[Application]):
    kind = "Application"
    model = Application
    fields = {"project_id": S, "piped_id": S, "disabled": B, "deleted": B, "kind": I, "name": S,
              "sync_state.status": I, "created_at": I, "updated_at": I}
    indexes = ([asc("project_id"), desc("updated_at")], [asc("piped_id"), desc("updated_at")],
               [asc("disabled"), desc("updated_at")], [asc("name"), desc("updated_at")],
               [asc("kind"), desc("updated_at")], [asc("sync_state.status"), desc("updated_at")],
               [asc("created_at")])

    async def update_live(self, id: str, owner: Owner, change: Callable[[Application], None]) -> Application:
        """Update an application that is not deleted (every PipeCD update refuses deleted ones)."""
        return await self.update_owned(id, owner, _live(change))

    async def soft_delete(self, id: str, owner: Owner) -> Application:
        """PipeCD's delete: deleted, disabled and deleted_at; the document stays."""
        now = self.now()

        def change(app: Application) -> None:
            app.deleted, app.disabled, app.deleted_at = True, True, now
        return await self.update_live(id, owner, change)

    async def set_disabled(self, id: str, owner: Owner, disabled: bool) -> Application:
        def change(app: Application) -> None:
            app.disabled = disabled
        return await self.update_live(id, owner, change)

    async def update_most_recent_deployment(self, id: str, owner: Owner, status: int,
                                            ref: application_pb2.ApplicationDeploymentReference) -> Application:
        """SUCCESS sets the most recent successful deployment, PENDING the most recent triggered one."""
        def change(app: Application) -> None:
            if status == deployment_pb2.DEPLOYMENT_SUCCESS:
                app.most_recently_successful_deployment.CopyFrom(ref)
            elif status == deployment_pb2.DEPLOYMENT_PENDING:
                app.most_recently_triggered_deployment.CopyFrom(ref)
        return await self.update_live(id, owner, change)
