"""The staff's page of one organization: profile, contacts, history, leads, introductions."""

from flask import render_template
from flask_babel import format_percent

from matchmaker.extensions import db
from matchmaker.models import Organization
from matchmaker.services import history, organizations
from matchmaker.staff import bp


@bp.get("/organizations/<int:organization_id>")
def organization_detail(organization_id: int):
    org = db.get_or_404(Organization, organization_id)
    acceptance = organizations.acceptance(org)
    return render_template(
        "staff/organization_detail.html",
        org=org,
        acceptance=acceptance,
        rate=format_percent(acceptance.rate) if acceptance.rate is not None else "",
        leads=organizations.leads(org),
        introductions=organizations.introductions(org),
        history=history.history(org),
    )
