"""The account's language on the portal: chosen on the account page, shown on every page
for the signed-in account; ``?locale=``/``?lang=`` and the switcher's cookie still win, the
browser's ``Accept-Language`` comes after it."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient

from marketplace.accounts import service as accounts
from marketplace.accounts.models import ApiTokenCreate
from marketplace.app import create_app
from marketplace.portal.i18n import LANG_COOKIE
from marketplace.settings import Settings
from tests.marketplace.conftest import PartnerFactory
from tests.marketplace.portal.conftest import alerts, post_form, sign_in

KOREAN = {"accept-language": "ko-KR,ko;q=0.9,en;q=0.5"}


def _lang(html: str) -> str:
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_korean_browser_with_a_japanese_preference_sees_japanese(
        client: TestClient, make_partner: PartnerFactory) -> None:
    acme = make_partner("acme")
    client.headers.update(KOREAN)
    sign_in(client, acme.token)
    before = client.get("/portal/account")
    assert _lang(before.text) == "ko" and "<h1>계정</h1>" in before.text
    assert '<option value="" selected>브라우저 설정 따르기</option>' in before.text

    saved = post_form(client, "/portal/account", "/portal/account/language", locale="ja")
    assert saved.status_code == 303 and saved.headers["location"] == "/portal/account"
    account = client.get("/portal/account")
    assert _lang(account.text) == "ja" and "<h1>アカウント</h1>" in account.text
    assert '<option value="ja" lang="ja" selected>日本語</option>' in account.text
    assert "使用する言語" in account.text
    assert "<h1>ダッシュボード</h1>" in client.get("/portal/dashboard").text

    # The API sees the same choice.
    me = client.get("/v1/partners/me", headers={**acme.bearer, **KOREAN})
    assert me.json()["locale"] == "ja" and me.headers["content-language"] == "ja"

    # An explicit choice on the request wins, for that request only.
    assert _lang(client.get("/portal/dashboard?locale=es").text) == "es"
    assert _lang(client.get("/portal/dashboard?lang=zh").text) == "zh"
    assert _lang(client.get("/portal/dashboard").text) == "ja"

    # Signed out, nobody's profile applies: the browser decides again.
    post_form(client, "/portal/account", "/portal/sign-out")
    assert _lang(client.get("/portal/sign-in").text) == "ko"


def test_the_switcher_overrides_in_this_browser_until_the_account_page_saves(
        client: TestClient, make_partner: PartnerFactory) -> None:
    acme = make_partner("acme")
    client.headers.update(KOREAN)
    sign_in(client, acme.token)
    post_form(client, "/portal/account", "/portal/account/language", locale="ja")
    client.get("/portal/language?lang=es&next=/portal/dashboard")
    assert client.cookies.get(LANG_COOKIE) == "es"
    assert _lang(client.get("/portal/dashboard").text) == "es"

    saved = post_form(client, "/portal/account", "/portal/account/language", locale="zh-Hant")
    cleared = saved.headers["set-cookie"]
    assert f'{LANG_COOKIE}=""' in cleared and "Max-Age=0" in cleared and "Path=/;" in cleared
    client.cookies.delete(LANG_COOKIE)  # what the browser does with the expired cookie
    assert _lang(client.get("/portal/dashboard").text) == "zh"

    # "Follow the browser" removes the preference.
    post_form(client, "/portal/account", "/portal/account/language", locale="")
    assert _lang(client.get("/portal/dashboard").text) == "ko"


def test_an_unsupported_language_is_refused_in_the_page_language_and_nothing_changes(
        client: TestClient, make_partner: PartnerFactory) -> None:
    acme = make_partner("acme")
    client.headers.update(KOREAN)
    sign_in(client, acme.token)
    post_form(client, "/portal/account", "/portal/account/language", locale="ja")
    refused = post_form(client, "/portal/account", "/portal/account/language", locale="fr")
    assert refused.status_code == 400
    assert [html.unescape(text) for text in alerts(refused.text)] == [
        "うまくいきませんでした: ロケール 'fr' には対応していません。en, ko, ja, zh, es から"
        "選んでください。"]
    assert _lang(client.get("/portal/account").text) == "ja"
    forged = client.post("/portal/account/language", data={"csrf_token": "nope",
                                                           "locale": "es"})
    assert forged.status_code == 403
    assert _lang(client.get("/portal/account").text) == "ja"


def test_a_member_session_sets_its_language_too(
        client: TestClient, make_partner: PartnerFactory,
        member_of: object) -> None:
    acme = make_partner("acme")
    member = member_of(acme)  # type: ignore[operator]
    sign_in(client, member.token)
    saved = post_form(client, "/portal/account", "/portal/account/language", locale="ko")
    assert saved.status_code == 303
    assert _lang(client.get("/portal/account").text) == "ko"


def test_the_portals_own_refusals_follow_the_language_too(
        client: TestClient, make_partner: PartnerFactory, member_of: object) -> None:
    member = member_of(make_partner("acme"))  # type: ignore[operator]
    client.headers.update(KOREAN)
    sign_in(client, member.token)
    refused = post_form(client, "/portal/account", "/portal/account/password",
                        password="correct horse battery", repeat="correct horse battery")
    assert refused.status_code == 403
    assert [html.unescape(text) for text in alerts(refused.text)] == [
        "처리하지 못했습니다: 파트너의 관리자만 포털 비밀번호를 설정할 수 있습니다."]
    post_form(client, "/portal/account", "/portal/account/language", locale="ja")
    again = post_form(client, "/portal/account", "/portal/account/password",
                      password="correct horse battery", repeat="correct horse battery")
    assert [html.unescape(text) for text in alerts(again.text)] == [
        "うまくいきませんでした: ポータルのパスワードを設定できるのはパートナーの管理者だけです。"]


def test_the_configured_default_comes_after_the_browser_and_the_account(
        settings: Settings, make_partner: PartnerFactory) -> None:
    app = create_app(settings.model_copy(update={"default_locale": "zh"}), create_schema=True)
    try:
        with app.state.db.write() as session:
            partner = accounts.ensure_partner(session, "acme", "acme@example.com")
            token = accounts.issue_token(session, partner.id, ApiTokenCreate()).token
            session.commit()
        with TestClient(app) as client:
            assert _lang(client.get("/portal/sign-in").text) == "zh"
            assert _lang(client.get("/portal/sign-in", headers=KOREAN).text) == "ko"
            sign_in(client, token)
            post_form(client, "/portal/account", "/portal/account/language", locale="es")
            assert _lang(client.get("/portal/account", headers=KOREAN).text) == "es"
    finally:
        app.state.db.dispose()
