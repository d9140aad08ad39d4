"""The API's endpoints: leads (list, detail, status change) and organizations (list, detail)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import jsonify, request, url_for
from werkzeug.datastructures import MultiDict

from matchmaker.api import bp, current_token, fail, not_found, require_scope
from matchmaker.api.openapi import DATE_PATTERN, MAX_PER_PAGE, MAX_QUERY_LENGTH, openapi_document
from matchmaker.api.shapes import lead_json, organization_json, page_json
from matchmaker.database import storable
from matchmaker.extensions import db
from matchmaker.models import Inquiry, Organization, Status, TokenScope
from matchmaker.pagination import MAX_PAGE
from matchmaker.services import directory
from matchmaker.services.leads import changes, detail, listing
from matchmaker.taxonomy import PROVINCES, SECTORS

LEAD_FILTERS = ("q", "status", "sector", "country", "assignee", "received_from", "received_to")
ORGANIZATION_FILTERS = ("q", "sector", "province")
STATUS_FILTERS = (*Status, listing.OPEN)


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 document of this API (no token needed to read it)."""
    return jsonify(openapi_document(server_url=url_for("api.openapi").rsplit("/", 1)[0]))


@bp.get("/leads")
def lead_list():
    args = request.args
    page, per_page = _paging(args)
    filters = listing.LeadFilters(
        q=_text(args, "q"),
        status=_choice(args, "status", STATUS_FILTERS),
        sector=_choice(args, "sector", SECTORS),
        country=_country(args),
        assignee=_assignee(args),
        received_from=_date(args, "received_from"),
        received_to=_date(args, "received_to"),
    )
    found = listing.find_leads(filters, page=page, per_page=per_page)
    return jsonify(page_json(found.page, [lead_json(lead) for lead in found.page.items]))


@bp.get("/leads/<int:lead_id>")
def lead_detail(lead_id: int):
    detail.record_view(_lead(lead_id), current_token().user)
    db.session.commit()
    # Read after the commit, with the matches' organizations in the same statements.
    return jsonify(lead_json(detail.get_lead(lead_id), with_matches=True))


@bp.patch("/leads/<int:lead_id>")
def lead_update(lead_id: int):
    """Change a lead's status, as the token's user would on the lead page, from the version
    read (428 without it, 409 if the lead changed since)."""
    require_scope(TokenScope.WRITE)
    inquiry = _lead(lead_id)
    body = _json_object()
    if "version" not in body:
        fail(428, "Send the lead's version as read (\"version\"), so that a change made since "
                  "is not overwritten.")  # fmt: skip
    if unknown := sorted(set(body) - {"status", "lost_reason", "version"}):
        fail(422, f"Unknown fields: {', '.join(unknown)}.")
    status = body.get("status")
    if not isinstance(status, str) or status not in set(Status):
        fail(422, f"status must be one of: {', '.join(Status)}.")
    reason = body.get("lost_reason", "")
    if not isinstance(reason, str) or len(reason) > 500 or "\x00" in reason:
        fail(422, "lost_reason must be a text of at most 500 characters.")
    version = body["version"]
    if not isinstance(version, int) or isinstance(version, bool):
        fail(422, "version must be the integer read from the lead.")
    try:
        changes.set_status(inquiry, current_token().user, version, status, reason)
        db.session.commit()
    except changes.Conflict:
        fail(409, "The lead changed since that version; read it again and retry.")
    except changes.WorkflowError as error:
        fail(422, str(error))
    return jsonify(lead_json(detail.get_lead(lead_id), with_matches=True))


@bp.get("/organizations")
def organization_list():
    args = request.args
    page, per_page = _paging(args)
    query = directory.search_query(
        text=_text(args, "q"),
        sector=_choice(args, "sector", SECTORS),
        province=_choice(args, "province", PROVINCES),
    )
    found = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return jsonify(page_json(found, [organization_json(org) for org in found.items]))


@bp.get("/organizations/<slug>")
def organization_detail(slug: str):
    org = db.session.scalar(directory.active_query().where(Organization.slug == slug))
    if org is None:
        not_found("active organization")
    return jsonify(organization_json(org))


# Reading parameters: anything malformed is a 422 that names the parameter ----------------------


def _lead(lead_id: int) -> Inquiry:
    inquiry = db.session.get(Inquiry, lead_id)
    if inquiry is None:
        not_found("lead")
    return inquiry


def _json_object() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        fail(422, "The body must be a JSON object, sent as application/json.")
    if not storable(body):
        fail(422, "The body carries a NUL or an unpaired surrogate (\\u0000, \\ud800 to \\udfff), "
                  "which cannot be stored.")  # fmt: skip
    return body


def _paging(args: MultiDict[str, str]) -> tuple[int, int]:
    return _integer(args, "page", 1, 1, MAX_PAGE), _integer(args, "per_page", 20, 1, MAX_PER_PAGE)


def _integer(args: MultiDict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        fail(422, f"{name} must be a whole number from {low} to {high}.")
    return int(raw)


def _text(args: MultiDict[str, str], name: str) -> str:
    value = args.get(name, "").strip()
    if len(value) > MAX_QUERY_LENGTH or "\x00" in value:
        fail(422, f"{name} must be at most {MAX_QUERY_LENGTH} characters of text.")
    return value


def _choice(args: MultiDict[str, str], name: str, allowed: Any) -> str:
    value = args.get(name)
    if value is not None and value not in allowed:
        fail(422, f"{name} must be one of: {', '.join(allowed)}.")
    return value or ""


def _country(args: MultiDict[str, str]) -> str:
    value = args.get("country")
    if value is not None and not (
        len(value) == 2 and value.isascii() and value.isalpha() and value.isupper()
    ):
        fail(422, "country must be a two-letter ISO 3166 code in capitals, like DE.")
    return value or ""


def _assignee(args: MultiDict[str, str]) -> str:
    value = args.get("assignee")
    valid = (
        value is None
        or value == listing.UNASSIGNED
        or (value.isascii() and value.isdigit() and len(value) <= 9)
    )
    if not valid:
        fail(422, f"assignee must be a staff user id or {listing.UNASSIGNED!r}.")
    return value or ""


def _date(args: MultiDict[str, str], name: str) -> date | None:
    value = args.get(name)
    if value is None:
        return None
    try:
        day = date.fromisoformat(value) if DATE_PATTERN.match(value) else None
    except ValueError:
        day = None
    if day is None:
        fail(422, f"{name} must be a date from 1000-01-01 to 2999-12-31, like 2026-01-31.")
    return day
