"""PipeCD's control-plane configuration file (`kind: ControlPlane`), read as PipeCD reads it.

    apiVersion: pipecd.dev/v1beta1
    kind: ControlPlane
    spec:
      address: https://pipecd.example.com
      stateKey: random-string
      datastore: {type: MYSQL, config: {...}}      # pipecd-cp adds SQLITE (config.path)
      filestore: {type: MINIO, config: {...}}      # pipecd-cp adds LOCAL (config.root)
      cache: {ttl: 5m}                             # pipecd-cp adds type and config
      insightCollector: {...}
      projects: [...]
      ops: {leaseTtl: 60s, tasks: {...}}           # pipecd-cp's own (pipecd_cp.config.ops)
      web: {corsAllowedOrigins: [...]}             # pipecd-cp's own (pipecd_cp.config.web)
      sharedSSOConfigs: [...]

Differences from PipeCD, all additive: the `SQLITE`, `LOCAL` and `MEMORY` types, `spec.cache.type`
and `spec.cache.config`, the `spec.ops` and `spec.web` blocks, an absent datastore or filestore
meaning the embedded default instead of a start-up failure, and cron schedules checked when the
file is read.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import yaml
from google.protobuf import json_format

from pipecd_cp.config.ops import OpsBlock, check_cron_field
from pipecd_cp.config.schema import Decoding, RawBlock, Seconds, lenient, mapping_keys, setting
from pipecd_cp.config.source import line_of, read_yaml
from pipecd_cp.config.web import WebBlock
from pipecd_cp.errors import ConfigError
from pipecd_cp.proto.model import project_pb2

API_VERSION = "pipecd.dev/v1beta1"
KIND = "ControlPlane"
DEFAULT_CACHE_TTL = 300.0


@lenient
@dataclass
class StoreBlock:
    """`spec.datastore` / `spec.filestore`: a backend type and its own config block."""

    type: str = ""
    config: RawBlock = setting(default_factory=RawBlock)

    @property
    def driver_name(self) -> str:
        """The entry-point name: the type, lower-cased (`MYSQL` -> `mysql`)."""
        return self.type.strip().lower()


@dataclass
class CacheBlock:
    ttl: Seconds = setting(Seconds(0), doc="TTL of cached stage logs, live states and commands; 0 = 5m")
    type: str = ""
    config: RawBlock = setting(default_factory=RawBlock)

    @property
    def driver_name(self) -> str:
        return self.type.strip().lower()

    @property
    def effective_ttl(self) -> float:
        return float(self.ttl) if self.ttl > 0 else DEFAULT_CACHE_TTL


@dataclass
class InsightJob:
    enabled: bool = True
    schedule: str = ""
    chunk_max_count: int = 1000

    def check(self) -> None:
        if self.schedule:
            check_cron_field(self.schedule)
        if self.chunk_max_count < 1:
            raise ConfigError("must be at least 1", field="chunkMaxCount")


def _application_job() -> InsightJob:
    return InsightJob(schedule="0 * * * *")


def _deployment_job() -> InsightJob:
    return InsightJob(schedule="30 * * * *")


@dataclass
class InsightCollector:
    application: InsightJob = setting(default_factory=_application_job)
    deployment: InsightJob = setting(default_factory=_deployment_job)

    def check(self) -> None:
        for name in ("application", "deployment"):
            job = getattr(self, name)
            if not job.schedule:
                job.schedule = (_application_job() if name == "application" else _deployment_job()).schedule


@dataclass
class StaticAdmin:
    username: str = ""
    password_hash: str = ""


@dataclass
class ConfigProject:
    """A project defined in the config file (PipeCD's "debug" projects): static login only."""

    id: str = ""
    desc: str = ""
    static_admin: StaticAdmin = setting(default_factory=StaticAdmin)

    def check(self) -> None:
        if not self.id:
            raise ConfigError("missing required key id")


@dataclass
class SharedSSOConfig:
    name: str
    sso: project_pb2.ProjectSSOConfig


def _decode_shared_sso(dec: Decoding, node: yaml.Node, path: str) -> list[SharedSSOConfig]:
    """Items are `{name, provider, ...ProjectSSOConfig in proto JSON}`, as PipeCD parses them with jsonpb."""
    if not isinstance(node, yaml.SequenceNode):
        raise dec.fail(node, path, "must be a list")
    out: list[SharedSSOConfig] = []
    seen: set[str] = set()
    for i, item in enumerate(node.value):
        ipath = f"{path}[{i}]"
        if not isinstance(item, yaml.MappingNode):
            raise dec.fail(item, ipath, "must be a mapping")
        raw = dec.source.value(item)
        keys = mapping_keys(item)
        name = raw.pop("name", None)
        if not isinstance(name, str) or not name:
            raise dec.fail(keys.get("name", item), f"{ipath}.name", "must be a non-empty string")
        if name in seen:
            raise dec.fail(keys["name"], f"{ipath}.name", f"duplicate shared SSO config name {name!r}")
        seen.add(name)
        provider = raw.get("provider")
        if not isinstance(provider, str) or provider not in project_pb2.ProjectSSOConfig.Provider.keys():
            allowed = ", ".join(project_pb2.ProjectSSOConfig.Provider.keys())
            raise dec.fail(keys.get("provider", item), f"{ipath}.provider", f"must be one of {allowed}")
        sso = project_pb2.ProjectSSOConfig()
        try:
            json_format.ParseDict(raw, sso)
        except json_format.ParseError as exc:
            raise dec.fail(item, ipath, " ".join(str(exc).split())) from None
        out.append(SharedSSOConfig(name, sso))
    return out


@dataclass
class ControlPlaneSpec:
    address: str = ""
    state_key: str = ""
    datastore: StoreBlock = setting(default_factory=StoreBlock)
    filestore: StoreBlock = setting(default_factory=StoreBlock)
    cache: CacheBlock = setting(default_factory=CacheBlock)
    insight_collector: InsightCollector = setting(default_factory=InsightCollector)
    projects: list[ConfigProject] = setting(default_factory=list)
    shared_sso_configs: list[SharedSSOConfig] = setting(default_factory=list, key="sharedSSOConfigs",
                                                        decode=_decode_shared_sso)
    ops: OpsBlock = setting(default_factory=OpsBlock)
    web: WebBlock = setting(default_factory=WebBlock)

    def check(self) -> None:
        ids = [p.id for p in self.projects]
        dup = next((i for i in ids if ids.count(i) > 1), None)
        if dup:
            raise ConfigError(f"project {dup!r} is defined twice", field="projects")

    def project(self, project_id: str) -> ConfigProject | None:
        return next((p for p in self.projects if p.id == project_id), None)

    def shared_sso(self, name: str) -> SharedSSOConfig | None:
        return next((s for s in self.shared_sso_configs if s.name == name), None)


@dataclass
class _Envelope:
    api_version: str = ""
    kind: str = ""
    spec: ControlPlaneSpec = setting(default_factory=ControlPlaneSpec)


@dataclass
class ControlPlaneConfig:
    """A parsed control-plane file. `file` is None for the embedded defaults."""

    spec: ControlPlaneSpec = dataclasses.field(default_factory=ControlPlaneSpec)
    file: str | None = None
    warnings: list[str] = dataclasses.field(default_factory=list)


def parse_config(text: str, file: str = "<config>") -> ControlPlaneConfig:
    """Parse control-plane YAML; `ConfigError` naming the file, line and field on any problem."""
    source = read_yaml(text, file)
    if source.root is None:
        raise ConfigError("the file is empty; expected apiVersion, kind and spec", file=file, line=1)
    dec = Decoding(source)
    env = dec.decode_object(source.root, _Envelope, "")
    keys = mapping_keys(source.root)
    if env.api_version != API_VERSION:
        raise ConfigError(f"must be {API_VERSION!r}, not {env.api_version!r}", field="apiVersion", file=file,
                          line=line_of(keys.get("apiversion", source.root)))
    if env.kind != KIND:
        raise ConfigError(f"must be {KIND!r}, not {env.kind!r}", field="kind", file=file,
                          line=line_of(keys.get("kind", source.root)))
    return ControlPlaneConfig(spec=env.spec, file=file, warnings=dec.warnings)


def load_config(path: str | Path) -> ControlPlaneConfig:
    """Read and parse a control-plane file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("no such file", file=str(p)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the file: {exc}", file=str(p)) from None
    return parse_config(text, str(p))
