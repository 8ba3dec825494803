"""The problem-details error shape (RFC 9457), how errors become it, and its OpenAPI entries.

:func:`install_error_handlers` is the one place where exceptions become HTTP responses:
domain errors (:mod:`marketplace.errors`), request validation (422, naming the field) and the
framework's own HTTP errors (unknown route 404, wrong method 405) all use the same shape.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from marketplace.errors import MarketplaceError, from_program_error
from partners.program import ProgramError

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
            headers: dict[str, str] | None = None) -> JSONResponse:
    body = ProblemDetails(type=PROBLEM_TYPE_BASE + slug, title=title, status=status,
                          detail=detail)
    return JSONResponse(body.model_dump(), status_code=status, headers=headers,
                        media_type=PROBLEM_MEDIA_TYPE)


def _describe(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "The request is invalid."
    first = errors[0]
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body") or "body"
    message = str(first.get("msg", "is invalid")).removeprefix("Value error, ")
    if first.get("type") == "extra_forbidden":
        message = "is not a field you may set"
    elif first.get("type") == "missing":
        message = "is required"
    elif first.get("type") == "json_invalid":
        return "The request body is not valid JSON."
    return f"Field '{where}': {message}."


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
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(app: FastAPI) -> None:
    async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, ProgramError):
            exc = from_program_error(exc)
        assert isinstance(exc, MarketplaceError)
        if exc.status >= 500:
            log.error("%s %s failed: %s", request.method, request.url.path, exc.detail)
        return problem(exc.status, exc.title, exc.detail, exc.slug, exc.headers)

    async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem(422, "Invalid request", _describe(exc), "invalid-request")

    async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        phrase = HTTPStatus(exc.status_code).phrase
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else (
            f"{phrase}: {request.method} {request.url.path}.")
        return problem(exc.status_code, phrase, detail,
                       phrase.lower().replace(" ", "-"), dict(exc.headers or {}))

    app.add_exception_handler(MarketplaceError, on_domain_error)
    app.add_exception_handler(ProgramError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
