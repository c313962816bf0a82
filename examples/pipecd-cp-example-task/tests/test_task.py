"""The example task on its own: runs through the host's runner and honours dry runs."""
from __future__ import annotations

import json
from pathlib import Path

from pipecd_cp.app import Host, HostSettings
from pipecd_cp.config.controlplane import ControlPlaneConfig
from pipecd_cp.ops.clock import ManualClock
from pipecd_cp.ops.task import TaskContext
from pipecd_cp.plugins import build_plugin_manager
from pipecd_cp_example_task.task import PATH, ExampleHeartbeat


async def test_writes_a_heartbeat(tmp_path: Path) -> None:
    clock = ManualClock()
    host = Host(ControlPlaneConfig(), HostSettings(data_dir=tmp_path, clock=clock.time), build_plugin_manager(env={}))
    await host.start()
    try:
        task = ExampleHeartbeat.from_config({"steps": 2}, host)
        report = await task.run_once(TaskContext(host, "example_heartbeat", clock, dry_run=True))
        assert report.counts == {"runs": 1}
        report = await task.run_once(TaskContext(host, "example_heartbeat", clock, slot=clock.time()))
        assert json.loads(await host.filestore.get(PATH)) == {"runs": 1, "last_run_at": int(clock.time()),
                                                              "slot": clock.time()}
    finally:
        await host.close()
