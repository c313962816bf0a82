"""Piped tokens and API keys against a running server: rejection, revocation, roles, and cost."""
from __future__ import annotations

import time

import grpc

from pipecd_cp.proto.grpc.service.apiservice import service_pb2 as apb
from pipecd_cp.proto.grpc.service.pipedservice import service_pb2 as pb
from pipecd_cp.testing.clients import APIClient, PipedClient
from tests.e2e.harness import PROJECT, ControlPlane
from tests.e2e.rpc import code_of, metric, status

UNAUTH = grpc.StatusCode.UNAUTHENTICATED


def _raw(cp: ControlPlane, authorization: str | None) -> grpc.StatusCode:
    with grpc.insecure_channel(cp.addr("piped")) as ch:
        call = ch.unary_unary("/grpc.service.pipedservice.PipedService/ListApplications")
        md = (("authorization", authorization),) if authorization is not None else ()
        try:
            call(b"", metadata=md, timeout=5)
        except grpc.RpcError as err:
            return err.code()
    return grpc.StatusCode.OK


def test_missing_or_malformed_credentials_are_unauthenticated(cp: ControlPlane) -> None:
    piped_id, key = cp.register_piped("auth-malformed")
    for header in (None, "", "PIPED-TOKEN", f"PIPED-TOKEN {PROJECT},{piped_id}", f"PIPED-TOKEN ,{piped_id},{key}",
                   f"Bearer {PROJECT},{piped_id},{key}", f"API-KEY {PROJECT},{piped_id},{key}",
                   f"PIPED-TOKEN  {PROJECT},{piped_id},{key}", f"PIPED-TOKEN {PROJECT},{piped_id},{key},extra"):
        assert _raw(cp, header) == UNAUTH, header
    assert _raw(cp, f"PIPED-TOKEN {PROJECT},{piped_id},{key}") == grpc.StatusCode.OK


def test_wrong_key_project_or_piped(cp: ControlPlane) -> None:
    piped_id, key = cp.register_piped("auth-wrong")
    req = pb.ListApplicationsRequest()
    for project, pid, k in ((PROJECT, piped_id, key[:-1] + ("x" if key[-1] != "x" else "y")),
                            ("no-such-project", piped_id, key), (PROJECT, "no-such-piped", key)):
        with PipedClient(cp.addr("piped"), project, pid, k) as c:
            code, details = status(lambda: c.ListApplications(req))
            assert code == UNAUTH and key not in details


def test_disabling_a_piped_takes_effect_within_5_seconds(cp: ControlPlane) -> None:
    piped_id, key = cp.register_piped("auth-disable")
    admin = cp.api(cp.api_key("READ_WRITE"))
    piped = cp.piped(piped_id, key)
    piped.ListApplications(pb.ListApplicationsRequest())
    admin.DisablePiped(apb.DisablePipedRequest(piped_id=piped_id))
    t0 = time.monotonic()
    while code_of(lambda: piped.ListApplications(pb.ListApplicationsRequest())) != UNAUTH:
        assert time.monotonic() - t0 < 5, "a disabled piped was still accepted after 5 s"
        time.sleep(0.1)
    admin.EnablePiped(apb.EnablePipedRequest(piped_id=piped_id))
    t0 = time.monotonic()
    while code_of(lambda: piped.ListApplications(pb.ListApplicationsRequest())) != grpc.StatusCode.OK:
        assert time.monotonic() - t0 < 5
        time.sleep(0.1)


