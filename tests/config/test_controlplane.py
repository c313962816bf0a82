"""The control-plane file is read as PipeCD reads it, with located errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipecd_cp.config import load_config, parse_config
from pipecd_cp.config.durations import parse_duration
from pipecd_cp.errors import ConfigError

HEAD = "apiVersion: pipecd.dev/v1beta1\nkind: ControlPlane\n"

PIPECD_EXAMPLE = HEAD + """spec:
  address: https://pipecd.example.com
  stateKey: random-string
  datastore:
    type: MYSQL
    config:
      url: root:test@tcp(pipecd-mysql:3306)
      database: quickstart
      usernameFile: /etc/pipecd-secret/mysql-username
  filestore:
    type: MINIO
    config:
      endpoint: http://pipecd-minio:9000
      bucket: quickstart
      accessKeyFile: /etc/pipecd-secret/minio-access-key
      secretKeyFile: /etc/pipecd-secret/minio-secret-key
      autoCreateBucket: true
  cache:
    ttl: 10m
  insightCollector:
    application: {enabled: false}
    deployment: {schedule: "* * * * *", chunkMaxCount: 50}
  projects:
    - id: quickstart
      desc: demo
      staticAdmin:
        username: hello-pipecd
        passwordHash: "$2a$10$ye96mUqUqTnjUqgwQJbJzel/LJibRhUnmzyypACkvrTSnQpVFZ7qK"
  sharedSSOConfigs:
    - name: github
      provider: GITHUB
      sessionTtl: 24
      github: {clientId: cid, clientSecret: secret, baseUrl: https://ghe.example.com}
    - name: oidc
      provider: OIDC
      oidc:
        clientId: x
        client_secret: y
        issuer: https://idp.example.com
        redirectUri: https://pipecd.example.com/auth/callback
        scopes: [openid, profile]
"""


def test_pipecd_example_parses() -> None:
    c = parse_config(PIPECD_EXAMPLE, "cp.yaml")
    s = c.spec
    assert s.address == "https://pipecd.example.com" and s.state_key == "random-string"
    assert s.datastore.driver_name == "mysql"
    assert s.datastore.config.value == {"url": "root:test@tcp(pipecd-mysql:3306)", "database": "quickstart",
                                        "usernameFile": "/etc/pipecd-secret/mysql-username"}
    assert s.filestore.driver_name == "minio" and s.filestore.config.value["autoCreateBucket"] is True
    assert s.cache.effective_ttl == 600
    assert s.insight_collector.application.enabled is False
    assert s.insight_collector.application.schedule == "0 * * * *"
    assert s.insight_collector.deployment.schedule == "* * * * *"
    assert s.insight_collector.deployment.chunk_max_count == 50
    assert s.project("quickstart").static_admin.username == "hello-pipecd"
    gh = s.shared_sso("github").sso
    assert gh.session_ttl == 24 and gh.github.client_id == "cid" and gh.github.base_url == "https://ghe.example.com"
    oidc = s.shared_sso("oidc").sso
    assert oidc.provider == oidc.OIDC and oidc.oidc.client_secret == "y" and list(oidc.oidc.scopes) == ["openid", "profile"]


def test_keys_are_case_insensitive_like_go() -> None:
    c = parse_config(HEAD + "spec:\n  InsightCollector:\n    Deployment: {Schedule: '* * * * *'}\n  STATEKEY: k\n")
    assert c.spec.insight_collector.deployment.schedule == "* * * * *"
    assert c.spec.state_key == "k"


def test_defaults() -> None:
    c = parse_config(HEAD)
    assert c.spec.cache.effective_ttl == 300
    assert c.spec.datastore.driver_name == "" and c.spec.projects == []
    assert c.spec.insight_collector.deployment.chunk_max_count == 1000


@pytest.mark.parametrize("ttl,seconds", [("5m", 300), ("1h30m", 5400), ("250ms", 0.25), ("1.5h", 5400),
                                         ("0", 0), (60_000_000_000, 60), ("2h45m30s", 9930), ("10us", 1e-5)])
def test_go_durations(ttl: object, seconds: float) -> None:
    assert parse_duration(ttl) == pytest.approx(seconds)


def test_store_blocks_are_lenient_and_warn() -> None:
    c = parse_config(HEAD + "spec:\n  datastore:\n    type: SQLITE\n    typo: 1\n    config: {path: x.db, other: 2}\n",
                     "cp.yaml")
    assert c.spec.datastore.config.value == {"path": "x.db", "other": 2}
    assert c.warnings == ["cp.yaml:6: spec.datastore.typo: unknown key ignored"]


@pytest.mark.parametrize("body,line,field,reason", [
    ("spec:\n  addres: x\n", 4, "spec.addres", "unknown key"),
    ("spec:\n  cache:\n    ttl: soon\n", 5, "spec.cache.ttl", "invalid duration"),
    ("spec:\n  cache:\n    ttl: 5m\n    ttls: 1\n", 6, "spec.cache.ttls", "unknown key"),
    ("spec:\n  insightCollector:\n    deployment:\n      enabled: 'yes'\n", 6,
     "spec.insightCollector.deployment.enabled", "true or false"),
    ("spec:\n  insightCollector:\n    deployment:\n      chunkMaxCount: many\n", 6,
     "spec.insightCollector.deployment.chunkMaxCount", "integer"),
    ("spec:\n  projects:\n    - desc: no id\n", 5, "spec.projects[0]", "missing required key id"),
    ("spec:\n  projects: {id: x}\n", 4, "spec.projects", "must be a list"),
    ("spec:\n  sharedSSOConfigs:\n    - name: a\n      provider: FACEBOOK\n", 6,
     "spec.sharedSSOConfigs[0].provider", "must be one of"),
    ("spec:\n  sharedSSOConfigs:\n    - provider: GITHUB\n", 5, "spec.sharedSSOConfigs[0].name", "non-empty"),
    ("spec:\n  sharedSSOConfigs:\n    - name: a\n      provider: OIDC\n      oidc: {userinfo_endpoint: x}\n", 5,
     "spec.sharedSSOConfigs[0]", "userinfo_endpoint"),
    ("spec:\n  address: a\n  address: b\n", 5, None, "duplicate key 'address'"),
    ("spec:\n  projects:\n    - id: a\n    - id: a\n", 4, "spec.projects", "defined twice"),
])
def test_errors_name_file_line_and_field(body: str, line: int, field: str | None, reason: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(HEAD + body, "cp.yaml")
    e = err.value
    assert (e.file, e.line, e.field) == ("cp.yaml", line, field), str(e)
    assert reason in e.reason
    assert "\n" not in str(e) and "Traceback" not in str(e)


@pytest.mark.parametrize("text,field", [
    ("apiVersion: pipecd.dev/v1\nkind: ControlPlane\n", "apiVersion"),
    ("apiVersion: pipecd.dev/v1beta1\nkind: Piped\n", "kind"),
    ("apiVersion: pipecd.dev/v1beta1\nkind: ControlPlane\nextra: 1\n", "extra"),
])
def test_envelope(text: str, field: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(text, "cp.yaml")
    assert err.value.field == field


def test_yaml_syntax_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(HEAD + "spec: [unclosed\n", "cp.yaml")
    assert err.value.line == 4 and "invalid YAML" in str(err.value)
    with pytest.raises(ConfigError, match="empty"):
        parse_config("", "cp.yaml")
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.yaml")


def test_raw_block_locates_plugin_errors() -> None:
    c = parse_config(PIPECD_EXAMPLE, "cp.yaml")
    err = c.spec.filestore.config.locate(ConfigError("must be a URL", field="endpoint"))
    assert str(err) == "cp.yaml:15: spec.filestore.config.endpoint: must be a URL"
