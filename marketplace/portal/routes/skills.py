"""The dashboard (my skills, releases, downloads), one skill's releases with yank and
un-yank, and publishing a release from the browser.

Uploads go through the same service calls as ``/legacy/`` (size limit while receiving,
inspection without executing anything, the releases service's checks), so a refusal is the
same one sentence twine would show.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from marketplace.catalog import search as catalog_search
from marketplace.catalog import service as catalog
from marketplace.catalog.models import Skill, SkillTexts
from marketplace.db import utcnow
from marketplace.deps import DatabaseDep, SettingsDep, SkillName, StoreDep
from marketplace.errors import MarketplaceError
from marketplace.portal import chart
from marketplace.portal.auth import SignedInUser, check_csrf
from marketplace.portal.calls import Refused, read, refused, write
from marketplace.portal.i18n import pick_locale, texts_for
from marketplace.portal.render import page
from marketplace.releases import service as releases
from marketplace.releases.models import YankRequest
from marketplace.upload import service as upload
from partners.program import ProgramError
from robeing_sdk.i18n import fallback_chain

router = APIRouter()
Field = Annotated[str, Form(max_length=4096)]


@router.get("/dashboard")
def dashboard(request: Request, user: SignedInUser, db: DatabaseDep) -> Response:
    chain = fallback_chain(pick_locale(request))

    def mine(session: Session) -> tuple[list[dict[str, Any]], list[tuple[date, int]]]:
        if user.principal.is_staff:
            return [], []
        skills, _ = catalog_search.search(session, catalog_search.Query(
            partner_ids=(user.principal.partner_id,), sort=catalog_search.Sort.DOWNLOADS,
            limit=catalog_search.MAX_PAGE))
        texts = catalog.texts_of(session, skills)
        top = max((skill.downloads for skill in skills), default=0) or 1
        return [_row(skill, texts[skill.id], chain, round(100 * skill.downloads / top))
                for skill in skills], releases.downloads_by_day(
            session, [skill.id for skill in skills], chart.DAYS, utcnow().date())

    rows, per_day = read(db, mine)
    texts = texts_for(pick_locale(request))
    welcome = texts.gettext("Welcome, {name}: your partner account is ready.",
                            name=user.principal.partner_name) \
        if request.query_params.get("welcome") == "1" else None
    return page(request, "dashboard.html", user, skills=rows, notice=welcome,
                chart=chart.bar_chart(texts, per_day),
                legacy_url=f"{request.base_url}legacy/",
                total_downloads=sum(row["skill"].downloads for row in rows))


def _row(skill: Skill, texts: SkillTexts, chain: tuple[str, ...], share: int = 0
         ) -> dict[str, Any]:
    """A skill with its name and description in the page's language (or English)."""
    language, name, description = texts.pick(chain, skill.display_name or skill.name)
    return {"skill": skill, "name": name, "description": description or skill.summary,
            "text_lang": language, "share": share}


def _skill_page(request: Request, user: SignedInUser, db: DatabaseDep, name: str, *,
                status: int = 200, error: str | None = None) -> Response:
    chain = fallback_chain(pick_locale(request))

    def load(session: Session) -> tuple[dict[str, Any], object, list[tuple[date, int]]]:
        skill = catalog.get_managed_skill(session, name, user.principal)
        row = _row(skill, catalog.texts_of(session, [skill])[skill.id], chain)
        return row, releases.public_releases(session, skill), releases.downloads_by_day(
            session, [skill.id], chart.DAYS, utcnow().date())

    row, found, per_day = read(db, load)
    return page(request, "skill.html", user, status=status, error=error, skill=row["skill"],
                row=row, releases=found,
                chart=chart.bar_chart(texts_for(pick_locale(request)), per_day))


@router.get("/skills/{name}")
def skill_page(request: Request, name: SkillName, user: SignedInUser,
               db: DatabaseDep) -> Response:
    return _skill_page(request, user, db, name)


@router.post("/skills/{name}/releases/{version}/yank")
def yank(request: Request, name: SkillName, version: str, user: SignedInUser, db: DatabaseDep,
         csrf_token: Field = "", yanked: Field = "1", reason: Field = "") -> Response:
    """Yank (``yanked=1``) or un-yank (``yanked=0``): sending the same form twice is
    harmless, it sets the same state."""
    check_csrf(user, csrf_token)

    def apply(session: Session) -> None:
        skill = catalog.get_managed_skill(session, name, user.principal)
        releases.set_yanked(session, skill, version[:64], YankRequest(
            yanked=yanked == "1", reason=reason.strip()[:500] or None))

    try:
        write(db, apply)
    except Refused as exc:  # the page says why (or, for a skill not yours, is refused too)
        return _skill_page(request, user, db, name, status=exc.status,
                           error=exc.say(pick_locale(request)))
    return RedirectResponse(f"/portal/skills/{catalog.normalize(name)}", status_code=303)


def _upload_page(request: Request, user: SignedInUser, settings: SettingsDep, *,
                 status: int = 200, **context: object) -> Response:
    texts = texts_for(pick_locale(request))
    context.setdefault("result", None)
    return page(request, "upload.html", user, status=status,
                max_bytes=settings.max_upload_bytes,
                max_mb=texts.number(round(settings.max_upload_bytes / 2**20, 1)), **context)


@router.get("/upload")
def upload_form(request: Request, user: SignedInUser, settings: SettingsDep) -> Response:
    return _upload_page(request, user, settings)


@router.post("/upload")
async def upload_file(request: Request, user: SignedInUser, db: DatabaseDep, store: StoreDep,
                      settings: SettingsDep, csrf_token: Field = "",
                      content: Annotated[UploadFile | None, File()] = None) -> Response:
    check_csrf(user, csrf_token)
    texts = texts_for(pick_locale(request))
    if content is None or not content.filename:
        return _upload_page(request, user, settings, status=400,
                            error=texts.gettext("Choose a file to upload."),
                            error_title=texts.gettext("The upload was refused:"))
    try:
        with upload.received_file(content, settings.data_dir / "tmp",
                                  settings.max_upload_bytes) as path:
            inspected = await run_in_threadpool(upload.inspect, path, content.filename,
                                                settings, sha256=None, name=None, version=None)
            outcome = await run_in_threadpool(releases.publish, db, store, user.principal,
                                              inspected, path)
    except (MarketplaceError, ProgramError) as exc:
        problem = refused(exc)
        return _upload_page(request, user, settings, status=problem.status,
                            error=problem.say(texts.locale),
                            error_title=texts.gettext("The upload was refused:"))
    return _upload_page(request, user, settings, status=201 if outcome.created else 200,
                        result=outcome)