def test_read_only_api_keys_can_only_read(cp: ControlPlane) -> None:
    ro = cp.api(cp.api_key("READ_ONLY", name="ro"))
    piped_id, _ = cp.register_piped("auth-ro")
    assert code_of(lambda: ro.ListApplications(apb.ListApplicationsRequest())) == grpc.StatusCode.OK
    assert code_of(lambda: ro.GetPiped(apb.GetPipedRequest(piped_id=piped_id))) == grpc.StatusCode.OK
    assert code_of(lambda: ro.ListDeployments(apb.ListDeploymentsRequest())) == grpc.StatusCode.OK
    assert code_of(lambda: ro.GetApplication(apb.GetApplicationRequest(application_id="x"))) == grpc.StatusCode.NOT_FOUND
    denied = grpc.StatusCode.PERMISSION_DENIED
    for call in (lambda: ro.SyncApplication(apb.SyncApplicationRequest(application_id="x")),
                 lambda: ro.RegisterEvent(apb.RegisterEventRequest(name="n", data="d")),
                 lambda: ro.RegisterPiped(apb.RegisterPipedRequest(name="n")),
                 lambda: ro.DisablePiped(apb.DisablePipedRequest(piped_id=piped_id)),
                 lambda: ro.DeleteApplication(apb.DeleteApplicationRequest(application_id="x")),
                 lambda: ro.RequestPlanPreview(apb.RequestPlanPreviewRequest(repo_remote_url="r", head_branch="h",
                                                                            head_commit="c", base_branch="b"))):
        assert code_of(call) == denied
    assert code_of(lambda: cp.api(cp.api_key("READ_WRITE")).RegisterEvent(
        apb.RegisterEventRequest(name="n", data="d"))) == grpc.StatusCode.OK


def test_bad_api_keys(cp: ControlPlane) -> None:
    key = cp.api_key("READ_WRITE")
    key_id, secret = key.split(".")
    for bad in ("", "nodot", f"{key_id}.", f".{secret}", f"{key_id}.{secret}x", f"{key_id}.{secret}.more",
                f"00000000-0000-4000-8000-000000000000.{secret}"):
        with APIClient(cp.addr("api"), bad) as c:
            code, details = status(lambda: c.ListApplications(apb.ListApplicationsRequest()))
            assert code == UNAUTH, bad
            assert secret not in details


def test_a_valid_key_costs_one_bcrypt_and_wrong_keys_stay_cheap(cp: ControlPlane) -> None:
    metrics = cp.url("admin", "/metrics")
    piped_id, key = cp.register_piped("auth-cost")
    label = {"verifier": "piped credentials"}
    bcrypt0 = metric(metrics, "pipecd_cp_auth_events_total", event="bcrypt", **label)
    loads0 = metric(metrics, "pipecd_cp_auth_events_total", event="state_load", **label)
    with cp.piped(piped_id, key) as piped:
        for _ in range(50):
            piped.ListUnhandledCommands(pb.ListUnhandledCommandsRequest())
    assert metric(metrics, "pipecd_cp_auth_events_total", event="bcrypt", **label) - bcrypt0 == 1
    assert metric(metrics, "pipecd_cp_auth_events_total", event="state_load", **label) - loads0 == 1
    with PipedClient(cp.addr("piped"), PROJECT, piped_id, "wrong" * 10) as bad:
        for _ in range(30):
            assert code_of(lambda: bad.ListUnhandledCommands(pb.ListUnhandledCommandsRequest())) == UNAUTH
    # One bcrypt and one re-read (the key might be newer than the cached state) for the first
    # wrong attempt; the 29 repeats are answered from the rejected-key cache.
    assert metric(metrics, "pipecd_cp_auth_events_total", event="bcrypt", **label) - bcrypt0 == 2
    assert metric(metrics, "pipecd_cp_auth_events_total", event="state_load", **label) - loads0 == 2
    for i in range(40):  # a flood of different wrong keys is throttled before bcrypt
        with PipedClient(cp.addr("piped"), PROJECT, piped_id, f"guess{i:045d}") as bad:
            assert code_of(lambda: bad.ListUnhandledCommands(pb.ListUnhandledCommandsRequest())) == UNAUTH
    assert metric(metrics, "pipecd_cp_auth_events_total", event="bcrypt", **label) - bcrypt0 <= 21
    assert metric(metrics, "pipecd_cp_auth_events_total", event="throttled", **label) >= 19
    with cp.piped(piped_id, key) as piped:  # the real key still works while guesses are throttled
        piped.ListUnhandledCommands(pb.ListUnhandledCommandsRequest())
