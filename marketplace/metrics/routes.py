"""``GET /v1/staff/metrics``: the monthly business report, for staff only.

No token is 401, a partner's token 403 (the figures are the whole marketplace's).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from marketplace.deps import CurrentPrincipal, ReadSession
from marketplace.errors import MarketplaceError
from marketplace.i18n import request_locale
from marketplace.messages import N_
from marketplace.metrics.costs import CostDataError, load_costs
from marketplace.metrics.queries import window
from marketplace.metrics.report import build_report
from marketplace.metrics.schemas import MetricsReport
from marketplace.openapi import problem_responses
from marketplace.partners import service as partners

router = APIRouter(prefix="/v1/staff", tags=["metrics"])


class CostDataInvalid(MarketplaceError):
    """The operator's cost file is broken: the server's configuration, not the request."""

    status = 500
    title = N_("Cost data invalid")
    slug = "cost-data-invalid"


@router.get("/metrics", response_model=MetricsReport,
            responses=problem_responses(401, 403, 500),
            summary="Business metrics of a month: unit economics, MRR, churn, LTV, CAC (staff)")
def metrics(
    request: Request, principal: CurrentPrincipal, session: ReadSession,
    month: Annotated[str | None, Query(description="The month, YYYY-MM (UTC); default the "
                                       "current one.", pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
                                       examples=["2026-11"])] = None,
    robeings: Annotated[int | None, Query(ge=1, le=10**9, description="A what-if number of "
                                          "active robeings instead of the measured one.")
                        ] = None,
) -> MetricsReport:
    partners.require_staff(principal)
    try:
        costs, source = load_costs()
    except CostDataError as exc:
        raise CostDataInvalid(exc.message) from None
    return build_report(session, window(month, partners.now()), costs, source,
                        request_locale(request), robeings)
