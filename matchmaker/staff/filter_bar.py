"""What the lead list and the board share above their leads: the filter form read from the
query string, the filters as a query string, the staff member's saved filters with the form to
save the current ones, and the switch between list and board."""

from typing import Any

from flask import request, url_for
from flask_login import current_user

from matchmaker.services import accounts
from matchmaker.services.leads import listing, saved_filters
from matchmaker.staff.lead_forms import LeadFilterForm
from matchmaker.staff.saved_filter_forms import VIEWS, SavedFilterForm


def filter_form() -> LeadFilterForm:
    """The list's filter form, filled from the request's query string."""
    return LeadFilterForm(request.args, countries=listing.lead_countries(),
                          users=accounts.staff_members(), me=current_user)  # fmt: skip


def current_query() -> str:
    """The request's filters as a query string (its other parameters left out)."""
    return listing.filter_query(request.args.items(multi=True))


def view_url(view: str, query: str = "") -> str:
    """The list ("list") or the board ("board") showing the filters of query."""
    return url_for(VIEWS[view]) + (f"?{query}" if query else "")


def filter_bar(view: str, form: LeadFilterForm,
               save_form: SavedFilterForm | None = None) -> dict[str, Any]:  # fmt: skip
    """The template context of the filter bar on the list or the board (view); save_form is one
    sent with mistakes, shown again with them."""
    return {
        "view": view,
        "form": form,
        "query": current_query(),
        "view_url": view_url,
        "saved": saved_filters.saved_filters(current_user),
        "save_form": save_form or SavedFilterForm(formdata=None, data={"view": view}),
    }
