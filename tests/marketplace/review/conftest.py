"""Review fixtures: a staff account, and a name held for review (rival's ``t0asting``,
confusable with acme's ``toasting``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.accounts import service as accounts
from marketplace.accounts.models import PartnerCreate
from marketplace.db import Database
from tests.marketplace.conftest import PartnerHandle

REVIEWS = "/v1/staff/name-reviews"


@pytest.fixture
def staff(db: Database) -> PartnerHandle:
    with db.write() as session:
        account = accounts.create_staff(session, PartnerCreate(name="sam",
                                                               email="sam@robeing.dev"))
        issued = accounts.issue_token(session, account.id)
        handle = PartnerHandle(account.name, account.id, issued.token, issued.id)
        session.commit()
    return handle


@pytest.fixture
def held(client: TestClient, make_partner: Callable[..., PartnerHandle], wheels: Any,
         upload_file: Any) -> PartnerHandle:
    """acme owns ``toasting``; rival uploads ``t0asting`` (the same after l/i→1, o→0)."""
    assert upload_file(make_partner("acme"), wheels("toasting")).status_code == 200
    rival = make_partner("rival")
    response = upload_file(rival, wheels("t0asting"))
    assert response.status_code == 200, response.text
    return rival
