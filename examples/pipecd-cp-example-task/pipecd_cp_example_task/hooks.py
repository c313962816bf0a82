"""Hooks of the example: every failed ops task run is written to the file store."""
from __future__ import annotations

from typing import Any

from pipecd_cp import hookimpl


@hookimpl
async def ops_task_failed(host: Any, task: str, error: BaseException, attempt: int) -> None:
    """Record the failure (a real notifier would page someone or post to chat)."""
    await host.filestore.put(f"example-task/failures/{task}-{attempt}.txt", f"{type(error).__name__}: {error}".encode())
