"""Simulated pipeds against `pipecd-cp serve`, beside a bare grpc.aio echo server, in one run.

    python -m bench.piped_load                       # 1,000 pipeds, 36 applications each, 60 s
    python -m bench.piped_load --pipeds 200 --seconds 20

Each simulated piped makes PipeCD's idle polling mix (reference: users-load-security-config.md
section 2): ListUnhandledCommands every 5 s, ListNotCompletedDeployments every 10 s,
ListApplications twice a minute (application store + event watcher), ListEvents, ReportStat,
GetDesiredVersion and ReportUnregisteredApplicationConfigurations every minute, and a
ReportApplicationLiveState per application every 10 minutes: about 0.46 RPC/s per piped with
36 applications. Calls start at random phases. After a warm-up (every piped authenticates once;
the bench's keys use bcrypt cost 4 so set-up is quick, which does not change the steady state:
the server runs bcrypt once per key), the same client runs the same schedule against each server
and the table reports RPC/s, p50/p99 latency, server CPU seconds, CPU per call, and peak RSS.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import bcrypt
import grpc

from pipecd_cp.proto.grpc.service.pipedservice import service_pb2 as pb
from pipecd_cp.proto.model import application_live_state_pb2 as lpb, common_pb2

SERVICE = "/grpc.service.pipedservice.PipedService/"
TICKS = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------- servers
def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _peak_rss_mb(pid: int) -> float:
    m = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(m.group(1)) / 1024 if m else 0.0


class Server:
    def __init__(self, name: str, cmd: list[str], ready: re.Pattern[str], echo_output: bool = False) -> None:
        self.name = name
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.port = 0
        self.admin_port = 0
        got = threading.Event()

        def pump() -> None:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                if echo_output:
                    print(f"    [{name}] {line.rstrip()}", flush=True)
                m = ready.search(line)
                if m and not got.is_set():
                    self.port = int(m.group(1))
                    admin = re.search(r"admin=(\d+)", line)
                    self.admin_port = int(admin.group(1)) if admin else 0
                    got.set()
        threading.Thread(target=pump, daemon=True).start()
        if not got.wait(60):
            self.proc.kill()
            raise SystemExit(f"{name} did not start")

    @property
    def cpu(self) -> float:
        return _cpu_seconds(self.proc.pid)

    @property
    def peak_rss_mb(self) -> float:
        return _peak_rss_mb(self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def _echo_main(port: int) -> None:
    """The baseline: a bare grpc.aio server answering every PipedService path with empty bytes."""
    async def handler(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        return b""

    class Generic(grpc.GenericRpcHandler):
        def service(self, details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler | None:
            return grpc.unary_unary_rpc_method_handler(handler)
    server = grpc.aio.server()
    server.add_generic_rpc_handlers([Generic()])
    bound = server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    print(f"echo ready port={bound}", flush=True)
    await server.wait_for_termination()


# ---------------------------------------------------------------------------- fleet
@dataclass
class Piped:
    id: str
    key: str
    apps: list[str]


def seed(data_dir: Path, pipeds: int, apps: int) -> list[Piped]:
    """Create the project's pipeds and applications directly in the embedded datastore."""
    from pipecd_cp.app import Host, HostSettings
    from pipecd_cp.config.controlplane import ControlPlaneConfig
    from pipecd_cp.proto.model import application_pb2, piped_pb2
    from pipecd_cp.stores.documents import to_document

    async def run() -> list[Piped]:
        host = Host(ControlPlaneConfig(), HostSettings(data_dir=data_dir))
        await host.start()
        from pipecd_cp.bootstrap import ensure_quickstart_project
        await ensure_quickstart_project(host)
        now = host.now()
        fleet: list[Piped] = []
        salt = bcrypt.gensalt(rounds=4)
        ds = host.datastore
        sem = asyncio.Semaphore(64)

        async def create(kind: str, id: str, doc: dict) -> None:
            async with sem:
                await ds.create(kind, id, doc)
        jobs = []
        for _ in range(pipeds):
            key = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(50))
            piped = piped_pb2.Piped(id=str(uuid.uuid4()), name="bench", project_id="quickstart", created_at=now,
                                    updated_at=now, keys=[piped_pb2.PipedKey(
                                        hash=bcrypt.hashpw(key.encode(), salt).decode(), creator="bench",
                                        created_at=now)])
            jobs.append(create("Piped", piped.id, to_document(piped)))
            app_ids = []
            for a in range(apps):
                app = application_pb2.Application(
                    id=str(uuid.uuid4()), name=f"app-{a}", piped_id=piped.id, project_id="quickstart",
                    git_path=common_pb2.ApplicationGitPath(repo=common_pb2.ApplicationGitRepository(
                        id="repo", remote="git@github.com:acme/deploy.git", branch="main"), path=f"apps/app-{a}"),
                    labels={"env": "prod", "team": f"t{a % 5}"}, created_at=now, updated_at=now)
                app_ids.append(app.id)
                jobs.append(create("Application", app.id, to_document(app)))
            fleet.append(Piped(piped.id, key, app_ids))
        await asyncio.gather(*jobs)
        await host.close()
        return fleet
    return asyncio.run(run())


