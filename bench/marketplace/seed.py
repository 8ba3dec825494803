"""Fill a marketplace database with N skills x R releases for benchmarks (rows written directly;
the blobs are not needed to serve index pages and search).

    python bench/marketplace/seed.py --data-dir /tmp/bench-mp --skills 10000 --releases 3
    ROBEING_DATABASE_URL=postgresql+psycopg://… python bench/marketplace/seed.py --skills 10000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from marketplace import schema
from marketplace.accounts.models import Partner
from marketplace.catalog.models import Skill, SkillRole
from marketplace.catalog.service import confusable_key
from marketplace.db import Database
from marketplace.releases.models import File, Release
from marketplace.settings import Settings

WORDS = ["invoice", "calendar", "tax", "quote", "reply", "greeting", "schedule", "booking",
         "receipt", "reminder", "translate", "summary", "email", "chat", "report", "budget",
         "payroll", "inventory", "order", "shipping"]


def names(count: int) -> list[str]:
    """The skill names the seed uses (the same for every server in a run)."""
    rng = random.Random(42)
    return [f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{i}" for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=Path(".bench-marketplace"))
    parser.add_argument("--skills", type=int, default=10_000)
    parser.add_argument("--releases", type=int, default=3)
    args = parser.parse_args()
    seed(Settings(data_dir=args.data_dir), args.skills, args.releases)


def seed(settings: Settings, skills: int, releases_per_skill: int) -> None:
    db = Database(settings)
    schema.upgrade(db)
    rng = random.Random(7)
    all_names = names(skills)
    now = datetime.now(UTC)
    partner = Partner(name=f"bench-{uuid.uuid4().hex[:6]}", email="bench@example.com")
    with db.write() as session:
        session.add(partner)
        session.commit()
        partner_id = partner.id
    manifest = json.dumps({"name": "x", "sdk": ">=0.1,<1", "display_name": {"en": "X"},
                           "description": {"en": "X"}})
    batch = 1000
    for start in range(0, skills, batch):
        skill_rows, roles, releases, files = [], [], [], []
        for i in range(start, min(start + batch, skills)):
            name = all_names[i]
            skill_id = uuid.uuid4()
            summary = f"Helps with {' and '.join(rng.sample(WORDS, 3))}."
            skill_rows.append(dict(
                id=skill_id, name=name, confusable_key=confusable_key(name),
                flagged_confusable=False, display_name=name.title(), summary=summary,
                search_text=f"{name}\n{summary}\n{rng.choice(WORDS)} 스킬".lower(),
                categories=rng.choice(["finance", "productivity", "social"]),
                locales="en ko", price_kind="free", latest_version=f"1.{releases_per_skill - 1}.0",
                sdk_specifier=">=0.1,<1", downloads=rng.randint(0, 10_000), deprecated=False,
                created_at=now - timedelta(minutes=i), updated_at=now))
            roles.append(dict(id=uuid.uuid4(), skill_id=skill_id, partner_id=partner_id,
                              role="owner"))
            module = name.replace("-", "_")
            for r in range(releases_per_skill):
                release_id = uuid.uuid4()
                version = f"1.{r}.0"
                releases.append(dict(
                    id=release_id, skill_id=skill_id, version=version, summary=summary,
                    requires_python=">=3.11", sdk_specifier=">=0.1,<1", yanked=False,
                    is_prerelease=False, manifest_json=manifest, created_at=now))
                filename = f"{module}-{version}-py3-none-any.whl"
                metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
                digest = hashlib.sha256(filename.encode()).hexdigest()
                files.append(dict(
                    id=uuid.uuid4(), release_id=release_id, skill_id=skill_id,
                    filename=filename, filetype="bdist_wheel", size=10_000, sha256=digest,
                    blake2_256=digest, requires_python=">=3.11", core_metadata=metadata,
                    core_metadata_sha256=hashlib.sha256(metadata).hexdigest(),
                    uploaded_by=partner_id, uploaded_at=now, downloads=0))
        with db.write() as session:
            for model, rows in ((Skill, skill_rows), (SkillRole, roles), (Release, releases),
                                (File, files)):
                session.execute(insert(model), rows)
            session.commit()
    db.dispose()
    print(f"seeded {skills} skills x {releases_per_skill} releases into "
          f"{settings.resolved_database_url}")


if __name__ == "__main__":
    main()
