"""An introduction's signed pages (no account): the organization accepts or declines, and the
investor picks one of the proposed meeting times. A used, expired or tampered link shows a
clear page, changes nothing, and is logged (by the service)."""

from datetime import datetime

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import force_locale

from matchmaker.dates import format_moment
from matchmaker.extensions import db
from matchmaker.models import Introduction
from matchmaker.public.introduction_forms import AcceptForm, DeclineForm, MeetingForm
from matchmaker.public.link_pages import refused_page
from matchmaker.security import keep_private
from matchmaker.services.leads import introductions
from matchmaker.services.leads.changes import WorkflowError
from matchmaker.services.signed_links import LinkRefused

bp = Blueprint("introductions", __name__)

UNPROCESSABLE = 422


bp.after_request(keep_private)


def _answer_page(introduction: Introduction, accept: AcceptForm, decline: DeclineForm,
                 token: str, code: int = 200):  # fmt: skip
    with force_locale(introduction.contact_lang):
        page = render_template("introductions/answer.html", introduction=introduction,
                               inquiry=introduction.inquiry, org=introduction.organization,
                               match=introduction.match, accept_form=accept,
                               decline_form=decline, token=token)  # fmt: skip
    return page, code


def _opened(token: str, purpose: str):
    try:
        return introductions.from_link(token, purpose), None
    except LinkRefused as refused:
        intro = refused.record
        lang = None
        if intro is not None:
            lang = intro.contact_lang if purpose == introductions.ANSWER else intro.inquiry.lang
        return None, refused_page(refused, lang)


@bp.get("/answer/<token>")
def answer(token: str):
    introduction, refusal = _opened(token, introductions.ANSWER)
    if refusal:
        return refusal
    return _answer_page(introduction, AcceptForm(formdata=None), DeclineForm(formdata=None), token)


@bp.post("/answer/<token>/accept")
def accept(token: str):
    introduction, refusal = _opened(token, introductions.ANSWER)
    if refusal:
        return refusal
    form = AcceptForm()
    with force_locale(introduction.contact_lang):
        valid = form.validate_on_submit()
        if valid:
            try:
                introductions.accept(introduction, form.message.data or "", form.slots())
            except WorkflowError as error:
                db.session.rollback()
                form.slot_1.errors = [*form.slot_1.errors, str(error)]
                valid = False
    if not valid:
        return _answer_page(introduction, form, DeclineForm(formdata=None), token, UNPROCESSABLE)
    db.session.commit()
    return redirect(url_for("introductions.answered", state="accepted",
                            lang=introduction.contact_lang), code=303)  # fmt: skip


@bp.post("/answer/<token>/decline")
def decline(token: str):
    introduction, refusal = _opened(token, introductions.ANSWER)
    if refusal:
        return refusal
    form = DeclineForm()
    with force_locale(introduction.contact_lang):
        valid = form.validate_on_submit()
    if not valid:
        return _answer_page(introduction, AcceptForm(formdata=None), form, token, UNPROCESSABLE)
    introductions.decline(introduction, form.reason.data or "", form.text.data or "")
    db.session.commit()
    return redirect(url_for("introductions.answered", state="declined",
                            lang=introduction.contact_lang), code=303)  # fmt: skip


@bp.get("/answered/<state>/<lang>")
def answered(state: str, lang: str):
    """The thank-you page after an answer (it names nobody: its address is not secret)."""
    if state not in ("accepted", "declined", "meeting"):
        state = "accepted"
    with force_locale(lang if lang in ("en", "fr") else "en"):
        return render_template("public/thank_you.html", state=state)


def _meeting_page(introduction: Introduction, form: MeetingForm, code: int = 200):
    with force_locale(introduction.inquiry.lang):
        form.slot.choices = _slot_choices(introduction)
        page = render_template("introductions/meeting.html", introduction=introduction,
                               inquiry=introduction.inquiry, org=introduction.organization,
                               form=form)  # fmt: skip
    return page, code


def _slot_choices(introduction: Introduction) -> list[tuple[str, str]]:
    return [(slot.isoformat(), format_moment(slot, "weekday"))
            for slot in introductions.future_slots(introduction)]  # fmt: skip


@bp.get("/meeting/<token>")
def meeting(token: str):
    introduction, refusal = _opened(token, introductions.MEETING)
    if refusal:
        return refusal
    return _meeting_page(introduction, MeetingForm(formdata=None))


@bp.post("/meeting/<token>")
def meeting_choose(token: str):
    introduction, refusal = _opened(token, introductions.MEETING)
    if refusal:
        return refusal
    form = MeetingForm()
    form.slot.choices = _slot_choices(introduction)
    with force_locale(introduction.inquiry.lang):
        valid = form.validate_on_submit()
    if not valid:
        return _meeting_page(introduction, form, UNPROCESSABLE)
    introductions.choose_meeting(introduction, datetime.fromisoformat(form.slot.data))
    db.session.commit()
    return redirect(url_for("introductions.answered", state="meeting",
                            lang=introduction.inquiry.lang), code=303)  # fmt: skip
