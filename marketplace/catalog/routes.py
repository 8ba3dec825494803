"""Catalog API: search and list skills, skill detail, deprecation, maintainers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel
from sqlmodel import Session

from marketplace.accounts import service as accounts
from marketplace.caching import cached_json
from marketplace.catalog import search as catalog_search
from marketplace.catalog import search_fast, service
from marketplace.catalog.held import mark_held
from marketplace.catalog.models import RoleCreate, Skill, SkillDeprecate, SkillPublic
from marketplace.deps import (
    CurrentPrincipal,
    OwnedSkill,
    ReadSession,
    SettingsDep,
    ShownSkill,
    WriteSession,
)
from marketplace.i18n import request_locale
from marketplace.openapi import problem_responses
from robeing_sdk.i18n import fallback_chain
from robeing_sdk.manifest import PriceKind

router = APIRouter(prefix="/v1/skills", tags=["catalog"])
LIMITS = search_fast.MAX_CHARS


class SkillPage(BaseModel):
    items: list[SkillPublic]
    next_cursor: str | None


@router.get("", response_model=SkillPage, summary="Search and list skills",
            responses=problem_responses(400, 503))
async def list_skills(
    request: Request, settings: SettingsDep,
    q: Annotated[str, Query(max_length=LIMITS["q"],
                            description="Words to find in names, summaries, descriptions.")] = "",
    category: Annotated[str | None, Query(max_length=LIMITS["category"])] = None,
    locale: Annotated[str | None, Query(
        max_length=LIMITS["locale"],
        description="Only skills with texts in this language, shown in it "
                    "(ko, en, ja, zh, es; a tag such as ko-KR is fine). "
                    "Without it, ``Accept-Language`` picks the language shown.")] = None,
    price: PriceKind | None = None,
    tier: Annotated[str | None, Query(max_length=LIMITS["tier"],
                                      description="Partner tier.")] = None,
    sdk: Annotated[str | None, Query(max_length=LIMITS["sdk"],
                                     description="Only skills whose newest release "
                                                 "supports this SDK version.")] = None,
    sort: catalog_search.Sort = catalog_search.Sort.RELEVANCE,
    cursor: Annotated[str | None, Query(max_length=LIMITS["cursor"])] = None,
    limit: Annotated[int, Query(description="Page size, clamped to 1..100.")] = 20,
) -> Response:
    """Results are cached per process until the next publish or yank (the index serial), so
    download counts (shown, and used by ``sort=downloads``) may lag until then."""
    shown = request_locale(request)  # ?locale= when given (validated before routing)
    query = search_fast.query_of(q=q, category=category, locale=locale,
                                 price=price.value if price else None, sdk=sdk, sort=sort,
                                 cursor=cursor, limit=limit, shown=shown)
    catalog_search.check_no_nul("tier", tier)
    page = await search_fast.render(request.app.state, search_fast.Ask(
        search_fast.page_key(query, tier, shown), query, tier, shown))
    return search_fast.respond(request, page, settings.index_cache_seconds)


@router.get("/{name}", response_model=SkillPublic, summary="One skill",
            responses=problem_responses(404))
def skill_detail(skill: ShownSkill, request: Request, settings: SettingsDep,
                 session: ReadSession) -> Response:
    """``display_name`` and ``description`` in the request's language (``?locale=``, else
    ``Accept-Language``), falling back along its chain to English; ``locale`` says which.
    A skill held for name review is shown only to its owners and maintainers (their token
    in ``Authorization``), with ``name_review`` set; to anyone else it is 404."""
    return mark_held(session, skill, cached_json(
        request, _public(session, skill, request), settings.index_cache_seconds,
        vary="Accept, Accept-Language, Authorization"))


def _public(session: Session, skill: Skill, request: Request) -> SkillPublic:
    return SkillPublic.from_row(skill, service.texts_of(session, [skill])[skill.id],
                                fallback_chain(request_locale(request)),
                                service.review_status(session, skill))


@router.put("/{name}/deprecation", response_model=SkillPublic,
            summary="Deprecate (or un-deprecate) a skill, naming its successor",
            responses=problem_responses(400, 401, 403, 404, 503))
def deprecate_skill(skill: OwnedSkill, data: SkillDeprecate, session: WriteSession,
                    principal: CurrentPrincipal, request: Request,
                    response: Response) -> SkillPublic:
    service.deprecate(session, skill, data)
    accounts.touch_token(session, principal)
    session.commit()
    mark_held(session, skill, response)
    return _public(session, skill, request)


@router.post("/{name}/roles", status_code=204, summary="Add an owner or maintainer",
             responses=problem_responses(401, 403, 404, 503))
def add_role(skill: OwnedSkill, data: RoleCreate, session: WriteSession,
             principal: CurrentPrincipal) -> Response:
    service.require_owner(session, skill, principal)
    partner = accounts.get_partner(session, data.partner)
    service.add_role(session, skill, partner.id, data.role)
    accounts.touch_token(session, principal)
    session.commit()
    return Response(status_code=204)
