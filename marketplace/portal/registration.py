"""Self-registration: a new partner at the entry tier, its admin password, a session.

Everything is the existing services' work, in one transaction: the partner is created by
:func:`marketplace.accounts.service.create_partner` (the program puts it at ``registered``),
its type set by :func:`marketplace.partners.service.update_profile`, its password by
:func:`marketplace.portal.sessions.set_password` (scrypt) and its first session by
:func:`marketplace.portal.sessions.open_session`. A refusal rolls all of it back.

Sending the form twice creates one partner: a second send with the same name, e-mail and
password shortly after the first signs in to the partner the first one made.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import func
from sqlmodel import Session, select

from marketplace.accounts import service as accounts
from marketplace.accounts.models import Partner, PartnerCreate, TokenRole
from marketplace.partners import service as partners
from marketplace.partners.schemas import ProfileUpdate
from marketplace.portal import passwords, sessions
from marketplace.portal.models import PortalCredential, SignInFailure
from partners.program import PartnerType

REPLAY_WINDOW: Final = timedelta(minutes=10)
MAX_PER_CLIENT: Final = 10  # registration attempts per client address per window


class Taken(Exception):
    """The name or the e-mail address belongs to another account (nothing was created)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what  # "name" or "email"


def _key(client: str) -> str:
    return sessions._digest("register:" + client)


def too_many(session: Session, client: str, now: datetime) -> bool:
    """Whether this client tried to register too often in the sign-in window."""
    return session.exec(select(func.count()).select_from(SignInFailure).where(
        SignInFailure.key == _key(client),
        SignInFailure.at > now - sessions.FAILURE_WINDOW)).one() >= MAX_PER_CLIENT


def record_attempt(session: Session, client: str, now: datetime) -> None:
    """Count an attempt in the same table and window as failed sign-ins."""
    session.add(SignInFailure(key=_key(client), at=now))
    session.flush()


def _replayed(session: Session, partner: Partner, email: str, password: str,
              now: datetime) -> bool:
    """The same form sent again: same partner, e-mail and password, made moments ago."""
    credential = session.get(PortalCredential, partner.id)
    return (credential is not None and credential.email == email
            and now - partner.created_at < REPLAY_WINDOW
            and passwords.verify_password(password, credential.password_hash))


def register(session: Session, name: str, email: str, password: str,
             partner_type: PartnerType, now: datetime) -> str:
    """Create the partner and sign its admin in; returns the session secret for the cookie.

    Raises :class:`Taken` (nothing created). Name and e-mail are
    checked by the caller against :class:`PartnerCreate` first."""
    email = sessions.normalize_email(email)
    existing = session.exec(select(Partner).where(Partner.name == name)).first()
    if existing is not None:
        if not _replayed(session, existing, email, password, now):
            raise Taken("name")
        partner = existing
    else:
        if session.exec(select(Partner.id).where(func.lower(Partner.email) == email)).first() \
                or session.exec(select(PortalCredential.partner_id).where(
                    PortalCredential.email == email)).first():
            raise Taken("email")
        partner = accounts.create_partner(session, PartnerCreate(name=name, email=email))
        admin = accounts.operator_principal(partner)
        partners.update_profile(session, admin, ProfileUpdate(partner_type=partner_type), now)
        sessions.set_password(session, admin, password, now)
    principal = accounts.Principal(partner.id, partner.name, None, None, TokenRole.ADMIN,
                                   partner.is_staff)
    return sessions.open_session(session, principal, now)
