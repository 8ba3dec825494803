"""Partners and API tokens: creation, authentication, revocation.

A token is ``rbt_`` followed by 43 URL-safe random characters (``secrets.token_urlsafe``).
Only its sha256 is stored, so it is shown exactly once, when issued.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import Final

from pydantic import ValidationError
from sqlmodel import Session, select

from marketplace.accounts.models import (
    ApiToken,
    ApiTokenCreate,
    ApiTokenIssued,
    ApiTokenPublic,
    Partner,
    PartnerCreate,
    TokenRole,
)
from marketplace.db import utcnow
from marketplace.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidLocale,
    NotFound,
    Unauthorized,
)
from marketplace.i18n import explicit
from marketplace.messages import N_, Message
from robeing_sdk.errors import LocaleError

TOKEN_PREFIX: Final = "rbt_"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the partner behind a valid token, and the token's scope."""

    partner_id: uuid.UUID
    partner_name: str
    token_id: uuid.UUID | None  # None for operator actions on the command line
    scope: str | None  # a normalized skill name, or None for every skill of the partner
    role: TokenRole = TokenRole.ADMIN  # within the partner: admins decide, members see
    is_staff: bool = False  # a marketplace staff account
    locale: str | None = None  # the account's chosen language (None: the request decides)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_partner(session: Session, data: PartnerCreate) -> Partner:
    """Add a partner (tier starts at ``community``; the partner program changes it)."""
    try:
        data = PartnerCreate.model_validate(data.model_dump())
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0])
        raise BadRequest(N_("Invalid partner {field}: {data}."),
                         field=field, data=repr(getattr(data, field, ''))) from None
    if session.exec(select(Partner).where(Partner.name == data.name)).first() is not None:
        raise Conflict(N_("A partner named {name} already exists."), name=repr(data.name))
    partner = Partner(name=data.name, email=data.email)
    session.add(partner)
    session.flush()
    return partner


def get_partner(session: Session, name: str) -> Partner:
    partner = session.exec(select(Partner).where(Partner.name == name)).first()
    if partner is None:
        raise NotFound(N_("No partner named {name}."), name=repr(name))
    return partner


def issue_token(session: Session, partner_id: uuid.UUID,
                data: ApiTokenCreate | None = None) -> ApiTokenIssued:
    """Make a new token; the returned object is the only place the secret appears."""
    data = data or ApiTokenCreate()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    scope = data.skill_name
    if scope is not None:
        from packaging.utils import canonicalize_name

        scope = canonicalize_name(scope)
    token = ApiToken(partner_id=partner_id, token_hash=hash_token(secret),
                     prefix=secret[:12], description=data.description, skill_name=scope,
                     role=data.role.value)
    session.add(token)
    session.flush()
    return ApiTokenIssued(**ApiTokenPublic.model_validate(token).model_dump(), token=secret)


def check_may_issue(principal: Principal, data: ApiTokenCreate) -> None:
    """A member token issues member tokens only (no way up from member to admin)."""
    if principal.role is TokenRole.MEMBER and data.role is not TokenRole.MEMBER:
        raise Forbidden(N_("A member token can issue member tokens only."))


def find_partner(session: Session, partner_id: uuid.UUID) -> Partner | None:
    """The partner with this id, or None (callers answer 404 without saying more)."""
    return session.get(Partner, partner_id)


def create_staff(session: Session, data: PartnerCreate) -> Partner:
    """Add a marketplace staff account (an account flagged ``is_staff``, not a partner)."""
    staff = create_partner(session, data)
    staff.is_staff = True
    session.add(staff)
    session.flush()
    return staff


def authenticate(session: Session, secret: str | None) -> Principal:
    """The caller behind ``secret``; 401 when missing, unknown or revoked.

    Reads only; writes that act for the principal record the use with :func:`touch_token`.
    """
    if not secret:
        raise Unauthorized(N_("Authentication required: send an API token (HTTP Basic as "
                              "__token__, or Authorization: Bearer)."))
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(secret))).first()
    if token is None or token.revoked_at is not None:
        raise Unauthorized(N_("Invalid or revoked API token."))
    partner = session.get(Partner, token.partner_id)
    if partner is None:  # pragma: no cover - foreign key guarantees it
        raise Unauthorized(N_("Invalid or revoked API token."))
    return Principal(partner.id, partner.name, token.id, token.skill_name,
                     TokenRole(token.role), partner.is_staff, partner.locale)


def list_tokens(session: Session, partner_id: uuid.UUID) -> list[ApiTokenPublic]:
    rows = session.exec(select(ApiToken).where(ApiToken.partner_id == partner_id)
                        .order_by(ApiToken.created_at)).all()  # type: ignore[arg-type]
    return [ApiTokenPublic.model_validate(row) for row in rows]


def revoke_token(session: Session, partner_id: uuid.UUID, token_id: uuid.UUID,
                 by_role: TokenRole = TokenRole.ADMIN) -> ApiTokenPublic:
    """Revoke one of the partner's own tokens (another partner's: 404, no hint it exists).

    A member token revokes member tokens only; admin tokens are the admins' to revoke.
    """
    token = session.get(ApiToken, token_id)
    if token is None or token.partner_id != partner_id:
        raise NotFound(N_("No such token."))
    if by_role is TokenRole.MEMBER and token.role != TokenRole.MEMBER.value:
        raise Forbidden(N_("A member token can revoke member tokens only."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
    return ApiTokenPublic.model_validate(token)


def touch_token(session: Session, principal: Principal) -> None:
    """Record that the principal's token was used just now."""
    token = session.get(ApiToken, principal.token_id) if principal.token_id else None
    if token is not None:
        token.last_used_at = utcnow()
        session.add(token)


def chosen_locale(value: str | None) -> str | None:
    """A language a person chose for the account: the supported one it means (``ko-KR`` →
    ``ko``), None for "no preference", or :class:`InvalidLocale` naming the value."""
    if value is None or not value.strip():
        return None
    try:
        return explicit(value)
    except LocaleError as exc:
        raise InvalidLocale(Message.of(exc.template or str(exc),
                                       exc.params if exc.template else {})) from None


def set_locale(session: Session, partner_id: uuid.UUID, value: str | None) -> str | None:
    """Store the account's language (validated as :func:`chosen_locale`); returns it.

    Any token or session of the account may set it: it is how the account reads, and it
    grants nothing.
    """
    locale = chosen_locale(value)
    partner = session.get(Partner, partner_id)
    if partner is None:  # pragma: no cover - principals belong to accounts
        raise NotFound(N_("No such partner."))
    partner.locale = locale
    session.add(partner)
    session.flush()
    return locale


def partner_ids_with_tier(session: Session, tier: str) -> list[uuid.UUID]:
    return list(session.exec(select(Partner.id).where(Partner.tier == tier)).all())


def ensure_partner(session: Session, name: str, email: str) -> Partner:
    """The partner with this name, created if missing (for seeds and operators)."""
    existing = session.exec(select(Partner).where(Partner.name == name)).first()
    return existing or create_partner(session, PartnerCreate(name=name, email=email))


def operator_principal(partner: Partner) -> Principal:
    """Act as a partner from the command line (no token involved)."""
    return Principal(partner.id, partner.name, None, None)
