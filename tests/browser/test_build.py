"""The committed console (webroot/) is what `web/build` makes from web/src and protos/.

Runs the build into a temporary folder (installing the pinned esbuild with `npm ci` when
web/node_modules lacks it) and compares it byte for byte with webroot/.
"""
from __future__ import annotations

import re
import subprocess

from tests.browser.conftest import REPO


def test_webroot_matches_its_sources() -> None:
    r = subprocess.run([str(REPO / "web" / "build"), "--check"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


def test_index_names_only_hashed_assets() -> None:
    index = (REPO / "webroot" / "index.html").read_text()
    refs = re.findall(r'(?:src|href)="([^"]+)"', index)
    assert refs and all(re.fullmatch(r"/assets/[a-z]+-[0-9a-f]{12}\.(js|css|svg)", ref) for ref in refs), refs
    assert all((REPO / "webroot" / ref.lstrip("/")).is_file() for ref in refs)
    assert "<script>" not in index and "style=" not in index, "no inline script or style"
