"""Upload endpoints: twine's ``/legacy/`` and the REST ``POST /v1/skills/{name}/releases``.

Both authenticate first (nothing is read from the body without a valid token), receive the
file part within the size limit, inspect it without executing it, and hand it to the
releases service. An identical re-upload answers 200 and changes nothing.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from marketplace.deps import CurrentPrincipal, DatabaseDep, SettingsDep, SkillName, StoreDep
from marketplace.errors import BadRequest, UploadRejected
from marketplace.messages import N_
from marketplace.openapi import problem_responses
from marketplace.releases import service as releases
from marketplace.review.models import ReviewStatus
from marketplace.upload import service

router = APIRouter(tags=["upload"])


class UploadResult(BaseModel):
    created: bool
    skill: str
    version: str
    filename: str
    sha256: str
    url: str
    name_review: ReviewStatus | None = Field(
        default=None, description="``pending`` when the skill's name is held for staff review "
        "(confusable with another owner's skill): the file is stored but the skill stays out "
        "of the index, the catalog and search until approved. ``null`` otherwise.")


def _multipart_body(fields: dict[str, Any]) -> dict[str, Any]:
    schema = {"type": "object", "properties": fields, "required": ["content"]}
    return {"requestBody": {"required": True,
                            "content": {"multipart/form-data": {"schema": schema}}}}


_LEGACY_FIELDS = {
    ":action": {"type": "string", "enum": ["file_upload"]},
    "protocol_version": {"type": "string", "enum": ["1"]},
    "name": {"type": "string"}, "version": {"type": "string"},
    "filetype": {"type": "string", "enum": list(service.FILETYPES)},
    "sha256_digest": {"type": "string"},
    "content": {"type": "string", "format": "binary"},
}


async def _form(request: Request) -> FormData:
    try:
        return await request.form(max_files=2, max_fields=200)
    except (ValueError, KeyError, AssertionError) as exc:  # malformed multipart framing
        raise BadRequest(N_("Malformed multipart body: {exc}."), exc=exc) from None


def _text(form: FormData, key: str) -> str | None:
    value = form.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


async def _publish(request: Request, principal: CurrentPrincipal, db: DatabaseDep,
                   store: StoreDep, settings: SettingsDep, form: FormData, *,
                   name: str | None, version: str | None) -> UploadResult:
    content = form.get("content")
    if not isinstance(content, UploadFile):
        raise UploadRejected(N_("Missing the file part 'content'."))
    filetype = _text(form, "filetype")
    if filetype is not None and filetype not in service.FILETYPES:
        raise UploadRejected(N_("Unknown filetype {filetype}; expected bdist_wheel or sdist."),
                             filetype=repr(filetype))
    sha256 = _text(form, "sha256_digest")
    filename = content.filename or ""
    with service.received_file(content, settings.data_dir / "tmp",
                               settings.max_upload_bytes) as path:
        inspected = await run_in_threadpool(service.inspect, path, filename, settings,
                                            sha256=sha256,
                                            name=name, version=version)
        if filetype is not None and inspected.filetype != filetype:
            raise UploadRejected(N_("{filename} is not a {filetype} file."),
                                 filename=repr(filename), filetype=filetype)
        outcome = await run_in_threadpool(releases.publish, db, store, principal,
                                          inspected, path)
    return UploadResult(created=outcome.created, skill=outcome.skill, version=outcome.version,
                        filename=outcome.filename, sha256=outcome.sha256,
                        url=releases.file_url(outcome.sha256, outcome.filename),
                        name_review=outcome.name_review)


@router.post("/legacy/", response_model=UploadResult, summary="Upload a file (twine)",
             responses=problem_responses(400, 401, 403, 413, 503),
             openapi_extra=_multipart_body(_LEGACY_FIELDS))
async def legacy_upload(request: Request, principal: CurrentPrincipal, db: DatabaseDep,
                        store: StoreDep, settings: SettingsDep) -> UploadResult:
    """The upload API that twine speaks (warehouse's ``forklift`` protocol, version 1)."""
    form = await _form(request)
    try:
        return await _legacy(request, principal, db, store, settings, form)
    finally:
        await form.close()


async def _legacy(request: Request, principal: CurrentPrincipal, db: DatabaseDep,
                  store: StoreDep, settings: SettingsDep, form: FormData) -> UploadResult:
    action = _text(form, ":action")
    if action != "file_upload":
        raise BadRequest(N_("Unsupported :action {action}; only 'file_upload' is supported."),
                         action=repr(action))
    if _text(form, "protocol_version") != "1":
        raise BadRequest(N_("Unknown protocol_version; expected '1'."))
    if _text(form, "sha256_digest") is None:
        raise UploadRejected(N_("Missing sha256_digest."))
    if _text(form, "filetype") is None:
        raise UploadRejected(N_("Missing filetype."))
    return await _publish(request, principal, db, store, settings, form,
                          name=_text(form, "name"), version=_text(form, "version"))


@router.post("/v1/skills/{name}/releases", response_model=UploadResult, status_code=201,
             summary="Upload a file into a release of this skill",
             responses=problem_responses(400, 401, 403, 413, 503),
             openapi_extra=_multipart_body({
                 "content": {"type": "string", "format": "binary"},
                 "sha256_digest": {"type": "string"},
                 "filetype": {"type": "string", "enum": list(service.FILETYPES)}}))
async def rest_upload(name: SkillName, request: Request, principal: CurrentPrincipal,
                      db: DatabaseDep, store: StoreDep, settings: SettingsDep) -> Any:
    """Same validation as ``/legacy/``; 201 when stored, 200 for an identical re-upload."""
    form = await _form(request)
    try:
        result = await _publish(request, principal, db, store, settings, form,
                                name=name, version=None)
    finally:
        await form.close()
    if not result.created:
        from fastapi.responses import JSONResponse

        return JSONResponse(result.model_dump(mode="json"), status_code=200)
    return result
