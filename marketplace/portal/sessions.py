"""Portal sign-in: API token or e-mail + password, server-side sessions, the rate limit.

A session id is 32 random bytes (``secrets.token_urlsafe``) sent only in the cookie; the
database keeps its sha256, so a leaked table signs nobody in. Each session carries its own
CSRF token (session-bound: every form posts it back) and an absolute expiry. A session made
with an API token lives only as long as the token: revoking the token ends it.

Failed sign-ins are counted per hashed e-mail and per client address over a window; past
the limit, sign-in is refused without checking the secret (429).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, col, select

from marketplace.accounts import service as accounts
from marketplace.accounts.models import TokenRole
from marketplace.accounts.service import Principal
from marketplace.errors import Conflict, Forbidden, MarketplaceError, Unauthorized
from marketplace.portal import passwords
from marketplace.portal.i18n import N_
from marketplace.portal.models import PortalCredential, PortalSession, SignInFailure

SESSION_LIFETIME: Final = timedelta(hours=12)
FAILURE_WINDOW: Final = timedelta(minutes=15)
MAX_FAILURES: Final = 5
MAX_FAILURES_PER_CLIENT: Final = 20


class TooManyAttempts(MarketplaceError):
    status = 429
    title = "Too many requests"
    slug = "too-many-sign-ins"


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A live session: who it acts for, and the CSRF token its forms must carry."""

    principal: Principal
    csrf_token: str
    expires_at: datetime
    with_password: bool


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def normalize_email(email: str) -> str:
    return email.strip().lower()


# ── rate limit ────────────────────────────────────────────────────────────────────────────
def _failures(session: Session, key: str, now: datetime) -> int:
    return session.exec(select(func.count()).select_from(SignInFailure).where(
        SignInFailure.key == key, col(SignInFailure.at) > now - FAILURE_WINDOW)).one()


