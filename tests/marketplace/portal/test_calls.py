"""A service's refusal, as a page says it: the marketplace catalog's sentence when it has one,
the service's English otherwise; nothing is half done."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

import marketplace.i18n
from marketplace.accounts.models import Partner
from marketplace.db import Database
from marketplace.errors import NotFound
from marketplace.messages import N_
from marketplace.portal.calls import Refused, refused, write


class _Korean:
    def gettext(self, message: str) -> str:
        return {"No skill named {name}.": "{name} 스킬이 없습니다."}.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural


def test_a_refusal_is_said_in_the_catalogs_language(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = refused(NotFound(N_("No skill named {name}."), name="'x'"))
    assert problem.status == 404 and problem.detail == "No skill named 'x'."
    monkeypatch.setattr(marketplace.i18n, "translations", lambda locale: _Korean())
    assert problem.say("ko") == "'x' 스킬이 없습니다."
    assert Refused(409, "Plain English.").say("ko") == "Plain English."


def test_a_refused_write_leaves_nothing_behind(db: Database) -> None:
    def half(session: Session) -> None:
        session.add(Partner(name="half", email="half@example.com"))
        session.flush()
        raise NotFound("Stop here.")

    with pytest.raises(Refused):
        write(db, half)
    with db.read() as session:
        assert session.exec(select(Partner).where(Partner.name == "half")).first() is None
