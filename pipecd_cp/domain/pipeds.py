"""Registering pipeds and rotating their keys (shared by the API, the web and the CLI)."""
from __future__ import annotations

import uuid

from pipecd_cp.auth.credentials import hash_key, new_piped_key
from pipecd_cp.concurrency import BlockingRunner
from pipecd_cp.proto.model import piped_pb2
from pipecd_cp.stores import Stores
from pipecd_cp.stores.model import Owner


async def register_piped(stores: Stores, runner: BlockingRunner, project_id: str, name: str, desc: str,
                         creator: str) -> tuple[piped_pb2.Piped, str]:
    """Create a piped with a fresh key; return it and the key (the only time it is shown)."""
    key = new_piped_key()
    key_hash = await runner.run(hash_key, key)
    now = stores.pipeds.now()
    piped = piped_pb2.Piped(id=str(uuid.uuid4()), name=name, desc=desc, project_id=project_id,
                            keys=[piped_pb2.PipedKey(hash=key_hash, creator=creator, created_at=now)])
    await stores.pipeds.add(piped)
    return piped, key


async def recreate_piped_key(stores: Stores, runner: BlockingRunner, owner: Owner, piped_id: str,
                             creator: str) -> str:
    """Add a second key (at most two); return it once."""
    key = new_piped_key()
    key_hash = await runner.run(hash_key, key)
    await stores.pipeds.add_key(piped_id, owner, key_hash, creator)
    return key
