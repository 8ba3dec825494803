"""The marketplace's one exception tree; each error becomes an HTTP response in one place.

::

    MarketplaceError                      500  (never raised bare)
    ├── BadRequest                        400
    │   ├── UploadRejected                400  an upload failed validation
    │   │   └── FileExists                400  "File already exists ..." (twine understands it)
    │   ├── BadCursor                     400  a pagination cursor we did not issue
    │   └── InvalidLocale                 400  ``?locale=`` malformed or not supported
    ├── Unauthorized                      401  no, wrong or revoked credentials
    ├── Forbidden                         403  authenticated, but not allowed on this object
    ├── NotFound                          404
    ├── NotAcceptable                     406  no representation matches ``Accept``
    ├── Conflict                          409  e.g. a name taken after normalization
    ├── PayloadTooLarge                   413
    ├── Unprocessable                     422  well-formed, but the rules refuse the values
    ├── ServiceBusy                       503  the database is locked; retry (``Retry-After``)
    └── SchemaOutdated                    the database needs ``robeing marketplace upgrade``

Callers branch on the type; ``str(error)`` is the one sentence shown to people, in English.
A sentence is raised as an ``N_``-marked template with its values as keyword arguments
(``NotFound(N_("No skill named {name}."), name=repr(name))``), so the handler can say it in
the request's language (:mod:`marketplace.i18n`); values are never translated, only the
sentence around them. ``title`` is ``N_``-marked too; ``slug`` (the problem ``type``) and
``status`` never change with the language.
The partner program's own tree (:class:`partners.program.ProgramError`) is translated by
:func:`from_program_error` and shown by the same handler: ``NotPermittedError`` 403;
``InvalidTransitionError``, ``RequirementsNotMetError``, ``RetroactiveChangeError``,
``ScheduleConflictError`` and ``NoScheduleInEffectError`` 409; ``ContractError``,
``SplitError``, ``ProgramDataError`` and ``NaiveTimestampError`` 422.
Responses follow RFC 9457 problem details: ``type``, ``title``, ``status``, ``detail``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from marketplace.messages import N_, Message, Plural


class MarketplaceError(Exception):
    """Base class. ``status`` and ``title`` say how it is shown over HTTP."""

    status: ClassVar[int] = 500
    title: ClassVar[str] = N_("Internal error")
    slug: ClassVar[str] = "internal"

    def __init__(self, detail: str | Plural | Message, /, *,
                 headers: dict[str, str] | None = None, **params: Any) -> None:
        self.message = detail if isinstance(detail, Message) else Message.of(detail, params)
        self.detail = self.message.english()
        super().__init__(self.detail)
        self.headers = headers or {}


class BadRequest(MarketplaceError):
    status = 400
    title = N_("Bad request")
    slug = "bad-request"


class UploadRejected(BadRequest):
    title = N_("Upload rejected")
    slug = "upload-rejected"


class FileExists(UploadRejected):
    title = N_("File already exists")
    slug = "file-exists"


class BadCursor(BadRequest):
    title = N_("Invalid cursor")
    slug = "bad-cursor"


class InvalidLocale(BadRequest):
    """Raised as a response before routing (:class:`marketplace.i18n.LocaleNegotiation`)."""

    title = N_("Invalid locale")
    slug = "invalid-locale"


class Unauthorized(MarketplaceError):
    status = 401
    title = N_("Unauthorized")
    slug = "unauthorized"

    def __init__(self, detail: str | Plural | Message, /, **params: Any) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Basic realm="robeing"'},
                         **params)


class Forbidden(MarketplaceError):
    status = 403
    title = N_("Forbidden")
    slug = "forbidden"


class NotFound(MarketplaceError):
    status = 404
    title = N_("Not found")
    slug = "not-found"


class NotAcceptable(MarketplaceError):
    status = 406
    title = N_("Not acceptable")
    slug = "not-acceptable"


class Conflict(MarketplaceError):
    status = 409
    title = N_("Conflict")
    slug = "conflict"


class PayloadTooLarge(MarketplaceError):
    status = 413
    title = N_("Payload too large")
    slug = "too-large"


class Unprocessable(MarketplaceError):
    status = 422
    title = N_("Unprocessable request")
    slug = "unprocessable"


class ServiceBusy(MarketplaceError):
    status = 503
    title = N_("Service busy")
    slug = "busy"

    def __init__(self, detail: str | Plural | Message = N_(
                     "The database is busy; retry in a moment."), /, **params: Any) -> None:
        super().__init__(detail, headers={"Retry-After": "1"}, **params)


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
    template = getattr(exc, "template", None)
    if template is None:  # a sentence the program does not mark for translation: English
        return status(str(exc))
    if isinstance(template, tuple):  # the program's own plural pair (it cannot import ours)
        template = Plural(*template)
    params = dict(getattr(exc, "params", {}))
    problem = getattr(exc, "problem", None)
    if isinstance(problem, dict):  # a program file's field problem, said in the same language
        from marketplace.messages import problem_of

        params["problem"] = problem_of(problem)
    return status(Message.of(template, params))  # partners' catalogs


__all__ = [
    "BadCursor",
    "BadRequest",
    "Conflict",
    "FileExists",
    "Forbidden",
    "InvalidLocale",
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
