"""Properties of the small pure parts: where sign-in may send a browser, which language a
request gets, and money as each language writes it."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request

from marketplace.portal.auth import safe_next
from marketplace.portal.i18n import pick_locale, texts_for
from robeing_sdk.i18n import SUPPORTED_LOCALES


@given(st.text(max_size=200))
def test_next_always_stays_inside_the_portal(value: str) -> None:
    target = safe_next(value)
    assert target.startswith("/portal/")
    assert "//" not in target and "\\" not in target


def _request(query: bytes, cookie: str, accept: str) -> Request:
    headers = [(b"accept-language", accept.encode("latin-1", "replace")),
               (b"cookie", f"robeing_lang={cookie}".encode("latin-1", "replace"))]
    return Request({"type": "http", "query_string": query, "headers": headers})


header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60)


@given(st.binary(max_size=60), header_text.filter(lambda v: ";" not in v), header_text)
def test_every_request_gets_a_supported_language(query: bytes, cookie: str,
                                                 accept: str) -> None:
    assert pick_locale(_request(query, cookie, accept)) in SUPPORTED_LOCALES


@given(st.sampled_from(SUPPORTED_LOCALES), st.integers(min_value=0, max_value=99_999_999),
       st.sampled_from(["USD", "EUR", "KRW", "JPY", "BHD"]))
def test_money_keeps_every_minor_unit(locale: str, amount: int, currency: str) -> None:
    """No amount is rounded away: the digits written are the minor units given."""
    written = texts_for(locale).money(amount, currency)
    digits = "".join(ch for ch in written if ch.isdigit())
    assert Decimal(digits) == amount
