"""Git helpers: the browsable URL of an application directory (PipeCD's git.MakeDirURL)."""
from __future__ import annotations

import re

_SCP = re.compile(r"^(?:[\w.-]+@)?([\w.-]+):(?!//)(.+)$")


def dir_url(remote: str, path: str, branch: str) -> str:
    """`https://{host}/{org}/{repo}/tree/{branch}/{path}` for GitHub-style remotes, or '' when the
    remote is not understood."""
    remote = remote.strip()
    if not remote:
        return ""
    m = _SCP.match(remote)
    if m and "://" not in remote:
        host, repo = m.group(1), m.group(2)
    else:
        rest = re.sub(r"^[a-z+]+://", "", remote)
        rest = rest.split("@", 1)[-1]
        host, _, repo = rest.partition("/")
        host = host.split(":", 1)[0]
    repo = repo.strip("/")
    if repo.endswith(".git"):
        repo = repo[:-4]
    if not host or not repo:
        return ""
    tail = "/".join(p for p in (branch, path.strip("/")) if p)
    return f"https://{host}/{repo}/tree/{tail}"
