"""Releases API: list releases and files, yank/un-yank, and the compatibility query."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from marketplace.accounts import service as accounts
from marketplace.caching import cached_json
from marketplace.catalog import service as catalog
from marketplace.catalog.held import mark_held
from marketplace.db import utcnow
from marketplace.deps import (
    CurrentPrincipal,
    DatabaseDep,
    OwnedSkill,
    ReadSession,
    SettingsDep,
    ShownSkill,
    StoreDep,
    WriteSession,
)
from marketplace.errors import BadRequest
from marketplace.messages import N_
from marketplace.openapi import problem_responses
from marketplace.releases import service
from marketplace.releases.models import FilePublic, ReleasePublic, YankRequest

router = APIRouter(prefix="/v1/skills/{name}", tags=["releases"])

VersionPath = Annotated[str, Path(max_length=64, description="A PEP 440 version (any spelling).")]


class DayDownloads(BaseModel):
    day: date
    downloads: int


class Downloads(BaseModel):
    skill: str
    total: int
    files: dict[str, int]
    days: list[DayDownloads] = Field(
        default_factory=list, description="Downloads per UTC day, oldest first, the last "
        "`days` days up to today (days without downloads as 0).")


@router.get("/releases", response_model=list[ReleasePublic],
            summary="Releases, newest first (PEP 440)", responses=problem_responses(404))
def list_releases(skill: ShownSkill, session: ReadSession, request: Request,
                  settings: SettingsDep) -> Response:
    return mark_held(session, skill, cached_json(
        request, [r.model_dump(mode="json") for r in service.public_releases(session, skill)],
        settings.index_cache_seconds))


@router.get("/releases/{version}", response_model=ReleasePublic, summary="One release",
            responses=problem_responses(404))
def release_detail(skill: ShownSkill, version: VersionPath, session: ReadSession,
                   request: Request, settings: SettingsDep) -> Response:
    release = service.get_release(session, skill, version)
    match = [r for r in service.public_releases(session, skill) if r.id == release.id]
    return mark_held(session, skill,
                     cached_json(request, match[0], settings.index_cache_seconds))


@router.get("/files", response_model=list[FilePublic], summary="Every file of the skill",
            responses=problem_responses(404))
def list_files(skill: ShownSkill, session: ReadSession, request: Request,
               settings: SettingsDep) -> Response:
    files = service.public_files(service.files_of(session, skill))
    return mark_held(session, skill, cached_json(
        request, [f.model_dump(mode="json") for f in files], settings.index_cache_seconds))


@router.get("/downloads", response_model=Downloads, summary="Download counts",
            responses=problem_responses(404))
def downloads(skill: ShownSkill, session: ReadSession, response: Response,
              days: Annotated[int, Query(ge=1, le=366, description="How many days of "
                                         "per-day counts, up to today (UTC).")] = 30
              ) -> Downloads:
    mark_held(session, skill, response)
    files = {f.filename: f.downloads for f, _ in service.files_of(session, skill)}
    per_day = service.downloads_by_day(session, [skill.id], days, utcnow().date())
    return Downloads(skill=skill.name, total=skill.downloads, files=files,
                     days=[DayDownloads(day=day, downloads=n) for day, n in per_day])


@router.get("/compatible", response_model=ReleasePublic,
            summary="The newest release that supports an SDK version",
            responses=problem_responses(400, 404))
def compatible(skill: ShownSkill, session: ReadSession, request: Request,
               settings: SettingsDep,
               sdk: Annotated[str, Query(max_length=64, description="SDK version.")],
               pre: Annotated[bool, Query(description="Consider pre-releases.")] = False,
               ) -> Response:
    from packaging.version import InvalidVersion, Version

    try:
        Version(sdk)
    except InvalidVersion:
        raise BadRequest(N_("{sdk} is not a valid SDK version."), sdk=repr(sdk)) from None
    release = service.compatible(session, skill, sdk, pre=pre)
    match = [r for r in service.public_releases(session, skill) if r.id == release.id]
    return mark_held(session, skill,
                     cached_json(request, match[0], settings.index_cache_seconds))


@router.put("/releases/{version}/yank", response_model=ReleasePublic,
            summary="Yank or un-yank a release (PEP 592)",
            responses=problem_responses(401, 403, 404, 503))
def yank(skill: OwnedSkill, version: VersionPath, data: YankRequest, session: WriteSession,
         principal: CurrentPrincipal, response: Response) -> ReleasePublic:
    release = service.set_yanked(session, skill, version, data)
    accounts.touch_token(session, principal)
    session.commit()
    mark_held(session, skill, response)
    match = [r for r in service.public_releases(session, skill) if r.id == release.id]
    return match[0]


@router.delete("/files/{filename}", status_code=204,
               summary="Delete a file (owners only); its name can never be used again",
               responses=problem_responses(401, 403, 404, 503))
def delete_file(skill: OwnedSkill, filename: Annotated[str, Path(max_length=255)],
                session: WriteSession, principal: CurrentPrincipal, db: DatabaseDep,
                store: StoreDep) -> Response:
    catalog.require_owner(session, skill, principal)
    sha256 = service.delete_file(session, skill, filename)
    accounts.touch_token(session, principal)
    session.commit()
    service.discard_blob(db, store, sha256)
    return Response(status_code=204)
