"""Keys come from a CSPRNG, are stored as bcrypt hashes only, and never appear in a response or log."""
from __future__ import annotations

import asyncio
import math
import re

import grpc

from pipecd_cp.auth.credentials import ALPHABET, API_SECRET_LENGTH, PIPED_KEY_LENGTH, new_api_key, new_piped_key
from pipecd_cp.proto.grpc.service.apiservice import service_pb2 as apb
from pipecd_cp.proto.grpc.service.pipedservice import service_pb2 as pb
from pipecd_cp.testing.clients import APIClient, PipedClient
from tests.e2e.harness import PROJECT, ControlPlane
from tests.e2e.rpc import status

HASH = re.compile(r"\$2[aby]\$\d\d\$")


def test_key_formats_and_entropy() -> None:
    assert PIPED_KEY_LENGTH * math.log2(len(ALPHABET)) >= 256
    assert API_SECRET_LENGTH * math.log2(len(ALPHABET)) >= 256
    keys = {new_piped_key() for _ in range(1000)}
    assert len(keys) == 1000 and all(re.fullmatch(r"[a-z0-9]{50}", k) for k in keys)
    key_id, key = new_api_key()
    assert re.fullmatch(r"[0-9a-f-]{36}\.[a-z0-9]{50}", key) and key.startswith(key_id + ".")


def test_no_key_or_hash_leaves_the_server(cp: ControlPlane) -> None:
    piped_id, piped_key = cp.register_piped("secrets")
    api_key = cp.api_key("READ_WRITE", name="secrets")
    shown_once = set(cp.output)  # the CLI printed each key once, by design
    sentinel = "sentinelkey" + "q" * 39
    api = cp.api(api_key)
    responses = [api.GetPiped(apb.GetPipedRequest(piped_id=piped_id)),
                 api.ListApplications(apb.ListApplicationsRequest())]
    with cp.piped(piped_id, piped_key) as piped:
        responses.append(piped.ReportPipedMeta(pb.ReportPipedMetaRequest(version="v1")))
    details = []
    for bad in (PipedClient(cp.addr("piped"), PROJECT, piped_id, sentinel),
                PipedClient(cp.addr("piped"), sentinel, piped_id, piped_key),
                APIClient(cp.addr("api"), f"{api_key.split('.')[0]}.{sentinel}"),
                APIClient(cp.addr("api"), sentinel)):
        with bad:
            req = pb.ListApplicationsRequest() if isinstance(bad, PipedClient) else apb.ListApplicationsRequest()
            code, text = status(lambda: bad.ListApplications(req))
            assert code == grpc.StatusCode.UNAUTHENTICATED
            details.append(text)
    wire = b"".join(r.SerializeToString() for r in responses).decode("latin-1") + "\n".join(details)
    logs = "\n".join(line for line in cp.all_output().splitlines() if line not in shown_once)
    for secret in (piped_key, api_key, api_key.split(".")[1], sentinel):
        assert secret not in wire and secret not in logs
    assert not HASH.search(wire) and not HASH.search(logs)

    async def stored() -> tuple[str, str]:
        async with cp.host() as host:
            return ((await host.stores.pipeds.get(piped_id)).keys[0].hash,
                    (await host.stores.apikeys.get(api_key.split(".")[0])).key_hash)
    piped_hash, key_hash = asyncio.run(stored())
    assert HASH.match(piped_hash) and HASH.match(key_hash), "only bcrypt hashes are stored"
