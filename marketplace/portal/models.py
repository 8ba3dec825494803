"""Tables of the portal: e-mail + password credentials, web sessions, failed sign-ins.

Secrets are never stored: a session id is kept as its sha256 (like API tokens), a password as
an scrypt hash with its own salt. Sessions are rows, so signing out deletes one and an
operator can end them all; each has an absolute expiry.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from marketplace.db import UTCDateTime, utcnow


class PortalCredential(SQLModel, table=True):
    """The e-mail + password that signs in to a partner's portal (one per account)."""

    __tablename__ = "portal_credential"

    partner_id: uuid.UUID = Field(foreign_key="partner.id", primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True,
                       description="Lower-cased; the sign-in name.")
    password_hash: str = Field(max_length=200, description="scrypt$n$r$p$salt$hash (base64).")
    role: str = Field(default="admin", max_length=10)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PortalSession(SQLModel, table=True):
    """One signed-in browser. ``token_id`` is set when it signed in with an API token: the
    session ends when that token is revoked."""

    __tablename__ = "portal_session"

    id_hash: str = Field(max_length=64, primary_key=True)
    partner_id: uuid.UUID = Field(foreign_key="partner.id", index=True)
    token_id: uuid.UUID | None = Field(default=None, foreign_key="api_token.id")
    role: str = Field(max_length=10)
    scope: str | None = Field(default=None, max_length=64)
    csrf_token: str = Field(max_length=64)
    last_form: str | None = Field(default=None, max_length=64,
                                  description="The nonce of the last one-shot form it sent.")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)


class SignInFailure(SQLModel, table=True):
    """A failed sign-in, kept for the rate limit window (keyed by hashed e-mail or client)."""

    __tablename__ = "portal_sign_in_failure"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    key: str = Field(max_length=64, index=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