# ---------------------------------------------------------------------------- load
@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    by_method: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    calls: int = 0


def _requests(piped: Piped) -> list[tuple[str, float, bytes]]:
    """(method, interval seconds, serialized request) of one piped's idle mix."""
    stat = ("# HELP piped_up Piped is up\n# TYPE piped_up gauge\npiped_up 1\n" * 20).encode()
    mix = [("ListUnhandledCommands", 5, pb.ListUnhandledCommandsRequest()),
           ("ListNotCompletedDeployments", 10, pb.ListNotCompletedDeploymentsRequest()),
           ("ListApplications", 60, pb.ListApplicationsRequest()),
           ("ListApplications", 60, pb.ListApplicationsRequest()),
           ("ListEvents", 60, pb.ListEventsRequest()),
           ("ReportStat", 60, pb.ReportStatRequest(piped_stats=stat)),
           ("GetDesiredVersion", 60, pb.GetDesiredVersionRequest()),
           ("ReportUnregisteredApplicationConfigurations", 60,
            pb.ReportUnregisteredApplicationConfigurationsRequest(applications=[common_pb2.ApplicationInfo(
                name="new", repo_id="repo", path="apps/new", piped_id=piped.id)]))]
    now = int(time.time())
    for app_id in piped.apps:
        snap = lpb.ApplicationLiveStateSnapshot(
            application_id=app_id, piped_id=piped.id, project_id="quickstart",
            version=lpb.ApplicationLiveStateVersion(timestamp=now),
            kubernetes=lpb.KubernetesApplicationLiveState(resources=[lpb.KubernetesResourceState(
                id=f"r{i}", name=f"pod-{i}", api_version="v1", kind="Pod", created_at=now, updated_at=now)
                for i in range(5)]))
        mix.append(("ReportApplicationLiveState", 600, pb.ReportApplicationLiveStateRequest(snapshot=snap)))
    return [(m, float(i), r.SerializeToString()) for m, i, r in mix]


async def run_load(port: int, fleet: list[Piped], seconds: float, warmup: bool, channels: int = 8,
                   seed_value: int = 1) -> Stats:
    rng = random.Random(seed_value)
    chans = [grpc.aio.insecure_channel(f"127.0.0.1:{port}") for _ in range(channels)]
    calls = {(c, m): chans[c].unary_unary(SERVICE + m) for c in range(channels)
             for m in {"ListUnhandledCommands", "ListNotCompletedDeployments", "ListApplications", "ListEvents",
                       "ReportStat", "GetDesiredVersion", "ReportUnregisteredApplicationConfigurations",
                       "ReportApplicationLiveState"}}
    stats = Stats()
    if warmup:  # every piped authenticates once (its one bcrypt), a few at a time
        sem = asyncio.Semaphore(32)

        async def hello(i: int, p: Piped) -> None:
            async with sem:
                md = (("authorization", f"PIPED-TOKEN quickstart,{p.id},{p.key}"),)
                await calls[(i % channels, "GetDesiredVersion")](b"", metadata=md, timeout=120)
        await asyncio.gather(*(hello(i, p) for i, p in enumerate(fleet)))
    # Build every request up front, then keep the load generator's own (large) heap out of its
    # garbage collector while it measures: its pauses would show up as server latency.
    mixes = [_requests(p) for p in fleet]
    start = time.monotonic()
    end = start + seconds
    gc.collect()
    gc.freeze()

    async def piped_loop(i: int, p: Piped) -> None:
        md = (("authorization", f"PIPED-TOKEN quickstart,{p.id},{p.key}"),)
        schedule = [[start + rng.uniform(0, interval), interval, method, body]
                    for method, interval, body in mixes[i]]
        while True:
            item = min(schedule, key=lambda s: s[0])
            if item[0] >= end:
                return
            delay = item[0] - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            t0 = time.perf_counter()
            try:
                await calls[(i % channels, item[2])](item[3], metadata=md, timeout=30)
                took = time.perf_counter() - t0
                stats.latencies.append(took)
                stats.by_method.setdefault(item[2], []).append(took)
            except grpc.aio.AioRpcError as err:
                key = f"{item[2]}:{err.code().name}"
                stats.errors[key] = stats.errors.get(key, 0) + 1
            stats.calls += 1
            item[0] += item[1]
    await asyncio.gather(*(piped_loop(i, p) for i, p in enumerate(fleet)))
    gc.unfreeze()
    for ch in chans:
        await ch.close()
    return stats


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))] * 1000


