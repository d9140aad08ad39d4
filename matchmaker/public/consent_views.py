"""The investor's page behind a consent request's signed link: what sharing means, and the
button that allows it (opening the link changes nothing: mail scanners open links too). A used,
expired or tampered link shows a clear page and changes nothing."""

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from matchmaker.extensions import db
from matchmaker.forms import BaseForm
from matchmaker.models import Inquiry
from matchmaker.public.link_pages import refused_page
from matchmaker.security import keep_private
from matchmaker.services.leads import consent
from matchmaker.services.privacy import PRIVACY_NOTICE_VERSION, notice_url
from matchmaker.services.signed_links import LinkRefused

bp = Blueprint("consent", __name__)
bp.after_request(keep_private)

UNPROCESSABLE = 422
ALREADY_ALLOWED = _l("You already allowed us to share your details: nothing was changed now.")


def _opened(token: str):
    """(the inquiry, None), or (None, the refusal page)."""
    try:
        return consent.from_link(token), None
    except LinkRefused as refused:
        lang = refused.record.lang if refused.record is not None else None
        return None, refused_page(refused, lang, used_text=ALREADY_ALLOWED)


def _page(inquiry: Inquiry, form: BaseForm, token: str, code: int = 200):
    with force_locale(inquiry.lang):
        page = render_template("public/consent.html", inquiry=inquiry, form=form, token=token,
                               notice_url=notice_url(PRIVACY_NOTICE_VERSION),
                               notice_version=PRIVACY_NOTICE_VERSION,
                               days=consent.link_days())  # fmt: skip
    return page, code


@bp.get("/<token>")
def consent_page(token: str):
    inquiry, refusal = _opened(token)
    if refusal:
        return refusal
    return _page(inquiry, BaseForm(formdata=None), token)


@bp.post("/<token>")
def consent_grant(token: str):
    inquiry, refusal = _opened(token)
    if refusal:
        return refusal
    form = BaseForm()
    if not form.validate_on_submit():  # an expired CSRF token: the page again, to press again
        return _page(inquiry, form, token, UNPROCESSABLE)
    consent.grant(inquiry)
    db.session.commit()
    return redirect(url_for("consent.given", lang=inquiry.lang), code=303)


@bp.get("/given/<lang>")
def given(lang: str):
    """The thank-you page (it names nobody: its address is not secret)."""
    with force_locale(lang if lang in ("en", "fr") else "en"):
        return render_template("public/thank_you.html", state="consent")
