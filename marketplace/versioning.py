"""API versioning: URL path versions (``/v1/``) and a deprecation path for retiring routes.

The rule (from the seed): a route is announced deprecated at least 6 months before anything
about it changes, stays served for at least 12 months after the announcement, and names a
migration guide. A deprecated route says so in OpenAPI (``deprecated: true`` and an
``x-deprecation`` object) and on its responses, domain errors (404, 403, ...) included::

    Deprecation: @1767225600                                  (RFC 9745: when it was announced)
    Sunset: Fri, 01 Jan 2027 00:00:00 GMT                     (RFC 8594: removed after this)
    Link: <https://robeing.dev/…/migrate>; rel="deprecation"; type="text/html"

Mark a route with the options :func:`deprecation` returns, on a router built with
``route_class=VersionedRoute``::

    router = APIRouter(prefix="/v1/skills", route_class=VersionedRoute)

    @router.get("/{name}/versions", **deprecation(date(2026, 12, 1), guide=GUIDE))
    def old_spelling(...): ...
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime
from email.utils import format_datetime
from typing import Any, Final

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from marketplace.errors import MarketplaceError

NOTICE_MONTHS: Final = 6
SUNSET_MONTHS: Final = 12
EXTENSION: Final = "x-deprecation"


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def deprecation(since: date, *, guide: str, sunset: date | None = None) -> dict[str, Any]:
    """Route options marking a route deprecated since ``since`` (the announcement).

    ``sunset`` defaults to, and may not be earlier than, 12 months after ``since``; ``guide``
    is the migration guide's URL and is required.
    """
    earliest = add_months(since, SUNSET_MONTHS)
    sunset = sunset or earliest
    if sunset < earliest:
        raise ValueError(f"A deprecated route is served for at least {SUNSET_MONTHS} months: "
                         f"sunset {sunset} is before {earliest}.")
    if not guide:
        raise ValueError("A deprecated route needs a migration guide.")
    return {"deprecated": True,
            "openapi_extra": {EXTENSION: {"since": since.isoformat(),
                                          "sunset": sunset.isoformat(),
                                          "migration_guide": guide}}}


def deprecation_headers(since: date, sunset: date, guide: str) -> dict[str, str]:
    def midnight(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)

    return {"Deprecation": f"@{int(midnight(since).timestamp())}",
            "Sunset": format_datetime(midnight(sunset), usegmt=True),
            "Link": f'<{guide}>; rel="deprecation"; type="text/html"'}


class VersionedRoute(APIRoute):
    """An API route that adds the deprecation headers when it is marked deprecated."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        notice = (kwargs.get("openapi_extra") or {}).get(EXTENSION)
        self.deprecation_headers: dict[str, str] = deprecation_headers(
            date.fromisoformat(notice["since"]), date.fromisoformat(notice["sunset"]),
            notice["migration_guide"]) if notice else {}
        super().__init__(path, endpoint, **kwargs)  # builds the handler: headers first

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        headers = self.deprecation_headers
        if not headers:
            return handler

        async def with_headers(request: Request) -> Response:
            try:
                response = await handler(request)
            except MarketplaceError as exc:
                exc.headers.update(headers)
                raise
            response.headers.update(headers)
            return response

        return with_headers
