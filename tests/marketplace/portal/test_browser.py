"""The portal driven as a person uses it: Debian's Chromium through Playwright, against a
real uvicorn server on a free port, in English and in Korean.

A new partner registers itself (an operator-made one signs in with its token instead),
uploads a wheel and sees it listed with its downloads chart, creates and revokes a token,
asks for a promotion; staff approve it in another browser; the partner sees the new tier and
what a sale earns it. Skipped only when ``/usr/bin/chromium`` is missing (``.ci/run`` installs it).

With ``ROBEING_PORTAL_SCREENSHOTS=docs/portal`` the walk also saves the screenshots the docs
show (desktop and phone width).
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlmodel import select

from marketplace import ledger
from marketplace.accounts.models import Partner
from marketplace.db import Database, utcnow
from tests.marketplace.conftest import PartnerFactory, PartnerHandle
from tests.marketplace.portal.conftest import confirm_certified

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [pytest.mark.e2e, pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium); "
                                  ".ci/run installs it")]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = os.environ.get("ROBEING_PORTAL_SCREENSHOTS")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture
def live_url(app: FastAPI) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS,
                                              headless=True)
        yield chromium
        chromium.close()


def _shoot(page: object, name: str, lang: str) -> None:
    """Save desktop and phone screenshots of the page when asked to."""
    if not SHOTS:
        return
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)  # type: ignore[attr-defined]
        page.screenshot(path=str(folder / f"{name}-{lang}-{label}.png"),  # type: ignore[attr-defined]
                        full_page=True)
    page.set_viewport_size(DESKTOP)  # type: ignore[attr-defined]


TEXTS = {
    "en": {"published": "Published hello-skill 1.0.0", "pending": "is waiting for a staff "
           "decision", "certified": "Certified", "registered": "Registered",
           "sales": "1 sale: $49.00", "fees": "$1.72", "downloads": "3 downloads",
           "differ": "The two passwords differ.", "chart": "3 downloads from"},
    "ko": {"published": "hello-skill 1.0.0을(를) 게시했습니다", "pending": "스태프의 결정을 "
           "기다리고 있습니다", "certified": "인증", "registered": "등록",
           "sales": "판매 1건: US$49.00", "fees": "US$1.72", "downloads": "다운로드 3회",
           "differ": "두 비밀번호가 다릅니다.", "chart": "다운로드 3회"},
}


REGISTRATION = {"en": ("Nova Labs", "hello@nova.example"),
                "ko": ("Nova Labs KR", "hello@nova-kr.example")}
PASSWORD = "correct horse battery staple"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_new_partner_registers_and_walks_through(
        lang: str, live_url: str, browser: object, make_staff: Callable[..., PartnerHandle],
        wheels: Callable[..., Path], db: Database) -> None:
    """A new partner, as a new user would: registers from the sign-in page, publishes a free
    skill, has its evidence confirmed, is promoted, sees what a sale earns it."""
    from playwright.sync_api import expect

    name, email = REGISTRATION[lang]
    staff = make_staff()
    context = browser.new_context(locale=lang, viewport=DESKTOP)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{live_url}/portal/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    _shoot(page, "sign-in", lang)
    page.click("a[href='/portal/register']")
    page.fill("input[name=name]", name)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=repeat]", PASSWORD + "!")
    page.select_option("select[name=partner_type]", "integration")
    page.click("form[action='/portal/register'] button[type=submit]")
    expect(page.locator("p.error")).to_contain_text(TEXTS[lang]["differ"])
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=repeat]", PASSWORD)
    _shoot(page, "register", lang)
    page.click("form[action='/portal/register'] button[type=submit]")
    expect(page).to_have_url(f"{live_url}/portal/dashboard?welcome=1")
    expect(page.locator("section.next-steps")).to_contain_text("twine upload")
    _shoot(page, "welcome", lang)
    with db.read() as session:
        partner_id = session.exec(select(Partner.id).where(Partner.name == name)).one()
    with httpx.Client(base_url=live_url) as api:
        # only the partner's id is used: a registered partner has no token yet
        confirm_certified(api, staff, PartnerHandle(name, partner_id, "", uuid.uuid4()))
    _walk(page, browser, live_url, lang, partner_id, staff, wheels, db, shoot=True)
    context.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_partner_walkthrough(lang: str, live_url: str, browser: object,
                             make_partner: PartnerFactory,
                             make_staff: Callable[..., PartnerHandle],
                             wheels: Callable[..., Path], db: Database) -> None:
    """The same walk for a partner an operator made, signing in with its first token."""
    from playwright.sync_api import expect

    partner, staff = make_partner("acme"), make_staff()
    with httpx.Client(base_url=live_url) as api:
        confirm_certified(api, staff, partner)
    context = browser.new_context(locale=lang, viewport=DESKTOP)  # type: ignore[attr-defined]
    page = context.new_page()

    page.goto(f"{live_url}/portal/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.fill("input[name=token]", partner.token)
    page.click("form:has(input[name=token]) button[type=submit]")
    expect(page).to_have_url(f"{live_url}/portal/dashboard")
    _walk(page, browser, live_url, lang, partner.id, staff, wheels, db, shoot=False)
    context.close()


def _walk(page: Any, browser: Any, live_url: str, lang: str, partner_id: uuid.UUID,
          staff: PartnerHandle, wheels: Callable[..., Path], db: Database, *,
          shoot: bool) -> None:
    """From the dashboard: upload, downloads, tokens, promotion, staff approval, money."""
    from playwright.sync_api import expect

    texts = TEXTS[lang]

    def shot(target: object, name: str) -> None:
        if shoot:
            _shoot(target, name, lang)

    page.goto(f"{live_url}/portal/upload")
    page.set_input_files("input[name=content]", str(wheels("hello-skill")))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("p.notice")).to_contain_text(texts["published"])
    shot(page, "upload")
    for file in httpx.get(f"{live_url}/v1/skills/hello-skill/files").json() * 3:
        assert httpx.get(f"{live_url}{file['url']}").status_code == 200  # as pip would
    page.goto(f"{live_url}/portal/dashboard")
    expect(page.locator("a[href='/portal/skills/hello-skill']")).to_be_visible()
    expect(page.locator("p.summary")).to_contain_text(texts["downloads"])
    expect(page.locator("svg.bars-svg rect.bar")).to_have_count(30)
    expect(page.locator("svg.bars-svg desc")).to_contain_text(texts["chart"])
    shot(page, "dashboard")
    page.click("a[href='/portal/skills/hello-skill']")
    expect(page.locator("td code", has_text="hello_skill-1.0.0-py3-none-any.whl")
           ).to_be_visible()
    expect(page.locator("svg.bars-svg rect.bar")).to_have_count(30)
    shot(page, "skill")

    page.goto(f"{live_url}/portal/tokens")
    page.fill("input[name=description]", "laptop")
    page.click("form[action='/portal/tokens'] button[type=submit]")
    secret = page.locator("#new-token").inner_text()
    assert secret.startswith("rbt_")
    shot(page, "tokens")
    page.locator("tr", has_text="laptop").locator("button.danger").click()
    expect(page.locator("tr.revoked", has_text="laptop")).to_be_visible()
    assert httpx.get(f"{live_url}/v1/tokens", headers={
        "Authorization": f"Bearer {secret}"}).status_code == 401

    page.goto(f"{live_url}/portal/program")
    expect(page.locator("#current-tier")).to_have_text(texts["registered"])
    page.fill("textarea[name=reason]", "We completed both trainings and passed the exam.")
    page.click("form[action='/portal/program/promotion'] button[type=submit]")
    expect(page.locator("#pending-request")).to_contain_text(texts["pending"])

    desk = browser.new_context(locale=lang, viewport=DESKTOP)
    staff_page = desk.new_page()
    staff_page.goto(f"{live_url}/portal/staff/reviews")
    staff_page.fill("input[name=token]", staff.token)
    staff_page.click("form:has(input[name=token]) button[type=submit]")
    expect(staff_page).to_have_url(f"{live_url}/portal/staff/reviews")
    staff_page.fill("textarea[name=reason]", "All three requirements confirmed.")
    shot(staff_page, "review-queue")
    staff_page.click("button[value=approve]")
    expect(staff_page.locator("section.review")).to_have_count(0)
    desk.close()

    page.goto(f"{live_url}/portal/program")
    expect(page.locator("#current-tier")).to_have_text(texts["certified"])
    shot(page, "program")
    with db.write() as session:  # a sale and a partial refund, as commerce records them
        ledger.record_sale(session, sale_id="sale-1", partner_id=partner_id,
                           skill_name="hello-skill", amount=4_900, currency="USD",
                           occurred_at=utcnow(), provider_payment_id="pi_1",
                           provider_fee=172)  # Stripe's 2.9 % + 30¢, the platform's cost
        ledger.record_refund(session, sale_id="sale-1", refund_id="re-1", amount=900,
                             occurred_at=utcnow())
        ledger.record_sale(session, sale_id="sale-2", partner_id=partner_id,  # long amounts
                           skill_name="hello-skill", amount=1_234_567, currency="KRW",
                           occurred_at=utcnow(), provider_payment_id="pi_2",
                           provider_fee=36_037)
        session.commit()
    page.goto(f"{live_url}/portal/money")
    expect(page.locator("#statement")).to_contain_text(texts["sales"])
    expect(page.locator("#statement tr", has_text="USD").locator("td.processing-fees")
           ).to_have_text(texts["fees"])
    expect(page.locator("#statement")).to_contain_text("₩1,234,567")
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert _amounts_split_across_lines(page) == [], size
    page.set_viewport_size(DESKTOP)
    shot(page, "money")
    page.goto(f"{live_url}/portal/account")
    shot(page, "account")


# Each amount ("US$49.00", "₩1,234,567") in the statement's cells, as a DOM range; an amount
# whose range has boxes on two heights was broken across lines.
_SPLIT_AMOUNTS = """() => {
  const split = [];
  for (const cell of document.querySelectorAll("#statement td")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[^\\s():]*\\d[\\d,.]*\\d/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) split.push(match[0]);
      }
    }
  }
  return split;
}"""


def _amounts_split_across_lines(page: Any) -> list[str]:
    split: list[str] = page.evaluate(_SPLIT_AMOUNTS)
    return split


def test_switching_language_to_korean(live_url: str, browser: object,
                                      make_partner: PartnerFactory) -> None:
    from playwright.sync_api import expect

    partner = make_partner("acme")
    context = browser.new_context(locale="en-US", viewport=PHONE)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{live_url}/portal/sign-in")
    page.fill("input[name=token]", partner.token)
    page.click("form:has(input[name=token]) button[type=submit]")
    expect(page.locator("h1")).to_have_text("Dashboard")
    page.click("nav.languages a[lang=ko]")
    expect(page.locator("h1")).to_have_text("대시보드")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    page.goto(f"{live_url}/portal/tokens")  # the choice sticks
    expect(page.locator("h1")).to_have_text("API 토큰")
    context.close()


def test_the_browser_refuses_an_oversized_file_before_sending_it(
        live_url: str, browser: object, make_partner: PartnerFactory,
        wheels: Callable[..., Path]) -> None:
    from playwright.sync_api import expect

    big = wheels("big-skill", extra_files={"big_skill/blob.bin": bytes(range(256)) * 8300})
    context = browser.new_context(locale="ko-KR", viewport=PHONE)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{live_url}/portal/sign-in?next=/portal/upload")
    page.fill("input[name=token]", make_partner("acme").token)
    page.click("form:has(input[name=token]) button[type=submit]")
    page.set_input_files("input[name=content]", str(big))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#upload-error")).to_contain_text("2MB보다 큽니다")
    expect(page).to_have_url(f"{live_url}/portal/upload")
    context.close()


def test_a_korean_browser_chooses_japanese_on_the_account_page(
        live_url: str, browser: object, make_partner: PartnerFactory) -> None:
    """The account's language beats the browser's on every page, and the API agrees."""
    from playwright.sync_api import expect

    partner = make_partner("acme")
    context = browser.new_context(locale="ko-KR", viewport=DESKTOP)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{live_url}/portal/sign-in?next=/portal/account")
    page.fill("input[name=token]", partner.token)
    page.click("form:has(input[name=token]) button[type=submit]")
    expect(page.locator("h1")).to_have_text("계정")
    _shoot(page, "account-language", "ko")
    page.select_option("select[name=locale]", "ja")
    page.click("form[action='/portal/account/language'] button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("h1")).to_have_text("アカウント")
    expect(page.locator("select[name=locale]")).to_have_value("ja")
    _shoot(page, "account-language", "ja")
    page.goto(f"{live_url}/portal/tokens")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    answer = httpx.get(f"{live_url}/v1/partners/me", headers={
        **partner.bearer, "Accept-Language": "ko-KR"})
    assert answer.json()["locale"] == "ja" and answer.headers["content-language"] == "ja"
    context.close()
