"""Deployment chains (kind `DeploymentChain`): blocks of deployments run one after another.

Status rules (PipeCD's): a block is SUCCESS when all its nodes succeeded, else FAILURE if one
failed, else CANCELLED if one was cancelled, else RUNNING if one runs; otherwise it keeps its
status. The chain's status is derived from its blocks the same way. Completion times are set
when a block or the chain completes.
"""
from __future__ import annotations

from pipecd_cp.errors import InvalidArgument, NotFound
from pipecd_cp.proto.model import deployment_chain_pb2 as cpb
from pipecd_cp.proto.model import deployment_pb2 as dpb
from pipecd_cp.stores.model import I, ModelStore, Owner, S, asc, desc

DeploymentChain = cpb.DeploymentChain
BLOCK_DONE = frozenset({cpb.DEPLOYMENT_BLOCK_SUCCESS, cpb.DEPLOYMENT_BLOCK_FAILURE, cpb.DEPLOYMENT_BLOCK_CANCELLED})
CHAIN_DONE = frozenset({cpb.DEPLOYMENT_CHAIN_SUCCESS, cpb.DEPLOYMENT_CHAIN_FAILURE, cpb.DEPLOYMENT_CHAIN_CANCELLED})
_RUNNING = frozenset({dpb.DEPLOYMENT_PLANNED, dpb.DEPLOYMENT_RUNNING, dpb.DEPLOYMENT_ROLLING_BACK})


def _desired(statuses: list[int], success: int, failure: int, cancelled: int, running: int) -> int | None:
    if statuses and all(s == success for s in statuses):
        return success
    for wanted in (failure, cancelled, running):
        if wanted in statuses:
            return wanted
    return None


def block_status(block: cpb.ChainBlock) -> int:
    """The block's status as its nodes' deployments say."""
    mapped = []
    for node in block.nodes:
        s = node.deployment_ref.status if node.HasField("deployment_ref") else None
        mapped.append({dpb.DEPLOYMENT_SUCCESS: cpb.DEPLOYMENT_BLOCK_SUCCESS,
                       dpb.DEPLOYMENT_FAILURE: cpb.DEPLOYMENT_BLOCK_FAILURE,
                       dpb.DEPLOYMENT_CANCELLED: cpb.DEPLOYMENT_BLOCK_CANCELLED}.get(
            s, cpb.DEPLOYMENT_BLOCK_RUNNING if s in _RUNNING else cpb.DEPLOYMENT_BLOCK_PENDING))
    desired = _desired(mapped, cpb.DEPLOYMENT_BLOCK_SUCCESS, cpb.DEPLOYMENT_BLOCK_FAILURE,
                       cpb.DEPLOYMENT_BLOCK_CANCELLED, cpb.DEPLOYMENT_BLOCK_RUNNING)
    return block.status if desired is None else desired


def chain_status(chain: DeploymentChain) -> int:
    mapped = [{cpb.DEPLOYMENT_BLOCK_SUCCESS: cpb.DEPLOYMENT_CHAIN_SUCCESS,
               cpb.DEPLOYMENT_BLOCK_FAILURE: cpb.DEPLOYMENT_CHAIN_FAILURE,
               cpb.DEPLOYMENT_BLOCK_CANCELLED: cpb.DEPLOYMENT_CHAIN_CANCELLED,
               cpb.DEPLOYMENT_BLOCK_RUNNING: cpb.DEPLOYMENT_CHAIN_RUNNING}.get(b.status, cpb.DEPLOYMENT_CHAIN_PENDING)
              for b in chain.blocks]
    desired = _desired(mapped, cpb.DEPLOYMENT_CHAIN_SUCCESS, cpb.DEPLOYMENT_CHAIN_FAILURE,
                       cpb.DEPLOYMENT_CHAIN_CANCELLED, cpb.DEPLOYMENT_CHAIN_RUNNING)
    return chain.status if desired is None else desired


def _block(chain: DeploymentChain, index: int) -> cpb.ChainBlock:
    if index >= len(chain.blocks):
        raise InvalidArgument(f"deployment chain {chain.id!r} has no block {index}", field="deployment_chain_block_index")
    return chain.blocks[index]


class DeploymentChainStore(ModelStore[DeploymentChain]):
    kind = "DeploymentChain"
    model = DeploymentChain
    fields = {"project_id": S, "status": I, "created_at": I, "updated_at": I}
    indexes = ([asc("project_id"), desc("updated_at")], [asc("status"), desc("updated_at")])

    async def add_node_deployment(self, chain_id: str, owner: Owner, block_index: int,
                                  deployment: dpb.Deployment) -> DeploymentChain:
        """Attach a deployment to the node of its application in block `block_index`."""
        def change(chain: DeploymentChain) -> None:
            block = _block(chain, block_index)
            for node in block.nodes:
                if node.application_ref.application_id == deployment.application_id:
                    node.deployment_ref.CopyFrom(cpb.ChainDeploymentRef(
                        deployment_id=deployment.id, status=deployment.status, status_reason=deployment.status_reason))
                    return
            raise NotFound(f"application {deployment.application_id!r} is not in block {block_index} "
                           f"of deployment chain {chain.id!r}")
        return await self.update_owned(chain_id, owner, change)

    async def update_node_deployment_status(self, chain_id: str, owner: Owner, block_index: int,
                                            deployment_id: str, status: int, reason: str) -> DeploymentChain:
        """Record a deployment's new status and recompute its block and the chain."""
        now = self.now()

        def change(chain: DeploymentChain) -> None:
            block = _block(chain, block_index)
            node = next((n for n in block.nodes if n.deployment_ref.deployment_id == deployment_id), None)
            if node is None:
                raise NotFound(f"deployment {deployment_id!r} is not in block {block_index} of chain {chain.id!r}")
            node.deployment_ref.status, node.deployment_ref.status_reason = status, reason
            if block.status in BLOCK_DONE:
                return
            block.status = block_status(block)
            if block.status in BLOCK_DONE:
                block.completed_at = now
            if chain.status not in CHAIN_DONE:
                chain.status = chain_status(chain)
                if chain.status in CHAIN_DONE:
                    chain.completed_at = now
        return await self.update_owned(chain_id, owner, change)
