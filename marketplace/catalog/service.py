"""Skills: registration, who may publish, catalog listing data, deprecation.

Other domains reach skills only through these functions.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence

from packaging.utils import canonicalize_name
from sqlalchemy import update
from sqlmodel import Session, col, select

from marketplace.accounts.service import Principal
from marketplace.catalog.models import (
    Role,
    Skill,
    SkillDeprecate,
    SkillRole,
    SkillText,
    SkillTexts,
)
from marketplace.db import utcnow
from marketplace.errors import BadRequest, Forbidden, NotFound
from marketplace.index.service import bump_serial
from marketplace.messages import N_
from marketplace.review import service as review
from marketplace.review.models import ReviewStatus
from robeing_sdk.manifest import SkillManifest

_CONFUSABLE = str.maketrans({"l": "1", "i": "1", "o": "0"})
_VALID_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)


def normalize(name: str) -> str:
    return canonicalize_name(name)


def confusable_key(name: str) -> str:
    """Warehouse's "ultranormalized" name: ``t0asting`` and ``toasting`` share one key."""
    return re.sub(r"[._-]", "", normalize(name)).translate(_CONFUSABLE)


def is_valid_name(name: str) -> bool:
    return bool(_VALID_NAME.match(name)) and len(name) <= 64


def find_skill(session: Session, name: str) -> Skill | None:
    return session.exec(select(Skill).where(Skill.name == normalize(name))).first()


def get_skill(session: Session, name: str) -> Skill:
    """A skill the public may see: 404 for unknown names and for names held for review."""
    skill = find_skill(session, name) if is_valid_name(name) else None
    if skill is None or review.is_hidden(session, skill.id):
        raise NotFound(N_("No skill named {name}."), name=repr(name))
    return skill


def get_skill_for(session: Session, name: str, principal: Principal | None) -> Skill:
    """Like :func:`get_skill`, but a skill held for name review (pending or rejected) is
    shown to its own owners and maintainers; everyone else still gets 404, with no hint
    that the name exists."""
    skill = find_skill(session, name) if is_valid_name(name) else None
    if skill is None or (review.is_hidden(session, skill.id)
                         and not _may_see_held(session, skill, principal)):
        raise NotFound(N_("No skill named {name}."), name=repr(name))
    return skill


def get_managed_skill(session: Session, name: str, principal: Principal) -> Skill:
    """A skill the caller may change (owner or maintainer), held for review or not: 404 for
    unknown names and for another partner's held name, 403 for another partner's listed
    skill or a token scoped to another skill."""
    skill = get_skill_for(session, name, principal)
    require_publisher(session, skill, principal)
    return skill


def _may_see_held(session: Session, skill: Skill, principal: Principal | None) -> bool:
    return principal is not None and role_of(session, skill, principal.partner_id) is not None


def review_status(session: Session, skill: Skill) -> ReviewStatus | None:
    """``pending`` or ``rejected`` while the skill's name is held; None once listed."""
    status = review.status_of(session, skill.id)
    return None if status in (None, ReviewStatus.APPROVED) else status


def role_of(session: Session, skill: Skill, partner_id: uuid.UUID) -> Role | None:
    row = session.exec(select(SkillRole).where(SkillRole.skill_id == skill.id,
                                               SkillRole.partner_id == partner_id)).first()
    return Role(row.role) if row else None


def require_publisher(session: Session, skill: Skill, principal: Principal) -> Role:
    """Owners and maintainers may publish, yank and edit; everyone else gets 403."""
    if principal.scope is not None and principal.scope != skill.name:
        raise Forbidden(N_("This API token is scoped to {scope}, not {name}."),
                        scope=repr(principal.scope), name=repr(skill.name))
    role = role_of(session, skill, principal.partner_id)
    if role is None:
        raise Forbidden(N_("Partner {partner_name} is not an owner or maintainer of {name}."),
                        partner_name=repr(principal.partner_name), name=repr(skill.name))
    return role


def require_owner(session: Session, skill: Skill, principal: Principal) -> None:
    if require_publisher(session, skill, principal) is not Role.OWNER:
        raise Forbidden(N_("Only an owner of {name} may do this."), name=repr(skill.name))


def check_can_register(name: str, principal: Principal) -> None:
    if principal.scope is not None and principal.scope != normalize(name):
        raise Forbidden(N_("This API token is scoped to {scope}; it cannot register {name}."),
                        scope=repr(principal.scope), name=repr(normalize(name)))


