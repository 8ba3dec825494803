"""The twine-compatible upload endpoint: the rules of RELIABILITY.md's upload section."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from marketplace.accounts import service as accounts
from marketplace.catalog import service as catalog
from marketplace.db import Database
from marketplace.releases import service as releases
from marketplace.releases.models import File, Release


def count_files(db: Database) -> int:
    with db.read() as session:
        return len(session.exec(select(File)).all())


def stored(app: Any) -> list[str]:
    return list(app.state.store.keys())


def test_first_upload_registers_the_skill(client: TestClient, make_partner: Any,
                                          wheels: Any, upload_file: Any, db: Database) -> None:
    partner = make_partner()
    response = upload_file(partner, wheels())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["created"] is True
    assert body["skill"] == "hello-skill" and body["version"] == "1.0.0"
    assert count_files(db) == 1


def test_identical_reupload_is_a_harmless_200(client: TestClient, make_partner: Any,
                                              wheels: Any, upload_file: Any, db: Database,
                                              app: Any) -> None:
    partner = make_partner()
    wheel = wheels()
    assert upload_file(partner, wheel).status_code == 200
    again = upload_file(partner, wheel)
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert count_files(db) == 1
    assert len(stored(app)) == 1


def test_same_filename_other_bytes_is_refused(client: TestClient, make_partner: Any,
                                              wheels: Any, upload_file: Any, db: Database,
                                              app: Any) -> None:
    partner = make_partner()
    assert upload_file(partner, wheels(summary="first")).status_code == 200
    response = upload_file(partner, wheels(summary="second, different bytes"))
    assert response.status_code == 400
    assert response.json()["detail"].startswith("File already exists")
    assert "already exist" in response.text.lower()  # what twine --skip-existing looks for
    assert count_files(db) == 1
    assert len(stored(app)) == 1


def test_deleted_file_name_can_never_be_reused(client: TestClient, make_partner: Any,
                                               wheels: Any, upload_file: Any,
                                               db: Database) -> None:
    partner = make_partner()
    wheel = wheels()
    assert upload_file(partner, wheel).status_code == 200
    with db.write() as session:  # deleted: the row stays, marked (file.deleted_at)
        skill = catalog.get_skill(session, "hello-skill")
        releases.delete_file(session, skill, wheel.name)
        session.commit()
    response = upload_file(partner, wheel)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("File already exists")
    assert count_files(db) == 1


def test_second_file_may_join_a_release(client: TestClient, make_partner: Any,
                                        wheels: Any, upload_file: Any, db: Database) -> None:
    partner = make_partner()
    assert upload_file(partner, wheels()).status_code == 200
    assert upload_file(partner, wheels(tag="py311-none-any")).status_code == 200
    with db.read() as session:
        assert len(session.exec(select(Release)).all()) == 1
    assert count_files(db) == 2


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer rbt_not-a-real-token"},
    {"Authorization": "Basic bm90LWJhc2U2NA=="},
    {"Authorization": "Digest abc"},
])
def test_missing_or_wrong_credentials_are_401(client: TestClient, wheels: Any,
                                              upload_file: Any, db: Database, app: Any,
                                              headers: dict[str, str]) -> None:
    response = upload_file(None, wheels(), headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert set(response.json()) == {"type", "title", "status", "detail"}
    assert count_files(db) == 0 and stored(app) == []


def test_revoked_token_is_401(client: TestClient, make_partner: Any, wheels: Any,
                              upload_file: Any, db: Database) -> None:
    partner = make_partner()
    with db.write() as session:
        accounts.revoke_token(session, partner.id, partner.token_id)
        session.commit()
    response = upload_file(partner, wheels())
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_bearer_token_works_and_records_last_use(client: TestClient, make_partner: Any,
                                                 wheels: Any, upload_file: Any,
                                                 db: Database) -> None:
    partner = make_partner()
    response = upload_file(partner, wheels(), headers=partner.bearer)
    assert response.status_code == 200, response.text
    with db.read() as session:
        token = accounts.list_tokens(session, partner.id)[0]
    assert token.last_used_at is not None


def test_another_partner_gets_403_and_nothing_changes(client: TestClient, make_partner: Any,
                                                      wheels: Any, upload_file: Any,
                                                      db: Database, app: Any) -> None:
    owner, intruder = make_partner("owner"), make_partner("intruder")
    assert upload_file(owner, wheels()).status_code == 200
    response = upload_file(intruder, wheels(version="2.0.0"))
    assert response.status_code == 403
    assert "not an owner or maintainer" in response.json()["detail"]
    assert count_files(db) == 1 and len(stored(app)) == 1


def test_token_scoped_to_another_skill_is_403(client: TestClient, make_partner: Any,
                                              wheels: Any, upload_file: Any,
                                              db: Database) -> None:
    scoped = make_partner("acme", scope="other-skill")
    response = upload_file(scoped, wheels())
    assert response.status_code == 403
    assert count_files(db) == 0


def test_normalized_name_collision_belongs_to_the_owner(client: TestClient, make_partner: Any,
                                                        wheels: Any, upload_file: Any) -> None:
    owner, other = make_partner("owner"), make_partner("other")
    assert upload_file(owner, wheels("hello-skill")).status_code == 200
    response = upload_file(other, wheels("Hello.Skill", version="9.0"))
    assert response.status_code in (400, 403, 409)


@pytest.mark.parametrize(("override", "fragment"), [
    ({"protocol_version": "2"}, "protocol_version"),
    ({":action": "submit"}, ":action"),
    ({"filetype": "bdist_egg"}, "filetype"),
    ({"sha256_digest": None}, "sha256_digest"),
])
def test_malformed_forms_are_400(client: TestClient, make_partner: Any, wheels: Any,
                                 upload_file: Any, override: dict[str, str | None],
                                 fragment: str) -> None:
    response = upload_file(make_partner(), wheels(), **override)
    assert response.status_code == 400
    assert fragment in response.json()["detail"]


def test_missing_file_part_is_400(client: TestClient, make_partner: Any) -> None:
    partner = make_partner()
    response = client.post("/legacy/", data={":action": "file_upload", "protocol_version": "1",
                                             "filetype": "bdist_wheel", "sha256_digest": "0"},
                           headers=partner.basic)
    assert response.status_code == 400
    assert "content" in response.json()["detail"]


def test_wrong_digest_is_400_and_nothing_stored(client: TestClient, make_partner: Any,
                                                wheels: Any, upload_file: Any, db: Database,
                                                app: Any) -> None:
    response = upload_file(make_partner(), wheels(), sha256_digest="0" * 64)
    assert response.status_code == 400
    assert count_files(db) == 0 and stored(app) == []


def test_oversized_upload_is_413(client: TestClient, make_partner: Any, wheels: Any,
                                 upload_file: Any, db: Database) -> None:
    import os

    big = wheels(extra_files={"hello_skill/blob.bin": os.urandom(3 * 1024 * 1024)})
    response = upload_file(make_partner(), big)
    assert response.status_code == 413
    assert count_files(db) == 0


def test_crash_between_file_and_row_leaves_no_row_and_retry_succeeds(
        client: TestClient, make_partner: Any, wheels: Any, upload_file: Any, db: Database,
        app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    partner = make_partner()
    wheel = wheels()

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("worker killed between the file write and the commit")

    monkeypatch.setattr(releases, "_record", crash)
    with pytest.raises(RuntimeError):
        upload_file(partner, wheel)
    assert count_files(db) == 0
    assert len(stored(app)) == 1  # the orphan blob; the retry overwrites it
    monkeypatch.undo()
    response = upload_file(partner, wheel)
    assert response.status_code == 200 and response.json()["created"] is True
    assert count_files(db) == 1 and len(stored(app)) == 1


def test_sweep_removes_only_orphans(client: TestClient, make_partner: Any, wheels: Any,
                                    upload_file: Any, db: Database, app: Any,
                                    tmp_path: Path) -> None:
    assert upload_file(make_partner(), wheels()).status_code == 200
    orphan = tmp_path / "orphan.bin"
    orphan.write_bytes(b"left by a crash")
    from marketplace.storage import sha256_of

    app.state.store.put(sha256_of(orphan), orphan)
    assert releases.sweep_orphans(db, app.state.store) == []  # too recent: maybe in flight
    assert len(stored(app)) == 2
    assert releases.sweep_orphans(db, app.state.store,
                                  older_than=timedelta(0)) == [sha256_of(orphan)]
    assert len(stored(app)) == 1


def test_concurrent_uploads_of_the_same_new_file(app: Any, make_partner: Any, wheels: Any,
                                                 db: Database, upload_with: Any) -> None:
    """Threads upload the same new file at once: one row, one blob, every one answered."""
    upload = upload_with
    partner = make_partner()
    wheel = wheels()
    barrier = threading.Barrier(4)
    results: list[int] = []

    def worker() -> None:
        with TestClient(app) as own_client:
            barrier.wait()
            results.append(upload(own_client, partner, wheel).status_code)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 200, 200, 200]
    assert count_files(db) == 1
    assert len(stored(app)) == 1


def test_concurrent_uploads_of_different_bytes_one_wins(app: Any, make_partner: Any,
                                                        wheels: Any, db: Database,
                                                        upload_with: Any) -> None:
    """Same file name, different bytes, at once: one 200, the others "File already exists"."""
    partner = make_partner()
    contenders = [wheels(summary=f"variant {i}") for i in range(3)]
    barrier = threading.Barrier(len(contenders))
    results: list[tuple[int, str]] = []

    def worker(path: Path) -> None:
        with TestClient(app) as own_client:
            barrier.wait()
            response = upload_with(own_client, partner, path)
            results.append((response.status_code, response.text))

    threads = [threading.Thread(target=worker, args=(path,)) for path in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(code for code, _ in results)
    assert codes == [200, 400, 400], results
    assert all("File already exists" in body for code, body in results if code == 400)
    assert count_files(db) == 1
    assert len(stored(app)) == 1  # losers were refused before their bytes were stored


def test_confusable_name_is_flagged(client: TestClient, make_partner: Any, wheels: Any,
                                    upload_file: Any) -> None:
    owner = make_partner("a")
    assert upload_file(owner, wheels("toasting")).status_code == 200
    assert upload_file(owner, wheels("toastlng")).status_code == 200  # its own look-alike
    assert upload_file(make_partner("b"), wheels("t0asting")).status_code == 200
    assert client.get("/v1/skills/toasting").json()["flagged_confusable"] is False
    assert client.get("/v1/skills/toastlng").json()["flagged_confusable"] is True
    # Another owner's look-alike is stored but held for staff review (tests/marketplace/review).
    assert client.get("/v1/skills/t0asting").status_code == 404


def test_a_registered_partner_cannot_publish_a_paid_skill(client: TestClient, make_partner: Any,
                                                          wheels: Any, upload_file: Any,
                                                          db: Database, app: Any) -> None:
    partner = make_partner()
    paid = wheels(price='kind = "one_time"\namount = 30000\ncurrency = "KRW"')
    response = upload_file(partner, paid)
    assert response.status_code == 403
    assert "may publish free skills only: a one_time price needs the certified" in response.text
    assert count_files(db) == 0 and stored(app) == []
    assert upload_file(partner, wheels()).status_code == 200  # free skills are fine
