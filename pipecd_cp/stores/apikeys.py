"""API keys (kind `APIKey`): the secret is stored as a bcrypt hash only."""
from __future__ import annotations

from pipecd_cp.proto.model import apikey_pb2
from pipecd_cp.stores.model import B, I, ModelStore, Owner, S, asc

APIKey = apikey_pb2.APIKey


def redact(key: APIKey) -> APIKey:
    """A copy safe to send to a client (the hash is always removed, unlike PipeCD, #16.2)."""
    out = APIKey()
    out.CopyFrom(key)
    out.key_hash = "redacted"
    return out


class APIKeyStore(ModelStore[APIKey]):
    kind = "APIKey"
    model = APIKey
    fields = {"project_id": S, "disabled": B, "created_at": I, "updated_at": I}
    indexes = ([asc("project_id")],)

    async def disable(self, id: str, owner: Owner) -> APIKey:
        def change(k: APIKey) -> None:
            k.disabled = True
        key = await self.update_owned(id, owner, change)
        await self.credentials_changed(id)
        return key

    async def update_last_used_at(self, id: str, used_at: int) -> APIKey | None:
        """Move `last_used_at` forward (never back); None when there was nothing to change."""
        changed: list[bool] = []

        def change(k: APIKey) -> None:
            if used_at > k.last_used_at:
                k.last_used_at = used_at
                changed[:] = [True]
        key = await self.update(id, change, touch=False)
        return key if changed else None
