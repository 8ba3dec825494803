"""The problem-details error shape (RFC 9457), how errors become it, and its OpenAPI entries.

:func:`install_error_handlers` is the one place where exceptions become HTTP responses:
domain errors (:mod:`marketplace.errors`), request validation (422, naming the field) and the
framework's own HTTP errors (unknown route 404, wrong method 405) all use the same shape.

``title`` and ``detail`` are in the request's language (:mod:`marketplace.i18n`), both or
neither: a sentence without a translation is shown whole in English rather than half
translated, and ``Content-Language`` says which it is. ``type`` and ``status`` are the same
in every language; clients branch on those.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from marketplace.errors import InvalidLocale, MarketplaceError, from_program_error
from marketplace.i18n import catalogs, request_locale, translations
from marketplace.messages import N_, Message, from_validation
from partners.program import ProgramError
from robeing_sdk.errors import LocaleError
from robeing_sdk.i18n import SUPPORTED_LOCALES

PROBLEM_TYPE_BASE = "https://robeing.dev/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("marketplace")


class ProblemDetails(BaseModel):
    """Every error response has this shape."""

    type: str = Field(description="A URI naming the kind of problem.")
    title: str = Field(description="Short summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="One sentence about this occurrence.")


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the given error statuses (422 is added by FastAPI)."""
    return {status: {"description": HTTPStatus(status).phrase,
                     "content": {PROBLEM_MEDIA_TYPE: {"schema": {
                         "$ref": "#/components/schemas/ProblemDetails"}}}}
            for status in statuses}


def problem(status: int, title: str, detail: str, slug: str,
            headers: dict[str, str] | None = None, language: str = "en") -> JSONResponse:
    body = ProblemDetails(type=PROBLEM_TYPE_BASE + slug, title=title, status=status,
                          detail=detail)
    return JSONResponse(body.model_dump(), status_code=status,
                        headers={**(headers or {}), "Content-Language": language.replace(
                            "_", "-")},
                        media_type=PROBLEM_MEDIA_TYPE)


def localized_problem(status: int, title: str, message: Message, slug: str, locale: str,
                      headers: dict[str, str] | None = None) -> JSONResponse:
    """``title`` (an ``N_`` text) and ``message`` in ``locale``, or both in English."""
    if locale != "en":
        title_text = translations(locale).gettext(title)
        detail = message.say(catalogs(locale))
        if title_text != title and detail is not None:
            return problem(status, title_text, detail, slug, headers, locale)
    return problem(status, title, message.english(), slug, headers)


def locale_problem(exc: LocaleError, locale: str) -> JSONResponse:
    """The 400 for a bad ``?locale=``, said in the language the browser asked for."""
    message = Message.of(exc.template or str(exc), exc.params if exc.template else {})
    return localized_problem(InvalidLocale.status, InvalidLocale.title, message,
                             InvalidLocale.slug, locale)


def _describe(exc: RequestValidationError) -> Message:
    """The first error as one sentence naming the field (pydantic's phrases are English only:
    :func:`marketplace.messages.from_validation` says them through our catalogs)."""
    return from_validation(exc.errors())


# The framework's own errors people meet: an unknown route and a wrong method.
_HTTP_TEXTS: dict[int, tuple[str, str]] = {
    404: (N_("Not Found"), N_("Nothing is at {method} {path}.")),
    405: (N_("Method Not Allowed"), N_("{path} does not accept the method {method}.")),
}


def use_problem_details_for_422(app: FastAPI) -> None:
    """Document 422 as what it is: problem details, not FastAPI's default error list."""
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version,
                             description=app.description, routes=app.routes)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas["ProblemDetails"] = ProblemDetails.model_json_schema()
        problem_ref = {"$ref": "#/components/schemas/ProblemDetails"}
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                responses = operation.get("responses", {})
                if "422" in responses:
                    responses["422"] = {"description": "Invalid request (the field is named)",
                                        "content": {PROBLEM_MEDIA_TYPE: {"schema": problem_ref}}}
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        document_languages(schema)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


