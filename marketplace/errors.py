"""The marketplace's one exception tree; each error becomes an HTTP response in one place.

::

    MarketplaceError                      500  (never raised bare)
    ├── BadRequest                        400
    │   ├── UploadRejected                400  an upload failed validation
    │   │   └── FileExists                400  "File already exists ..." (twine understands it)
    │   └── BadCursor                     400  a pagination cursor we did not issue
    ├── Unauthorized                      401  no, wrong or revoked credentials
    ├── Forbidden                         403  authenticated, but not allowed on this object
    ├── NotFound                          404
    ├── NotAcceptable                     406  no representation matches ``Accept``
    ├── Conflict                          409  e.g. a name taken after normalization
    ├── PayloadTooLarge                   413
    ├── Unprocessable                     422  well-formed, but the rules refuse the values
    ├── ServiceBusy                       503  the database is locked; retry (``Retry-After``)
    └── SchemaOutdated                    the database needs ``robeing marketplace upgrade``

Callers branch on the type; ``str(error)`` is the one sentence shown to people.
The partner program's own tree (:class:`partners.program.ProgramError`) is translated by
:func:`from_program_error` and shown by the same handler: ``NotPermittedError`` 403;
``InvalidTransitionError``, ``RequirementsNotMetError``, ``RetroactiveChangeError``,
``ScheduleConflictError`` and ``NoScheduleInEffectError`` 409; ``ContractError``,
``SplitError``, ``ProgramDataError`` and ``NaiveTimestampError`` 422.
Responses follow RFC 9457 problem details: ``type``, ``title``, ``status``, ``detail``.
"""

from __future__ import annotations

from typing import ClassVar


class MarketplaceError(Exception):
    """Base class. ``status`` and ``title`` say how it is shown over HTTP."""

    status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal error"
    slug: ClassVar[str] = "internal"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}


class BadRequest(MarketplaceError):
    status = 400
    title = "Bad request"
    slug = "bad-request"


class UploadRejected(BadRequest):
    title = "Upload rejected"
    slug = "upload-rejected"


class FileExists(UploadRejected):
    title = "File already exists"
    slug = "file-exists"


class BadCursor(BadRequest):
    title = "Invalid cursor"
    slug = "bad-cursor"


class Unauthorized(MarketplaceError):
    status = 401
    title = "Unauthorized"
    slug = "unauthorized"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Basic realm="robeing"'})


class Forbidden(MarketplaceError):
    status = 403
    title = "Forbidden"
    slug = "forbidden"


class NotFound(MarketplaceError):
    status = 404
    title = "Not found"
    slug = "not-found"


class NotAcceptable(MarketplaceError):
    status = 406
    title = "Not acceptable"
    slug = "not-acceptable"


class Conflict(MarketplaceError):
    status = 409
    title = "Conflict"
    slug = "conflict"


class PayloadTooLarge(MarketplaceError):
    status = 413
    title = "Payload too large"
    slug = "too-large"


class Unprocessable(MarketplaceError):
    status = 422
    title = "Unprocessable request"
    slug = "unprocessable"


class ServiceBusy(MarketplaceError):
    status = 503
    title = "Service busy"
    slug = "busy"

    def __init__(self, detail: str = "The database is busy; retry in a moment.") -> None:
        super().__init__(detail, headers={"Retry-After": "1"})


class SchemaOutdated(MarketplaceError):
    slug = "schema-outdated"


def from_program_error(exc: Exception) -> MarketplaceError:
    """The HTTP face of a partner program error (the program itself knows nothing of HTTP)."""
    from partners.program import errors as program

    status: type[MarketplaceError] = MarketplaceError
    if isinstance(exc, program.NotPermittedError):
        status = Forbidden
    elif isinstance(exc, program.TransitionError | program.RetroactiveChangeError
                    | program.ScheduleConflictError | program.NoScheduleInEffectError):
        status = Conflict
    elif isinstance(exc, program.ContractError | program.SplitError | program.ProgramDataError
                    | program.NaiveTimestampError):
        status = Unprocessable
    return status(str(exc))


__all__ = [
    "BadCursor",
    "BadRequest",
    "Conflict",
    "FileExists",
    "Forbidden",
    "MarketplaceError",
    "NotAcceptable",
    "NotFound",
    "PayloadTooLarge",
    "SchemaOutdated",
    "ServiceBusy",
    "Unauthorized",
    "Unprocessable",
    "UploadRejected",
    "from_program_error",
]
