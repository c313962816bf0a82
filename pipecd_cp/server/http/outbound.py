"""Outbound HTTP for the web side (SSO providers, the release source), one client per host.

Every call has a timeout; connection failures, timeouts and 5xx answers become `Unavailable`,
other non-2xx answers `FailedPrecondition` naming the URL and status (never the body, which may
hold secrets). `proxy_url` of PipeCD's SSO settings is not supported (Tornado's client has no
proxy support without pycurl); such settings are used without the proxy and logged once.
"""
from __future__ import annotations

import json
import logging
import urllib.parse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import tornado.httpclient

from pipecd_cp.errors import FailedPrecondition, Unavailable

if TYPE_CHECKING:
    from pipecd_cp.app import Host

log = logging.getLogger("pipecd_cp.http")

STATE_KEY = "pipecd_cp.server.http.outbound"
TIMEOUT = 15.0
MAX_BODY = 8 * 1024 * 1024


class Outbound:
    """A small JSON-over-HTTP client."""

    def __init__(self, timeout: float = TIMEOUT) -> None:
        self.timeout = timeout
        self._client = tornado.httpclient.AsyncHTTPClient(force_instance=True, max_body_size=MAX_BODY)

    async def request(self, url: str, *, method: str = "GET", headers: Mapping[str, str] | None = None,
                      form: Mapping[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """(status, headers lower-cased, body) of a 2xx or 4xx answer; `Unavailable` otherwise."""
        body = urllib.parse.urlencode(dict(form)).encode() if form is not None else None
        hdrs = {"User-Agent": "pipecd-cp", **(headers or {})}
        if form is not None:
            hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
        req = tornado.httpclient.HTTPRequest(url, method=method, headers=hdrs, body=body,
                                             connect_timeout=self.timeout, request_timeout=self.timeout,
                                             follow_redirects=False)
        try:
            resp = await self._client.fetch(req, raise_error=False)
        except (OSError, tornado.httpclient.HTTPClientError) as exc:
            raise Unavailable(f"cannot reach {_where(url)}: {exc}") from None
        if resp.code == 599 or resp.code >= 500:
            raise Unavailable(f"{_where(url)} answered {resp.code}")
        return resp.code, {k.lower(): v for k, v in resp.headers.get_all()}, resp.body or b""

    async def json(self, url: str, *, method: str = "GET", headers: Mapping[str, str] | None = None,
                   form: Mapping[str, str] | None = None) -> Any:
        """The decoded JSON of a 2xx answer; `FailedPrecondition` for other answers."""
        accept = {"Accept": "application/json", **(headers or {})}
        code, _, body = await self.request(url, method=method, headers=accept, form=form)
        if not 200 <= code < 300:
            raise FailedPrecondition(f"{_where(url)} answered {code}")
        try:
            return json.loads(body)
        except ValueError:
            raise FailedPrecondition(f"{_where(url)} did not answer JSON") from None

    async def get_bytes(self, url: str) -> bytes:
        code, _, body = await self.request(url)
        if not 200 <= code < 300:
            raise Unavailable(f"{_where(url)} answered {code}")
        return body

    def close(self) -> None:
        self._client.close()


def _where(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def outbound(host: "Host") -> Outbound:
    """The host's client (created on first use, closed by the web plugin at shutdown)."""
    client = host.state.get(STATE_KEY)
    if client is None:
        client = host.state[STATE_KEY] = Outbound()
    return client


def close_outbound(host: "Host") -> None:
    client = host.state.pop(STATE_KEY, None)
    if client is not None:
        client.close()
