"""https:// means TLS; native failures become pipecd-cp errors."""
from __future__ import annotations

import time

import pytest
from conftest import free_port

from pipecd_cp.errors import InvalidArgument, NotFound, Unavailable


async def test_https_endpoints_speak_tls(store_factory, config, tls_moto, monkeypatch) -> None:
    port, ca = tls_moto
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))  # trust the private CA, as the SDK does by default
    store = await store_factory({**config, "endpoint": f"https://127.0.0.1:{port}", "bucket": "tls-bucket",
                                 "autoCreateBucket": True})
    assert store.settings.secure
    await store.put("tls/object.json", b'{"over":"tls"}')
    assert await store.get("tls/object.json") == b'{"over":"tls"}'
    assert [a.path for a in await store.list("tls/")] == ["tls/object.json"]


async def test_https_to_an_untrusted_certificate_is_unavailable(store_factory, config, tls_moto) -> None:
    port, _ = tls_moto
    store = await store_factory({**config, "endpoint": f"https://127.0.0.1:{port}", "bucket": "tls-bucket"})
    with pytest.raises(Unavailable, match="unreachable"):
        await store.get("tls/object.json")


async def test_http_to_a_tls_port_is_unavailable(store_factory, config, tls_moto) -> None:
    port, _ = tls_moto
    store = await store_factory({**config, "endpoint": f"http://127.0.0.1:{port}", "bucket": "tls-bucket"})
    with pytest.raises(Unavailable):
        await store.get("tls/object.json")


async def test_an_unreachable_endpoint_is_unavailable_within_seconds(store_factory, config) -> None:
    store = await store_factory({**config, "endpoint": f"http://127.0.0.1:{free_port()}"})
    for call in (store.get("a.txt"), store.put("a.txt", b"x"), store.list("a/"), store.delete("a.txt"),
                 store.open_reader("a.txt")):
        t0 = time.monotonic()
        with pytest.raises(Unavailable, match="unreachable"):
            await call
        assert time.monotonic() - t0 < 5  # 2 quick retries, not the SDK's five over minutes


async def test_not_found_sizes_and_data_types(store_factory, config) -> None:
    store = await store_factory(config)
    with pytest.raises(NotFound, match="errors/none.json"):
        await store.get("errors/none.json")
    await store.put("errors/sized.bin", bytearray(b"12345"))
    async with await store.open_reader("errors/sized.bin") as reader:
        assert reader.size == 5 and await reader.read() == b"12345"
    await store.put("errors/view.bin", memoryview(b"abc"))
    assert await store.get("errors/view.bin") == b"abc"
    with pytest.raises(InvalidArgument):
        await store.put("errors/text.txt", "not bytes")  # type: ignore[arg-type]

