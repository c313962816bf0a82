#!/usr/bin/env python3
"""Generate the console's protobuf descriptor (web/src/proto/descriptor.js) from protos/.

    python web/gen_descriptor.py          # rewrite web/src/proto/descriptor.js
    python web/gen_descriptor.py --check  # exit 1 when the committed file drifts from protos/

protoc (grpc_tools, the pinned grpcio-tools of the `dev` extra) compiles protos/ into a
FileDescriptorSet; this keeps only the messages and enums reachable from WebService's methods
and writes them as a compact JS module that web/src/proto/codec.js reads. No field number is
ever written by hand: they all come from here.

Format (all names fully qualified, without the leading dot):

    messages: {"model.Application": [[number, jsonName, type, flags, typeName], ...]}
        type  = FieldDescriptorProto.Type (9 string, 11 message, 14 enum, ...)
        flags = 1 repeated | 2 map (the field's typeName is then the map entry message,
                whose fields 1 and 2 are the key and the value)
    enums:    {"model.DeploymentStatus": [["DEPLOYMENT_PENDING", 0], ...]}
    methods:  {"GetApplication": [inputType, outputType]}
    service:  "grpc.service.webservice.WebService"
"""
from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROTOS = ROOT / "protos"
TARGET = ROOT / "web" / "src" / "proto" / "descriptor.js"
SERVICE = "grpc.service.webservice.WebService"
SERVICE_FILE = "grpc/service/webservice/service.proto"
REPEATED, MAP = 1, 2
LABEL_REPEATED = 3
TYPE_MESSAGE, TYPE_ENUM = 11, 14


def _descriptor_set():  # -> descriptor_pb2.FileDescriptorSet
    import grpc_tools
    from google.protobuf import descriptor_pb2

    include = pathlib.Path(grpc_tools.__file__).parent / "_proto"
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "set.pb"
        cmd = [sys.executable, "-m", "grpc_tools.protoc", f"-I{PROTOS}", f"-I{include}",
               f"--descriptor_set_out={out}", "--include_imports", SERVICE_FILE]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode:
            sys.exit("protoc failed:\n" + r.stderr)
        fds = descriptor_pb2.FileDescriptorSet()
        fds.ParseFromString(out.read_bytes())
        return fds


def _index(fds) -> tuple[dict, dict, object]:
    """Every message and enum by full name (nested ones too), and the WebService descriptor."""
    messages: dict = {}
    enums: dict = {}
    service = None

    def walk(prefix: str, msgs, ens) -> None:
        for e in ens:
            enums[f"{prefix}{e.name}"] = e
        for m in msgs:
            name = f"{prefix}{m.name}"
            messages[name] = m
            walk(name + ".", m.nested_type, m.enum_type)

    for f in fds.file:
        prefix = f"{f.package}." if f.package else ""
        walk(prefix, f.message_type, f.enum_type)
        for s in f.service:
            if f"{prefix}{s.name}" == SERVICE:
                service = s
    if service is None:
        sys.exit(f"{SERVICE} not found in {SERVICE_FILE}")
    return messages, enums, service


def build() -> dict:
    """The compact descriptor of everything WebService's requests and responses can contain."""
    messages, enums, service = _index(_descriptor_set())
    out_msgs: dict[str, list] = {}
    out_enums: dict[str, list] = {}

    def visit(name: str) -> None:
        if name in out_msgs:
            return
        m = messages[name]
        fields: list = []
        out_msgs[name] = fields
        for f in sorted(m.field, key=lambda f: f.number):
            type_name = f.type_name.lstrip(".")
            flags = 0
            if f.label == LABEL_REPEATED:
                flags = REPEATED
                if f.type == TYPE_MESSAGE and messages[type_name].options.map_entry:
                    flags = MAP
            entry = [f.number, f.json_name, f.type, flags]
            if type_name:
                entry.append(type_name)
            fields.append(entry)
            if f.type == TYPE_MESSAGE:
                visit(type_name)
            elif f.type == TYPE_ENUM and type_name not in out_enums:
                out_enums[type_name] = [[v.name, v.number] for v in enums[type_name].value]

    methods = {}
    for m in service.method:
        inp, outp = m.input_type.lstrip("."), m.output_type.lstrip(".")
        visit(inp)
        visit(outp)
        methods[m.name] = [inp, outp]
    return {"service": SERVICE, "methods": methods,
            "messages": dict(sorted(out_msgs.items())), "enums": dict(sorted(out_enums.items()))}


def render(desc: dict) -> str:
    body = json.dumps(desc, separators=(",", ":"), sort_keys=False)
    # One message or enum a line keeps diffs readable when protos/ changes.
    body = body.replace('],"', '],\n"').replace('{"', '{\n"')
    return ("// Generated from protos/ by web/gen_descriptor.py. Do not edit.\n"
            f"export default {body};\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    args = ap.parse_args()
    text = render(build())
    if args.check:
        if not TARGET.is_file() or TARGET.read_text() != text:
            print(f"{TARGET.relative_to(ROOT)} drifts from protos/ (run: python web/gen_descriptor.py)")
            return 1
        print(f"{TARGET.relative_to(ROOT)} matches protos/")
        return 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text)
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
