#!/usr/bin/env python3
"""Regenerate pipecd_cp/proto from protos/, or check that the committed code matches.

    python scripts/genproto.py          # rewrite pipecd_cp/proto
    python scripts/genproto.py --check  # exit 1 and list files when they drift

Uses grpc_tools.protoc (the pinned grpcio-tools of the `dev` extra) so the output is reproducible.
protoc writes imports that mirror the proto tree (`from model import common_pb2`); they are
rewritten to absolute imports under `pipecd_cp.proto` so the package imports from anywhere.
"""
from __future__ import annotations

import argparse
import filecmp
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROTOS = ROOT / "protos"
TARGET = ROOT / "pipecd_cp" / "proto"
PACKAGE = "pipecd_cp.proto"
HEADER = '"""Generated from protos/ by scripts/genproto.py. Do not edit."""\n'
_IMPORT = re.compile(r"^(from|import) (model|validate|grpc\.service(?:\.\w+)*)( import |\b)", re.M)


def _top_dirs() -> set[str]:
    return {p.name for p in PROTOS.iterdir() if p.is_dir()}


def _fix_imports(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        return f"{m.group(1)} {PACKAGE}.{m.group(2)}{m.group(3)}"
    return _IMPORT.sub(repl, text)


def generate(out: pathlib.Path) -> None:
    import grpc_tools

    include = pathlib.Path(grpc_tools.__file__).parent / "_proto"
    files = sorted(str(p.relative_to(PROTOS)) for p in PROTOS.rglob("*.proto"))
    cmd = [sys.executable, "-m", "grpc_tools.protoc", f"-I{PROTOS}", f"-I{include}",
           f"--python_out={out}", f"--pyi_out={out}", f"--grpc_python_out={out}", *files]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        sys.exit("protoc failed:\n" + r.stderr)
    for py in out.rglob("*.py*"):
        text = py.read_text()
        if py.name.endswith("_grpc.py") and "rpc " not in (PROTOS / py.relative_to(out).parent / py.name.replace("_pb2_grpc.py", ".proto")).read_text():
            py.unlink()  # protoc writes an empty *_pb2_grpc.py for every file without services
            continue
        py.write_text(_fix_imports(text))
    for d in [out, *[p for p in out.rglob("*") if p.is_dir()]]:
        (d / "__init__.py").write_text(HEADER)


def _listing(base: pathlib.Path) -> set[str]:
    return {str(p.relative_to(base)) for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp)
        generate(out)
        if args.check:
            have, want = _listing(TARGET), _listing(out)
            drift = sorted((have ^ want) | {f for f in have & want if not filecmp.cmp(TARGET / f, out / f, shallow=False)})
            if drift:
                print("generated protobuf code drifts from protos/ (run: python scripts/genproto.py):")
                for f in drift:
                    print(f"  pipecd_cp/proto/{f}")
                return 1
            print(f"generated protobuf code matches protos/ ({len(want)} files)")
            return 0
        if TARGET.exists():
            shutil.rmtree(TARGET)
        shutil.copytree(out, TARGET)
        print(f"wrote {len(_listing(TARGET))} files to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
