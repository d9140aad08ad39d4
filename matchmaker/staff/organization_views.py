"""The staff's page of one organization (profile, contacts, history, leads, introductions) and
the review of the profile changes its contacts propose."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_login import current_user

from matchmaker.extensions import db
from matchmaker.models import Organization, ProfileProposal, ProposalState
from matchmaker.services import directory, history, organizations, proposals
from matchmaker.staff import bp
from matchmaker.staff.organization_forms import DecisionForm

UNPROCESSABLE = 422


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
        proposals=proposals.pending(org),
        history=history.history(org),
    )


@bp.get("/organizations/<int:organization_id>/proposals/<int:proposal_id>")
def proposal_review(organization_id: int, proposal_id: int):
    return _review_page(_proposal(organization_id, proposal_id), DecisionForm(formdata=None))


def _review_page(proposal: ProfileProposal, form: DecisionForm, code: int = 200):
    changes, problems = [], []
    if proposal.state == ProposalState.PENDING:
        try:
            changes = proposals.diff(proposal.organization, proposal.proposed)
        except directory.InvalidOrganization as error:
            problems = error.problems
    page = render_template("staff/proposal_review.html", proposal=proposal,
                           org=proposal.organization, changes=changes, problems=problems,
                           form=form, already=proposals.already_decided(proposal))  # fmt: skip
    return page, code


@bp.post("/organizations/<int:organization_id>/proposals/<int:proposal_id>/approve")
def proposal_approve(organization_id: int, proposal_id: int):
    proposal = _proposal(organization_id, proposal_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _review_page(proposal, form, UNPROCESSABLE)
    try:
        proposals.approve(proposal, current_user, form.note.data or "")
    except (proposals.ProposalError, directory.InvalidOrganization) as error:
        return _refused(proposal, str(error))
    db.session.commit()
    current_app.logger.info("Profile proposal %s approved by %s", proposal.id, current_user.email)
    flash(_("The changes proposed by %(email)s are applied to %(name)s (directory version "
            "%(version)d).", email=proposal.email, name=proposal.organization.name,
            version=directory.directory_version()), "success")  # fmt: skip
    return redirect(url_for(".organization_detail", organization_id=organization_id))


@bp.post("/organizations/<int:organization_id>/proposals/<int:proposal_id>/reject")
def proposal_reject(organization_id: int, proposal_id: int):
    proposal = _proposal(organization_id, proposal_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            proposals.reject(proposal, current_user, form.note.data or "")
        except proposals.ProposalError as error:
            if proposal.state != ProposalState.PENDING:
                return _refused(proposal, str(error))
            form.note.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The changes proposed by %(email)s are rejected: nothing was changed.",
                    email=proposal.email), "success")  # fmt: skip
            return redirect(url_for(".organization_detail", organization_id=organization_id))
    return _review_page(proposal, form, UNPROCESSABLE)


def _refused(proposal: ProfileProposal, message: str):
    """Nothing was decided (already decided, or the rules refuse it): say so on the review."""
    db.session.rollback()
    flash(message, "warning")
    return redirect(url_for(".proposal_review", organization_id=proposal.organization_id,
                            proposal_id=proposal.id))  # fmt: skip


def _proposal(organization_id: int, proposal_id: int) -> ProfileProposal:
    proposal = db.session.get(ProfileProposal, proposal_id)
    if proposal is None or proposal.organization_id != organization_id or (
        proposal.state == ProposalState.REQUESTED
    ):
        abort(404)
    return proposal
