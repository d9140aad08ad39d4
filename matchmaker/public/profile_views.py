"""Self-service profiles, without an account: a contact asks for a link on the organization's
public page, then proposes changes through it. The answer to asking is the same whether or not
the address is a contact. A used, expired or tampered link shows a clear page and changes
nothing (the service logs it)."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from matchmaker.extensions import db, limiter
from matchmaker.models import ProfileProposal
from matchmaker.public.link_pages import refused_page
from matchmaker.public.profile_forms import ProfileLinkForm, ProposalForm
from matchmaker.security import keep_private
from matchmaker.services import directory, proposals
from matchmaker.services.signed_links import LinkRefused

bp = Blueprint("profiles", __name__)

bp.after_request(keep_private)

PROPOSAL_SENT = _l("It was already used: your proposal was sent to the agency, and nothing was "
                   "changed now.")

UNPROCESSABLE = 422


def _link_rate_limit() -> str:
    return current_app.config["PROFILE_LINK_RATE_LIMIT"]


@bp.post("/ask/<slug>")
@limiter.limit(_link_rate_limit, methods=["POST"])
def ask(slug: str):
    """Mail a link to the address if it is one of the organization's contacts; say the same
    thing whatever the address."""
    org = db.first_or_404(directory.active_query().filter_by(slug=slug))
    form = ProfileLinkForm()
    if not form.validate_on_submit():
        page = render_template("public/organization_detail.html", org=org, link_form=form)
        return page, UNPROCESSABLE
    proposals.request_link(org, form.email.data)
    db.session.commit()
    flash(_("If this address is one of the contacts of this organization, we have sent it a link "
            "to propose changes to the profile. The link works once, for %(hours)d hours; if no "
            "mail arrives, ask again in ten minutes.",
            hours=current_app.config["PROFILE_LINK_HOURS"]), "info")  # fmt: skip
    return redirect(url_for("public.organization_detail", slug=slug), code=303)


@bp.route("/<token>", methods=["GET", "POST"])
def propose(token: str):
    try:
        proposal = proposals.from_link(token)
    except LinkRefused as refused:
        record = refused.record
        return refused_page(refused, record.lang if record else None, PROPOSAL_SENT,
                            purpose="profile", org=record.organization if record else None)
    with force_locale(proposal.lang):
        if request.method == "GET":
            cells = proposals.current_cells(proposal.organization)
            return _page(proposal, ProposalForm(cells=cells))
        form = ProposalForm()
        problem = ""
        if form.validate_on_submit():
            try:
                proposals.submit(proposal, form.cells())
            except directory.InvalidOrganization as error:
                for found in error.problems:
                    if found.field in form:
                        form[found.field].errors.append(found.message)
                    else:  # a field the contact cannot change: the agency must correct it
                        problem = _("The agency must first correct this profile (%(problem)s). "
                                    "Write to it.", problem=found)  # fmt: skip
            except proposals.ProposalError as error:
                problem = str(error)
            else:
                db.session.commit()
                return redirect(url_for(".proposed", lang=proposal.lang), code=303)
        return _page(proposal, form, problem), UNPROCESSABLE


def _page(proposal: ProfileProposal, form: ProposalForm, problem: str = "") -> str:
    return render_template("profiles/propose.html", proposal=proposal,
                           org=proposal.organization, form=form, problem=problem)  # fmt: skip


@bp.get("/sent/<lang>")
def proposed(lang: str):
    """The thank-you page after a proposal (it names nobody: its address is not secret)."""
    with force_locale(lang if lang in current_app.config["LANGUAGES"] else "en"):
        return render_template("public/thank_you.html", state="proposed")
