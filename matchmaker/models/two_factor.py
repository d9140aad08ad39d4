"""The second factor's tables: each staff member's authenticator and recovery codes.

services/two_factor.py is their only user.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.extensions import db
from matchmaker.models.base import UTCDateTime, utcnow


class Authenticator(db.Model):
    """A staff member's TOTP authenticator (RFC 6238). The secret is kept encrypted; the last
    time step accepted is kept so that no code works twice."""

    __tablename__ = "authenticator"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True
    )
    secret: Mapped[str] = mapped_column(sa.String(255))  # a Fernet token of the base32 secret
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: enrolling
    last_step: Mapped[int | None] = mapped_column()  # the 30-second step of the last code used
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecoveryCode(db.Model):
    """A one-time recovery code, kept as its Argon2id hash; used_at once it has been used."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(sa.String(255))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
