"""`deployment_chain_controller`: the safety net that keeps deployment chains in step.

PipeCD's `deploymentchaincontroller` (section 13.5), stateless so any replica can run it: every
15s, for each chain that is PENDING or RUNNING,

1. every node whose deployment is known and not completed gets the deployment's current status
   (which recomputes its block and the chain, with completion times);
2. nodes with no deployment yet are attached to the chain's deployment of their application
   (`deployment_chain_id`), and its status is applied at once (PipeCD attaches them PENDING and
   never looks again);
3. a block whose stored status disagrees with its nodes is recomputed.

The piped API already updates chain nodes when pipeds report, so normally there is little to do.
"""
from __future__ import annotations

from pipecd_cp.datastore.base import Filter, Op
from pipecd_cp.errors import NotFound
from pipecd_cp.ops.task import OpsTask, TaskContext, TaskReport
from pipecd_cp.proto.model import deployment_chain_pb2 as cpb
from pipecd_cp.proto.model import deployment_pb2 as dpb
from pipecd_cp.stores.chains import BLOCK_DONE, block_status
from pipecd_cp.stores.deployments import COMPLETED
from pipecd_cp.stores.model import Owner, desc, eq

OPEN = (cpb.DEPLOYMENT_CHAIN_PENDING, cpb.DEPLOYMENT_CHAIN_RUNNING)


class DeploymentChainController(OpsTask):
    name = "deployment_chain_controller"
    description = "attaches deployments to chain nodes and updates node, block and chain statuses"
    interval = 15.0
    timeout = 60.0

    async def run_once(self, ctx: TaskContext) -> TaskReport:
        chains = await ctx.host.stores.chains.find_all([Filter("status", Op.IN, list(OPEN))], [desc("updated_at")])
        counts = {"chains": len(chains), "statuses": 0, "attached": 0, "recomputed": 0}
        for chain in chains:
            ctx.checkpoint()
            await self._sync(ctx, chain, counts)
        return TaskReport(f"{len(chains)} open chains checked", counts)

    async def _sync(self, ctx: TaskContext, chain: cpb.DeploymentChain, counts: dict[str, int]) -> None:
        stores, owner = ctx.host.stores, Owner(chain.project_id)
        for bi, block in enumerate(chain.blocks):
            for node in block.nodes:
                ref = node.deployment_ref
                if not ref.deployment_id or ref.status in COMPLETED:
                    continue
                try:
                    dep = await stores.deployments.get(ref.deployment_id)
                except NotFound:
                    ctx.log.warning("ops | chain %s: deployment %s is gone", chain.id, ref.deployment_id)
                    continue
                if (dep.status, dep.status_reason) != (ref.status, ref.status_reason):
                    chain = await stores.chains.update_node_deployment_status(
                        chain.id, owner, bi, dep.id, dep.status, dep.status_reason)
                    counts["statuses"] += 1
        missing = {(bi, n.application_ref.application_id) for bi, b in enumerate(chain.blocks) for n in b.nodes
                   if not n.deployment_ref.deployment_id}
        if missing:
            for dep in await stores.deployments.find_all([eq("deployment_chain_id", chain.id)], [desc("updated_at")]):
                key = (dep.deployment_chain_block_index, dep.application_id)
                if key not in missing:
                    continue
                missing.discard(key)
                chain = await stores.chains.add_node_deployment(chain.id, owner, dep.deployment_chain_block_index, dep)
                counts["attached"] += 1
                if dep.status != dpb.DEPLOYMENT_PENDING:
                    chain = await stores.chains.update_node_deployment_status(
                        chain.id, owner, dep.deployment_chain_block_index, dep.id, dep.status, dep.status_reason)
        for bi, block in enumerate(chain.blocks):
            if block.status in BLOCK_DONE or block_status(block) == block.status:
                continue
            node = next((n for n in block.nodes if n.deployment_ref.deployment_id), None)
            if node is not None:
                ref = node.deployment_ref
                chain = await stores.chains.update_node_deployment_status(
                    chain.id, owner, bi, ref.deployment_id, ref.status, ref.status_reason)
                counts["recomputed"] += 1