def measure(server: Server, fleet: list[Piped], seconds: float, warmup: bool) -> dict[str, float | str]:
    if warmup:
        asyncio.run(run_load(server.port, fleet, 0, True))
    cpu0 = server.cpu
    t0 = time.monotonic()
    stats = asyncio.run(run_load(server.port, fleet, seconds, False))
    wall = time.monotonic() - t0
    cpu = server.cpu - cpu0
    if os.environ.get("BENCH_VERBOSE") and server.admin_port:
        import urllib.request
        text = urllib.request.urlopen(f"http://127.0.0.1:{server.admin_port}/metrics").read().decode()
        buckets: dict[float, float] = {}
        for line in text.splitlines():
            m = re.match(r'grpc_server_handling_seconds_bucket\{.*grpc_service="grpc.service.pipedservice.PipedService".*le="([^"]+)".*\} (\S+)', line)
            if m:
                le = float("inf") if m.group(1) == "+Inf" else float(m.group(1))
                buckets[le] = buckets.get(le, 0) + float(m.group(2))
        total = buckets.get(float("inf"), 0)
        for le in sorted(buckets):
            print(f"  server-side handling <= {le}s: {buckets[le] / max(total, 1):.4f}")
    if os.environ.get("BENCH_VERBOSE"):
        for method, lat in sorted(stats.by_method.items()):
            print(f"  {server.name:20} {method:45} n={len(lat):6} p50={_pct(lat, .5):7.2f} ms "
                  f"p99={_pct(lat, .99):7.2f} ms max={max(lat) * 1000:7.1f} ms")
    return {"server": server.name, "rpc/s": stats.calls / wall, "p50 ms": _pct(stats.latencies, 0.50),
            "p99 ms": _pct(stats.latencies, 0.99), "cpu s": cpu, "cores": cpu / wall,
            "cpu/call ms": 1000 * cpu / max(stats.calls, 1), "peak rss MB": server.peak_rss_mb,
            "errors": sum(stats.errors.values()), "error kinds": ", ".join(sorted(stats.errors)) or "-"}


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.piped_load", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pipeds", type=int, default=1000)
    ap.add_argument("--apps", type=int, default=36, help="applications per piped")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--serve-echo", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve_echo is not None:
        asyncio.run(_echo_main(args.serve_echo))
        return
    data = Path(tempfile.mkdtemp(prefix="bench-piped-load-"))
    print(f"seeding {args.pipeds} pipeds x {args.apps} applications in {data} ...", flush=True)
    fleet = seed(data, args.pipeds, args.apps)
    cp = Server("pipecd-cp serve", [sys.executable, "-m", "pipecd_cp", "serve", "--data-dir", str(data),
                                    "--bind", "127.0.0.1", "--piped-api-port", "0", "--web-api-port", "0",
                                    "--http-port", "0", "--api-port", "0", "--admin-port", "0",
                                    ],
                re.compile(r"server \| ready piped=(\d+)"), echo_output=bool(os.environ.get("BENCH_SERVER_LOG")))
    echo = Server("bare grpc.aio echo", [sys.executable, "-m", "bench.piped_load", "--serve-echo", "0"],
                  re.compile(r"echo ready port=(\d+)"))
    try:
        print("warming up (each piped authenticates once) and measuring ...", flush=True)
        rows = [measure(cp, fleet, args.seconds, warmup=True), measure(echo, fleet, args.seconds, warmup=False)]
    finally:
        cp.stop()
        echo.stop()
    cols = ["server", "rpc/s", "p50 ms", "p99 ms", "cpu s", "cores", "cpu/call ms", "peak rss MB", "errors"]
    print(f"\n{args.pipeds} pipeds, {args.apps} applications each, {args.seconds:.0f} s per server\n")
    widths = {c: max(len(c), *(len(_fmt(r[c])) for r in rows)) for c in cols}
    print("  ".join(c.rjust(widths[c]) if i else c.ljust(widths[c]) for i, c in enumerate(cols)))
    for r in rows:
        print("  ".join(_fmt(r[c]).rjust(widths[c]) if i else _fmt(r[c]).ljust(widths[c]) for i, c in enumerate(cols)))
    ratio = float(rows[0]["cpu/call ms"]) / max(float(rows[1]["cpu/call ms"]), 1e-9)
    print(f"\nserver CPU per call: {ratio:.2f}x the bare echo server (target <= 2.5x)")
    print(f"targets: p99 {rows[0]['p99 ms']:.1f} ms (< 50), {rows[0]['cores']:.2f} cores (< 1), "
          f"peak RSS {rows[0]['peak rss MB']:.0f} MB (< 300)")
    if rows[0]["errors"]:
        print(f"errors: {rows[0]['error kinds']}")


def _fmt(v: object) -> str:
    return f"{v:,.2f}" if isinstance(v, float) else str(v)


if __name__ == "__main__":
    main()
