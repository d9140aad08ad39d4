"""The back office's home and the leads: the list, one lead, and every change staff make to it."""

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from flask import (
    abort,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from matchmaker.extensions import db
from matchmaker.labels import STATUS_LABELS
from matchmaker.models import Inquiry, IntroductionState, Verdict
from matchmaker.pagination import requested_page
from matchmaker.services import accounts, contacts, inbound, proposals, reminders, setup
from matchmaker.services.leads import (
    changes,
    conversation,
    detail,
    duplicates,
    introductions,
    listing,
    next_steps,
)
from matchmaker.staff import bp, filter_bar, replies
from matchmaker.staff.conversation_forms import ComposeForm, MessageForm
from matchmaker.staff.introduction_forms import SendWaitingForm
from matchmaker.staff.lead_bulk_forms import BulkLeadForm
from matchmaker.staff.lead_forms import (
    AddMatchForm,
    AssignForm,
    IntroductionForm,
    LeadChangeForm,
    NoteForm,
    OrganizationSearchForm,
    PinForm,
    VerdictForm,
)
from matchmaker.staff.next_step_forms import LostStatusForm, NextStepForm
from matchmaker.staff.saved_filter_forms import SavedFilterForm
from matchmaker.staff.user_forms import ROLE_LABELS

UNPROCESSABLE = replies.UNPROCESSABLE  # a submitted form with mistakes, shown again with them


@bp.get("/")
def index():
    return render_template(
        "staff/index.html",
        counts=listing.status_counts(),
        unassigned=listing.status_counts(
            listing.LeadFilters(assignee=listing.UNASSIGNED))[listing.OPEN],
        my_leads=listing.my_open_leads(current_user),
        waiting=introductions.waiting_for_contact(),
        proposals=proposals.pending(),
        role=ROLE_LABELS[current_user.role],
        status_labels=STATUS_LABELS,
        setup_steps=setup.steps_to_do(),
        unmatched_mail=inbound.unmatched_count(),
    )  # fmt: skip


@bp.get("/leads")
def lead_list():
    return list_page()


def list_page(code: int = 200, save_form: SavedFilterForm | None = None):
    """The lead list under the query string's filters; save_form: one sent with mistakes."""
    form = filter_bar.filter_form()
    filters = form.filters()
    result = listing.find_leads(filters, page=requested_page())
    return render_template(
        "staff/lead_list.html",
        **filter_bar.filter_bar("list", form, save_form),
        filters=filters,
        page=result.page,
        counts=result.counts,
        no_clear_match=result.no_clear_match,
        duplicates=duplicates.duplicates_of(
            [lead for lead in result.page.items if lead.merged_into_id is None],
            per_key=duplicates.PER_KEY_IN_LIST),
        status_labels=STATUS_LABELS,
        is_stale=reminders.is_stale,
        idle_days=reminders.idle_days,
        list_url=_list_url,
        export_url=url_for("staff.lead_export", **{
            name: value for name, value in request.args.items() if name != "page"}),
        bulk_form=BulkLeadForm(formdata=None, users=accounts.active_staff(),
                               data={"back": request.query_string.decode()}),
    ), code


def _list_url(**changes: str) -> str:
    """The lead list with the current filters, some of them changed, from its first page."""
    args = {name: value for name, value in request.args.items() if name != "page"}
    args.update(changes)
    return url_for("staff.lead_list", **{name: value for name, value in args.items() if value})


@bp.get("/leads/<int:inquiry_id>")
def lead_detail(inquiry_id: int):
    """The lead; opening it is recorded on its trail (who saw the investor's personal data)."""
    detail.record_view(detail.get_lead(inquiry_id), current_user)
    db.session.commit()
    return _detail_page(detail.get_lead(inquiry_id))


def _detail_page(inquiry: Inquiry, code: int = 200, **submitted: FlaskForm):
    """The lead's page; `submitted` holds a form that failed validation, shown with its errors.
    A merged lead's page has no actions: it points to the lead it was merged into."""
    if inquiry.merged_into_id is not None:
        lead = detail.lead_detail(inquiry)
        return render_template("staff/lead_merged.html", lead=lead, inquiry=inquiry), code
    return render_template("staff/lead_detail.html", **_detail_context(inquiry, **submitted)), code


def _detail_context(inquiry: Inquiry, **submitted: FlaskForm) -> dict[str, Any]:
    lead = detail.lead_detail(inquiry)
    version = {"version": inquiry.version}
    search = OrganizationSearchForm(request.args)
    found = detail.organizations_to_add(inquiry, search.org_q.data or "") if (
        search.validate()) else []  # fmt: skip
    forms = {
        "status_form": LostStatusForm(
            formdata=None, data=version | {"status": inquiry.status,
                                           "lost_reason": inquiry.lost_reason,
                                           "lost_reason_code": inquiry.lost_reason_code}),
        "step_form": NextStepForm(formdata=None),
        "assign_form": AssignForm(
            formdata=None, users=lead.staff, current=inquiry.assignee,
            data=version | {"assignee": str(inquiry.assignee_id or "")}),
        "note_form": NoteForm(formdata=None),
        "intro_form": IntroductionForm(formdata=None, data=version,
                                       matches=detail.introducible(inquiry)),
        "message_form": MessageForm(formdata=None, data=asdict(conversation.draft(
            inquiry, request.args.get("template"), request.args.get("lang")))),
    } | submitted  # fmt: skip
    written = forms["message_form"]
    thread = conversation.thread(inquiry)
    return dict(
        lead=lead,
        inquiry=inquiry,
        search=search,
        found=found,
        blocker=introductions.introduction_blocker(inquiry),
        steps=next_steps.lead_steps(inquiry),
        primary_contact=contacts.primary_contact,
        thread=thread,
        consent_requested=conversation.consent_requested(thread),
        reply_address=inbound.reply_address(inquiry),
        compose_form=ComposeForm(formdata=None, templates=conversation.templates_for(inquiry),
                                 data={"template": written.template.data,
                                       "lang": written.lang.data}),
        composing=bool(request.args.get("template") or written.errors or written.form_errors),
        **forms,
    )


def _apply(inquiry_id: int, change: Callable[[], str | None], anchor: str | None = None,
           in_place: bool = False):  # fmt: skip
    """Make a change and commit it, then say so or why it was refused: as JSON to the lead
    page's script when in_place and it asked (see _in_place), else with a flash and a redirect
    to the lead."""
    answer_json = in_place and replies.wants_json()
    try:
        message = change()
        db.session.commit()
    except changes.Conflict as error:
        db.session.rollback()
        flash(str(error), "error")
        if answer_json:  # the whole page is out of date: the script shows it again
            return replies.json_reply(str(error), {}, replies.CONFLICT, reload=True)
    except changes.WorkflowError as error:
        db.session.rollback()
        if answer_json:
            return _in_place(inquiry_id, str(error), replies.UNPROCESSABLE)
        flash(str(error), "error")
    else:
        if answer_json:
            return _in_place(inquiry_id, message or str(replies.NOTHING_CHANGED))
        flash(message or str(replies.NOTHING_CHANGED), "success" if message else "info")
    return redirect(url_for("staff.lead_detail", inquiry_id=inquiry_id, _anchor=anchor))


def _in_place(inquiry_id: int, message: str, code: int = 200):
    """The answer to a verdict or pin from the lead page's script: the message, the parts of the
    page they change as they are now, and the lead's new version for the page's other forms."""
    inquiry = detail.get_lead(inquiry_id)
    context = _detail_context(inquiry)
    note = get_template_attribute("staff/_lead_macros.html", "verdict_note")
    regions = {
        "match-list": render_template("staff/_lead_match_list.html", **context).strip(),
        "trail-list": render_template("staff/_lead_trail.html", **context).strip(),
    } | {f"verdict-note-{match.id}": str(note(match)) for match in context["lead"].matches}
    return replies.json_reply(message, regions, code, version=inquiry.version)


def _checked(form: FlaskForm) -> FlaskForm:
    """A form made of buttons and hidden fields: invalid only if tampered with."""
    if not form.validate_on_submit():
        abort(400)
    return form


@bp.post("/leads/<int:inquiry_id>/status")
def lead_status(inquiry_id: int):
    inquiry = detail.get_lead(inquiry_id)
    form = LostStatusForm()
    if not form.validate_on_submit():
        return _detail_page(inquiry, UNPROCESSABLE, status_form=_checked_version(form))

    def change() -> str | None:
        if changes.set_status(inquiry, current_user, form.version.data, form.status.data,
                              form.lost_reason.data, form.lost_reason_code.data):  # fmt: skip
            return _("Status changed to %(status)s.", status=STATUS_LABELS[form.status.data])
        return None

    return _apply(inquiry_id, change, "workflow")


@bp.post("/leads/<int:inquiry_id>/assignee")
def lead_assign(inquiry_id: int):
    inquiry = detail.get_lead(inquiry_id)
    form = _checked(AssignForm(users=accounts.active_staff()))
    if not (form.assignee.data or "").isdigit() and form.assignee.data:
        abort(400)
    assignee_id = int(form.assignee.data) if form.assignee.data else None

    def change() -> str | None:
        if not changes.assign(inquiry, current_user, form.version.data, assignee_id):
            return None
        if inquiry.assignee is None:
            return _("The lead is now unassigned.")
        return _("Lead assigned to %(name)s.", name=inquiry.assignee.name)

    return _apply(inquiry_id, change, "workflow")


@bp.post("/leads/<int:inquiry_id>/notes")
def lead_note(inquiry_id: int):
    inquiry = detail.get_lead(inquiry_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _detail_page(inquiry, UNPROCESSABLE, note_form=form)

    def change() -> str:
        changes.add_note(inquiry, current_user, form.text.data)
        return _("Note added.")

    return _apply(inquiry_id, change, "trail")


@bp.post("/leads/<int:inquiry_id>/matches/<int:match_id>/verdict")
def match_verdict(inquiry_id: int, match_id: int):
    inquiry = detail.get_lead(inquiry_id)
    form = _checked(VerdictForm())
    verdict = form.verdict.data or None
    name = _match_name(inquiry, match_id)

    def change() -> str | None:
        if not changes.judge_match(inquiry, current_user, form.version.data, match_id, verdict):
            return None
        if verdict == Verdict.RELEVANT:
            return _("%(name)s marked relevant.", name=name)
        if verdict == Verdict.NOT_RELEVANT:
            return _("%(name)s marked not relevant.", name=name)
        return _("Verdict on %(name)s cleared.", name=name)

    return _apply(inquiry_id, change, f"match-{match_id}", in_place=True)


@bp.post("/leads/<int:inquiry_id>/matches/<int:match_id>/pin")
def match_pin(inquiry_id: int, match_id: int):
    inquiry = detail.get_lead(inquiry_id)
    form = _checked(PinForm())
    pinned = form.pinned.data == "true"
    name = _match_name(inquiry, match_id)

    def change() -> str | None:
        if not changes.pin_match(inquiry, current_user, form.version.data, match_id, pinned):
            return None
        if pinned:
            return _("%(name)s pinned: it stays at the top, also after a re-rank.", name=name)
        return _("%(name)s unpinned.", name=name)

    return _apply(inquiry_id, change, f"match-{match_id}", in_place=True)


@bp.post("/leads/<int:inquiry_id>/matches/<int:match_id>/remove")
def match_remove(inquiry_id: int, match_id: int):
    inquiry = detail.get_lead(inquiry_id)
    form = _checked(LeadChangeForm())
    name = _match_name(inquiry, match_id)

    def change() -> str:
        changes.remove_match(inquiry, current_user, form.version.data, match_id)
        return _("%(name)s removed from the matches.", name=name)

    return _apply(inquiry_id, change, "matches")


@bp.post("/leads/<int:inquiry_id>/matches")
def match_add(inquiry_id: int):
    inquiry = detail.get_lead(inquiry_id)
    form = _checked(AddMatchForm())

    def change() -> str:
        match = changes.add_match(inquiry, current_user, form.version.data,
                                   form.organization_id.data)  # fmt: skip
        return _("%(name)s added to the matches.", name=match.organization.name)

    return _apply(inquiry_id, change, "matches")


@bp.post("/leads/<int:inquiry_id>/rerank")
def lead_rerank(inquiry_id: int):
    inquiry = detail.get_lead(inquiry_id)
    form = _checked(LeadChangeForm())

    def change() -> str:
        added = changes.rerank(inquiry, current_user, form.version.data)
        return ngettext(
            "Re-ranked with the current directory: %(num)d new match. "
            "The previous ranking is kept below.",
            "Re-ranked with the current directory: %(num)d new matches. "
            "The previous ranking is kept below.",
            added,
        )

    return _apply(inquiry_id, change, "matches")


@bp.post("/leads/<int:inquiry_id>/introduce")
def lead_introduce(inquiry_id: int):
    inquiry = detail.get_lead(inquiry_id)
    form = IntroductionForm(matches=detail.introducible(inquiry))
    if not form.validate_on_submit():
        return _detail_page(inquiry, UNPROCESSABLE, intro_form=_checked_version(form))

    def change() -> str:
        made = introductions.introduce(inquiry, current_user, form.version.data,
                                       form.matches.data, form.message.data or "")  # fmt: skip
        sent = [i.organization.name for i in made if i.state == IntroductionState.SENT]
        waiting = [i.organization.name for i in made if i.state == IntroductionState.NEEDS_CONTACT]
        parts = []
        if sent:
            parts.append(_("Introduction sent to %(names)s: they can accept or decline it.",
                           names=", ".join(sent)))  # fmt: skip
        if waiting:
            parts.append(_("No contact yet at %(names)s: the introduction waits until you add "
                           "one.", names=", ".join(waiting)))  # fmt: skip
        return " ".join(parts)

    return _apply(inquiry_id, change, "introduce")


@bp.post("/leads/<int:inquiry_id>/introductions/send")
def introduction_send(inquiry_id: int):
    """Send an introduction that waited for a contact."""
    inquiry = detail.get_lead(inquiry_id)
    form = _checked(SendWaitingForm())

    def change() -> str:
        introduction = introductions.send_waiting(inquiry, current_user, form.version.data,
                                                  form.introduction.data)  # fmt: skip
        return _("Introduction sent to %(name)s (%(email)s).",
                 name=introduction.organization.name, email=introduction.contact_email)

    return _apply(inquiry_id, change, "introductions")


def _checked_version(form: LeadChangeForm) -> LeadChangeForm:
    """A form to show again with its errors; a missing version means it was tampered with."""
    if form.version.errors:
        abort(400)
    return form


def _match_name(inquiry: Inquiry, match_id: int) -> str:
    """The organization's name of one of the lead's matches, for a confirmation; 404 if none."""
    for match in inquiry.matches:
        if match.id == match_id:
            return match.organization.name
    abort(404)
