"""The public site: home, the directory, the inquiry form and its result, privacy, languages."""

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from matchmaker.extensions import db, limiter
from matchmaker.i18n import LANG_COOKIE, current_lang
from matchmaker.pagination import requested_page
from matchmaker.public.forms import INTERESTS_MAX, INTERESTS_MIN, DirectorySearchForm, InquiryForm
from matchmaker.public.profile_forms import ProfileLinkForm
from matchmaker.security import keep_private, safe_next_path
from matchmaker.services import directory, ranking
from matchmaker.services.leads import detail, introductions, merging, submission
from matchmaker.services.mail import agency_contact
from matchmaker.services.privacy import PRIVACY_NOTICE_VERSION, notice_template
from matchmaker.services.ranking import TOP_MATCHES

bp = Blueprint("public", __name__)

ONE_YEAR = 365 * 24 * 3600
RETRY_AFTER_SECONDS = 10


@bp.get("/")
def home():
    return render_template("public/home.html", stats=directory.public_stats())


@bp.get("/organizations")
def organization_list():
    form = DirectorySearchForm(request.args)
    filters = form.data if form.validate() else {}
    page = db.paginate(
        directory.search_query(
            text=filters.get("q") or "",
            sector=filters.get("sector") or "",
            province=filters.get("province") or "",
            sort=directory.RELEVANCE,
        ),
        page=requested_page(),
        per_page=current_app.config["ORGANIZATIONS_PER_PAGE"],
        error_out=False,
    )
    return render_template("public/organization_list.html", form=form, page=page)


@bp.get("/organizations/<slug>")
def organization_detail(slug: str):
    org = db.first_or_404(directory.active_query().filter_by(slug=slug))
    return render_template("public/organization_detail.html", org=org,
                           link_form=ProfileLinkForm(formdata=None))  # fmt: skip


def _inquiry_rate_limit() -> str:
    return current_app.config["INQUIRY_RATE_LIMIT"]


@bp.route("/inquiry", methods=["GET", "POST"])
@limiter.limit(_inquiry_rate_limit, methods=["POST"])
def inquiry_form():
    """The inquiry form; a valid one is saved with its matches, then shown (post/redirect/get)."""
    form = InquiryForm()
    if form.validate_on_submit():
        if form.is_bot:
            current_app.logger.info("Inquiry with the hidden field filled in: discarded")
            return redirect(url_for("public.inquiry_received"), code=303)
        try:
            inquiry = submission.submit_inquiry(
                form.answers(), lang=current_lang(), submission_key=form.submission_key.data
            )
            db.session.commit()
        except sa.exc.OperationalError as error:
            # Locked or unreachable: nothing was saved; the page keeps every answer.
            db.session.rollback()
            current_app.logger.warning("Inquiry not saved, the database is unavailable: %s",
                                       error.orig)  # fmt: skip
            page = _inquiry_form_page(form, unavailable=True)
            return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return redirect(url_for("public.inquiry_result", reference=inquiry.reference), code=303)
    return _inquiry_form_page(form)


def _inquiry_form_page(form: InquiryForm, unavailable: bool = False) -> str:
    return render_template(
        "public/inquiry_form.html",
        form=form,
        unavailable=unavailable,
        interests_min=INTERESTS_MIN,
        interests_max=INTERESTS_MAX,
        notice_version=PRIVACY_NOTICE_VERSION,
    )


@bp.get("/inquiry/received")
def inquiry_received():
    """A plain acknowledgement (what a discarded bot submission is shown)."""
    return render_template("public/inquiry_received.html")


@bp.get("/inquiry/<reference>")
def inquiry_result(reference: str):
    """The investor's own page: their reference, their matches and what happens next (those of
    the lead it was merged into, saying so)."""
    received = submission.inquiry_by_reference(reference)
    if received is None:
        abort(404)
    inquiry = merging.survivor(received)
    # The address is the only key to this page: keep it out of caches, referrers and indexes.
    return keep_private(make_response(
        render_template(
            "public/inquiry_result.html",
            inquiry=inquiry,
            merged_from=received if received is not inquiry else None,
            matches=detail.top_matches(inquiry, TOP_MATCHES),
            no_clear_match=ranking.has_no_clear_match(inquiry),
            progress=introductions.progress(inquiry),
            agency=agency_contact(inquiry),
        )
    ))  # fmt: skip


@bp.get("/privacy")
def privacy():
    return render_template("public/privacy.html", notice_version=PRIVACY_NOTICE_VERSION)


@bp.get("/privacy/<version>")
def privacy_version(version: str):
    """One version of the notice, word for word, as the consent records refer to it."""
    template = notice_template(version)
    if template is None:
        abort(404)
    return render_template(template, notice_version=version)


@bp.get("/language/<lang>")
def set_language(lang: str):
    """Remember the visitor's language and go back to the page they were on."""
    if lang not in current_app.config["LANGUAGES"]:
        lang = current_app.config["BABEL_DEFAULT_LOCALE"]
    response = redirect(safe_next_path(request.args.get("next")))
    response.set_cookie(LANG_COOKIE, lang, max_age=ONE_YEAR, samesite="Lax", httponly=True,
                        secure=request.is_secure)  # fmt: skip
    return response
