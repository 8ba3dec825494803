"""Publishing files into releases, and reading releases back (index, API, compatibility).

Publishing is file first, row second: the bytes go into the content-addressed store, then one
transaction inserts the skill (on first upload), the release and the file row. A crash in
between leaves at most an unreferenced blob that the retry overwrites and
:func:`sweep_orphans` removes. Concurrent uploads of the same file meet at the unique file
name: the loser's transaction fails, is retried once, and then sees the winner's row
(identical bytes: a no-op; other bytes: "File already exists"). A refused contender removes
the blob it wrote if no row points at it; that clean-up and the recording transaction hold
the same per-digest lock (an advisory lock on PostgreSQL; SQLite's ``BEGIN IMMEDIATE``
serializes every writer), and the recording transaction re-stores a blob found missing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from packaging.version import InvalidVersion, Version
from sqlalchemy import func, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from marketplace.accounts.service import Principal, touch_token
from marketplace.catalog import service as catalog
from marketplace.catalog.models import Skill
from marketplace.db import Database, utcnow
from marketplace.errors import (
    Conflict,
    FileExists,
    Forbidden,
    MarketplaceError,
    NotFound,
    ServiceBusy,
)
from marketplace.index.service import bump_serial
from marketplace.messages import N_
from marketplace.partners import service as partners
from marketplace.releases.models import (
    DownloadDay,
    File,
    FilePublic,
    Release,
    ReleasePublic,
    YankRequest,
)
from marketplace.review import service as review
from marketplace.review.models import ReviewStatus
from marketplace.storage import ArtifactStore
from robeing_sdk.manifest import PriceKind, SkillManifest

if TYPE_CHECKING:
    from marketplace.distributions import InspectedFile


log = logging.getLogger("marketplace")


@dataclass(frozen=True, slots=True)
class PublishOutcome:
    created: bool  # False: the identical file was already there (a harmless retry)
    skill: str
    version: str
    filename: str
    sha256: str
    name_review: ReviewStatus | None = None  # pending: stored, but held out of the index


def file_url(sha256: str, filename: str) -> str:
    return f"/files/{sha256[:2]}/{sha256[2:4]}/{sha256}/{filename}"


def version_key(version: str) -> Version:
    try:
        return Version(version)
    except InvalidVersion:  # pragma: no cover - only valid versions are stored
        return Version("0")


def publish(db: Database, store: ArtifactStore, principal: Principal,
            inspected: InspectedFile, source: Path) -> PublishOutcome:
    """Store an inspected upload and record it; see the module docstring for the order."""
    with db.read() as session:
        outcome = _check(session, principal, inspected)
    if outcome is not None:
        return outcome
    with _store_call(inspected.sha256):
        existed = store.exists(inspected.sha256)
        store.put(inspected.sha256, source)
    try:
        for attempt in range(3):
            try:
                with db.write() as session:
                    outcome = _record(session, store, principal, inspected, source)
                    session.commit()
                    return outcome
            except IntegrityError:
                if attempt == 2:
                    raise Conflict(N_("A concurrent upload changed this skill; retry.")) from None
    except MarketplaceError:
        if not existed:  # refused after all (a concurrent upload won): leave nothing behind
            discard_blobs(db, store, [inspected.sha256])
        raise
    raise AssertionError("unreachable")  # pragma: no cover


@contextmanager
def _store_call(sha256: str) -> Iterator[None]:
    """An artifact store that fails (a full disk, an S3 outage, an object that will not
    hold the right bytes) makes the upload a 503 to retry, with nothing recorded."""
    try:
        yield
    except MarketplaceError:
        raise
    except Exception as exc:  # any store failure, local or remote
        log.warning("The artifact store failed to store %s.", sha256, exc_info=True)
        raise ServiceBusy(N_("The artifact store could not take the file just now, so "
                             "nothing was published; retry in a moment.")) from exc


def _lock_digest(session: Session, sha256: str) -> None:
    """Serialize writers of one digest (SQLite's BEGIN IMMEDIATE already serializes all)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                        {"key": int(sha256[:15], 16)})


def _discard_unreferenced(db: Database, store: ArtifactStore, sha256: str) -> bool:
    """Delete the blob unless a file row points at it (under the digest's lock)."""
    with db.write() as session:
        _lock_digest(session, sha256)
        unreferenced = session.exec(select(File.id).where(
            File.sha256 == sha256, col(File.deleted_at).is_(None))).first() is None
        if unreferenced:
            store.delete(sha256)
        session.commit()
    return unreferenced


def _check(session: Session, principal: Principal, inspected: InspectedFile, *,
           lock: bool = False) -> PublishOutcome | None:
    """Authorization and file-name rules; returns an outcome for an identical retry."""
    skill = catalog.find_skill(session, inspected.name)
    if skill is None:
        catalog.check_can_register(inspected.name, principal)
    else:
        catalog.require_publisher(session, skill, principal)
        review.check_publish(session, skill.id, skill.name, lock=lock)
    price = inspected.manifest.price
    if price.kind is not PriceKind.FREE and not partners.may_publish_paid_skills(
            session, principal.partner_id):
        raise Forbidden(N_("{partner_name} may publish free skills only: a {value} price needs "
                           "the certified partner tier or above."),
                        partner_name=principal.partner_name, value=price.kind.value)
    existing = session.exec(select(File).where(File.filename == inspected.filename)).first()
    if existing is not None and existing.deleted_at is not None:
        raise FileExists(N_("File already exists: {filename} was deleted and its name can "
                            "never be used again; use a new version."),
                         filename=repr(inspected.filename))
    if existing is not None:
        if existing.sha256 == inspected.sha256:
            release = session.get(Release, existing.release_id)
            return PublishOutcome(False, inspected.name,
                                  release.version if release else inspected.version,
                                  existing.filename, existing.sha256,
                                  catalog.review_status(session, skill) if skill else None)
        raise FileExists(N_("File already exists: {filename} was uploaded before with "
                            "different contents; use a new version."),
                         filename=repr(inspected.filename))
    same_bytes = session.exec(select(File).where(File.sha256 == inspected.sha256)).first()
    if same_bytes is not None:
        raise FileExists(N_("File already exists: the same contents were uploaded as "
                            "{filename}."), filename=repr(same_bytes.filename))
    return None


def _record(session: Session, store: ArtifactStore, principal: Principal,
            inspected: InspectedFile, source: Path) -> PublishOutcome:
    outcome = _check(session, principal, inspected, lock=True)
    if outcome is not None:
        return outcome
    _lock_digest(session, inspected.sha256)
    with _store_call(inspected.sha256):
        if not store.exists(inspected.sha256):  # removed by a refused contender's clean-up
            store.put(inspected.sha256, source)
    touch_token(session, principal)
    skill = catalog.find_skill(session, inspected.name)
    if skill is None:
        skill = catalog.register_skill(session, inspected.name, principal)
    version = str(Version(inspected.version))
    release = session.exec(select(Release).where(Release.skill_id == skill.id,
                                                 Release.version == version)).first()
    if release is None:
        release = Release(skill_id=skill.id, version=version,
                          summary=(inspected.summary or "")[:512],
                          requires_python=inspected.requires_python,
                          sdk_specifier=inspected.manifest.sdk,
                          is_prerelease=Version(version).is_prerelease,
                          manifest_json=inspected.manifest.model_dump_json())
        session.add(release)
        session.flush()
    session.add(File(release_id=release.id, skill_id=skill.id, filename=inspected.filename,
                     filetype=inspected.filetype, size=inspected.size, sha256=inspected.sha256,
                     blake2_256=inspected.blake2_256, requires_python=inspected.requires_python,
                     core_metadata=inspected.metadata,
                     core_metadata_sha256=hashlib.sha256(inspected.metadata).hexdigest(),
                     uploaded_by=principal.partner_id))
    session.flush()
    refresh_listing(session, skill)
    return PublishOutcome(True, skill.name, version, inspected.filename, inspected.sha256,
                          catalog.review_status(session, skill))


def releases_of(session: Session, skill: Skill) -> list[Release]:
    """Newest first, by PEP 440."""
    rows = session.exec(select(Release).where(Release.skill_id == skill.id)).all()
    return sorted(rows, key=lambda r: version_key(r.version), reverse=True)


def _releases_with_files(session: Session, skill: Skill) -> set[uuid.UUID]:
    return set(session.exec(select(File.release_id).where(
        File.skill_id == skill.id, col(File.deleted_at).is_(None))).all())


def refresh_listing(session: Session, skill: Skill) -> None:
    """Point the catalog at the newest non-yanked release with a file, stable before
    pre-releases."""
    installable = _releases_with_files(session, skill)
    live = [r for r in releases_of(session, skill) if not r.yanked and r.id in installable]
    newest = next((r for r in live if not r.is_prerelease), live[0] if live else None)
    manifest = SkillManifest.model_validate_json(newest.manifest_json) if newest else None
    bump_serial(session)
    catalog.update_listing(skill, version=newest.version if newest else None,
                           summary=newest.summary if newest else skill.summary,
                           manifest=manifest, session=session)
    session.add(skill)


def get_release(session: Session, skill: Skill, version: str) -> Release:
    try:
        canonical = str(Version(version))
    except ValueError:  # InvalidVersion, or more digits than int() converts
        raise NotFound(N_("{name} has no release {version}."),
                       name=skill.name, version=repr(version)) from None
    release = session.exec(select(Release).where(Release.skill_id == skill.id,
                                                 Release.version == canonical)).first()
    if release is None:
        raise NotFound(N_("{name} has no release {version}."),
                       name=skill.name, version=repr(version))
    return release


def files_of(session: Session, skill: Skill) -> list[tuple[File, Release]]:
    """Every file of a skill with its release, oldest version first (index order)."""
    rows = session.exec(select(File, Release).join(Release, File.release_id == Release.id)  # type: ignore[arg-type]
                        .where(File.skill_id == skill.id, col(File.deleted_at).is_(None))).all()
    return sorted(rows, key=lambda fr: (version_key(fr[1].version), fr[0].filename))


def _fields(row: object, model: type[SQLModel], skip: set[str]) -> dict[str, Any]:
    """Attribute values for ``model``'s fields (works on expired rows, unlike model_dump)."""
    return {name: getattr(row, name) for name in model.model_fields if name not in skip}


def public_files(rows: Iterable[tuple[File, Release]]) -> list[FilePublic]:
    return [FilePublic(**_fields(f, FilePublic, {"version", "url", "yanked", "yanked_reason"}),
                       version=r.version,
                       url=file_url(f.sha256, f.filename), yanked=r.yanked,
                       yanked_reason=r.yanked_reason) for f, r in rows]


def public_releases(session: Session, skill: Skill) -> list[ReleasePublic]:
    by_release: dict[uuid.UUID, list[FilePublic]] = {}
    rows = files_of(session, skill)
    for (file, _), public in zip(rows, public_files(rows), strict=True):
        by_release.setdefault(file.release_id, []).append(public)
    return [ReleasePublic(**_fields(r, ReleasePublic, {"files"}), files=by_release.get(r.id, []))
            for r in releases_of(session, skill)]


def set_yanked(session: Session, skill: Skill, version: str, data: YankRequest) -> Release:
    """Yank (PEP 592: pip skips it unless pinned exactly) or un-yank a release."""
    release = get_release(session, skill, version)
    release.yanked = data.yanked
    release.yanked_reason = (data.reason or "") if data.yanked else None
    session.add(release)
    session.flush()
    refresh_listing(session, skill)
    return release


def compatible(session: Session, skill: Skill, sdk_version: str, *,
               pre: bool = False) -> Release:
    """The newest non-yanked release whose manifest's SDK range contains ``sdk_version``."""
    from packaging.specifiers import SpecifierSet

    installable = _releases_with_files(session, skill)
    for release in releases_of(session, skill):
        if release.yanked or (release.is_prerelease and not pre) or release.id not in installable:
            continue
        if SpecifierSet(release.sdk_specifier).contains(sdk_version, prereleases=True):
            return release
    raise NotFound(N_("No release of {name} supports SDK version {sdk_version}."),
                   name=skill.name, sdk_version=sdk_version)


def find_file(session: Session, sha256: str, filename: str) -> File:
    """A downloadable file: not deleted, and not of a skill held for name review."""
    file = session.exec(select(File).where(File.filename == filename)).first()
    if (file is None or file.sha256 != sha256 or file.deleted_at is not None
            or review.is_hidden(session, file.skill_id)):
        raise NotFound(N_("No such file."))
    return file


def delete_file(session: Session, skill: Skill, filename: str) -> str:
    """Mark a file deleted (owners only; the caller checks): it leaves the index and the API,
    its row stays so the name is refused forever. Returns its digest for
    :func:`discard_blob`, to be called after the commit."""
    file = session.exec(select(File).where(File.filename == filename,
                                           File.skill_id == skill.id)).first()
    if file is None or file.deleted_at is not None:
        raise NotFound(N_("{name} has no file {filename}."),
                       name=skill.name, filename=repr(filename))
    file.deleted_at = utcnow()
    session.add(file)
    session.flush()
    refresh_listing(session, skill)
    return file.sha256


def discard_blob(db: Database, store: ArtifactStore, sha256: str) -> None:
    """Remove a deleted file's bytes unless a live file still has them."""
    _discard_unreferenced(db, store, sha256)


def retire_files(session: Session, skill_id: uuid.UUID) -> list[str]:
    """Mark every file of a skill whose name staff rejected as deleted, in the caller's
    transaction, and return their digests for :func:`discard_blobs` after the commit.

    Rows first, bytes after the commit: a crash in between leaves only blobs no live row
    points at, which :func:`sweep_orphans` removes; never a live row without its bytes. The
    rows stay (without their copy of the metadata), so the names are refused forever, as a
    deleted file's are.
    """
    files = session.exec(select(File).where(File.skill_id == skill_id,
                                            col(File.deleted_at).is_(None))).all()
    now = utcnow()
    for file in files:
        file.deleted_at = now
        file.core_metadata = b""
        session.add(file)
    skill = session.get(Skill, skill_id)
    if files and skill is not None:
        session.flush()
        refresh_listing(session, skill)
    return sorted({file.sha256 for file in files})


def discard_blobs(db: Database, store: ArtifactStore, digests: Iterable[str]) -> list[str]:
    """Remove each blob no live file row references (a blob may be shared by another row:
    content-addressed storage keeps one copy of the same bytes); returns the removed ones.

    Runs after the rows are committed; a store error is logged and left to
    :func:`sweep_orphans`, since the rows' change already stands.
    """
    removed = []
    for sha256 in digests:
        try:
            if _discard_unreferenced(db, store, sha256):
                removed.append(sha256)
        except Exception:  # any store failure: the sweep retries it
            log.warning("Could not remove blob %s now; the orphan sweep will.", sha256,
                        exc_info=True)
    return removed


def retire_rejected_files(db: Database) -> list[str]:
    """Mark deleted any live file of a rejected skill (rejections decided before files were
    removed on rejection); returns their digests. Run by :func:`sweep_orphans`."""
    with db.write() as session:
        skill_ids = session.exec(select(File.skill_id).distinct().where(
            col(File.skill_id).in_(review.rejected_skill_ids()),
            col(File.deleted_at).is_(None))).all()
        digests = [digest for skill_id in skill_ids for digest in retire_files(session, skill_id)]
        session.commit()
    return digests


def count_download(session: Session, file_id: uuid.UUID, at: datetime | None = None) -> None:
    """Count one download of a file, of its skill and of the skill's day. Every counter is
    one SQL increment (``n = n + 1``, an upsert for the day), never read-then-write, so
    concurrent downloads on PostgreSQL lose no count."""
    skill_id = session.exec(update(File).where(col(File.id) == file_id)
                            .values(downloads=col(File.downloads) + 1)
                            .returning(col(File.skill_id))).scalar_one_or_none()
    if skill_id is not None:
        catalog.count_download(session, skill_id)
        _count_day(session, skill_id, (at or utcnow()).date())


def _count_day(session: Session, skill_id: uuid.UUID, day: date) -> None:
    """Add one to the skill's count for ``day``: a single insert-or-increment statement, so
    concurrent downloads neither lose a count nor collide on the first one of a day."""
    table = DownloadDay.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        statement: Any = pg_insert(table)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        statement = sqlite_insert(table)
    statement = statement.values(skill_id=skill_id, day=day, downloads=1)
    session.exec(statement.on_conflict_do_update(
        index_elements=[table.c.skill_id, table.c.day],
        set_={"downloads": table.c.downloads + 1}))


def downloads_by_day(session: Session, skill_ids: Iterable[uuid.UUID], days: int,
                     today: date) -> list[tuple[date, int]]:
    """Downloads per UTC day of these skills together, the ``days`` days up to ``today``,
    oldest first, days without downloads as 0."""
    first = today - timedelta(days=days - 1)
    ids = list(skill_ids)
    counts: dict[date, int] = {}
    if ids:
        rows = session.exec(select(col(DownloadDay.day), func.sum(DownloadDay.downloads))
                            .where(col(DownloadDay.skill_id).in_(ids),
                                   col(DownloadDay.day) >= first,
                                   col(DownloadDay.day) <= today)
                            .group_by(col(DownloadDay.day))).all()
        counts = {day: int(total or 0) for day, total in rows}
    return [(first + timedelta(days=i), counts.get(first + timedelta(days=i), 0))
            for i in range(days)]


SWEEP_GRACE: Final = timedelta(hours=1)


def sweep_orphans(db: Database, store: ArtifactStore, *, keep: Iterable[str] = (),
                  older_than: timedelta = SWEEP_GRACE) -> list[str]:
    """Delete stored blobs no file row points at (left by crashes); returns their digests.

    Only blobs stored more than ``older_than`` ago are candidates, so an upload in flight
    (blob written, row not yet committed) keeps its blob; each candidate is re-checked and
    deleted under the same per-digest lock that recording an upload holds. ``keep`` names
    digests to leave alone regardless. Files of skills whose names were rejected are marked
    deleted first (:func:`retire_rejected_files`); their blobs go at once, whatever their age.
    """
    removed = discard_blobs(db, store, retire_rejected_files(db))
    with db.read() as session:
        referenced = set(session.exec(select(File.sha256).where(
            col(File.deleted_at).is_(None))).all())
    referenced.update(keep)
    cutoff = utcnow() - older_than
    for key in list(store.keys()):
        if key in referenced:
            continue
        stored_at = store.stored_at(key)
        if stored_at is not None and stored_at <= cutoff and _discard_unreferenced(db, store, key):
            removed.append(key)
    return removed


def manifest_of(release: Release) -> dict[str, object]:
    data: dict[str, object] = json.loads(release.manifest_json)
    return data


def newest_upload(rows: Iterable[tuple[File, Release]]) -> datetime | None:
    return max((f.uploaded_at for f, _ in rows), default=None)
