"""The package index pip reads: ``/simple/`` (PEP 503, 691, 658, 714, 592) and ``/files/``."""

from __future__ import annotations

import logging
import mimetypes
import uuid
from collections.abc import Callable
from typing import Any, BinaryIO

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, RedirectResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from marketplace import commerce
from marketplace.caching import cached
from marketplace.catalog import service as catalog
from marketplace.catalog.models import Skill
from marketplace.db import Database
from marketplace.deps import DatabaseDep, ReadSession, StoreDep
from marketplace.errors import MarketplaceError, NotAcceptable, NotFound, ServiceBusy
from marketplace.index import render
from marketplace.index.service import PageCache
from marketplace.messages import N_
from marketplace.openapi import problem_responses
from marketplace.releases import service as releases
from marketplace.storage import ArtifactStore

router = APIRouter(tags=["index"])
log = logging.getLogger("marketplace.index")
_ACCEPTED = f"{render.JSON_V1}, {render.HTML_V1}, {render.HTML_LEGACY}"


def _media_type(request: Request) -> str:
    media = render.negotiate(request.headers.get("accept"))
    if media is None:
        raise NotAcceptable(N_("Unsupported Accept header; this index serves {accepted}."),
                            accepted=_ACCEPTED)
    return media


_PAGE_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {"content": {render.HTML_LEGACY: {}, render.HTML_V1: {}, render.JSON_V1: {}}}}


def _root_body(db: Database, media: str) -> bytes:
    with db.read() as session:
        names = catalog.list_names(session)
    return render.root_json(names) if media == render.JSON_V1 else render.root_html(names)


def _project_body(db: Database, name: str, media: str) -> bytes:
    with db.read() as session:
        skill = catalog.get_skill(session, name)
        rows = releases.files_of(session, skill)
        files = [render.IndexFile(filename=f.filename,
                                  url=releases.file_url(f.sha256, f.filename),
                                  sha256=f.sha256, size=f.size, version=r.version,
                                  requires_python=f.requires_python,
                                  core_metadata_sha256=f.core_metadata_sha256,
                                  yanked=r.yanked, yanked_reason=r.yanked_reason,
                                  uploaded_at=f.uploaded_at) for f, r in rows]
        if media == render.JSON_V1:
            versions = sorted({f.version for f in files}, key=releases.version_key)
            return render.project_json(skill.name, files, versions)
        return render.project_html(skill.name, files)


async def _page(request: Request, key: tuple[str, ...], media: str,
                make: Callable[[], bytes], *, licensed: bool = False) -> Response:
    """Serve from the per-process page cache when the index serial is unchanged.

    A paid skill's page is looked up only after its licence was checked, and is marked
    private so no shared cache hands it to someone without one.
    """
    state = request.app.state
    pages: PageCache = state.pages
    page = await pages.page(key, make)
    response = cached(request, page.body, media, state.settings.index_cache_seconds,
                      vary="Accept, Authorization" if licensed else "Accept",
                      etag=page.etag, gzipped=page.gzipped)
    if licensed:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _paid_flag(db: Database, name: str) -> bytes:
    with db.read() as session:
        skill = catalog.find_skill(session, name)
        return b"1" if skill is not None and commerce.is_paid(session, skill) else b"0"


def _check_licence(db: Database, name: str, authorization: str | None) -> None:
    with db.read() as session:
        commerce.may_download(session, catalog.get_skill(session, name), authorization)


async def _require_licence(request: Request, name: str) -> bool:
    """401/403 for a paid skill without a valid licence; True when the skill is paid.

    Whether a skill is paid is cached like a page (a price change bumps the index serial),
    so free skills cost no database round trip here.
    """
    state = request.app.state
    pages: PageCache = state.pages
    flag = await pages.page(("paid", name), lambda: _paid_flag(state.db, name))
    if flag.body != b"1":
        return False
    await run_in_threadpool(_check_licence, state.db, name,
                            request.headers.get("authorization"))
    return True


