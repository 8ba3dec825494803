"""Prices, licence keys and the licence check (the index, the API and the runtime use it).

A licence key is ``rbl_`` followed by 43 URL-safe random characters; only its sha256 is
stored, so it is shown once, in the purchase's answer. pip sends it as the index password
with the user name ``__licence__``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import uuid
from datetime import datetime
from typing import Final

from sqlmodel import Session, select

from marketplace.accounts.service import Principal
from marketplace.catalog import service as catalog
from marketplace.catalog.models import Skill
from marketplace.commerce.models import Licence, LicenceStatus, SellerAccount, SkillPrice
from marketplace.commerce.schemas import PricePublic, PriceSet
from marketplace.db import utcnow
from marketplace.errors import Forbidden, Unauthorized
from marketplace.index.service import bump_serial
from marketplace.messages import N_, Message
from marketplace.partners import service as partners
from robeing_sdk.manifest import PriceKind
from robeing_sdk.models import Money

KEY_PREFIX: Final = "rbl_"
KEY_USER: Final = "__licence__"


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def display(amount: int, currency: str, locale: str) -> str:
    return Money(amount=amount, currency=currency).format(locale)


# -- prices -------------------------------------------------------------------------------

def price_of(session: Session, skill: Skill) -> SkillPrice | None:
    return session.get(SkillPrice, skill.id)


def is_paid(session: Session, skill: Skill) -> bool:
    """Paid by its price, or by its manifest's price hint until the owner sets a price (so a
    paid upload is never downloadable for free in between)."""
    price = price_of(session, skill)
    if price is not None:
        return price.kind != PriceKind.FREE.value
    return skill.price_kind != PriceKind.FREE.value


def set_price(session: Session, skill: Skill, principal: Principal, data: PriceSet) -> SkillPrice:
    """Owners only; a paid price needs a partner allowed to sell (certified or above)."""
    catalog.require_owner(session, skill, principal)
    if data.kind is not PriceKind.FREE and not partners.may_publish_paid_skills(
            session, principal.partner_id):
        raise Forbidden(N_("{partner} may offer free skills only: a {kind} price needs the "
                           "certified partner tier or above."),
                        partner=principal.partner_name, kind=data.kind.value)
    price = price_of(session, skill) or SkillPrice(skill_id=skill.id,
                                                   seller_id=principal.partner_id,
                                                   kind=data.kind.value, amount=0,
                                                   currency=data.currency)
    price.seller_id = principal.partner_id
    price.kind, price.amount, price.currency = data.kind.value, data.amount, data.currency
    price.updated_at = utcnow()
    session.add(price)
    bump_serial(session)  # who may see the skill's index page may have changed
    return price


def public_price(session: Session, skill: Skill, locale: str, *, provider: str = "offline",
                 livemode: bool = False) -> PricePublic:
    """The price as buyers see it, labelled with the payment provider and its mode."""
    mode = {"provider": provider, "livemode": livemode, "test_mode": not livemode}
    price = price_of(session, skill)
    if price is None:
        return PricePublic(skill=skill.name, kind=PriceKind(skill.price_kind), amount=0,
                           currency="USD", display=display(0, "USD", locale), locale=locale,
                           updated_at=None, **mode)
    return PricePublic(skill=skill.name, kind=PriceKind(price.kind), amount=price.amount,
                       currency=price.currency,
                       display=display(price.amount, price.currency, locale), locale=locale,
                       updated_at=price.updated_at, **mode)


# -- seller accounts ----------------------------------------------------------------------

def connected_account_of(session: Session, partner_id: uuid.UUID,
                         provider: str) -> str | None:
    """The partner's connected account at ``provider`` (``"stripe"``, ``"offline"``) as
    commerce opened it for its first sale, or None if it has none. Read-only: the ledger's
    payouts ask this instead of reading commerce's tables."""
    return session.exec(select(SellerAccount.account_id).where(
        SellerAccount.partner_id == partner_id, SellerAccount.provider == provider)).first()


# -- licences -----------------------------------------------------------------------------

def key_from_authorization(header: str | None) -> str | None:
    """The licence key from HTTP Basic (``__licence__:KEY``, pip) or ``Bearer KEY``."""
    scheme, _, value = (header or "").partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer":
        return value if value.startswith(KEY_PREFIX) else None
    if scheme.lower() == "basic":
        try:
            user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return password or None if user == KEY_USER else None
    return None


def find_licence(session: Session, key: str) -> Licence | None:
    return session.exec(select(Licence).where(Licence.key_hash == hash_key(key))).first()


def check_licence(session: Session, skill: Skill, key: str | None,
                  at: datetime | None = None) -> Licence:
    """The valid licence behind ``key`` for ``skill``: 401 without a key, 403 otherwise."""
    if not key:
        raise Unauthorized(N_("{skill} is a paid skill: give your licence key as the index "
                              "password (user {user})."), skill=skill.name, user=KEY_USER)
    licence = find_licence(session, key)
    if licence is None or licence.skill_id != skill.id:
        raise Forbidden(N_("This licence key is not valid for {skill}."), skill=skill.name)
    problem = licence_problem(licence, at or utcnow())
    if problem is not None:
        raise Forbidden(problem[1])
    return licence


def licence_problem(licence: Licence, at: datetime) -> tuple[str, Message] | None:
    """Why the licence does not let its holder use the skill now (reason, sentence)."""
    name = {"skill": licence.skill_name}
    if licence.status == LicenceStatus.REVOKED:
        return "revoked", Message.of(N_("The licence for {skill} was revoked ({reason})."), {
            **name, "reason": licence.revoked_reason or "by the marketplace"})
    if licence.status == LicenceStatus.FAILED:
        return "failed", Message.of(N_("The payment for the {skill} licence was declined."),
                                    name)
    if licence.status == LicenceStatus.SUSPENDED:
        return "suspended", Message.of(
            N_("The licence for {skill} is suspended: the usage charge for {month} failed. "
               "It works again once a payment succeeds."),
            {**name, "month": licence.suspended_reason or "?"})
    if licence.status == LicenceStatus.PENDING:
        return "pending", Message.of(
            N_("The payment for the {skill} licence is not confirmed yet."), name)
    if licence.expires_at is not None and licence.expires_at <= at:
        return "expired", Message.of(N_("The licence for {skill} expired on {date}."), {
            **name, "date": licence.expires_at.date().isoformat()})
    return None


def may_download(session: Session, skill: Skill, authorization: str | None) -> None:
    """Raise 401/403 unless the caller may fetch this paid skill's index page and files:
    a valid licence key, or an API token of one of the skill's publishers."""
    key = key_from_authorization(authorization)
    if key is None and authorization and _is_publisher(session, skill, authorization):
        return
    check_licence(session, skill, key)


def _is_publisher(session: Session, skill: Skill, authorization: str) -> bool:
    from marketplace.accounts.service import authenticate
    from marketplace.errors import MarketplaceError

    scheme, _, value = authorization.partition(" ")
    token: str | None = None
    if scheme.lower() == "bearer":
        token = value.strip()
    elif scheme.lower() == "basic":
        try:
            user, _, token = base64.b64decode(value.strip(), validate=True).decode() \
                .partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        if user != "__token__":
            return False
    try:
        principal = authenticate(session, token)
        catalog.require_publisher(session, skill, principal)
    except MarketplaceError:
        return False
    return True
