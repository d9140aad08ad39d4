"""The pipeline board: the lead list's filters shown as one column per status, and moving a card
to another column, by its plain form or by the board's script (which asks for JSON)."""

from typing import Any
from urllib.parse import parse_qsl

from flask import abort, flash, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user

from matchmaker.extensions import db
from matchmaker.labels import LOST_REASON_LABELS, STATUS_LABELS
from matchmaker.models import Inquiry
from matchmaker.services.leads import board, changes, listing
from matchmaker.staff import bp, filter_bar, replies
from matchmaker.staff.board_forms import CardMoveForm
from matchmaker.staff.lead_forms import status_choices
from matchmaker.staff.saved_filter_forms import SavedFilterForm


@bp.get("/leads/board")
def lead_board():
    return board_page()


def board_page(code: int = 200, save_form: SavedFilterForm | None = None,
               moved: CardMoveForm | None = None, moved_id: int | None = None):  # fmt: skip
    """The board under the query string's filters; save_form, or moved (the move of lead
    moved_id): a form sent with mistakes, shown again with them."""
    form = filter_bar.filter_form()
    filters = form.filters()
    context = filter_bar.filter_bar("board", form, save_form) | _column_context(
        filters, moved, moved_id)  # fmt: skip
    return render_template("staff/lead_board.html", **context,
                           columns=board.columns(filters)), code  # fmt: skip


def _column_context(filters: listing.LeadFilters, moved: CardMoveForm | None,
                    moved_id: int | None) -> dict[str, Any]:  # fmt: skip
    """What a column's template needs besides the column."""
    query = filter_bar.current_query()
    return {
        "filters": filters,
        "query": query,
        "column_query": lambda status: listing.filter_query(  # the list of one column
            [(name, value) for name, value in parse_qsl(query) if name != "status"]
            + [("status", status)]),
        "view_url": filter_bar.view_url,
        "status_labels": STATUS_LABELS,
        "status_choices": status_choices(),
        "lost_reasons": LOST_REASON_LABELS,
        "labels": CardMoveForm(formdata=None),  # its fields' labels
        "age_days": board.age_days,
        "moved": moved,
        "moved_id": moved_id,
    }


@bp.post("/leads/<int:inquiry_id>/move")
def lead_move(inquiry_id: int):
    """Give the lead the status of the column its card goes to (through the one change
    service: a stale card is refused); the trail records it as any status change."""
    inquiry = db.get_or_404(Inquiry, inquiry_id)
    form = CardMoveForm()
    if not form.validate_on_submit():
        if form.version.errors or form.column.errors:
            abort(400)  # hidden fields: tampered with
        message = next(iter(form.errors.values()))[0]
        return _moved(inquiry, form, str(message), replies.UNPROCESSABLE, mistaken=True)
    try:
        changed = changes.set_status(inquiry, current_user, form.version.data, form.status.data,
                                     form.lost_reason.data or "", form.lost_reason_code.data)
        db.session.commit()
    except changes.WorkflowError as error:
        db.session.rollback()
        return _moved(inquiry, form, str(error), replies.refused_code(error))
    if not changed:
        return _moved(inquiry, form, str(replies.NOTHING_CHANGED), 200, "info")
    message = _("%(code)s moved to %(status)s.", code=inquiry.code,
                status=STATUS_LABELS[inquiry.status])  # fmt: skip
    return _moved(inquiry, form, message, 200, "success")


def _moved(inquiry: Inquiry, form: CardMoveForm, message: str, code: int,
           category: str = "error", mistaken: bool = False):  # fmt: skip
    """Answer a move: to the script, the message and the card's columns as they are now (the
    one it was shown in, and its status's); else the board, with the form's mistakes, or the
    message and a redirect to the card."""
    moved = form if mistaken else None
    if replies.wants_json():
        filters = filter_bar.filter_form().filters()
        context = _column_context(filters, moved, inquiry.id)
        regions = {
            f"column-{column.status}": render_template(
                "staff/_board_column.html", column=column, **context).strip()
            for column in board.columns(filters, only={form.column.data, inquiry.status})
        }  # fmt: skip
        return replies.json_reply(message, regions, code)
    if mistaken:
        return board_page(code, moved=moved, moved_id=inquiry.id)
    flash(message, category)
    return redirect(filter_bar.view_url("board", filter_bar.current_query())
                    + f"#card-{inquiry.id}")  # fmt: skip
