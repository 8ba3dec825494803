"""How a skill held for name review is shown to its own owners and maintainers.

Only they reach it (:func:`marketplace.catalog.service.get_skill_for`); every answer about it
says so in the ``Robeing-Name-Review`` header (``pending`` or ``rejected``) and is private,
so no shared cache hands it to anyone else.
"""

from __future__ import annotations

from typing import Final

from fastapi import Response
from sqlmodel import Session

from marketplace.catalog.models import Skill
from marketplace.catalog.service import review_status

HEADER: Final = "Robeing-Name-Review"


def mark_held(session: Session, skill: Skill, response: Response) -> Response:
    """Add the header (and ``Cache-Control: private, no-store``) when ``skill`` is held."""
    status = review_status(session, skill)
    if status is not None:
        response.headers[HEADER] = status.value
        response.headers["Cache-Control"] = "private, no-store"
    return response
