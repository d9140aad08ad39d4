"""The directory version, bumped by every change so that each worker rebuilds its index."""

from __future__ import annotations

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import DirectoryState


def bump_directory_version() -> None:
    """Record that the directory changed, so every worker's engine index is rebuilt."""
    updated = db.session.execute(
        sa.update(DirectoryState)
        .where(DirectoryState.id == 1)
        .values(version=DirectoryState.version + 1)
    )
    if updated.rowcount == 0:
        db.session.add(DirectoryState(id=1, version=1))


def directory_version() -> int:
    """The stored directory version (0 before anything was loaded)."""
    return db.session.scalar(sa.select(DirectoryState.version).where(DirectoryState.id == 1)) or 0
