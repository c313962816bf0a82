"""A plain (non-editable) install carries the console, the generated code and the entry points."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_the_wheel_contains_webroot_protos_and_entry_points(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path), str(REPO)], check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("pipecd_cp-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "pipecd_cp/webroot/index.html" in names
    assert any(n.startswith("pipecd_cp/webroot/assets/") for n in names)
    assert "pipecd_cp/proto/grpc/service/pipedservice/service_pb2.py" in names
    assert "pipecd_cp/proto/model/application_pb2.pyi" in names
    eps = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(eps).decode()
    for line in ("sqlite = pipecd_cp.datastore.sqlite:SQLiteDataStore", "local = pipecd_cp.filestore.local:LocalFileStore",
                 "memory = pipecd_cp.cache.memory:MemoryCache", "pipecd-cp = pipecd_cp.cli:main"):
        assert line in text
