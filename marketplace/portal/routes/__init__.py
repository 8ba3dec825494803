"""The portal's pages, one module per area; :data:`router` holds them all."""

from __future__ import annotations

from fastapi import APIRouter

from marketplace.portal.routes import account, money, program, skills

router = APIRouter(prefix="/portal", include_in_schema=False)
for area in (account, skills, program, money):
    router.include_router(area.router)

__all__ = ["router"]
