"""The public site: home, the directory of organizations, the language switch."""

from flask import Blueprint, current_app, redirect, render_template, request

from matchmaker.extensions import db
from matchmaker.i18n import LANG_COOKIE
from matchmaker.public.forms import DirectorySearchForm
from matchmaker.security import safe_next_path
from matchmaker.services import directory

bp = Blueprint("public", __name__)

ONE_YEAR = 365 * 24 * 3600


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
        ),
        per_page=current_app.config["ORGANIZATIONS_PER_PAGE"],
        error_out=False,
    )
    return render_template("public/organization_list.html", form=form, page=page)


@bp.get("/organizations/<slug>")
def organization_detail(slug: str):
    org = db.first_or_404(directory.active_query().filter_by(slug=slug))
    return render_template("public/organization_detail.html", org=org)


@bp.get("/language/<lang>")
def set_language(lang: str):
    """Remember the visitor's language and go back to the page they were on."""
    if lang not in current_app.config["LANGUAGES"]:
        lang = current_app.config["BABEL_DEFAULT_LOCALE"]
    response = redirect(safe_next_path(request.args.get("next")))
    response.set_cookie(LANG_COOKIE, lang, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    return response

