"""Staff review queue for confusable names: ``/v1/staff/name-reviews``.

Staff tokens only: no token is 401, a partner's token 403.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query

from marketplace.accounts import service as accounts
from marketplace.deps import CurrentPrincipal, DatabaseDep, ReadSession, StoreDep, WriteSession
from marketplace.openapi import problem_responses
from marketplace.partners import service as partners
from marketplace.releases import service as releases
from marketplace.review import service
from marketplace.review.models import NameReviewDecision, NameReviewPublic, ReviewStatus

router = APIRouter(prefix="/v1/staff/name-reviews", tags=["name review"])

ReviewId = Annotated[uuid.UUID, Path(description="The review's id.")]


@router.get("", response_model=list[NameReviewPublic], responses=problem_responses(401, 403),
            summary="Name reviews, oldest first (staff)")
def list_reviews(principal: CurrentPrincipal, session: ReadSession,
                 status: Annotated[ReviewStatus | None,
                                   Query(description="Only reviews in this state; "
                                                     "all when omitted.")
                                   ] = ReviewStatus.PENDING) -> list[NameReviewPublic]:
    partners.require_staff(principal)
    return [NameReviewPublic.model_validate(r, from_attributes=True)
            for r in service.reviews(session, status)]


@router.get("/{review_id}", response_model=NameReviewPublic,
            responses=problem_responses(401, 403, 404), summary="One name review (staff)")
def get_review(review_id: ReviewId, principal: CurrentPrincipal,
               session: ReadSession) -> NameReviewPublic:
    partners.require_staff(principal)
    return NameReviewPublic.model_validate(service.get_review(session, review_id),
                                           from_attributes=True)


def _decide(review_id: uuid.UUID, status: ReviewStatus, data: NameReviewDecision,
            principal: CurrentPrincipal, session: WriteSession, db: DatabaseDep,
            store: StoreDep) -> NameReviewPublic:
    """A rejection also removes the skill's files: rows marked deleted in the decision's
    transaction, then, once it is committed, the bytes nothing else references."""
    partners.require_staff(principal)
    review = service.decide(session, review_id, status, data, principal)
    retired = (releases.retire_files(session, review.skill_id)
               if status is ReviewStatus.REJECTED else [])
    accounts.touch_token(session, principal)
    public = NameReviewPublic.model_validate(review, from_attributes=True)
    session.commit()
    session.close()  # SQLite: let the blob clean-up take the write lock
    releases.discard_blobs(db, store, retired)
    return public


@router.post("/{review_id}/approve", response_model=NameReviewPublic,
             responses=problem_responses(401, 403, 404, 409, 503),
             summary="Approve a held name: the skill enters the index (staff)")
def approve(review_id: ReviewId, principal: CurrentPrincipal, session: WriteSession,
            db: DatabaseDep, store: StoreDep,
            data: NameReviewDecision | None = None) -> NameReviewPublic:
    return _decide(review_id, ReviewStatus.APPROVED, data or NameReviewDecision(), principal,
                   session, db, store)


@router.post("/{review_id}/reject", response_model=NameReviewPublic,
             responses=problem_responses(401, 403, 404, 409, 503),
             summary="Reject a held name: the skill stays hidden, takes no uploads, and its "
                     "files are removed (their names are never used again) (staff)")
def reject(review_id: ReviewId, principal: CurrentPrincipal, session: WriteSession,
           db: DatabaseDep, store: StoreDep,
           data: NameReviewDecision | None = None) -> NameReviewPublic:
    return _decide(review_id, ReviewStatus.REJECTED, data or NameReviewDecision(), principal,
                   session, db, store)
