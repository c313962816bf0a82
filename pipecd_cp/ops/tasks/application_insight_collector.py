"""`application_insight_collector`: each project's applications.json for the insight pages.

PipeCD's application job (cron `insightCollector.application.schedule`, default `0 * * * *`,
UTC): every application of every project, read in pages of 100 by creation time, becomes
`{id, labels, kind, status}` in `insights/{project}/applications/applications.json` with
`updated_at` = now. Deleted applications are left out; a project whose applications are all
deleted gets an empty list, so its old counts do not linger.
"""
from __future__ import annotations

from pipecd_cp.domain.insights import application_data
from pipecd_cp.ops.task import OpsTask, TaskContext, TaskReport
from pipecd_cp.stores.insights import ApplicationData, ProjectApplications
from pipecd_cp.stores.model import asc

PAGE = 100


class ApplicationInsightCollector(OpsTask):
    name = "application_insight_collector"
    description = "writes insights/{project}/applications/applications.json"
    schedule = "0 * * * *"
    timeout = 900.0

    async def run_once(self, ctx: TaskContext) -> TaskReport:
        now = ctx.now()
        apps = await ctx.host.stores.applications.find_all(orders=[asc("created_at")], page_size=PAGE)
        by_project: dict[str, list[ApplicationData]] = {}
        for app in apps:
            entries = by_project.setdefault(app.project_id, [])
            if not app.deleted:
                entries.append(application_data(app))
        for project, entries in sorted(by_project.items()):
            ctx.checkpoint()
            await ctx.host.stores.insights.put_applications(project, ProjectApplications(entries, now))
        total = sum(len(e) for e in by_project.values())
        return TaskReport(f"application data of {len(by_project)} projects written",
                          {"projects": len(by_project), "applications": total})
