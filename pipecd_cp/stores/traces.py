"""Deployment traces (kind `DeploymentTrace`): the commit behind a set of deployments."""
from __future__ import annotations

from pipecd_cp.proto.model import deployment_trace_pb2
from pipecd_cp.stores.model import I, ModelStore, S, asc, desc

DeploymentTrace = deployment_trace_pb2.DeploymentTrace


class DeploymentTraceStore(ModelStore[DeploymentTrace]):
    kind = "DeploymentTrace"
    model = DeploymentTrace
    fields = {"project_id": S, "commit_hash": S, "created_at": I, "updated_at": I}
    indexes = ([asc("project_id"), desc("updated_at")], [asc("commit_hash"), desc("updated_at")])
