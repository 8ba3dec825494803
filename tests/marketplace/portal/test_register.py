"""Self-registration: a new partner signs itself up, at the entry tier, and lands signed in."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import func, select

from marketplace.accounts.models import Partner
from marketplace.app import create_app
from marketplace.db import Database
from marketplace.portal.models import PortalCredential, PortalSession
from marketplace.settings import Settings
from tests.marketplace.conftest import PartnerFactory
from tests.marketplace.portal.conftest import alerts, csrf_of, sign_in, sign_in_password

GOOD = {"name": "Nova Labs", "email": "Hello@Nova.example", "password": "correct horse battery",
        "repeat": "correct horse battery", "partner_type": "integration"}


def register(client: TestClient, lang: str = "en", **fields: str) -> httpx.Response:
    form = client.get(f"/portal/register?lang={lang}")
    assert form.status_code == 200
    response: httpx.Response = client.post(
        f"/portal/register?lang={lang}",
        data={"csrf_token": csrf_of(form.text), **GOOD, **fields}, follow_redirects=False)
    return response


def partners(db: Database) -> int:
    with db.read() as session:
        return session.exec(select(func.count()).select_from(Partner)).one()


def test_a_new_partner_registers_and_lands_on_the_dashboard(client: TestClient,
                                                             db: Database) -> None:
    assert 'href="/portal/register"' in client.get("/portal/sign-in").text
    response = register(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/portal/dashboard?welcome=1"
    page = client.get("/portal/dashboard?welcome=1")
    assert "Welcome, Nova Labs: your partner account is ready." in alerts(page.text)
    assert "Next steps" in page.text and "twine upload --repository-url" in page.text
    me = client.get("/portal/program")
    assert me.status_code == 200 and "Registered" in me.text
    with db.read() as session:
        credential = session.exec(select(PortalCredential)).one()
    assert credential.email == "hello@nova.example"
    assert credential.password_hash.startswith("scrypt$")
    account = client.get("/portal/account").text
    assert re.search(r'value="integration"\s*selected', account)
    client.cookies.clear()
    assert sign_in_password(client, "hello@nova.example",
                            "correct horse battery").status_code == 303


@pytest.mark.parametrize(("fields", "sentence"), [
    ({"password": "short", "repeat": "short"},
     "The password must be at least 10 characters long."),
    ({"repeat": "correct horse batterY"}, "The two passwords differ."),
    ({"name": "<script>"}, "A name is 1 to 100 letters, digits, spaces, dots, hyphens or "
                           "underscores, starting with a letter or digit."),
    ({"email": "nobody"}, "Enter an e-mail address such as name@example.com."),
    ({"partner_type": "reseller"}, "Choose one of the partner types."),
])
def test_bad_forms_get_one_sentence_and_create_nothing(
        client: TestClient, db: Database, fields: dict[str, str], sentence: str) -> None:
    response = register(client, **fields)
    assert response.status_code == 422
    assert alerts(response.text) == [f"That did not work: {sentence}"]
    assert partners(db) == 0
    assert "<script>" not in response.text


def test_taken_name_and_email_are_refused(client: TestClient, db: Database,
                                          make_partner: PartnerFactory) -> None:
    make_partner("acme")  # acme@example.com
    name = register(client, name="acme", email="new@example.com")
    assert name.status_code == 409
    assert alerts(name.text) == [
        "That did not work: A partner with this name already exists; choose another name."]
    email = register(client, email="ACME@example.com")
    assert email.status_code == 409
    assert "e-mail address already exists" in alerts(email.text)[0]
    assert partners(db) == 1


def test_refusals_are_in_the_pages_language(client: TestClient, db: Database) -> None:
    response = register(client, "ko", email="nobody")
    assert alerts(response.text) == [
        "처리하지 못했습니다: name@example.com 같은 이메일 주소를 입력하세요."]
    assert "새 파트너 가입" in response.text
    assert partners(db) == 0


def test_double_submit_creates_one_partner(client: TestClient, db: Database) -> None:
    form = client.get("/portal/register")
    data = {"csrf_token": csrf_of(form.text), **GOOD}
    first = client.post("/portal/register", data=data, follow_redirects=False)
    second = client.post("/portal/register", data=data, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert partners(db) == 1
    assert client.get("/portal/dashboard").status_code == 200
    # the same name with another password is someone else: refused
    client.cookies.clear()
    other = register(client, password="another password!", repeat="another password!")
    assert other.status_code == 409
    assert partners(db) == 1


def test_registering_ends_the_browsers_earlier_session(
        client: TestClient, db: Database, make_partner: PartnerFactory) -> None:
    token = csrf_of(client.get("/portal/register").text)  # the form, opened first
    sign_in(client, make_partner("acme").token)  # then someone signs in in this browser
    client.cookies.set("robeing_portal_csrf", token, path="/portal")
    response = client.post("/portal/register", data={"csrf_token": token, **GOOD},
                           follow_redirects=False)
    assert response.status_code == 303
    with db.read() as session:  # acme's session ended; only the new partner's is left
        rows = session.exec(select(PortalSession)).all()
    assert len(rows) == 1


def test_csrf_and_rate_limit(client: TestClient, db: Database) -> None:
    client.get("/portal/register")
    missing = client.post("/portal/register", data=GOOD, follow_redirects=False)
    assert missing.status_code == 403
    for _ in range(10):
        register(client, password="short", repeat="short")
    limited = register(client)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "900"
    assert partners(db) == 0


@pytest.fixture
def closed(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings.model_copy(update={"portal_registration": False}),
                             create_schema=True)
    yield application
    application.state.db.dispose()


def test_operators_can_turn_registration_off(closed: FastAPI) -> None:
    with TestClient(closed) as client:
        assert client.get("/portal/register").status_code == 404
        assert "/portal/register" not in client.get("/portal/sign-in").text
        form = client.get("/portal/sign-in")
        response = client.post("/portal/register", data={"csrf_token": csrf_of(form.text),
                                                         **GOOD})
        assert response.status_code == 404


@pytest.mark.postgres
def test_racing_sends_create_one_partner(app: FastAPI, database_url: str | None,
                                         db: Database) -> None:
    """Four sends of one form at the same moment (threads, PostgreSQL): one partner, and
    every send ends signed in to it."""
    if database_url is None or not database_url.startswith("postgresql"):
        pytest.skip("threads against PostgreSQL")
    client = TestClient(app)
    data = {"csrf_token": csrf_of(client.get("/portal/register").text), **GOOD}
    cookie = client.cookies.get("robeing_portal_csrf") or ""
    start = threading.Barrier(4)
    answers: list[int] = []

    def send() -> None:
        browser = TestClient(app)
        browser.cookies.set("robeing_portal_csrf", cookie, path="/portal")
        start.wait()
        answers.append(browser.post("/portal/register", data=data,
                                    follow_redirects=False).status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [303] * 4
    assert partners(db) == 1
