"""The package index pip reads: ``/simple/`` (PEP 503, 691, 658, 714, 592) and ``/files/``."""

from __future__ import annotations

import contextlib
import logging
import mimetypes
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, RedirectResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from marketplace import commerce
from marketplace.caching import cached
from marketplace.catalog import service as catalog
from marketplace.db import Database
from marketplace.errors import NotAcceptable, NotFound, ServiceBusy
from marketplace.index import downloads, render
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
async def download(a: str, b: str, sha256: str, filename: str, request: Request) -> Response:
    """A file or its ``.metadata``. What the database says about the file is cached per
    process (:mod:`marketplace.index.downloads`), so a free skill's file costs no read
    session; a paid skill's licence is checked every time. A file of up to
    ``WHOLE_BODY_BYTES`` is read and counted in one worker-thread call and sent as one body;
    a larger one, or a ``Range`` request, is streamed."""
    if sha256[:2] != a or sha256[2:4] != b:
        raise NotFound(N_("No such file."))
    state = request.app.state
    files, counter = downloads.of(state)
    file = await files.get(sha256, filename.removesuffix(".metadata"))
    headers = {"Cache-Control": "max-age=31536000, immutable, public"}
    if file.paid:  # paid: licence holders only
        await run_in_threadpool(downloads.check_licence, state.db, file.skill_id,
                                request.headers.get("authorization"))
        headers = {"Cache-Control": "private, max-age=31536000, immutable",
                   "Vary": "Authorization"}
    if filename.endswith(".metadata"):
        return Response(file.core_metadata, media_type="text/plain; charset=utf-8",
                        headers=headers)
    headers.update({"Content-Disposition": file.content_disposition,
                    "Last-Modified": file.last_modified, "ETag": f'"{file.sha256}"',
                    "Accept-Ranges": "bytes"})
    store: ArtifactStore = state.store
    ranged = "range" in request.headers
    body, path, stream = await run_in_threadpool(_read_and_count, store, counter, file, ranged)
    media = content_type(filename)
    if body is not None:
        return Response(body, media_type=media, headers=headers)
    if path is not None:
        return FileResponse(path, media_type=media, headers=headers)
    assert stream is not None
    del headers["Accept-Ranges"]  # a remote blob is streamed whole
    return StreamingResponse(_chunks(stream, sha256, filename), media_type=media,
                             headers={**headers, "Content-Length": str(file.size)})


WHOLE_BODY_BYTES = 8 * 1024 * 1024
STREAM_CHUNK_BYTES = 1024 * 1024


def _read_and_count(store: ArtifactStore, counter: downloads.Counter,
                    file: downloads.Downloadable, ranged: bool
                    ) -> tuple[bytes | None, Path | None, BinaryIO | None]:
    """The file's bytes, as exactly one of: the whole body (a small file), its local path (a
    large file or a ``Range`` request, for ``FileResponse``) or an open stream (a large remote
    one). Counted once the bytes are known to be there and before they go out, so whoever
    looks right after a download (the dashboard, the metrics) sees it; a blob missing from
    the store is a 503 and not counted."""
    whole = file.size <= WHOLE_BODY_BYTES
    path = store.local_path(file.sha256)
    body: bytes | None = None
    stream: BinaryIO | None = None
    if path is not None and whole and not ranged:
        with contextlib.suppress(OSError):  # else gone since (a sweep): as if missing
            body = path.read_bytes()
        path = None
    if path is None and body is None:
        stream = _open_stored(store, file.sha256, file.filename)
        if whole:
            with stream:
                body = _read_stored(stream, file.sha256, file.filename)
            stream = None
    try:
        counter.count(file)
    except BaseException:
        if stream is not None:
            stream.close()
        raise
    return body, path, stream


def _chunks(stream: BinaryIO, sha256: str, filename: str) -> Iterator[bytes]:
    """A remote blob in 1 MB pieces (read in worker threads), closed at the end."""
    with stream:
        while chunk := _read_stored(stream, sha256, filename, STREAM_CHUNK_BYTES):
            yield chunk


def _read_stored(stream: BinaryIO, sha256: str, filename: str, size: int = -1) -> bytes:
    """``size`` bytes of a stored blob (the rest of it when -1, read in large pieces: a remote
    body's own ``read()`` would go 8 KB at a time); a store failure is a 503."""
    try:
        if size >= 0:
            return stream.read(size)
        parts = []
        while chunk := stream.read(STREAM_CHUNK_BYTES):
            parts.append(chunk)
        return b"".join(parts)
    except Exception as exc:  # any store failure, local or remote
        raise _store_failed(sha256, filename) from exc


def _open_stored(store: ArtifactStore, sha256: str, filename: str) -> BinaryIO:
    """The file's bytes, opened before anything is counted: a blob missing from the store
    (lost by an operator, an S3 outage) is a 503 to retry and an error in the log, not a
    traceback half-way through a response."""
    try:
        return store.open(sha256)
    except Exception as exc:  # any store failure, local or remote
        raise _store_failed(sha256, filename) from exc


def _store_failed(sha256: str, filename: str) -> ServiceBusy:
    log.error("The artifact store could not return %s (%s).", filename, sha256, exc_info=True)
    return ServiceBusy(N_("The artifact store could not return this file just now; "
                          "retry in a moment."))