@router.get("/simple/", summary="All skills (PEP 503 / PEP 691)",
            responses={**problem_responses(406), **_PAGE_CONTENT})
async def simple_root(request: Request) -> Response:
    media = _media_type(request)
    db: Database = request.app.state.db
    return await _page(request, ("root", media), media, lambda: _root_body(db, media))


@router.get("/simple/{name}/", summary="One skill's files (PEP 503 / PEP 691)",
            responses={**problem_responses(401, 403, 404, 406), **_PAGE_CONTENT,
                       301: {"description": "Redirect to the normalized name"}})
async def simple_project(name: str, request: Request) -> Response:
    if not catalog.is_valid_name(name):  # no such project can exist; never redirect to it
        raise NotFound(N_("No skill named {name}."), name=repr(name))
    normalized = catalog.normalize(name)
    if normalized != name:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/simple/{normalized}/{query}", status_code=301)
    media = _media_type(request)
    db: Database = request.app.state.db
    licensed = await _require_licence(request, name)
    return await _page(request, ("project", name, media), media,
                       lambda: _project_body(db, name, media), licensed=licensed)


def content_type(filename: str) -> str:
    if filename.endswith(".whl") or filename.endswith(".zip"):
        return "application/zip"
    if filename.endswith(".tar.gz"):
        return "application/gzip"
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


@router.get("/files/{a}/{b}/{sha256}/{filename}", summary="Download a file or its metadata",
            responses={**problem_responses(401, 403, 404, 503), 200: {"content": {
                "application/zip": {}, "application/gzip": {}, "text/plain": {}}}})
def download(a: str, b: str, sha256: str, filename: str, session: ReadSession,
             db: DatabaseDep, store: StoreDep, request: Request) -> Response:
    if sha256[:2] != a or sha256[2:4] != b:
        raise NotFound(N_("No such file."))
    immutable = {"Cache-Control": "max-age=31536000, immutable, public"}
    file = releases.find_file(session, sha256, filename.removesuffix(".metadata"))
    skill = session.get(Skill, file.skill_id)
    if skill is not None and commerce.is_paid(session, skill):  # paid: licence holders only
        commerce.may_download(session, skill, request.headers.get("authorization"))
        immutable = {"Cache-Control": "private, max-age=31536000, immutable",
                     "Vary": "Authorization"}
    if filename.endswith(".metadata"):
        return Response(file.core_metadata, media_type="text/plain; charset=utf-8",
                        headers=immutable)
    path = store.local_path(sha256)
    response: Response = (
        FileResponse(path, media_type=content_type(filename), filename=filename,
                     content_disposition_type="attachment", headers=immutable)
        if path is not None else
        StreamingResponse(_open_stored(store, sha256, filename),
                          media_type=content_type(filename), headers=immutable))
    # Counted before the bytes go out, so whoever looks right after a download (the
    # dashboard, the metrics) sees it; counting is best effort and never fails a download.
    _count_download(db, file.id, filename)
    return response


def _count_download(db: Database, file_id: uuid.UUID, filename: str) -> None:
    try:
        with db.write() as writer:
            releases.count_download(writer, file_id)
            writer.commit()
    except MarketplaceError:
        log.warning("download of %s not counted: database busy", filename)

def _open_stored(store: ArtifactStore, sha256: str, filename: str) -> BinaryIO:
    """The file's bytes, opened before anything is counted: a blob missing from the store
    (lost by an operator, an S3 outage) is a 503 to retry and an error in the log, not a
    traceback half-way through a response."""
    try:
        return store.open(sha256)
    except Exception as exc:  # any store failure, local or remote
        log.error("The artifact store could not return %s (%s).", filename, sha256,
                  exc_info=True)
        raise ServiceBusy(N_("The artifact store could not return this file just now; "
                             "retry in a moment.")) from exc
