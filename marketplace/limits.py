"""Request body limits, enforced while the body streams in (never after buffering it all)."""

from __future__ import annotations

import re
from typing import Final

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marketplace.errors import PayloadTooLarge
from marketplace.i18n import request_locale
from marketplace.messages import Message as Sentence
from marketplace.messages import ngettext
from marketplace.openapi import localized_problem

_UPLOAD_PATHS: Final = re.compile(r"^/(legacy/?|v1/skills/[^/]+/releases/?|portal/upload)$")
_FORM_OVERHEAD: Final = 256 * 1024  # metadata fields twine sends beside the file


class BodySizeLimit:
    """413 when ``Content-Length`` or the streamed byte count passes the limit for the path."""

    def __init__(self, app: ASGIApp, *, body_bytes: int, upload_bytes: int) -> None:
        self.app = app
        self.body_bytes = body_bytes
        self.upload_bytes = upload_bytes + _FORM_OVERHEAD

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_bytes if _UPLOAD_PATHS.match(scope["path"]) else self.body_bytes
        for key, value in scope.get("headers", ()):
            if key == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    response = localized_problem(
                        413, PayloadTooLarge.title, _too_large(limit), PayloadTooLarge.slug,
                        request_locale(HTTPConnection(scope)), {"Connection": "close"})
                    await response(scope, receive, send)
                    return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(_too_large(limit))
            return message

        await self.app(scope, counting_receive, send)


def _too_large(limit: int) -> Sentence:
    return Sentence.of(ngettext("The request body is larger than the limit of {n} byte.",
                                "The request body is larger than the limit of {n} bytes.",
                                limit), {})
