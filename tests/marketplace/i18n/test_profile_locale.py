"""The account's language (``PATCH /v1/partners/me``) in the API's negotiation order:
``?locale=`` > the account's profile > ``Accept-Language`` > configuration > English."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from marketplace.accounts import service as accounts
from marketplace.accounts.models import ApiTokenCreate, Partner, PartnerCreate, TokenRole
from marketplace.app import create_app
from marketplace.db import Database
from marketplace.settings import Settings
from robeing_sdk.i18n import SUPPORTED_LOCALES
from tests.marketplace.conftest import PartnerHandle

KO = {"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"}


@pytest.fixture
def member_of(db: Database) -> Callable[[PartnerHandle], PartnerHandle]:
    def make(partner: PartnerHandle) -> PartnerHandle:
        with db.write() as session:
            issued = accounts.issue_token(session, partner.id,
                                          ApiTokenCreate(role=TokenRole.MEMBER))
            session.commit()
        return PartnerHandle(partner.name, partner.id, issued.token, issued.id)

    return make


@pytest.fixture
def make_staff(db: Database) -> Callable[[str], PartnerHandle]:
    def make(name: str) -> PartnerHandle:
        with db.write() as session:
            staff = accounts.create_staff(session, PartnerCreate(name=name,
                                                                 email=f"{name}@robeing.dev"))
            issued = accounts.issue_token(session, staff.id)
            handle = PartnerHandle(staff.name, staff.id, issued.token, issued.id)
            session.commit()
        return handle

    return make


def stored_locale(db: Database, partner: PartnerHandle) -> str | None:
    with db.read() as session:
        row = session.exec(select(Partner).where(Partner.id == partner.id)).one()
        return row.locale


def missing_partner(client: TestClient, partner: PartnerHandle, **kwargs: object) -> dict:
    """A 404 only an authenticated caller can get (the profile applies to it)."""
    response = client.get(f"/v1/partners/{uuid.uuid4()}/tier", headers={
        **partner.bearer, **kwargs.pop("headers", {})}, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 404, response.text
    return {"language": response.headers["content-language"], **response.json()}


def test_the_profile_beats_the_browser_and_loses_to_the_parameter(
        client: TestClient, make_partner: Callable[..., PartnerHandle], db: Database) -> None:
    acme = make_partner("acme")
    me = client.get("/v1/partners/me", headers={**acme.bearer, **KO})
    assert me.json()["locale"] is None
    assert me.headers["content-language"] == "ko"
    assert missing_partner(client, acme, headers=KO)["detail"] == "그런 파트너가 없습니다."

    saved = client.patch("/v1/partners/me", headers={**acme.bearer, **KO},
                         json={"locale": "ja-JP"})
    assert saved.status_code == 200, saved.text
    assert saved.json()["locale"] == "ja"  # stored as the supported language it means
    assert saved.headers["content-language"] == "ja"  # the answer speaks the new choice
    assert stored_locale(db, acme) == "ja"

    shown = missing_partner(client, acme, headers=KO)
    assert (shown["language"], shown["title"], shown["detail"]) == (
        "ja", "見つかりません", "そのようなパートナーはいません。")
    assert shown["type"] == "https://robeing.dev/problems/not-found"
    explicit = missing_partner(client, acme, headers=KO, params={"locale": "ko"})
    assert (explicit["language"], explicit["detail"]) == ("ko", "그런 파트너가 없습니다.")

    # Anonymous requests know no profile: the browser decides.
    anonymous = client.get(f"/v1/skills/{'x' * 5}", headers=KO)
    assert anonymous.headers["content-language"] == "ko"

    cleared = client.patch("/v1/partners/me", headers={**acme.bearer, **KO},
                           json={"locale": None})
    assert cleared.json()["locale"] is None
    assert cleared.headers["content-language"] == "ko"
    assert stored_locale(db, acme) is None
    assert missing_partner(client, acme, headers=KO)["language"] == "ko"


@pytest.mark.parametrize(("value", "ko_detail", "ja_detail"), [
    ("fr", "'fr' 로캘은 지원하지 않아요. en, ko, ja, zh, es 중에서 골라 주세요.",
     "ロケール 'fr' には対応していません。en, ko, ja, zh, es から選んでください。"),
    ("x!y", "'x!y'은(는) 로캘 태그가 아니에요 ('ko', 'en-US', 'zh-Hant-TW' 같은 형식을 써 주세요).",
     "'x!y' はロケールタグではありません（'ko'、'en-US'、'zh-Hant-TW' のように"
     "指定してください）。"),
])
def test_an_unsupported_or_malformed_choice_is_a_400_naming_it(
        client: TestClient, make_partner: Callable[..., PartnerHandle], db: Database,
        value: str, ko_detail: str, ja_detail: str) -> None:
    acme = make_partner("acme")
    client.patch("/v1/partners/me", headers=acme.bearer, json={"locale": "es"})
    for headers, title, detail in ((KO, "잘못된 로캘", ko_detail),
                                   ({"Accept-Language": "ja"}, "無効なロケール", ja_detail)):
        refused = client.patch("/v1/partners/me", headers={**acme.bearer, **headers},
                               params={"locale": headers["Accept-Language"][:2]},
                               json={"locale": value})
        assert refused.status_code == 400, refused.text
        assert refused.json() == {"type": "https://robeing.dev/problems/invalid-locale",
                                  "title": title, "status": 400, "detail": detail}
    assert stored_locale(db, acme) == "es"  # nothing written


def test_anyone_on_the_account_sets_the_language_but_only_admins_the_type(
        client: TestClient, make_partner: Callable[..., PartnerHandle],
        member_of: Callable[[PartnerHandle], PartnerHandle],
        make_staff: Callable[..., PartnerHandle], db: Database) -> None:
    acme = make_partner("acme")
    member = member_of(acme)
    assert client.patch("/v1/partners/me", headers=member.bearer,
                        json={"locale": "zh-Hant-TW"}).json()["locale"] == "zh"
    both = client.patch("/v1/partners/me", headers={**member.bearer, "Accept-Language": "es"},
                        json={"locale": "ko", "partner_type": "channel"})
    assert both.status_code == 403
    assert both.headers["content-language"] == "zh"  # the member's profile, not es
    assert stored_locale(db, acme) == "zh"  # the refused request wrote neither field
    staff = make_staff("sam")
    answer = client.patch("/v1/partners/me", headers=staff.bearer, json={"locale": "ko"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["locale"] == "ko"


def test_an_empty_or_null_type_change_is_refused(
        client: TestClient, make_partner: Callable[..., PartnerHandle]) -> None:
    acme = make_partner("acme")
    for body in ({}, {"partner_type": None}, {"locale": "ko", "tier": "gold"}):
        answer = client.patch("/v1/partners/me", headers=acme.bearer, json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["type"] == "https://robeing.dev/problems/invalid-request"


@pytest.fixture
def zh_app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings.model_copy(update={"default_locale": "zh"}),
                             create_schema=True)
    yield application
    application.state.db.dispose()


def test_configuration_comes_after_the_browser_and_the_profile(
        zh_app: FastAPI) -> None:
    with zh_app.state.db.write() as session:
        partner = accounts.ensure_partner(session, "acme", "acme@example.com")
        token = accounts.issue_token(session, partner.id, ApiTokenCreate()).token
        session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    with TestClient(zh_app) as client:
        assert client.get("/v1/partners/me", headers=bearer).headers[
            "content-language"] == "zh"
        assert client.get("/v1/partners/me", headers={**bearer, **KO}).headers[
            "content-language"] == "ko"
        client.patch("/v1/partners/me", headers=bearer, json={"locale": "es"})
        assert client.get("/v1/partners/me", headers={**bearer, **KO}).headers[
            "content-language"] == "es"


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.one_of(st.sampled_from(["ko-KR", "zh-Hant-TW", "es-419", "en_US", "JA",
                                        "fr", "zz", "ko--", " ", "\x00"]),
                       st.text(max_size=12)))
def test_any_value_is_stored_as_a_supported_language_or_refused_untouched(
        client: TestClient, make_partner: Callable[..., PartnerHandle], db: Database,
        value: str) -> None:
    acme = make_partner("acme")  # the same account every example (ensure_partner)
    client.patch("/v1/partners/me", headers=acme.bearer, json={"locale": "ja"})
    answer = client.patch("/v1/partners/me", headers=acme.bearer, json={"locale": value})
    assert answer.status_code in (200, 400, 422), answer.text
    if answer.status_code == 200:
        chosen = answer.json()["locale"]
        assert chosen is None if not value.strip() else chosen in SUPPORTED_LOCALES
        assert stored_locale(db, acme) == chosen
    else:
        named = "'locale'" if "\x00" in value else repr(value)  # NUL: names the field
        assert named in answer.json()["detail"] or answer.status_code == 422
        assert stored_locale(db, acme) == "ja"
