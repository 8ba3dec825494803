"""The partner developer portal: server-rendered pages over the marketplace's services.

:func:`install` mounts the pages under ``/portal`` and the static files under
``/portal/static``, and adds the handlers that turn "sign in first" into a redirect and
"not allowed" into a 403 page. Everything the pages decide is decided by the services
(accounts, catalog, releases, upload, partners); see ``docs/portal/index.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

STATIC = Path(__file__).resolve().parent / "static"


def install(app: FastAPI) -> None:
    from starlette.staticfiles import StaticFiles

    from marketplace.portal.auth import install_handlers
    from marketplace.portal.routes import router

    # The static mount goes first: the pages' catch-all 404 must not shadow it.
    app.mount("/portal/static", StaticFiles(directory=STATIC), name="portal-static")
    app.include_router(router)
    install_handlers(app)


__all__ = ["install"]