def register_skill(session: Session, name: str, principal: Principal) -> Skill:
    """Create a skill owned by the caller's partner. A name confusable with a skill of
    another owner is flagged and held for staff review (:mod:`marketplace.review`)."""
    if not is_valid_name(name):
        raise BadRequest(N_("{name} is not a valid skill name."), name=repr(name))
    check_can_register(name, principal)
    key = confusable_key(name)
    lookalikes = session.exec(select(Skill).where(Skill.confusable_key == key)
                              .order_by(col(Skill.name))).all()
    skill = Skill(name=normalize(name), display_name=name, confusable_key=key,
                  flagged_confusable=bool(lookalikes), search_text=normalize(name))
    session.add(skill)
    session.flush()
    session.add(SkillRole(skill_id=skill.id, partner_id=principal.partner_id,
                          role=Role.OWNER.value))
    others = [other for other in lookalikes
              if role_of(session, other, principal.partner_id) is None]
    if others:
        review.hold(session, skill.id, skill.name, others[0].name, principal.partner_id)
    session.flush()
    return skill


def add_role(session: Session, skill: Skill, partner_id: uuid.UUID, role: Role) -> None:
    row = session.exec(select(SkillRole).where(SkillRole.skill_id == skill.id,
                                               SkillRole.partner_id == partner_id)).first()
    if row is None:
        row = SkillRole(skill_id=skill.id, partner_id=partner_id)
    row.role = role.value
    session.add(row)
    bump_serial(session)  # the partner-tier search filter reads the roles


def update_listing(skill: Skill, *, version: str | None, summary: str,
                   manifest: SkillManifest | None, session: Session | None = None) -> None:
    """Refresh the catalog fields from the newest release (None when all are yanked).

    Given a ``session``, the per-language names and descriptions are replaced by the
    manifest's (the newest release wins; a language it dropped is dropped)."""
    skill.latest_version = version
    skill.summary = summary[:512]
    if manifest is not None:
        skill.display_name = manifest.display_name.get("en", skill.name)[:200]
        skill.sdk_specifier = manifest.sdk
        skill.categories = " ".join(manifest.categories)
        skill.locales = " ".join(sorted(set(manifest.description) | set(manifest.display_name)))
        skill.price_kind = manifest.price.kind.value
        texts = [skill.name, summary, *manifest.display_name.values(),
                 *manifest.description.values()]
        skill.search_text = "\n".join(texts).lower()
        if session is not None:
            _replace_texts(session, skill, manifest)
    skill.updated_at = utcnow()


def _replace_texts(session: Session, skill: Skill, manifest: SkillManifest) -> None:
    rows = {row.locale: row for row in session.exec(
        select(SkillText).where(SkillText.skill_id == skill.id)).all()}
    for locale in sorted(set(manifest.display_name) | set(manifest.description)):
        row = rows.pop(locale, None) or SkillText(skill_id=skill.id, locale=locale)
        row.display_name = manifest.display_name.get(locale, "")
        row.description = manifest.description.get(locale, "")
        session.add(row)
    for stale in rows.values():
        session.delete(stale)


def texts_of(session: Session, skills: Sequence[Skill]) -> dict[uuid.UUID, SkillTexts]:
    """Every language's name and description of ``skills``, in one query."""
    found = {skill.id: SkillTexts({}, {}) for skill in skills}
    if not found:
        return found
    rows = session.exec(  # plain tuples: building ORM objects here took half the time
        select(SkillText.skill_id, SkillText.locale, SkillText.display_name,
               SkillText.description).where(col(SkillText.skill_id).in_(list(found)))
        .order_by(col(SkillText.locale))).all()
    for skill_id, locale, display_name, description in rows:
        texts = found[skill_id]
        if display_name:
            texts.display_names[locale] = display_name
        if description:
            texts.descriptions[locale] = description
    return found


def deprecate(session: Session, skill: Skill, data: SkillDeprecate) -> Skill:
    if data.successor is not None:
        successor = get_skill(session, data.successor)
        if successor.id == skill.id:
            raise BadRequest(N_("A skill cannot be its own successor."))
        data.successor = successor.name
    skill.deprecated = data.deprecated
    skill.deprecation_reason = data.reason if data.deprecated else None
    skill.successor = data.successor if data.deprecated else None
    skill.updated_at = utcnow()
    session.add(skill)
    bump_serial(session)  # cached catalog pages and searches show the deprecation
    return skill


def count_download(session: Session, skill_id: uuid.UUID) -> None:
    """Add one download, in SQL (``downloads = downloads + 1``): read-then-write would let
    two downloads at once on PostgreSQL both write the same new total."""
    session.exec(update(Skill).where(col(Skill.id) == skill_id)
                 .values(downloads=col(Skill.downloads) + 1))


def list_names(session: Session) -> list[str]:
    """Every listed skill's name (held names are left out)."""
    return list(session.exec(select(Skill.name)
                             .where(col(Skill.id).not_in(review.hidden_skill_ids()))
                             .order_by(Skill.name)).all())
