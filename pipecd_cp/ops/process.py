"""The `pipecd-cp ops` process: start-up tasks, the scheduler, the owner page and `/metrics`.

Start-up order (PipeCD's, with the ensurers as tasks): open the host (config, drivers), run the
blocking start-up tasks (`mysql_schema_ensurer`) before anything else, declare the scheduler's
kinds, bind the owner page (`--http-port`, server `ops`) and the admin server (`--admin-port`,
server `ops-admin`: `/healthz`, `/version`, `/metrics`), then start the scheduled loops and the
background start-up tasks (`firestore_index_ensurer`).

SIGTERM or SIGINT: stop accepting HTTP, stop starting runs, ask running tasks to stop at their
next safe point and wait for them up to the grace period (default 15s), then cancel what is left
at its current step. Each step is one atomic change, so nothing is left half applied, and a
stopped run leaves its slot due to be run again.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipecd_cp.ops.clock import Clock, SystemClock
from pipecd_cp.ops.metrics import scrape_extras
from pipecd_cp.ops.registry import ScheduledTask, resolve_all
from pipecd_cp.ops.scheduler import Scheduler
from pipecd_cp.server.process import Listener, ServeOptions, ServerProcess, run_until_signalled

if TYPE_CHECKING:
    from pipecd_cp.app import Host

log = logging.getLogger("pipecd_cp.ops")


@dataclass
class OpsOptions:
    bind: str = "0.0.0.0"
    http_port: int = 9082
    admin_port: int = 9085
    grace_period: float = 15.0
    #: Tornado settings for the owner page's server (cookie secret, xsrf cookie flags).
    ops_settings: dict = field(default_factory=dict)


def ops_listeners(host: "Host", options: OpsOptions) -> list[Listener]:
    return [Listener("ops", options.http_port, settings=dict(options.ops_settings)),
            Listener("ops-admin", options.admin_port, settings={"pipecd_metrics_extra": scrape_extras(host)})]


class OpsProcess:
    """One ops replica on a started host."""

    def __init__(self, host: "Host", options: OpsOptions, *, clock: Clock | None = None,
                 tasks: list[ScheduledTask] | None = None) -> None:
        self.host, self.options = host, options
        self.clock = clock or SystemClock()
        self.tasks = tasks if tasks is not None else resolve_all(host)
        self.scheduler = Scheduler(host, self.tasks, clock=self.clock)
        self.server = ServerProcess(host, ServeOptions(bind=options.bind, http=ops_listeners(host, options),
                                                       grace_period=options.grace_period))
        self._stop = asyncio.Event()

    def request_stop(self) -> None:
        self._stop.set()

    async def start(self) -> None:
        await self.scheduler.run_startup()
        await self.scheduler.prepare()
        await self.server.start()
        self.scheduler.start()
        active = [t.name for t in self.scheduler.scheduled]
        log.info("ops | ready: %d scheduled tasks (%s)", len(active), ", ".join(active) or "none")

    async def stop(self) -> None:
        grace = self.options.grace_period
        log.info("ops | stopping: running tasks get up to %gs to reach a safe point", grace)
        await asyncio.gather(self.scheduler.stop(grace), self.server.stop(grace))
        log.info("ops | stopped")

    async def run(self) -> None:
        """Start, run until SIGTERM or SIGINT, then stop within the grace period."""
        await run_until_signalled(self.start, self.stop, self._stop)
