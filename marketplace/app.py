"""The application factory: the one place that composes settings, database, store and routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from marketplace import schema
from marketplace.catalog.search_fast import SearchFastPath
from marketplace.catalog.search_memory import SearchIndex
from marketplace.db import Database
from marketplace.i18n import LocaleNegotiation
from marketplace.index.service import PageCache
from marketplace.limits import BodySizeLimit
from marketplace.openapi import install_error_handlers, use_problem_details_for_422
from marketplace.settings import Settings, get_settings
from marketplace.storage import ArtifactStore, store_for
from robeing_sdk import __version__

DESCRIPTION = """\
The robeing skill marketplace: a package index that pip and twine speak (`/simple/`,
`/legacy/`) and a REST API under `/v1/`. Errors use one problem-details shape
(`type`, `title`, `status`, `detail`). People's texts (`title`, `detail`, skill names and
descriptions) come in ko, en, ja, zh or es: `?locale=` on any request, else
`Accept-Language`; `Content-Language` says which. `type` and `status` never change.
"""


@asynccontextmanager
async def _load_search_snapshot(app: FastAPI) -> AsyncIterator[None]:
    """Searches are answered from memory from the first request on (the snapshot of 10,000
    skills takes about 0.2 s to load; a failure only leaves searches to SQL)."""
    await run_in_threadpool(app.state.search_index.warm, app.state.pages.serial())
    yield
    await run_in_threadpool(app.state.search_index.close)


def create_app(settings: Settings | None = None, *, store: ArtifactStore | None = None,
               create_schema: bool | None = None) -> FastAPI:
    """Build the app; the schema must be current (an empty embedded database is created).

    ``create_schema`` defaults to True on SQLite and False elsewhere, where
    ``robeing marketplace upgrade`` runs the migrations.
    """
    settings = settings or get_settings()
    db = Database(settings)
    schema.ensure_current(db, create_if_empty=db.is_sqlite if create_schema is None
                          else create_schema)
    app = FastAPI(title="robeing marketplace", version=__version__, description=DESCRIPTION,
                  lifespan=_load_search_snapshot)
    app.state.settings = settings
    app.state.db = db
    app.state.store = store or store_for(settings)
    app.state.pages = PageCache(db)
    app.state.search_index = SearchIndex(db)
    install_error_handlers(app)
    use_problem_details_for_422(app)
    app.add_middleware(SearchFastPath)  # inside LocaleNegotiation: the language is known
    app.add_middleware(BodySizeLimit, body_bytes=settings.max_body_bytes,
                       upload_bytes=settings.max_upload_bytes)
    app.add_middleware(LocaleNegotiation, default=settings.default_locale)

    from marketplace import commerce, portal
    from marketplace.accounts.routes import router as accounts_router
    from marketplace.catalog.routes import router as catalog_router
    from marketplace.index.routes import router as index_router
    from marketplace.ledger.routes import router as ledger_router
    from marketplace.metrics.routes import router as metrics_router
    from marketplace.partners.routes import router as partners_router
    from marketplace.releases.routes import router as releases_router
    from marketplace.review.routes import router as review_router
    from marketplace.upload.routes import router as upload_router

    for router in (index_router, upload_router, catalog_router, releases_router,
                   accounts_router, partners_router, ledger_router, review_router,
                   metrics_router):
        app.include_router(router)
    portal.install(app)
    commerce.install(app, db)

    @app.get("/healthz", tags=["health"], summary="Liveness and database check")
    def healthz() -> dict[str, str]:
        from sqlalchemy import text

        with db.read() as session:
            session.connection().execute(text("SELECT 1"))
        return {"status": "ok"}

    return app
