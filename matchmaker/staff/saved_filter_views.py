"""Saved filters: a staff member keeps the list's or the board's current filters under a name,
and deletes them; the list and the board show the member's own (filter_bar)."""

from flask import abort, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from matchmaker.extensions import db
from matchmaker.services.leads import saved_filters
from matchmaker.staff import board_views, bp, filter_bar, replies, views
from matchmaker.staff.saved_filter_forms import VIEWS, SavedFilterForm

PAGES = {"list": views.list_page, "board": board_views.board_page}


@bp.post("/leads/saved-filters")
def saved_filter_save():
    """Save the filters of the query string (the page's) under the name given."""
    form = SavedFilterForm()
    if not form.validate_on_submit():
        if form.view.errors:
            abort(400)
        return PAGES[form.view.data](replies.UNPROCESSABLE, save_form=form)
    query = filter_bar.current_query()
    if saved_filters.save(current_user, form.name.data, query):
        flash(_("Filters saved as “%(name)s”.", name=form.name.data), "success")
    else:
        flash(_("“%(name)s” now keeps these filters.", name=form.name.data), "success")
    db.session.commit()
    return redirect(filter_bar.view_url(form.view.data, query))


@bp.post("/leads/saved-filters/<int:filter_id>/delete")
def saved_filter_delete(filter_id: int):
    """Delete one of the member's saved filters, and go back to the page's filters (the list's
    when the form names no known page)."""
    view = request.form.get("view", "")
    view = view if view in VIEWS else "list"
    deleted = saved_filters.delete(current_user, filter_id)
    if deleted is None:
        abort(404)
    db.session.commit()
    flash(_("Saved filters “%(name)s” deleted.", name=deleted.name), "success")
    return redirect(filter_bar.view_url(view, filter_bar.current_query()))
