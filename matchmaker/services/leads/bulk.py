"""The lead list's filtered leads as CSV, and one change applied to many leads at once."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from matchmaker.dates import local
from matchmaker.extensions import db
from matchmaker.models import Inquiry, Status, User
from matchmaker.services.directory import defuse_cell
from matchmaker.services.leads import changes, listing

EXPORT_HEADER = (
    "code", "received", "name", "email", "organization", "role", "country", "investor_type",
    "sectors", "offers", "status", "lost_reason_code", "lost_reason", "assigned_to",
    "last_staff_action", "budget", "horizon", "lang",
)  # fmt: skip
EXPORT_BATCH = 500
MAX_BULK = 200  # leads one bulk change may touch (a page and a half of the list)
BULK_STATUSES: tuple[str, ...] = tuple(status for status in Status if status != Status.LOST)


def _when(moment) -> str:
    """A machine-readable moment in the agency's time zone, with its offset."""
    return local(moment).isoformat(timespec="minutes") if moment else ""


def _row(inquiry: Inquiry) -> list[str]:
    return [
        inquiry.code, _when(inquiry.created_at), inquiry.name, inquiry.email,
        inquiry.organization, inquiry.role, inquiry.country, inquiry.investor_type,
        ";".join(inquiry.sectors), ";".join(inquiry.offers), inquiry.status,
        inquiry.lost_reason_code, inquiry.lost_reason,
        inquiry.assignee.email if inquiry.assignee else "",
        _when(inquiry.last_staff_action_at), inquiry.budget, inquiry.horizon, inquiry.lang,
    ]  # fmt: skip


def export_csv(filters: listing.LeadFilters) -> Iterator[str]:
    """The leads the list shows under filters, in its order, as CSV text in chunks: a header,
    then one line per lead; every cell a spreadsheet would run as a formula is defused."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def flush() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    writer.writerow(EXPORT_HEADER)
    yield flush()
    query = listing.select_leads(filters).options(joinedload(Inquiry.assignee))
    for inquiry in db.session.scalars(query.execution_options(yield_per=EXPORT_BATCH)):
        writer.writerow([defuse_cell(cell) for cell in _row(inquiry)])
        if out.tell() > 64 * 1024:
            yield flush()
    yield flush()


def _leads(ids: Iterable[int]) -> Sequence[Inquiry]:
    wanted = sorted(set(ids))
    if not wanted:
        raise changes.WorkflowError(_("Select at least one lead first."))
    if len(wanted) > MAX_BULK:
        raise changes.WorkflowError(_("Select at most %(num)d leads at once.", num=MAX_BULK))
    return db.session.scalars(
        sa.select(Inquiry).where(Inquiry.id.in_(wanted)).order_by(Inquiry.id)
    ).all()


def assign_many(user: User, ids: Iterable[int], assignee_id: int | None) -> int:
    """Give each lead to assignee (or nobody); how many changed. All or nothing: a lead that
    cannot take it raises, and the caller rolls back."""
    return sum(bool(changes.assign(inquiry, user, None, assignee_id)) for inquiry in _leads(ids))


def set_status_many(user: User, ids: Iterable[int], status: str) -> int:
    """Move each lead to status (not lost: a lost lead needs its own reason); how many changed."""
    if status not in BULK_STATUSES:
        raise changes.WorkflowError(_("Choose a status from the list."))
    return sum(bool(changes.set_status(inquiry, user, None, status)) for inquiry in _leads(ids))
