"""A lead's conversation with the investor: messages (sent and received) and attachments."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.extensions import db
from matchmaker.models.base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from matchmaker.models.accounts import User
    from matchmaker.models.leads import Inquiry
    from matchmaker.models.outbox import OutboxMessage


class MessageDirection(enum.StrEnum):
    OUTBOUND = "out"  # staff wrote to the investor
    INBOUND = "in"  # received at the agency's inbound address


class UnmatchedReason(enum.StrEnum):
    """Why a received mail is on no lead."""

    NO_TOKEN = "no_token"  # sent to the plain inbound address
    INVALID = "invalid"  # a token the service did not sign (forged or damaged)
    UNKNOWN_LEAD = "unknown_lead"  # a genuine token of a lead that no longer exists


class LeadMessage(db.Model):
    """One message of a lead's conversation with the investor: written by staff (and sent
    through the outbox) or received at the lead's reply address. A received mail that names no
    lead has no inquiry: it waits in the unmatched list until staff attach or discard it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("inquiry.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(sa.String(3))
    template: Mapped[str] = mapped_column(sa.String(30), default="")  # what staff started from
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    outbox_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_message.id", ondelete="SET NULL")
    )
    sender: Mapped[str] = mapped_column(sa.String(254), default="")  # received: From address
    sender_name: Mapped[str] = mapped_column(sa.String(200), default="")
    recipient: Mapped[str] = mapped_column(sa.String(254), default="")
    lang: Mapped[str] = mapped_column(sa.String(5), default="")
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    body_text: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")  # received: sanitized
    header_message_id: Mapped[str] = mapped_column(sa.String(300), default="")
    size: Mapped[int] = mapped_column(default=0)  # received: bytes of the whole mail
    unmatched_reason: Mapped[str] = mapped_column(sa.String(20), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    inquiry: Mapped[Inquiry | None] = relationship()
    author: Mapped[User | None] = relationship()
    outbox: Mapped[OutboxMessage | None] = relationship()
    attachments: Mapped[list[MessageAttachment]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="MessageAttachment.id"
    )


class MessageAttachment(db.Model):
    """A file attached to a received mail; its content is kept only up to the size cap."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lead_message.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary)  # None: over the cap

    message: Mapped[LeadMessage] = relationship(back_populates="attachments")
