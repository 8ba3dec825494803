"""Alembic environment: always run through :mod:`marketplace.schema` with a live connection."""

from __future__ import annotations

from alembic import context

from marketplace.schema import target_metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - alembic's own CLI is not the supported path
    raise RuntimeError("Run migrations with `robeing marketplace upgrade`.")

context.configure(connection=connection, target_metadata=target_metadata,
                  render_as_batch=connection.dialect.name == "sqlite",
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
