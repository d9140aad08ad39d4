"""Admin pages for the directory: list, create, edit, (de)activate, CSV import and export."""

from datetime import date, timedelta

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from matchmaker import audit
from matchmaker.errors import render_http_error
from matchmaker.extensions import db
from matchmaker.models import Organization
from matchmaker.pagination import requested_page
from matchmaker.services import directory
from matchmaker.staff import admin_bp
from matchmaker.staff.forms import (
    DirectoryApplyForm,
    DirectoryImportForm,
    OrganizationFilterForm,
    OrganizationForm,
)

ADMIN_PAGE_SIZE = 25
UTF8_BOM = "\ufeff"  # lets spreadsheet programs open the export as UTF-8


@admin_bp.get("/organizations")
def organization_list():
    form = OrganizationFilterForm(request.args)
    page = db.paginate(
        directory.search_query(**form.query_args()),
        page=requested_page(),
        per_page=ADMIN_PAGE_SIZE,
        error_out=False,
    )
    return render_template(
        "staff/admin/organization_list.html",
        form=form,
        page=page,
        version=directory.directory_version(),
    )


@admin_bp.route("/organizations/new", methods=["GET", "POST"])
def organization_create():
    form = OrganizationForm()
    if form.validate_on_submit():
        try:
            org = directory.create_organization(form.record(), current_user)
        except directory.InvalidOrganization as error:
            form.show_problems(error.problems)
        else:
            db.session.commit()
            _log("added organization %s", org.slug)
            flash(_("%(name)s is in the directory.", name=org.name), "success")
            return redirect(url_for(".organization_edit", slug=org.slug))
    return render_template("staff/admin/organization_form.html", form=form, org=None)


@admin_bp.route("/organizations/<slug>/edit", methods=["GET", "POST"])
def organization_edit(slug: str):
    org = _organization(slug)
    changed_at = org.updated_at.isoformat()
    form = OrganizationForm(record=directory.organization_record(org), changed_at=changed_at)
    if form.validate_on_submit():
        if form.changed_at.data != changed_at:
            flash(_("Someone else changed %(name)s while you were editing, so nothing was saved. "
                    "Here is what it holds now: make your changes again.", name=org.name),
                  "warning")  # fmt: skip
            return redirect(url_for(".organization_edit", slug=org.slug))
        try:
            changes = directory.update_organization(org, form.record(), current_user)
        except directory.InvalidOrganization as error:
            form.show_problems(error.problems)
        else:
            db.session.commit()
            if changes:
                _log("changed organization %s: %s", org.slug, ", ".join(c.field for c in changes))
                flash(_("Your changes to %(name)s are saved.", name=org.name), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(url_for(".organization_edit", slug=org.slug))
    return render_template("staff/admin/organization_form.html", form=form, org=org)


@admin_bp.post("/organizations/<slug>/deactivate")
def organization_deactivate(slug: str):
    return _set_active(_organization(slug), False)


@admin_bp.post("/organizations/<slug>/reactivate")
def organization_reactivate(slug: str):
    return _set_active(_organization(slug), True)


def _set_active(org: Organization, active: bool):
    if directory.set_active(org, active, current_user):
        db.session.commit()
        _log("%s organization %s", "reactivated" if active else "deactivated", org.slug)
    if active:
        flash(_("%(name)s is listed and matched again.", name=org.name), "success")
    else:
        message = _(
            "%(name)s is deactivated: it is no longer listed or matched. Past matches keep it.",
            name=org.name,
        )
        flash(message, "success")
    return redirect(url_for(".organization_edit", slug=org.slug))


@admin_bp.get("/organizations/export.csv")
def organization_export():
    filename = f"walloon-directory-{date.today().isoformat()}.csv"
    return Response(
        UTF8_BOM + directory.export_csv(),
        mimetype="text/csv",  # Flask adds "; charset=utf-8"
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@admin_bp.route("/organizations/import", methods=["GET", "POST"])
def organization_import():
    form = DirectoryImportForm()
    if form.validate_on_submit():
        file = form.file.data
        try:
            upload = directory.store_upload(current_user, file.filename or "", file.read())
        except directory.ImportFileError as error:
            form.file.errors.append(str(error))
        else:
            db.session.commit()
            return redirect(url_for(".organization_import_preview", token=upload.token))
    return _import_page(form, 422 if form.errors else 200)


@admin_bp.errorhandler(RequestEntityTooLarge)
def request_too_large(error: RequestEntityTooLarge):
    """An upload over MAX_CONTENT_LENGTH: say so on the import page, with nothing written."""
    if request.endpoint != "staff.admin.organization_import":
        return render_http_error(error)
    form = DirectoryImportForm(formdata=None)
    form.file.errors = [directory.too_large_message()]
    return _import_page(form, 413)


def _import_page(form: DirectoryImportForm, status: int):
    page = render_template(
        "staff/admin/organization_import.html",
        form=form,
        columns=directory.COLUMNS,
        max_mb=directory.MAX_IMPORT_BYTES // 1048576,
    )
    return page, status


@admin_bp.route("/organizations/import/<token>", methods=["GET", "POST"])
def organization_import_preview(token: str):
    """GET: what importing the file would do. POST: do it, if that is still what it does."""
    try:
        upload = directory.find_upload(token, current_user)
    except directory.UploadExpired:
        return _upload_gone()
    form = DirectoryApplyForm()
    if form.validate_on_submit():
        try:
            plan = directory.apply_upload(upload, form.fingerprint.data, current_user)
        except directory.PreviewOutdated:
            message = _(
                "The directory changed since this preview, so nothing was imported. Here is "
                "what the file would do now: check it and import again."
            )
            flash(message, "warning")
            return redirect(url_for(".organization_import_preview", token=token))
        db.session.commit()
        added, changed = len(plan.added), len(plan.changed)
        _log("imported %s: %d added, %d changed", upload.filename, added, changed)
        message = _(
            "Imported: %(added)d added, %(changed)d changed. The directory is now at version "
            "%(version)d.",
            added=added,
            changed=changed,
            version=directory.directory_version(),
        )
        flash(message, "success")
        return redirect(url_for(".organization_list", sort="updated"))
    plan = directory.plan_upload(upload)
    form.fingerprint.data = plan.fingerprint()
    return render_template(
        "staff/admin/organization_import_preview.html", form=form, upload=upload, plan=plan
    )


def _upload_gone():
    message = _(
        "That upload is no longer available: uploads are kept for %(minutes)d minutes, and only "
        "until they are imported. Upload the file again.",
        minutes=directory.UPLOAD_LIFETIME // timedelta(minutes=1),
    )
    flash(message, "warning")
    return redirect(url_for(".organization_import"))


def _organization(slug: str) -> Organization:
    return db.first_or_404(db.select(Organization).filter_by(slug=slug))


def _log(message: str, *args) -> None:
    current_app.logger.info("Directory admin: user %s " + message, current_user.id, *args)
    audit.event("directory.change", action=message % args)