def check_rate(session: Session, client: str, email: str | None, now: datetime) -> None:
    """Refuse (429) when this e-mail or this client failed too often in the window."""
    if _failures(session, _digest("client:" + client), now) >= MAX_FAILURES_PER_CLIENT or (
            email and _failures(session, _digest("email:" + normalize_email(email)), now)
            >= MAX_FAILURES):
        minutes = int(FAILURE_WINDOW.total_seconds() // 60)
        raise TooManyAttempts(N_("Too many failed sign-ins; try again in {n} minutes."),
                              n=minutes,
                              headers={"Retry-After": str(int(FAILURE_WINDOW.total_seconds()))})


def record_failure(session: Session, client: str, email: str | None, now: datetime) -> None:
    session.exec(delete(SignInFailure).where(
        col(SignInFailure.at) <= now - FAILURE_WINDOW))
    session.add(SignInFailure(key=_digest("client:" + client), at=now))
    if email:
        session.add(SignInFailure(key=_digest("email:" + normalize_email(email)), at=now))
    session.flush()


# ── sign in ───────────────────────────────────────────────────────────────────────────────
# Checking a secret only reads (a read session: scrypt's work never holds SQLite's write
# lock); opening the session is the one write.
def token_holder(session: Session, token: str) -> Principal:
    """Who holds this API token; 401 for an unknown or revoked one."""
    return accounts.authenticate(session, token.strip())


def password_holder(session: Session, email: str, password: str) -> Principal:
    """Whose credential this is; 401, one generic sentence, for anything wrong."""
    credential = session.exec(select(PortalCredential).where(
        PortalCredential.email == normalize_email(email))).first()
    if credential is None:
        passwords.burn(password)
    elif passwords.verify_password(password, credential.password_hash):
        partner = accounts.find_partner(session, credential.partner_id)
        if partner is not None:
            return Principal(partner.id, partner.name, None, None,
                             TokenRole(credential.role), partner.is_staff, partner.locale)
    raise Unauthorized(N_("Wrong e-mail or password."))


def open_session(session: Session, principal: Principal, now: datetime) -> str:
    """A new session for ``principal``; returns the secret for the cookie (never stored)."""
    purge_expired(session, now)
    accounts.touch_token(session, principal)
    secret = secrets.token_urlsafe(32)
    session.add(PortalSession(id_hash=_digest(secret), partner_id=principal.partner_id,
                              token_id=principal.token_id, role=principal.role.value,
                              scope=principal.scope, csrf_token=secrets.token_urlsafe(32),
                              created_at=now, expires_at=now + SESSION_LIFETIME))
    session.flush()
    return secret


def current(session: Session, secret: str | None, now: datetime) -> SignedIn | None:
    """The live session behind a cookie value, or None (unknown, expired, token revoked)."""
    if not secret or len(secret) > 100:
        return None
    row = session.get(PortalSession, _digest(secret))
    if row is None or row.expires_at <= now:
        return None
    partner = accounts.find_partner(session, row.partner_id)
    if partner is None:
        return None
    if row.token_id is not None:
        tokens = {t.id: t for t in accounts.list_tokens(session, row.partner_id)}
        token = tokens.get(row.token_id)
        if token is None or token.revoked_at is not None:
            return None
    principal = Principal(partner.id, partner.name, row.token_id, row.scope,
                          TokenRole(row.role), partner.is_staff, partner.locale)
    return SignedIn(principal, row.csrf_token, row.expires_at, row.token_id is None)


def first_send(session: Session, secret: str | None, nonce: str) -> bool:
    """Record that the session sent the one-shot form ``nonce``; False when it already did
    (a double click, a reload that re-posts). Commit with the form's own change."""
    if not secret or not nonce or len(nonce) > 64:
        return False
    result = session.exec(update(PortalSession).where(
        col(PortalSession.id_hash) == _digest(secret),
        or_(col(PortalSession.last_form).is_(None), col(PortalSession.last_form) != nonce),
    ).values(last_form=nonce))
    return bool(result.rowcount)


def sign_out(session: Session, secret: str | None) -> None:
    if secret:
        session.exec(delete(PortalSession).where(
            col(PortalSession.id_hash) == _digest(secret)))


def purge_expired(session: Session, now: datetime) -> int:
    """Delete expired sessions (they are refused anyway; this keeps the table small)."""
    result = session.exec(delete(PortalSession).where(
        col(PortalSession.expires_at) <= now))
    return int(result.rowcount or 0)


# ── credentials ───────────────────────────────────────────────────────────────────────────
def credential_email(session: Session, partner_id: uuid.UUID) -> str | None:
    row = session.get(PortalCredential, partner_id)
    return row.email if row else None


def set_password(session: Session, principal: Principal, password: str, now: datetime,
                 *, keep: str | None = None) -> str:
    """Set the account's sign-in password (admins only); the sign-in name is the account's
    e-mail. Other password sessions of the account end; ``keep`` (a session id) stays."""
    if principal.role is not TokenRole.ADMIN:
        raise Forbidden(N_("Only an admin of the partner may set the portal password."))
    partner = accounts.find_partner(session, principal.partner_id)
    assert partner is not None
    email = normalize_email(partner.email)
    taken = session.exec(select(PortalCredential).where(
        PortalCredential.email == email,
        PortalCredential.partner_id != partner.id)).first()
    if taken is not None:
        raise Conflict(N_("Another account already signs in with this e-mail address."))
    row = session.get(PortalCredential, partner.id) or PortalCredential(
        partner_id=partner.id, email=email, password_hash="")
    row.email, row.password_hash = email, passwords.hash_password(password)
    row.role, row.updated_at = TokenRole.ADMIN.value, now
    session.add(row)
    ended = delete(PortalSession).where(col(PortalSession.partner_id) == partner.id,
                                        col(PortalSession.token_id).is_(None))
    if keep:
        ended = ended.where(col(PortalSession.id_hash) != _digest(keep))
    session.exec(ended)
    session.flush()
    return email


def now() -> datetime:
    from marketplace.db import utcnow

    return utcnow()
