"""What every page module shares: running a service call in a session, and turning a
refusal into the sentence a page shows (in the page's language when the marketplace's own
catalog has it, else the service's English)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session

from marketplace.db import Database
from marketplace.errors import MarketplaceError, from_program_error
from marketplace.messages import Message
from partners.program import ProgramError

T = TypeVar("T")


class Refused(Exception):
    """A service said no: the status to answer and its one sentence."""

    def __init__(self, status: int, detail: str, message: Message | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.message = message

    def say(self, locale: str) -> str:
        """The sentence in ``locale`` if the catalogs have it (the marketplace's, the
        partner program's, the SDK's, the portal's own), else English."""
        if self.message is not None:
            from marketplace.i18n import catalogs
            from marketplace.portal.i18n import texts_for

            said = self.message.say((*catalogs(locale), texts_for(locale).translations))
            if said:
                return said
        return self.detail


def refused(exc: Exception) -> Refused:
    if isinstance(exc, ProgramError):
        exc = from_program_error(exc)
    assert isinstance(exc, MarketplaceError)
    return Refused(exc.status, exc.detail, exc.message)


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
