"""The portal's pages, one module per area; :data:`router` holds them all."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from marketplace.portal.auth import Viewer
from marketplace.portal.render import page
from marketplace.portal.routes import account, money, program, register, skills

router = APIRouter(prefix="/portal", include_in_schema=False)
for area in (account, register, skills, program, money):
    router.include_router(area.router)


@router.get("/{rest:path}")
def not_found(request: Request, user: Viewer) -> Response:
    """Any other address under /portal: a page saying so, not the API's JSON."""
    return page(request, "error.html", user, status=404, code=404)

__all__ = ["router"]
