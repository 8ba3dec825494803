"""The index's change counter: bumped by every write that changes what ``/simple/`` shows."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class IndexState(SQLModel, table=True):
    __tablename__ = "index_state"

    id: int = Field(default=1, primary_key=True)
    serial: int = 0
