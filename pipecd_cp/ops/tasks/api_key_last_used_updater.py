"""`api_key_last_used_updater`: API keys' last use moves from the cache to the datastore.

PipeCD's `apikeylastusedtimeupdater`: every 10m, for every enabled API key, the time in
`HASHKEY:PIPED:API_KEYS[id]` (Unix seconds) is written to the key's `last_used_at` when it
differs (the store never moves it back). Uses the raw cache driver: an outage fails the run.
"""
from __future__ import annotations

from pipecd_cp.ops.task import OpsTask, TaskContext, TaskReport
from pipecd_cp.stores.hashes import API_KEYS_LAST_USED
from pipecd_cp.stores.model import eq


class APIKeyLastUsedUpdater(OpsTask):
    name = "api_key_last_used_updater"
    description = "API keys' last-used times are copied from the cache to the datastore"
    interval = 600.0
    timeout = 300.0

    async def run_once(self, ctx: TaskContext) -> TaskReport:
        used: dict[str, int] = {}
        for key_id, raw in (await ctx.host.cache.inner.hgetall(API_KEYS_LAST_USED)).items():
            try:
                used[key_id] = int(raw)
            except ValueError:
                continue
        keys = await ctx.host.stores.apikeys.find_all([eq("disabled", False)])
        updated = 0
        for key in keys:
            at = used.get(key.id)
            if not at or at == key.last_used_at:
                continue
            ctx.checkpoint()
            if await ctx.host.stores.apikeys.update_last_used_at(key.id, at) is not None:
                updated += 1
        return TaskReport(f"{updated} API keys updated", {"updated": updated, "enabled_keys": len(keys)})
