"""Why an upload was refused, as one exception the web layer maps to a status code.

::

    DistributionRejected        400  the file is not a distribution we accept
    └── TooLarge                413  the file is over ``Limits.max_upload_bytes``

``reason`` (also ``str(exc)``) is one sentence naming the problem, in English; it is shown
to the uploader, so it never contains a traceback or an internal path. ``message`` keeps the
sentence as its ``N_`` template and values, so the web layer can show it in the uploader's
language (:mod:`marketplace.messages`). Callers branch on the type, never on the text.
"""

from __future__ import annotations

from typing import Any

from marketplace.messages import Message, Plural


class DistributionRejected(Exception):
    """The upload is refused; ``reason`` says why in one sentence."""

    def __init__(self, reason: str | Plural | Message, /, **params: Any) -> None:
        self.message = reason if isinstance(reason, Message) else Message.of(reason, params)
        self.reason = self.message.english()
        super().__init__(self.reason)

    def __str__(self) -> str:
        return self.reason


class TooLarge(DistributionRejected):
    """The file is larger than the configured upload limit (HTTP 413)."""
