"""The `spec.web` block (pipecd-cp's own): the console's HTTP side.

    spec:
      web:
        corsAllowedOrigins:               # gRPC-Web CORS; none (the default) = no CORS headers
          - https://console.example.com
        releasesSource: ""                # ListReleasedVersions / ListDeprecatedNotes; see below

`releasesSource` is empty (no releases, no outbound call), a path to a JSON file in GitHub's
"list releases" format, or an http(s) URL answering it (for example
`https://api.github.com/repos/pipe-cd/pipecd/releases`). PipeCD's own control plane has no such
block: its CORS lives in the Envoy gateway and it always calls GitHub.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipecd_cp.config.schema import setting
from pipecd_cp.errors import ConfigError

_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


@dataclass
class WebBlock:
    cors_allowed_origins: list[str] = setting(default_factory=list,
                                              doc="origins allowed to call gRPC-Web with credentials")
    releases_source: str = setting("", doc="file or http(s) URL of PipeCD releases (GitHub's JSON)")

    def check(self) -> None:
        for i, origin in enumerate(self.cors_allowed_origins):
            if not _ORIGIN.match(origin):
                raise ConfigError(f"{origin!r} is not an origin like https://console.example.com "
                                  "(scheme and host, no path; '*' is not allowed with cookies)",
                                  field=f"corsAllowedOrigins[{i}]")
        src = self.releases_source.strip()
        if src.startswith(("http:", "https:")) and not src.startswith(("http://", "https://")):
            raise ConfigError("must be a file path or an http(s):// URL", field="releasesSource")
