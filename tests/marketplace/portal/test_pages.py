"""Pages as a partner sees them: HTML, language, uploads, tokens, yanking, money."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from marketplace import ledger
from marketplace.db import Database, utcnow
from tests.marketplace.conftest import PartnerFactory
from tests.marketplace.portal.conftest import alerts, csrf_of, form_fields, post_form, sign_in


def _upload(client: TestClient, path: Path) -> object:
    token = csrf_of(client.get("/portal/upload").text)
    return client.post("/portal/upload", data={"csrf_token": token},
                       files={"content": (path.name, path.read_bytes())})


def test_pages_are_utf8_html_with_a_language(client: TestClient,
                                             make_partner: PartnerFactory) -> None:
    sign_in(client, make_partner("acme").token)
    for path in ("/portal/sign-in", "/portal/dashboard", "/portal/upload", "/portal/tokens",
                 "/portal/account", "/portal/program", "/portal/money"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert '<html lang="en">' in response.text


def test_language_from_browser_cookie_and_query(client: TestClient,
                                                make_partner: PartnerFactory) -> None:
    sign_in(client, make_partner("acme").token)
    korean = client.get("/portal/dashboard", headers={"accept-language": "ko-KR,ko;q=0.9"})
    assert '<html lang="ko">' in korean.text and "대시보드" in korean.text
    taiwan = client.get("/portal/dashboard", headers={"accept-language": "zh-Hant-TW"})
    assert '<html lang="zh">' in taiwan.text
    switched = client.get("/portal/language?lang=es&next=/portal/tokens",
                          follow_redirects=False)
    assert switched.headers["location"] == "/portal/tokens"
    spanish = client.get("/portal/tokens", headers={"accept-language": "ko"})
    assert '<html lang="es">' in spanish.text  # the switch wins over the browser
    japanese = client.get("/portal/tokens?lang=ja")
    assert '<html lang="ja">' in japanese.text  # and ?lang= wins over the switch
    stray = client.get("/portal/language?lang=xx&next=https://evil.example/",
                       follow_redirects=False)
    assert stray.headers["location"] == "/portal/"


def test_upload_lists_the_skill_and_refusals_are_one_sentence(
        client: TestClient, make_partner: PartnerFactory,
        wheels: Callable[..., Path], tmp_path: Path) -> None:
    sign_in(client, make_partner("acme").token)
    wheel = wheels("hello-skill")
    first = _upload(client, wheel)
    assert first.status_code == 201  # type: ignore[attr-defined]
    assert "Published hello-skill 1.0.0" in first.text  # type: ignore[attr-defined]
    again = _upload(client, wheel)
    assert again.status_code == 200  # type: ignore[attr-defined]
    assert "already published" in again.text  # type: ignore[attr-defined]
    dashboard = client.get("/portal/dashboard").text
    assert "/portal/skills/hello-skill" in dashboard and "1 skill" in dashboard
    korean = client.get("/portal/dashboard?lang=ko").text  # the manifest's own Korean texts
    assert '<a href="/portal/skills/hello-skill" lang="ko">Hello-Skill 스킬</a>' in korean
    assert "테스트 스킬입니다." in client.get("/portal/skills/hello-skill?lang=ko").text
    assert "Greets people politely." in client.get("/portal/skills/hello-skill").text
    junk = tmp_path / "junk-1.0-py3-none-any.whl"
    junk.write_bytes(b"not a zip")
    refused = _upload(client, junk)
    assert refused.status_code == 400  # type: ignore[attr-defined]
    [message] = alerts(refused.text)  # type: ignore[attr-defined]
    assert message.startswith("The upload was refused:") and message.count(".") >= 1
    assert "Traceback" not in refused.text  # type: ignore[attr-defined]


def test_yank_and_unyank(client: TestClient, make_partner: PartnerFactory,
                         wheels: Callable[..., Path]) -> None:
    sign_in(client, make_partner("acme").token)
    _upload(client, wheels("hello-skill"))
    action = "/portal/skills/hello-skill/releases/1.0.0/yank"
    for _ in range(2):  # the same form twice sets the same state
        done = post_form(client, "/portal/skills/hello-skill", action, yanked="1",
                         reason="<script>alert(1)</script>")
        assert done.status_code == 303
    page = client.get("/portal/skills/hello-skill").text
    assert "Yanked" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    post_form(client, "/portal/skills/hello-skill", action, yanked="0")
    assert "badge warn" not in client.get("/portal/skills/hello-skill").text


def test_tokens_are_shown_once_and_revoked(client: TestClient,
                                           make_partner: PartnerFactory) -> None:
    partner = make_partner("acme")
    sign_in(client, partner.token)
    made = post_form(client, "/portal/tokens", "/portal/tokens",
                     description="<i>ci</i>", role="member")
    assert made.status_code == 201
    secret = re.search(r'id="new-token">(rbt_[^<]+)<', made.text)
    assert secret and "&lt;i&gt;ci&lt;/i&gt;" in made.text
    listing = client.get("/portal/tokens").text
    assert secret.group(1) not in listing  # never shown again
    assert client.get("/v1/tokens", headers={"Authorization": f"Bearer {secret.group(1)}"}
                      ).status_code == 200
    token_id = re.findall(r'/portal/tokens/([0-9a-f-]{36})/revoke', listing)[-1]
    revoked = post_form(client, "/portal/tokens", f"/portal/tokens/{token_id}/revoke")
    assert revoked.status_code == 303
    assert client.get("/v1/tokens", headers={"Authorization": f"Bearer {secret.group(1)}"}
                      ).status_code == 401


def test_a_double_submitted_token_form_makes_one_token(client: TestClient,
                                                       make_partner: PartnerFactory) -> None:
    partner = make_partner("acme")
    sign_in(client, partner.token)
    fields = {**form_fields(client.get("/portal/tokens").text), "description": "twice"}
    first = client.post("/portal/tokens", data=fields)
    second = client.post("/portal/tokens", data=fields)
    assert (first.status_code, second.status_code) == (201, 409)
    assert "already sent" in alerts(second.text)[0]
    listed = client.get("/v1/tokens", headers=partner.bearer).json()
    assert [t["description"] for t in listed].count("twice") == 1


def test_an_upload_over_the_limit_is_refused_with_a_sentence(
        client: TestClient, make_partner: PartnerFactory,
        wheels: Callable[..., Path]) -> None:
    sign_in(client, make_partner("acme").token)
    big = wheels("big-skill", extra_files={"big_skill/blob.bin": bytes(range(256)) * 8300})
    assert big.stat().st_size > 2 * 1024 * 1024  # the tests' limit
    refused = _upload(client, big)
    assert refused.status_code == 413  # type: ignore[attr-defined]
    assert "larger than the limit" in alerts(refused.text)[0]  # type: ignore[attr-defined]
    assert "big-skill" not in client.get("/portal/dashboard").text


def test_member_sessions_issue_member_tokens_only(client: TestClient,
                                                  make_partner: PartnerFactory,
                                                  member_of: Callable[..., object]) -> None:
    member = member_of(make_partner("acme"))
    sign_in(client, member.token)  # type: ignore[attr-defined]
    refused = post_form(client, "/portal/tokens", "/portal/tokens", role="admin")
    assert refused.status_code == 403
    assert "member tokens only" in alerts(refused.text)[0]


def test_money_page_says_no_sales_yet(client: TestClient, make_partner: PartnerFactory) -> None:
    sign_in(client, make_partner("acme").token)
    page = client.get("/portal/money").text
    assert 'id="no-sales"' in page and "$0.00" in page
    assert "$30.00" in page and "$70.00" in page  # a USD 100 sale at the 30 % share
    korean = client.get("/portal/money?lang=ko").text
    assert "아직 판매 없음" in korean and "US$30.00" in korean


def test_program_page_says_what_is_missing(client: TestClient,
                                           make_partner: PartnerFactory) -> None:
    sign_in(client, make_partner("acme").token)
    page = client.get("/portal/program").text
    assert "What Certified needs" in page
    for requirement in ("Technical training", "Sales training", "Certification exam"):
        assert requirement in page
    assert "30%" in page and "70%" in page
    assert "인증 시험" in client.get("/portal/program?lang=ko").text


def test_money_page_shows_the_ledgers_statement(client: TestClient, db: Database,
                                                make_partner: PartnerFactory) -> None:
    partner = make_partner("acme")
    sold_at = utcnow()
    with db.write() as session:
        ledger.record_sale(session, sale_id="sale-1", partner_id=partner.id,
                           skill_name="hello-skill", amount=2_000, currency="USD",
                           occurred_at=sold_at, provider_payment_id="pi_1", provider_fee=88)
        ledger.record_refund(session, sale_id="sale-1", refund_id="re-1", amount=500,
                             occurred_at=sold_at)
        session.commit()
    sign_in(client, partner.token)
    page = client.get("/portal/money").text
    assert 'id="no-sales"' not in page
    statement = page.split('id="statement"')[1]
    assert "1 sale: $20.00" in statement and "$6.00" in statement  # 30 % of USD 20
    assert "1 refund: $5.00" in statement
    month = f"{sold_at.year:04d}-{sold_at.month:02d}"
    earlier = client.get("/portal/money?month=2020-01").text
    assert "Nothing happened in this month." in earlier
    assert client.get("/portal/money?month=not-a-month").status_code == 200
    korean = client.get(f"/portal/money?month={month}&lang=ko").text
    assert f"{sold_at.year}년 {sold_at.month}월" in korean and "판매 1건" in korean


def test_money_page_shows_the_processing_fees(client: TestClient, db: Database,
                                              make_partner: PartnerFactory) -> None:
    """The provider's fees (the platform's cost) in the page's language, Babel-formatted;
    the partner's share stays 30 % of the gross."""
    partner = make_partner("acme")
    with db.write() as session:
        ledger.record_sale(session, sale_id="sale-1", partner_id=partner.id,
                           skill_name="hello-skill", amount=123_456, currency="USD",
                           occurred_at=utcnow(), provider_payment_id="pi_1",
                           provider_fee=3_610)
        session.commit()
    sign_in(client, partner.token)
    english = client.get("/portal/money").text.split('id="statement"')[1]
    assert '<th>Processing fees</th>' in english
    assert '<td data-label="Processing fees" class="processing-fees">$36.10</td>' in english
    assert "$370.36" in english  # the share: 30 % of $1,234.56, fees not deducted
    assert "paid out of its part; your share is not reduced by them." in english
    korean = client.get("/portal/money?lang=ko").text.split('id="statement"')[1]
    assert '<th>결제 처리 수수료</th>' in korean
    assert ('<td data-label="결제 처리 수수료" class="processing-fees">US$36.10</td>'
            in korean)
    assert "플랫폼의 비용으로 플랫폼 몫에서 지불되며, 내 몫은 줄어들지 않습니다." in korean
    assert "Processing fees" not in korean


def test_unknown_portal_pages_are_html_404s(client: TestClient) -> None:
    response = client.get("/portal/no/such/page?lang=es")
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "No encontrado" in response.text
    css = client.get("/portal/static/portal.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
