"""FastAPI dependencies, as ``Annotated`` aliases that route signatures use directly."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlmodel import Session

from marketplace.accounts.service import Principal, authenticate
from marketplace.catalog import service as catalog
from marketplace.catalog.models import Skill
from marketplace.db import Database
from marketplace.errors import Unauthorized
from marketplace.i18n import prefer_profile
from marketplace.settings import Settings
from marketplace.storage import ArtifactStore


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_store(request: Request) -> ArtifactStore:
    store: ArtifactStore = request.app.state.store
    return store


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_db)]
StoreDep = Annotated[ArtifactStore, Depends(get_store)]


def read_session(db: DatabaseDep) -> Iterator[Session]:
    with db.read() as session:
        yield session


def write_session(db: DatabaseDep) -> Iterator[Session]:
    """A session holding the write lock; the route commits (nothing commits on error)."""
    with db.write() as session:
        yield session


ReadSession = Annotated[Session, Depends(read_session)]
WriteSession = Annotated[Session, Depends(write_session)]


def token_from_headers(request: Request) -> str | None:
    """The API token from ``Authorization: Bearer T`` or HTTP Basic ``__token__:T``."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer":
        return value or None
    if scheme.lower() == "basic":
        try:
            user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return password or None if user == "__token__" else None
    return None


def current_principal(request: Request, db: DatabaseDep) -> Principal:
    with db.read() as session:
        principal = authenticate(session, token_from_headers(request))
    prefer_profile(request, principal.locale)  # the account's language (issue 4)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]

SkillName = Annotated[str, Path(max_length=64, description="The skill's name (any spelling).")]


def visible_skill(name: SkillName, session: ReadSession) -> Skill:
    """Load a skill by name or answer 404."""
    return catalog.get_skill(session, name)


def optional_principal(request: Request, db: DatabaseDep) -> Principal | None:
    """The caller on public pages: None when anonymous or the token is not valid (a public
    page answers the same as to anyone then, rather than 401)."""
    secret = token_from_headers(request)
    if secret is None:
        return None
    with db.read() as session:
        try:
            return authenticate(session, secret)
        except Unauthorized:
            return None


def shown_skill(name: SkillName, session: ReadSession,
                principal: Annotated[Principal | None, Depends(optional_principal)]) -> Skill:
    """Load a skill by name, or one held for name review when the caller publishes it;
    otherwise 404."""
    return catalog.get_skill_for(session, name, principal)


def owned_skill(name: SkillName, session: WriteSession, principal: CurrentPrincipal) -> Skill:
    """Load a skill the caller may change (owner or maintainer), held for review or not,
    or answer 404/403.

    The skill is loaded in the request's write session, so the route changes it and commits.
    """
    return catalog.get_managed_skill(session, name, principal)


VisibleSkill = Annotated[Skill, Depends(visible_skill)]
ShownSkill = Annotated[Skill, Depends(shown_skill)]
OwnedSkill = Annotated[Skill, Depends(owned_skill)]
