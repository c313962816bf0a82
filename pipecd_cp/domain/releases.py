"""PipeCD releases for the console's piped upgrade page (ListReleasedVersions, ListDeprecatedNotes).

PipeCD asks GitHub's API for the releases of `pipe-cd/pipecd` on every call. pipecd-cp makes no
outbound call unless told where releases come from (`spec.web.releasesSource`):

- `""` (the default): no releases; both RPCs answer empty;
- a file path: a JSON file in the format of GitHub's "list releases" API
  (`curl https://api.github.com/repos/pipe-cd/pipecd/releases > releases.json`);
- an `http://` or `https://` URL answering that JSON (GitHub itself, or a mirror).

Answers are cached for `ttl` seconds; a source that cannot be read is `Unavailable`.
Drafts, prereleases and tags that are not semantic versions (module tags) are skipped, as PipeCD
does.
"""
from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipecd_cp.errors import Unavailable

if TYPE_CHECKING:
    from pipecd_cp.concurrency import BlockingRunner

_SEMVER = re.compile(r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
BREAKING = "breaking changes"
DEFAULT_TTL = 600.0

Fetch = Callable[[str], Awaitable[bytes]]


@dataclass(frozen=True)
class Release:
    tag: str
    body: str = ""
    draft: bool = False
    prerelease: bool = False


def semver(tag: str) -> tuple[int, int, int, int] | None:
    """A sortable key for a semantic version (`v1.2.3`, `1.2.3-rc.1`), or None.

    A prerelease sorts below its release; prereleases of one version compare equal.
    """
    m = _SEMVER.match(tag.strip())
    if m is None:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), 0 if m.group(4) else 1


def parse_releases(data: bytes) -> list[Release]:
    """Releases from GitHub's JSON (a list of `{tag_name, body, draft, prerelease}`)."""
    try:
        items = json.loads(data)
    except ValueError as exc:
        raise Unavailable("the release source is not valid JSON") from exc
    if not isinstance(items, list):
        raise Unavailable("the release source must be a JSON list of releases")
    out = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("tag_name"), str):
            out.append(Release(item["tag_name"], item.get("body") or "", bool(item.get("draft")),
                               bool(item.get("prerelease"))))
    return out


def stable(releases: Iterable[Release]) -> list[Release]:
    """Published, non-prerelease releases whose tag is a semantic version, in the given order."""
    return [r for r in releases if not r.draft and not r.prerelease and semver(r.tag) is not None]


def released_versions(releases: Iterable[Release]) -> list[str]:
    """ListReleasedVersions: the stable tags."""
    return [r.tag for r in stable(releases)]


def breaking_changes(body: str) -> str:
    """The text under a `Breaking Changes` heading, up to the next heading of the same or a higher level."""
    lines = body.splitlines()
    out: list[str] = []
    level = 0
    for line in lines:
        m = _HEADING.match(line)
        if level:
            if m and len(m.group(1)) <= level:
                break
            out.append(line)
        elif m and m.group(2).strip().lower() == BREAKING:
            level = len(m.group(1))
    return "\n".join(out).strip()


def deprecated_notes(releases: Iterable[Release], piped_versions: Iterable[str]) -> str:
    """ListDeprecatedNotes: the breaking changes of every stable release newer than the oldest
    semantic version among `piped_versions` (empty when no piped reports one)."""
    versions = [v for v in (semver(p) for p in piped_versions) if v is not None]
    if not versions:
        return ""
    oldest = min(versions)
    notes = []
    newer = [(key, r) for r in stable(releases) if (key := semver(r.tag)) is not None and key > oldest]
    for _, release in sorted(newer, key=lambda pair: pair[0]):
        section = breaking_changes(release.body)
        if section:
            notes.append(f"## {release.tag}\n\n{section}")
    return "\n\n".join(notes)


class ReleaseSource:
    """Reads releases from the configured source and caches them (owned by the web service)."""

    def __init__(self, source: str, runner: "BlockingRunner", fetch: Fetch | None,
                 clock: Callable[[], float], ttl: float = DEFAULT_TTL) -> None:
        self.source, self.runner, self.fetch, self.clock, self.ttl = source.strip(), runner, fetch, clock, ttl
        self._cached: tuple[list[Release], float] | None = None

    @property
    def configured(self) -> bool:
        return bool(self.source)

    async def releases(self) -> list[Release]:
        """The releases, newest first as the source lists them ([] when no source is set)."""
        if not self.source:
            return []
        now = self.clock()
        if self._cached is not None and now - self._cached[1] < self.ttl:
            return self._cached[0]
        if self.source.startswith(("http://", "https://")):
            if self.fetch is None:
                raise Unavailable("no HTTP client to read the release source")
            data = await self.fetch(self.source)
        else:
            try:
                data = await self.runner.run(Path(self.source).expanduser().read_bytes)
            except OSError as exc:
                raise Unavailable(f"cannot read the release source: {exc.strerror or exc}") from None
        releases = parse_releases(data)
        self._cached = (releases, now)
        return releases
