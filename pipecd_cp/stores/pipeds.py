"""Pipeds (kind `Piped`): keys as bcrypt hashes only, at most two at a time."""
from __future__ import annotations

from pipecd_cp.errors import FailedPrecondition
from pipecd_cp.proto.model import piped_pb2
from pipecd_cp.stores.model import B, I, ModelStore, Owner, S, asc

Piped = piped_pb2.Piped
MAX_KEYS = 2
REDACTED = "redacted"


def redact(piped: Piped) -> Piped:
    """A copy safe to send to a client: key hashes replaced by `redacted`."""
    out = Piped()
    out.CopyFrom(piped)
    for key in out.keys:
        key.hash = REDACTED
    return out


class PipedStore(ModelStore[Piped]):
    kind = "Piped"
    model = Piped
    fields = {"project_id": S, "disabled": B, "created_at": I, "updated_at": I}
    indexes = ([asc("project_id")],)

    async def add_key(self, id: str, owner: Owner, key_hash: str, creator: str) -> Piped:
        """Put a new key first; `FailedPrecondition` when the piped already has two."""
        now = self.now()

        def change(p: Piped) -> None:
            if len(p.keys) >= MAX_KEYS:
                raise FailedPrecondition(f"piped {id!r} already has {MAX_KEYS} keys; delete the old one first")
            keys = [piped_pb2.PipedKey(hash=key_hash, creator=creator, created_at=now), *p.keys]
            del p.keys[:]
            p.keys.extend(keys)
        piped = await self.update_owned(id, owner, change)
        await self.credentials_changed(id)
        return piped

    async def delete_old_keys(self, id: str, owner: Owner) -> Piped:
        """Keep only the newest key."""
        def change(p: Piped) -> None:
            if len(p.keys) > 1:
                newest = max(p.keys, key=lambda k: k.created_at)
                kept = piped_pb2.PipedKey()
                kept.CopyFrom(newest)
                del p.keys[:]
                p.keys.append(kept)
        piped = await self.update_owned(id, owner, change)
        await self.credentials_changed(id)
        return piped

    async def set_disabled(self, id: str, owner: Owner, disabled: bool) -> Piped:
        def change(p: Piped) -> None:
            p.disabled = disabled
        piped = await self.update_owned(id, owner, change)
        await self.credentials_changed(id)
        return piped
