from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from robeing_sdk import Interaction, Memory, Money, RobeingProfile


@pytest.mark.parametrize(("money", "locale", "text"), [
    (Money(amount=300000, currency="KRW"), "ko", "₩300,000"),
    (Money(amount=1250, currency="USD"), "en", "$12.50"),
    (Money(amount=1000, currency="JPY"), "ja", "￥1,000"),
    (Money(amount=1999, currency="EUR"), "es", "19,99\xa0€"),
])
def test_money_formats_in_the_locale(money: Money, locale: str, text: str) -> None:
    assert money.format(locale) == text


def test_money_refuses_minor_units_a_currency_does_not_have() -> None:
    with pytest.raises(ValueError, match="more decimals than KRW allows"):
        Money.of("100.5", "KRW")
    assert Money.of("12.34", "USD").amount == 1234
    with pytest.raises(ValidationError, match="ISO 4217"):
        Money(amount=1, currency="ABC")


@given(st.integers(min_value=-10**15, max_value=10**15),
       st.sampled_from(["KRW", "JPY", "USD", "EUR", "BHD"]))
def test_minor_units_round_trip_exactly_through_major_units(amount: int, currency: str) -> None:
    money = Money(amount=amount, currency=currency)
    assert Money.of(money.major, currency) == money
    assert isinstance(money.major, Decimal)


def test_seed_models_validate_ids_timestamps_and_languages() -> None:
    profile = RobeingProfile(language="ko")
    assert profile.id.version == 4 and profile.created_at.tzinfo is not None
    with pytest.raises(ValidationError, match="ISO 639-1"):
        RobeingProfile(language="kor")
    with pytest.raises(ValidationError, match="timezone"):
        Memory(robeing_id=uuid.uuid4(), type="semantic", content="x",
               created_at=datetime(2026, 1, 1))
    with pytest.raises(ValidationError, match="UUID version 4"):
        Interaction(robeing_id=uuid.uuid1(), user_id=uuid.uuid4(), type="message", content="x")
    with pytest.raises(ValidationError):
        Interaction(robeing_id=uuid.uuid4(), user_id=uuid.uuid4(), type="chat", content="x")
