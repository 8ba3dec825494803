"""What every page module shares: reading forms, running a service call in a write session,
and turning a refusal into the sentence a form shows again."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session

from marketplace.db import Database
from marketplace.errors import MarketplaceError, from_program_error
from partners.program import ProgramError

T = TypeVar("T")


class Refused(Exception):
    """A service said no: the status to answer and its one sentence."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def refused(exc: Exception) -> Refused:
    if isinstance(exc, ProgramError):
        exc = from_program_error(exc)
    assert isinstance(exc, MarketplaceError)
    return Refused(exc.status, exc.detail)


def write(db: Database, action: Callable[[Session], T]) -> T:
    """Run ``action`` in a write session and commit; a refusal rolls back (nothing half
    done) and becomes :class:`Refused`."""
    try:
        with db.write() as session:
            result = action(session)
            session.commit()
            return result
    except (MarketplaceError, ProgramError) as exc:
        raise refused(exc) from None


def read(db: Database, action: Callable[[Session], T]) -> T:
    try:
        with db.read() as session:
            return action(session)
    except (MarketplaceError, ProgramError) as exc:
        raise refused(exc) from None
