"""Signing in and out: tokens, passwords, cookies, expiry, revocation, the rate limit."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from marketplace.db import Database, utcnow
from marketplace.portal import passwords
from marketplace.portal.models import PortalCredential, PortalSession
from tests.marketplace.conftest import PartnerFactory
from tests.marketplace.portal.conftest import alerts, post_form, sign_in, sign_in_password


def test_anonymous_visitors_are_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/portal/tokens", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/portal/sign-in?next=/portal/tokens"


def test_token_sign_in_sets_a_safe_cookie_and_stores_only_a_hash(
        client: TestClient, make_partner: PartnerFactory, db: Database) -> None:
    partner = make_partner("acme")
    response = sign_in(client, partner.token, "/portal/tokens")
    assert response.status_code == 303
    assert response.headers["location"] == "/portal/tokens"
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith("robeing_portal="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/portal" in cookie
    assert "Secure" not in cookie  # plain http here; see the https test
    secret = cookie.split(";")[0].split("=", 1)[1]
    with db.read() as session:
        rows = session.exec(select(PortalSession)).all()
    assert [row.id_hash for row in rows] == [hashlib.sha256(secret.encode()).hexdigest()]
    assert client.get("/portal/dashboard").status_code == 200


def test_cookie_is_secure_over_https(app: object, make_partner: PartnerFactory) -> None:
    partner = make_partner("acme")
    with TestClient(app, base_url="https://portal.test") as secure:  # type: ignore[arg-type]
        response = sign_in(secure, partner.token)
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith("robeing_portal="))
    assert "Secure" in cookie


def test_wrong_token_is_one_generic_sentence(client: TestClient) -> None:
    response = sign_in(client, "rbt_" + "x" * 43)
    assert response.status_code == 401
    assert alerts(response.text) == ["That did not work: This token is unknown or revoked."]
    assert "robeing_portal=" not in response.headers.get("set-cookie", "")


def test_next_never_leaves_the_portal(client: TestClient, make_partner: PartnerFactory) -> None:
    partner = make_partner("acme")
    for target in ("https://evil.example/", "//evil.example/portal/", "/portal/\\evil"):
        response = sign_in(client, partner.token, target)
        assert response.headers["location"] == "/portal/"
        client.cookies.clear()


def test_sign_out_deletes_the_session(client: TestClient, make_partner: PartnerFactory,
                                      db: Database) -> None:
    partner = make_partner("acme")
    sign_in(client, partner.token)
    cookie = client.cookies.get("robeing_portal")
    response = post_form(client, "/portal/dashboard", "/portal/sign-out")
    assert response.status_code == 303
    with db.read() as session:
        assert session.exec(select(PortalSession)).all() == []
    client.cookies.set("robeing_portal", cookie or "", path="/portal")  # replaying it fails
    assert client.get("/portal/dashboard", follow_redirects=False).status_code == 303


def test_expired_and_forged_sessions_are_refused(client: TestClient,
                                                 make_partner: PartnerFactory,
                                                 db: Database) -> None:
    partner = make_partner("acme")
    sign_in(client, partner.token)
    with db.write() as session:
        row = session.exec(select(PortalSession)).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
        session.add(row)
        session.commit()
    assert client.get("/portal/dashboard", follow_redirects=False).status_code == 303
    client.cookies.set("robeing_portal", "forged-value", path="/portal")
    assert client.get("/portal/dashboard", follow_redirects=False).status_code == 303


def test_revoking_the_token_ends_its_sessions(client: TestClient,
                                              make_partner: PartnerFactory) -> None:
    partner = make_partner("acme")
    sign_in(client, partner.token)
    revoked = client.delete(f"/v1/tokens/{partner.token_id}", headers=partner.bearer)
    assert revoked.status_code == 200
    assert client.get("/portal/dashboard", follow_redirects=False).status_code == 303


def test_password_sign_in(client: TestClient, make_partner: PartnerFactory,
                          db: Database) -> None:
    partner = make_partner("acme")
    sign_in(client, partner.token)
    response = post_form(client, "/portal/account", "/portal/account/password",
                         password="correct horse battery", repeat="correct horse battery")
    assert response.status_code == 200
    assert "acme@example.com" in alerts(response.text)[0]
    with db.read() as session:
        stored = session.exec(select(PortalCredential)).one().password_hash
    assert stored.startswith("scrypt$") and "correct horse" not in stored
    client.cookies.clear()
    assert sign_in_password(client, "ACME@example.com", "correct horse battery"
                            ).status_code == 303
    assert client.get("/portal/program").status_code == 200


def test_bad_passwords_get_the_same_answer_as_unknown_accounts(
        client: TestClient, make_partner: PartnerFactory) -> None:
    partner = make_partner("acme")
    sign_in(client, partner.token)
    post_form(client, "/portal/account", "/portal/account/password",
              password="correct horse battery", repeat="correct horse battery")
    client.cookies.clear()
    wrong = sign_in_password(client, "acme@example.com", "wrong password!")
    unknown = sign_in_password(client, "nobody@example.com", "wrong password!")
    assert wrong.status_code == unknown.status_code == 401
    assert alerts(wrong.text) == alerts(unknown.text) == [
        "That did not work: Wrong e-mail or password."]


def test_short_or_mismatched_passwords_are_refused(client: TestClient,
                                                   make_partner: PartnerFactory) -> None:
    sign_in(client, make_partner("acme").token)
    short = post_form(client, "/portal/account", "/portal/account/password",
                      password="short", repeat="short")
    assert short.status_code == 422
    assert "at least 10 characters" in alerts(short.text)[0]
    differ = post_form(client, "/portal/account", "/portal/account/password",
                       password="long enough one", repeat="long enough two")
    assert differ.status_code == 422


def test_failed_sign_ins_are_rate_limited(client: TestClient,
                                          make_partner: PartnerFactory) -> None:
    partner = make_partner("acme")
    sign_in(client, partner.token)
    post_form(client, "/portal/account", "/portal/account/password",
              password="correct horse battery", repeat="correct horse battery")
    client.cookies.clear()
    for _ in range(5):
        assert sign_in_password(client, "acme@example.com", "guess").status_code == 401
    locked = sign_in_password(client, "acme@example.com", "correct horse battery")
    assert locked.status_code == 429
    assert locked.headers["retry-after"] == "900"
    assert "Too many failed sign-ins" in alerts(locked.text)[0]


def test_a_new_password_ends_other_password_sessions(client: TestClient, app: object,
                                                     make_partner: PartnerFactory) -> None:
    partner = make_partner("acme")
    sign_in(client, partner.token)
    post_form(client, "/portal/account", "/portal/account/password",
              password="first password!", repeat="first password!")
    with TestClient(app) as other:  # type: ignore[arg-type]
        assert sign_in_password(other, "acme@example.com", "first password!"
                                ).status_code == 303
        post_form(client, "/portal/account", "/portal/account/password",
                  password="second password!", repeat="second password!")
        assert other.get("/portal/dashboard", follow_redirects=False).status_code == 303
    assert client.get("/portal/dashboard").status_code == 200  # the token session stays


def test_members_cannot_set_the_password(client: TestClient, make_partner: PartnerFactory,
                                         member_of: object) -> None:
    member = member_of(make_partner("acme"))  # type: ignore[operator]
    sign_in(client, member.token)
    page = client.get("/portal/account")
    assert "/portal/account/password" not in page.text
    refused = post_form(client, "/portal/account", "/portal/account/password",
                        password="correct horse battery", repeat="correct horse battery")
    assert refused.status_code == 403


@pytest.mark.parametrize("password", ["", "x" * 10, "パスワード１２３４５６", "a" * 256])
def test_scrypt_hashes_verify_only_their_password(password: str) -> None:
    stored = passwords.hash_password(password)
    assert passwords.verify_password(password, stored)
    assert not passwords.verify_password(password + "!", stored)
    assert not passwords.verify_password(password, "md5$nonsense")


def test_signing_in_again_replaces_the_browsers_session(client: TestClient, db: Database,
                                                        make_partner: PartnerFactory) -> None:
    partner = make_partner("acme")
    sign_in(client, partner.token)
    client.cookies.delete("robeing_portal_csrf")
    first = client.cookies.get("robeing_portal")
    form = client.get("/portal/sign-in?next=/portal/tokens", follow_redirects=False)
    assert form.status_code == 303  # signed in already: straight on
    client.cookies.set("robeing_portal_csrf", "same", path="/portal")
    again = client.post("/portal/sign-in", data={"csrf_token": "same", "method": "token",
                                                 "token": partner.token},
                        follow_redirects=False)
    assert again.status_code == 303 and client.cookies.get("robeing_portal") != first
    with db.read() as session:
        assert len(session.exec(select(PortalSession)).all()) == 1
