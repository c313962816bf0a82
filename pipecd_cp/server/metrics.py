"""Prometheus metrics of one host, on a private registry (never the global one).

Names and labels follow what PipeCD exports, so existing dashboards keep working:
go-grpc-prometheus' `grpc_server_*` series (with handling-time histograms, which PipeCD never
enabled) and PipeCD's `http_requests_total` / `http_request_duration_milliseconds`. Every series
carries `pipecd_component`.
"""
from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import GCCollector, PlatformCollector, ProcessCollector

GRPC_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
HTTP_BUCKETS_MS = (1, 5, 25, 125, 625, 3125, 15625)


class Metrics:
    """Counters and histograms for RPCs and HTTP routes, plus process metrics."""

    def __init__(self, component: str = "server") -> None:
        self.component = component
        self.registry = CollectorRegistry(auto_describe=True)
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        c = ("pipecd_component",)
        grpc_labels = c + ("grpc_type", "grpc_service", "grpc_method")
        self.grpc_started = Counter("grpc_server_started_total", "RPCs started on the server.",
                                    grpc_labels, registry=self.registry)
        self.grpc_handled = Counter("grpc_server_handled_total", "RPCs completed on the server, by code.",
                                    grpc_labels + ("grpc_code",), registry=self.registry)
        self.grpc_seconds = Histogram("grpc_server_handling_seconds", "Time to handle an RPC.",
                                      grpc_labels, buckets=GRPC_BUCKETS, registry=self.registry)
        http_labels = c + ("code", "method", "path")
        self.http_requests = Counter("http_requests_total", "HTTP requests, by route.",
                                     http_labels, registry=self.registry)
        self.http_ms = Histogram("http_request_duration_milliseconds", "HTTP request latency in milliseconds.",
                                 http_labels, buckets=HTTP_BUCKETS_MS, registry=self.registry)
        self.deployments_created = Counter("grpcapi_create_deployment_total", "Deployments created by pipeds.",
                                           c + ("project",), registry=self.registry)
        self.cache_ops = Counter("cache_operation_total", "Cache operations by outcome (hit, miss, error, skipped).",
                                 c + ("source", "op", "outcome"), registry=self.registry)
        self.auth_events = Counter("pipecd_cp_auth_events_total",
                                   "Credential checks: bcrypt runs, state loads, cached rejections, throttled keys.",
                                   c + ("verifier", "event"), registry=self.registry)
        self._rpc_children: dict[tuple[str, str], tuple[object, object]] = {}

    def rpc(self, service: str, method: str) -> "RpcMetrics":
        """Pre-bound metric children for one method (cheap to call per request)."""
        key = (service, method)
        child = self._rpc_children.get(key)
        if child is None:
            labels = (self.component, "unary", service, method)
            child = (self.grpc_started.labels(*labels), self.grpc_seconds.labels(*labels))
            self._rpc_children[key] = child
        return RpcMetrics(self, service, method, child[0], child[1])

    def deployment_created(self, project: str) -> None:
        self.deployments_created.labels(self.component, project).inc()

    def cache_observer(self, source: str):  # noqa: ANN201 - a (op, outcome) callback
        """A callback for `ResilientCache` counting its outcomes under `source` (the driver name)."""
        def observe(op: str, outcome: str) -> None:
            self.cache_ops.labels(self.component, source, op, outcome).inc()
        return observe

    def auth_observer(self, verifier: str, event: str) -> None:
        self.auth_events.labels(self.component, verifier, event).inc()

    def observe_http(self, method: str, path: str, code: int, seconds: float) -> None:
        labels = (self.component, str(code), method, path)
        self.http_requests.labels(*labels).inc()
        self.http_ms.labels(*labels).observe(seconds * 1000.0)

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)


class RpcMetrics:
    __slots__ = ("_m", "_service", "_method", "started", "seconds")

    def __init__(self, m: Metrics, service: str, method: str, started: object, seconds: object) -> None:
        self._m, self._service, self._method = m, service, method
        self.started, self.seconds = started, seconds

    def done(self, code: str, elapsed: float) -> None:
        self.seconds.observe(elapsed)  # type: ignore[attr-defined]
        self._m.grpc_handled.labels(self._m.component, "unary", self._service, self._method, code).inc()
