"""Holding confusable names for review, and the staff decision.

The catalog calls :func:`hold` when it registers a skill whose name is confusable with another
owner's, :func:`hidden_skill_ids` wherever it lists or shows skills, and :func:`check_publish`
before an upload joins an existing skill. The releases domain removes a rejected skill's files
(:func:`marketplace.releases.service.retire_files`), asked by the review routes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from marketplace.accounts.service import Principal
from marketplace.db import utcnow
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.index.service import bump_serial
from marketplace.messages import N_
from marketplace.review.models import NameReview, NameReviewDecision, ReviewStatus


def hold(session: Session, skill_id: uuid.UUID, name: str, confusable_with: str,
         requested_by: uuid.UUID) -> NameReview:
    """Queue a newly registered skill for review; it is hidden until approved."""
    review = NameReview(skill_id=skill_id, skill=name, confusable_with=confusable_with,
                        requested_by=requested_by)
    session.add(review)
    return review


def hidden_skill_ids() -> SelectOfScalar[uuid.UUID]:
    """Ids of skills held for review or rejected, as a subquery for ``NOT IN``."""
    return select(NameReview.skill_id).where(NameReview.status != ReviewStatus.APPROVED.value)


def is_hidden(session: Session, skill_id: uuid.UUID) -> bool:
    return status_of(session, skill_id) not in (None, ReviewStatus.APPROVED)


def status_of(session: Session, skill_id: uuid.UUID) -> ReviewStatus | None:
    review = session.exec(select(NameReview).where(NameReview.skill_id == skill_id)).first()
    return ReviewStatus(review.status) if review is not None else None


def rejected_skill_ids() -> SelectOfScalar[uuid.UUID]:
    """Ids of skills whose name staff rejected, as a subquery for ``IN``."""
    return select(NameReview.skill_id).where(NameReview.status == ReviewStatus.REJECTED.value)


def check_publish(session: Session, skill_id: uuid.UUID, name: str, *,
                  lock: bool = False) -> None:
    """A rejected name takes no more uploads; a pending one does (they stay held too).

    With ``lock``, the review row is locked until the transaction ends (PostgreSQL's
    ``FOR UPDATE``; SQLite's ``BEGIN IMMEDIATE`` already serializes writers), so an upload
    being recorded and a rejection being decided take turns: the rejection either sees the
    new file and removes it with the others, or the upload sees the rejection and is refused.
    """
    query = select(NameReview.status).where(NameReview.skill_id == skill_id)
    status = session.exec(query.with_for_update() if lock else query).first()
    if status == ReviewStatus.REJECTED.value:
        raise Forbidden(N_("The name {name} was rejected by marketplace staff as confusable "
                           "with another skill; publish under another name."), name=repr(name))


def reviews(session: Session, status: ReviewStatus | None) -> Sequence[NameReview]:
    """Oldest first, so the queue is worked in arrival order."""
    query = select(NameReview).order_by(col(NameReview.created_at), col(NameReview.id))
    if status is not None:
        query = query.where(NameReview.status == status.value)
    return session.exec(query).all()


def get_review(session: Session, review_id: uuid.UUID) -> NameReview:
    review = session.get(NameReview, review_id)
    if review is None:
        raise NotFound(N_("No name review {id}."), id=str(review_id))
    return review


def decide(session: Session, review_id: uuid.UUID, status: ReviewStatus,
           data: NameReviewDecision, staff: Principal) -> NameReview:
    """Approve (the skill enters the index) or reject (it stays hidden); decided once."""
    review = get_review(session, review_id)
    if review.status != ReviewStatus.PENDING.value:
        raise Conflict(N_("The name review of {name} was already decided ({status})."),
                       name=repr(review.skill), status=review.status)
    review.status = status.value
    review.note = data.note
    review.decided_at = utcnow()
    review.decided_by = staff.partner_name[:100]
    session.add(review)
    session.flush()  # takes the row lock now, before the caller removes a rejected skill's files
    bump_serial(session)  # the index and cached catalog pages change
    return review
