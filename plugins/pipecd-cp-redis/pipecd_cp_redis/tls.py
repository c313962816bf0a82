"""TLS for the Redis connections: one SSL context, built once, shared by every connection.

redis-py builds an SSL context per connection, loading the system's CA bundle each time (about
25 ms of CPU on the event loop per new connection, so a burst of fresh connections stalls every
call). The driver builds one context and hands it to each connection instead. With `tlsCAFile`
that context trusts that CA alone, as documented; otherwise the system's CAs. The server's name
is always verified.
"""
from __future__ import annotations

import ssl
from typing import Any

from redis.asyncio import SSLConnection


def client_context(ca_file: str | None) -> ssl.SSLContext:
    """A client context verifying the server against `ca_file` (or the system's CAs)."""
    context = ssl.create_default_context(cafile=ca_file)
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    return context


class SharedContextSSLConnection(SSLConnection):
    """An SSLConnection that uses the pool's shared context (`shared_ssl_context=` in the pool kwargs)."""

    def __init__(self, *, shared_ssl_context: ssl.SSLContext, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # redis-py's RedisSSLContext.get() returns `.context` once set: pre-set it.
        if not hasattr(self.ssl_context, "context"):
            raise RuntimeError("this redis-py version builds TLS contexts differently; pipecd-cp-redis needs an update")
        self.ssl_context.context = shared_ssl_context
