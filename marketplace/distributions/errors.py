"""Why an upload was refused, as one exception the web layer maps to a status code.

::

    DistributionRejected        400  the file is not a distribution we accept
    └── TooLarge                413  the file is over ``Limits.max_upload_bytes``

``reason`` (also ``str(exc)``) is one sentence naming the problem; it is shown to the
uploader as is, so it never contains a traceback or an internal path. Callers branch on
the type, never on the text.
"""

from __future__ import annotations


class DistributionRejected(Exception):
    """The upload is refused; ``reason`` says why in one sentence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


class TooLarge(DistributionRejected):
    """The file is larger than the configured upload limit (HTTP 413)."""
