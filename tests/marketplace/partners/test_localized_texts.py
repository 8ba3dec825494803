"""The partner program's refusals and validation sentences in the reader's language:
hand-written expected Korean and Japanese (and the English that stays the source); the
problem ``type`` and ``status`` never change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.errors import Conflict, from_program_error
from marketplace.i18n import catalogs
from partners.program import RequirementsNotMetError, Tier
from tests.marketplace.conftest import PartnerHandle
from tests.marketplace.partners.conftest import request
from tests.marketplace.partners.test_program_api import RATES, schedule_body


def _said(response: Any) -> tuple[int, str, str, str, str]:
    body = response.json()
    return (response.status_code, response.headers["content-language"], body["type"],
            body["title"], body["detail"])


@pytest.mark.parametrize(("lang", "title", "detail"), [
    ("en", "Forbidden", "Only an admin of the partner may request its promotion."),
    ("ko", "권한 없음", "파트너의 관리자만 승급을 요청할 수 있습니다."),
    ("ja", "アクセス禁止", "昇格を申請できるのはパートナーの管理者だけです。"),
])
def test_a_member_asking_for_a_promotion_is_told_in_its_language(
        client: TestClient, make_partner: Callable[..., PartnerHandle],
        member_of: Callable[[PartnerHandle], PartnerHandle], lang: str, title: str,
        detail: str) -> None:
    member = member_of(make_partner("acme"))
    refused = client.post("/v1/partners/me/promotion-requests", params={"locale": lang},
                          headers=member.bearer, json={"reason": "Please."})
    assert _said(refused) == (403, lang, "https://robeing.dev/problems/forbidden", title,
                              detail)


def test_missing_requirements_are_named_in_korean_and_japanese(
        client: TestClient, make_partner: Callable[..., PartnerHandle]) -> None:
    acme = make_partner("acme")
    missing = "technical-training, sales-training, certification-exam"
    client.patch("/v1/partners/me", headers=acme.bearer, json={"locale": "ko"})
    korean = request(client, acme, to_tier="certified")
    assert _said(korean) == (409, "ko", "https://robeing.dev/problems/conflict", "충돌",
                             f"파트너가 certified 등급의 요건을 충족하지 않습니다: {missing}.")
    japanese = client.post("/v1/partners/me/promotion-requests", params={"locale": "ja"},
                           headers=acme.bearer,
                           json={"reason": "Trained.", "to_tier": "certified"})
    assert _said(japanese)[1:] == ("ja", "https://robeing.dev/problems/conflict", "競合",
                                   f"パートナーは certified の要件を満たしていません: {missing}。")


def test_evidence_without_a_note_is_refused_in_japanese(
        client: TestClient, make_partner: Callable[..., PartnerHandle],
        staff: PartnerHandle) -> None:
    acme = make_partner("acme")
    refused = client.post(f"/v1/partners/{acme.id}/evidence", params={"locale": "ja"},
                          headers=staff.bearer, json={"requirement_id": "technical-training"})
    assert _said(refused) == (422, "ja", "https://robeing.dev/problems/unprocessable",
                              "処理できないリクエスト",
                              "リクエスト: 証拠にはメモか文書の参照が必要です。")


@pytest.mark.parametrize(("lang", "detail"), [
    ("en", "Field 'rates.gold': partner_share_bps (4000) and platform_fee_bps (5000) must "
           "add up to 10000."),
    ("ko", "필드 'rates.gold': partner_share_bps(4000)와 platform_fee_bps(5000)의 합은 "
           "10000이어야 합니다."),
    ("ja", "フィールド 'rates.gold': partner_share_bps（4000）と platform_fee_bps（5000）の"
           "合計は 10000 である必要があります。"),
])
def test_a_schedule_whose_sides_do_not_add_up_names_the_rate(
        client: TestClient, staff: PartnerHandle, lang: str, detail: str) -> None:
    body = schedule_body(rates={**RATES, "gold": {"partner_share_bps": 4000,
                                                  "platform_fee_bps": 5000}})
    refused = client.post("/v1/revenue-share/schedules", json=body, headers={
        **staff.bearer, "Accept-Language": lang})
    assert refused.status_code == 422
    assert refused.json()["type"] == "https://robeing.dev/problems/invalid-request"
    assert refused.json()["detail"] == detail


def test_a_retroactive_schedule_is_refused_in_korean(client: TestClient,
                                                     staff: PartnerHandle) -> None:
    refused = client.post("/v1/revenue-share/schedules", params={"locale": "ko"},
                          headers=staff.bearer,
                          json=schedule_body(effective_from="2026-01-02T00:00:00Z"))
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "일정 버전 2은(는) 게시되기 전인 2026-01-02T00:00:00+00:00에 적용되게 됩니다. "
        "일정은 앞으로의 판매에만 적용됩니다.")


def test_program_errors_keep_their_template_through_the_web_layer() -> None:
    error = RequirementsNotMetError.localizable(
        "The partner does not meet the {tier} requirements: {missing}.",
        context={"tier": Tier.GOLD, "missing": ("deployments",)}, tier="gold",
        missing="deployments")
    assert str(error) == "The partner does not meet the gold requirements: deployments."
    assert error.tier is Tier.GOLD and error.missing == ("deployments",)
    shown = from_program_error(error)
    assert isinstance(shown, Conflict) and shown.detail == str(error)
    assert shown.message.say(catalogs("ja")) == (
        "パートナーは gold の要件を満たしていません: deployments。")
    assert shown.message.say(catalogs("ko")) == (
        "파트너가 gold 등급의 요건을 충족하지 않습니다: deployments.")


def test_why_each_requirement_is_met_or_not_speaks_the_readers_language(
        client: TestClient, make_partner: Callable[..., PartnerHandle],
        staff: PartnerHandle) -> None:
    acme = make_partner("acme")
    client.post(f"/v1/partners/{acme.id}/evidence", headers=staff.bearer,
                json={"requirement_id": "technical-training", "note": "Checked."})

    def why(lang: str) -> dict[str, str]:
        answer = client.get("/v1/partners/me/tier", params={"locale": lang},
                            headers=acme.bearer)
        assert answer.status_code == 200 and answer.headers["content-language"] == lang
        return {r["requirement"]["id"]: r["why"] for r in answer.json()["results"]}

    english, korean, japanese = why("en"), why("ko"), why("ja")
    assert english["sales-training"] == "No evidence has been confirmed by marketplace staff yet."
    assert korean["sales-training"] == "마켓플레이스 스태프가 확인한 증빙이 아직 없습니다."
    assert japanese["sales-training"] == (
        "マーケットプレイスのスタッフが確認した証拠はまだありません。")
    assert english["deployments"] == "The active deployments of 0 is below the 10 required."
    assert korean["deployments"] == "활성 배포 0건이 요구되는 10건에 못 미칩니다."
    assert japanese["deployments"] == "有効な導入数 0 は必要な 10 に届いていません。"
    confirmed = english["technical-training"]
    assert confirmed.startswith("Confirmed by staff:sam on ")
    day = confirmed.removeprefix("Confirmed by staff:sam on ").removesuffix(".")
    assert korean["technical-training"] == f"staff:sam이(가) {day}에 확인했습니다."
    assert japanese["technical-training"] == f"staff:sam が {day} に確認しました。"
    # Money is written as each locale writes it (Babel), inside the translated sentence.
    assert korean["annual-revenue"] == (
        "연 매출 US$0.00이(가) 요구되는 US$1,000,000.00에 못 미칩니다.")
    assert japanese["annual-revenue"] == "年間売上 $0.00 は必要な $1,000,000.00 に届いていません。"
