"""The partner program's sentences: English templates with their values kept apart, and the
``partners`` catalogs (ko, ja, zh, es) complete and matching the code. Expected texts are
written by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

import partners
from partners import Actor, Evidence, Role
from partners.program import (
    InvalidAmountError,
    NotPermittedError,
    ShareRate,
    request_promotion,
    split_sale,
)
from partners.program.errors import VALIDATION_ERROR_TYPE
from robeing_sdk.i18n import fallback_chain, load_translations
from robeing_sdk.i18n.checks import check_package_folder
from robeing_sdk.models import Money

from .conftest import T0, StateFactory

PACKAGE = Path(partners.__file__).resolve().parent


def said(template: str, params: dict[str, object], locale: str) -> str:
    catalog = load_translations(PACKAGE / "locales", fallback_chain(locale), domain="partners")
    return catalog.gettext(template).format(**params)


def test_the_catalogs_are_complete_and_match_the_code() -> None:
    assert check_package_folder(PACKAGE) == []


def test_a_refusal_keeps_its_template_and_values(make_state: StateFactory,
                                                 program: partners.Program) -> None:
    member = Actor(id="acme (token 2)", role=Role.PARTNER_MEMBER,
                   partner_id=make_state().partner_id)
    state = make_state()
    with pytest.raises(NotPermittedError) as caught:
        request_promotion(state, to_tier=partners.Tier.CERTIFIED, by=member, at=T0,
                          reason="Please.", program=program)
    error = caught.value
    assert str(error) == "Only an admin of the partner may request its promotion."
    assert error.template == str(error) and error.params == {}
    assert said(error.template, error.params, "ko") == (
        "파트너의 관리자만 승급을 요청할 수 있습니다.")
    assert said(error.template, error.params, "ja") == (
        "昇格を申請できるのはパートナーの管理者だけです。")


def test_values_are_filled_in_never_translated() -> None:
    with pytest.raises(InvalidAmountError) as caught:
        split_sale(Money(amount=0, currency="KRW"), ShareRate(partner_share_bps=3000,
                                                              platform_fee_bps=7000))
    error = caught.value
    assert str(error) == "A sale needs a positive gross amount; got 0 KRW."
    assert said(error.template or "", error.params, "ko") == (
        "판매의 총액은 양수여야 합니다. 받은 값: 0 KRW.")
    assert said(error.template or "", error.params, "ja") == (
        "販売の総額は正の値である必要があります。指定された値: 0 KRW。")


def test_a_validator_reports_its_template_in_ctx() -> None:
    with pytest.raises(ValidationError) as caught:
        Evidence(requirement_id="technical-training", confirmed_by="staff-ana",
                 confirmed_at=T0)
    first = caught.value.errors()[0]
    assert first["type"] == VALIDATION_ERROR_TYPE
    assert first["msg"] == "evidence needs a note or a document reference"
    assert said(first["ctx"]["template"], {}, "ko") == "증빙에는 메모나 문서 참조가 필요합니다"
    with pytest.raises(ValidationError) as sides:
        ShareRate(partner_share_bps=4000, platform_fee_bps=5000)
    error = sides.value.errors()[0]
    assert error["msg"] == ("partner_share_bps (4000) and platform_fee_bps (5000) must add up "
                            "to 10000")
    values = {k: v for k, v in error["ctx"].items() if k != "template"}
    assert said(error["ctx"]["template"], values, "ja") == (
        "partner_share_bps（4000）と platform_fee_bps（5000）の合計は 10000 である必要があります")
