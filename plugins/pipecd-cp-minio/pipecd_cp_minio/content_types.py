"""Content-Type from an object path's extension, as PipeCD's MinIO store sets it.

PipeCD calls Go's `mime.TypeByExtension(filepath.Ext(path))` and falls back to
`application/octet-stream`. Go's answer is its built-in table, then the machine's mime.types
files, with `; charset=utf-8` added to every text/* type. Here: the same built-in table, then
Python's standard table (never the machine's files, so every host answers the same), with the same
charset rule. PipeCD's own objects come out as Go's: `.txt` logs `text/plain; charset=utf-8`,
`.json` documents `application/json`.
"""
from __future__ import annotations

import mimetypes
from types import MappingProxyType

DEFAULT = "application/octet-stream"

#: Go's mime package, builtinTypesLower.
_GO_BUILTIN = {
    ".avif": "image/avif", ".css": "text/css; charset=utf-8", ".gif": "image/gif",
    ".htm": "text/html; charset=utf-8", ".html": "text/html; charset=utf-8", ".jpeg": "image/jpeg",
    ".jpg": "image/jpeg", ".js": "text/javascript; charset=utf-8", ".json": "application/json",
    ".mjs": "text/javascript; charset=utf-8", ".pdf": "application/pdf", ".png": "image/png",
    ".svg": "image/svg+xml", ".wasm": "application/wasm", ".webp": "image/webp",
    ".xml": "text/xml; charset=utf-8",
}


def _with_charset(mime: str) -> str:
    return f"{mime}; charset=utf-8" if mime.startswith("text/") and "charset=" not in mime else mime


# A fresh MimeTypes() holds only Python's built-in table (strict types), not /etc/mime.types.
_TYPES = MappingProxyType({**{ext: _with_charset(t) for ext, t in mimetypes.MimeTypes().types_map[True].items()},
                           **_GO_BUILTIN})


def extension(path: str) -> str:
    """Go's `filepath.Ext`: from the last '.' of the last path element ("" when none)."""
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return name[dot:] if dot >= 0 else ""


def content_type(path: str) -> str:
    """The Content-Type PipeCD would send for `path`."""
    ext = extension(path)
    return _TYPES.get(ext) or _TYPES.get(ext.lower()) or DEFAULT
