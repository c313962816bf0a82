"""`mysql_schema_ensurer`: PipeCD's MySQL tables, columns and indexes, at ops start-up.

PipeCD's `mysqlensurer`, run once when the ops process starts, before any other task. It calls
the datastore's `ensure_schema()` (the `pipecd-cp-mysql` plugin's `MySQLDataStore` has one;
it is idempotent and serialised across processes). This package registers it:

    [project.entry-points."pipecd_cp.ops_tasks"]
    mysql_schema_ensurer = "pipecd_cp_mysql.ops_task:MySQLSchemaEnsurer"
"""
from __future__ import annotations

from typing import Any

from pipecd_cp.ops.task import OpsTask, TaskContext, TaskReport


class MySQLSchemaEnsurer(OpsTask):
    name = "mysql_schema_ensurer"
    description = "creates or completes PipeCD's MySQL schema (once, at start-up, before anything else)"
    startup = "blocking"
    timeout = 900.0

    def applicable(self, host: Any) -> str | None:
        if not callable(getattr(host.datastore, "ensure_schema", None)):
            return f"the {host.datastore.name or type(host.datastore).__name__} datastore has no ensure_schema()"
        return None

    async def run_once(self, ctx: TaskContext) -> TaskReport:
        await ctx.host.datastore.ensure_schema()
        return TaskReport("the MySQL schema is in place")
