"""Skills: registration, who may publish, catalog listing data, deprecation.

Other domains reach skills only through these functions.
"""

from __future__ import annotations

import re
import uuid

from packaging.utils import canonicalize_name
from sqlmodel import Session, select

from marketplace.accounts.service import Principal
from marketplace.catalog.models import Role, Skill, SkillDeprecate, SkillRole
from marketplace.db import utcnow
from marketplace.errors import BadRequest, Forbidden, NotFound
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
    skill = find_skill(session, name) if is_valid_name(name) else None
    if skill is None:
        raise NotFound(f"No skill named {name!r}.")
    return skill


def role_of(session: Session, skill: Skill, partner_id: uuid.UUID) -> Role | None:
    row = session.exec(select(SkillRole).where(SkillRole.skill_id == skill.id,
                                               SkillRole.partner_id == partner_id)).first()
    return Role(row.role) if row else None


def require_publisher(session: Session, skill: Skill, principal: Principal) -> Role:
    """Owners and maintainers may publish, yank and edit; everyone else gets 403."""
    if principal.scope is not None and principal.scope != skill.name:
        raise Forbidden(f"This API token is scoped to {principal.scope!r}, not {skill.name!r}.")
    role = role_of(session, skill, principal.partner_id)
    if role is None:
        raise Forbidden(f"Partner {principal.partner_name!r} is not an owner or maintainer "
                        f"of {skill.name!r}.")
    return role


def require_owner(session: Session, skill: Skill, principal: Principal) -> None:
    if require_publisher(session, skill, principal) is not Role.OWNER:
        raise Forbidden(f"Only an owner of {skill.name!r} may do this.")


def check_can_register(name: str, principal: Principal) -> None:
    if principal.scope is not None and principal.scope != normalize(name):
        raise Forbidden(f"This API token is scoped to {principal.scope!r}; it cannot "
                        f"register {normalize(name)!r}.")


def register_skill(session: Session, name: str, principal: Principal) -> Skill:
    """Create a skill owned by the caller's partner; a look-alike name is flagged."""
    if not is_valid_name(name):
        raise BadRequest(f"{name!r} is not a valid skill name.")
    check_can_register(name, principal)
    key = confusable_key(name)
    lookalike = session.exec(select(Skill).where(Skill.confusable_key == key)).first()
    skill = Skill(name=normalize(name), display_name=name, confusable_key=key,
                  flagged_confusable=lookalike is not None, search_text=normalize(name))
    session.add(skill)
    session.flush()
    session.add(SkillRole(skill_id=skill.id, partner_id=principal.partner_id,
                          role=Role.OWNER.value))
    session.flush()
    return skill


def add_role(session: Session, skill: Skill, partner_id: uuid.UUID, role: Role) -> None:
    row = session.exec(select(SkillRole).where(SkillRole.skill_id == skill.id,
                                               SkillRole.partner_id == partner_id)).first()
    if row is None:
        row = SkillRole(skill_id=skill.id, partner_id=partner_id)
    row.role = role.value
    session.add(row)


def update_listing(skill: Skill, *, version: str | None, summary: str,
                   manifest: SkillManifest | None) -> None:
    """Refresh the catalog fields from the newest release (None when all are yanked)."""
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
    skill.updated_at = utcnow()


def deprecate(session: Session, skill: Skill, data: SkillDeprecate) -> Skill:
    if data.successor is not None:
        successor = get_skill(session, data.successor)
        if successor.id == skill.id:
            raise BadRequest("A skill cannot be its own successor.")
        data.successor = successor.name
    skill.deprecated = data.deprecated
    skill.deprecation_reason = data.reason if data.deprecated else None
    skill.successor = data.successor if data.deprecated else None
    skill.updated_at = utcnow()
    session.add(skill)
    return skill


def count_download(session: Session, skill_id: uuid.UUID) -> None:
    skill = session.get(Skill, skill_id)
    if skill is not None:
        skill.downloads += 1
        session.add(skill)


def list_names(session: Session) -> list[str]:
    return list(session.exec(select(Skill.name).order_by(Skill.name)).all())
