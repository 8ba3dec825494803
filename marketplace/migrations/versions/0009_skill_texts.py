"""skill display names and descriptions per locale (issue 4)

Revision ID: a9000000skilltexts
Revises: a8000000portal
Create Date: 2026-11-24 19:10:00

``skill_text`` holds one row per skill and language: the display name and description of
the skill's newest manifest. A table of its own leaves ``skill`` (and SQLite's search
triggers on it, migration ``7c2e41a9d3f0``) untouched; search keeps matching every language
through ``skill.search_text``, which already holds all of them. Existing skills are filled
from the manifest of their listed release, or get their English name alone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a9000000skilltexts'
down_revision: str | None = 'a8000000portal'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    texts = op.create_table(
        'skill_text',
        sa.Column('skill_id', sa.Uuid(), sa.ForeignKey('skill.id'), nullable=False),
        sa.Column('locale', sa.String(length=16), nullable=False),
        sa.Column('display_name', sa.String(length=2000), nullable=False),
        sa.Column('description', sa.String(length=2000), nullable=False),
        sa.PrimaryKeyConstraint('skill_id', 'locale'),
    )
    skill = sa.table('skill', sa.column('id', sa.Uuid()), sa.column('display_name', sa.String()),
                     sa.column('latest_version', sa.String()))
    release = sa.table('release', sa.column('skill_id', sa.Uuid()),
                       sa.column('version', sa.String()), sa.column('manifest_json', sa.Text()))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(skill.c.id, skill.c.display_name, release.c.manifest_json).select_from(
            skill.outerjoin(release, sa.and_(release.c.skill_id == skill.c.id,
                                             release.c.version == skill.c.latest_version)))
    ).all()
    filled: list[dict[str, object]] = []
    for skill_id, display_name, manifest_json in rows:
        manifest = json.loads(manifest_json or "{}")
        names = manifest.get("display_name") or {"en": display_name}
        descriptions = manifest.get("description") or {}
        filled.extend({"skill_id": skill_id, "locale": locale,
                       "display_name": names.get(locale, ""),
                       "description": descriptions.get(locale, "")}
                      for locale in sorted(set(names) | set(descriptions)))
    if filled:
        op.bulk_insert(texts, filled)


def downgrade() -> None:
    op.drop_table('skill_text')
