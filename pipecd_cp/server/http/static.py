"""Serve the console from `webroot/`: real files, else index.html for client-side routes.

- `/assets/...` files are content-hashed: cached for a year (`immutable`).
- Every other file (and index.html) must be revalidated (`no-cache`, with ETag).
- A missing path with a file extension, or under `/assets/`, is a 404 (never HTML posing as a
  script); any other missing path serves index.html so the SPA can route it.
"""
from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from typing import Any

import tornado.web

from pipecd_cp.server.http.base import BaseHandler

_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml",
          ".json": "application/json", ".wasm": "application/wasm", ".map": "application/json",
          ".webmanifest": "application/manifest+json", ".woff2": "font/woff2", ".ico": "image/x-icon"}
YEAR = 365 * 24 * 3600


def default_webroot() -> Path:
    """The console assets: installed as `pipecd_cp/webroot`, or `webroot/` of a source checkout.

    (An editable install maps the data package only for imports, so look on disk directly.)
    """
    import pipecd_cp

    pkg = Path(pipecd_cp.__file__).resolve().parent
    for candidate in (pkg / "webroot", pkg.parent / "webroot"):
        if (candidate / "index.html").is_file():
            return candidate
    raise FileNotFoundError("the console assets (webroot/index.html) are not installed; use --static-dir")


class SpaHandler(tornado.web.StaticFileHandler, BaseHandler):
    """Static files with the SPA fallback and cache policy described above."""

    def initialize(self, path: str, default_filename: str | None = "index.html", **kwargs: Any) -> None:  # type: ignore[override]
        BaseHandler.initialize(self, **kwargs)
        super().initialize(path=path, default_filename=default_filename)

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        if not os.path.isfile(absolute_path):
            rel = os.path.relpath(absolute_path, root)
            if rel.startswith("assets" + os.sep) or rel == "assets" or os.path.splitext(rel)[1]:
                raise tornado.web.HTTPError(404)
            absolute_path = os.path.join(os.path.abspath(root), "index.html")
        return super().validate_absolute_path(root, absolute_path)

    def get_cache_time(self, path: str, modified: Any, mime_type: str) -> int:
        return YEAR if path.startswith("assets/") else 0

    def set_extra_headers(self, path: str) -> None:
        if not path.startswith("assets/"):
            self.set_header("Cache-Control", "no-cache")
        else:
            self.set_header("Cache-Control", f"public, max-age={YEAR}, immutable")

    def get_content_type(self) -> str:
        assert self.absolute_path is not None
        ext = os.path.splitext(self.absolute_path)[1].lower()
        if ext in _TYPES:
            return _TYPES[ext] + ("; charset=utf-8" if _TYPES[ext].startswith("text/") else "")
        if ext == ".html":
            return "text/html; charset=utf-8"
        mime, _ = mimetypes.guess_type(self.absolute_path)
        return mime or "application/octet-stream"

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(f"{status_code} {self._reason}\n")