LOCALE_PARAMETER: Final = {
    "name": "locale", "in": "query", "required": False,
    "description": "The language of the response's texts (problem title and detail, skill "
                   "names and descriptions): ko, en, ja, zh or es, or a tag that maps to one "
                   "(ko-KR, zh-Hant-TW, es-419). Wins over the account's language and "
                   "Accept-Language; malformed or unsupported: 400 invalid-locale.",
    "schema": {"type": "string", "maxLength": 35, "examples": ["ko", "ja-JP"]},
}
ACCEPT_LANGUAGE: Final = {
    "name": "Accept-Language", "in": "header", "required": False,
    "description": "The browser's languages (RFC 9110, weights honoured). Used when the "
                   "request gives no locale and the calling account has no language of its "
                   "own; entries that do not parse are ignored, never an error.",
    "schema": {"type": "string", "examples": ["ko-KR,ko;q=0.9,en;q=0.5"]},
}
CONTENT_LANGUAGE: Final = {
    "description": "The language the response's texts are in (ko, en, ja, zh or es).",
    "schema": {"type": "string", "enum": list(SUPPORTED_LOCALES)},
}
_V1: Final = "/v1/"


def document_languages(schema: dict[str, Any]) -> None:
    """Every ``/v1/`` operation: ``locale`` and ``Accept-Language`` in, ``Content-Language``
    out on every response (:class:`marketplace.i18n.LocaleNegotiation` sets it)."""
    methods = {"get", "put", "post", "delete", "patch", "head", "options"}
    for path, item in schema.get("paths", {}).items():
        if not path.startswith(_V1):
            continue
        for method, operation in item.items():
            if method not in methods:
                continue
            parameters = operation.setdefault("parameters", [])
            present = {(p.get("in"), str(p.get("name", "")).lower()) for p in parameters}
            for parameter in (LOCALE_PARAMETER, ACCEPT_LANGUAGE):
                key = (parameter["in"], str(parameter["name"]).lower())
                if key in present:  # a route that declares it keeps its own words
                    continue
                parameters.append(dict(parameter))
            responses = operation.setdefault("responses", {})
            responses.setdefault("400", {  # at least: ?locale= malformed or unsupported
                "description": "Bad request (an invalid locale, say)",
                "content": {PROBLEM_MEDIA_TYPE: {"schema": {
                    "$ref": "#/components/schemas/ProblemDetails"}}}})
            for response in responses.values():
                response.setdefault("headers", {})["Content-Language"] = dict(CONTENT_LANGUAGE)


def install_error_handlers(app: FastAPI) -> None:
    async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, ProgramError):
            exc = from_program_error(exc)
        assert isinstance(exc, MarketplaceError)
        if exc.status >= 500:
            log.error("%s %s failed: %s", request.method, request.url.path, exc.detail)
        return localized_problem(exc.status, exc.title, exc.message, exc.slug,
                                 request_locale(request), exc.headers)

    async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return localized_problem(422, N_("Invalid request"), _describe(exc), "invalid-request",
                                 request_locale(request))

    async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        phrase = HTTPStatus(exc.status_code).phrase
        slug = phrase.lower().replace(" ", "-")
        headers = dict(exc.headers or {})
        if isinstance(exc.detail, str) and exc.detail != phrase:
            return problem(exc.status_code, phrase, exc.detail, slug, headers)
        texts = _HTTP_TEXTS.get(exc.status_code)
        if texts is None:  # a status with no sentence in the catalogs: English
            return problem(exc.status_code, phrase, f"{phrase}: {request.method} "
                                                    f"{request.url.path}.", slug, headers)
        message = Message(texts[1], {"method": request.method, "path": request.url.path})
        return localized_problem(exc.status_code, texts[0], message, slug,
                                 request_locale(request), headers)

    app.add_exception_handler(MarketplaceError, on_domain_error)
    app.add_exception_handler(ProgramError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
