"""The metrics report's ``source``, ``reason`` and ``rounding`` texts in the request's
language (expected Korean and Japanese written by hand); numbers and names stay as they are."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.marketplace.conftest import PartnerHandle

PATH = "/v1/staff/metrics"

EXPECTED = {
    "en": {
        "cac_source": "configured acquisition spend of the month / new paying buyers, "
                      "rounded up",
        "cac_reason": "not configured: no acquisition spend in the cost data",
        "churn_reason": "no buyer held an active licence at the month's start",
        "needed_source": "total monthly cost / margin per robeing, rounded up",
        "target_source": "unit_economics.target_price (cost data)",
        "even_source": "cost per robeing x 130/100",
        "costs_source": "marketplace/metrics/costs.toml (the seed's figures, shipped)",
    },
    "ko": {
        "cac_source": "설정된 이번 달 고객 획득 비용 / 신규 유료 구매자 수, 올림",
        "cac_reason": "설정 안 됨: 비용 데이터에 고객 획득 비용이 없습니다",
        "churn_reason": "월초에 유효한 라이선스를 가진 구매자가 없었습니다",
        "needed_source": "월 총비용 / 로빙당 마진, 올림",
        "target_source": "unit_economics.target_price (비용 데이터)",
        "even_source": "로빙당 비용 x 130/100",
        "costs_source": "marketplace/metrics/costs.toml (시드의 수치, 함께 배포됨)",
    },
    "ja": {
        "cac_source": "設定された当月の獲得費用 / 新規の有料購入者数、切り上げ",
        "cac_reason": "未設定: コストデータに獲得費用がありません",
        "churn_reason": "月初に有効なライセンスを持つ購入者はいませんでした",
        "needed_source": "月間総コスト / ロビーイングあたりのマージン、切り上げ",
        "target_source": "unit_economics.target_price（コストデータ）",
        "even_source": "ロビーイングあたりのコスト x 130/100",
        "costs_source": "marketplace/metrics/costs.toml（シードの数値、同梱）",
    },
}


@pytest.mark.parametrize("lang", ["en", "ko", "ja"])
def test_sources_and_reasons_speak_the_requests_language(client: TestClient,
                                                         staff: PartnerHandle,
                                                         lang: str) -> None:
    answer = client.get(PATH, headers={**staff.bearer, "Accept-Language": lang})
    assert answer.status_code == 200 and answer.headers["content-language"] == lang
    body, expected = answer.json(), EXPECTED[lang]
    unit = body["unit_economics"]
    assert (body["cac"]["source"], body["cac"]["reason"]) == (expected["cac_source"],
                                                              expected["cac_reason"])
    assert body["churn"]["reason"] == expected["churn_reason"]
    assert unit["robeings_needed_for_profit"]["source"] == expected["needed_source"]
    assert unit["target_price"]["source"] == expected["target_source"]
    assert unit["break_even_price"]["source"] == expected["even_source"]
    assert body["costs"]["source"] == expected["costs_source"]


def test_the_staff_members_own_language_applies(client: TestClient,
                                                staff: PartnerHandle) -> None:
    client.patch("/v1/partners/me", headers=staff.bearer, json={"locale": "ja"})
    body = client.get(PATH, headers={**staff.bearer, "Accept-Language": "ko"}).json()
    assert body["rounding"].startswith("正確な整数演算で、丸めは一度だけです。")
    assert body["unit_economics"]["active_robeings"]["source"] == (
        "月内のいずれかの時点で有効なライセンスを持っていた購入者の異なるメールアドレス数"
        "（commerce licence テーブル）")
