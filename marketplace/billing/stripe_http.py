"""The HTTP client the Stripe adapter hands to ``StripeClient``: httpx, injectable.

stripe-python's own ``HTTPXClient`` passes the encoded form body as ``data=<str>``, which
httpx deprecates (a ``DeprecationWarning`` on every POST), and it turns *any* exception,
warnings promoted to errors included, into a retryable connection error. This subclass of
the library's documented extension point (``stripe.HTTPClient``) sends the body as
``content=`` and maps only httpx's transport errors. Pass an ``httpx.Client`` to choose the
transport (tests can use ``httpx.MockTransport``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx
import stripe


class HttpxStripeClient(stripe.HTTPClient):
    """A synchronous ``stripe.HTTPClient`` over one ``httpx.Client``."""

    name: ClassVar[str] = "httpx"

    def __init__(self, client: httpx.Client | None = None, *, timeout: float = 30.0) -> None:
        super().__init__()
        self._client = client or httpx.Client(timeout=timeout)
        self._timeout = timeout

    def request(self, method: str, url: str, headers: Mapping[str, str] | None,
                post_data: Any = None, *,
                _usage: list[str] | None = None) -> tuple[Any, int, Mapping[str, str]]:
        content = post_data.encode() if isinstance(post_data, str) else post_data
        try:
            response = self._client.request(method, url, headers=dict(headers or {}),
                                            content=content or None, timeout=self._timeout)
        except httpx.TransportError as error:
            raise stripe.APIConnectionError(  # type: ignore[no-untyped-call]
                f"Could not reach the Stripe API at {url}: {type(error).__name__}.",
                should_retry=True) from error
        return response.content, response.status_code, response.headers

    def request_stream(self, method: str, url: str, headers: Mapping[str, str] | None,
                       post_data: Any = None, *,
                       _usage: list[str] | None = None) -> tuple[Any, int, Mapping[str, str]]:
        raise NotImplementedError("the billing adapter never streams Stripe responses")

    def close(self) -> None:
        self._client.close()


__all__ = ["HttpxStripeClient"]
