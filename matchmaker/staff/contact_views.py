"""The organizations' contacts, kept by any staff member: the list with its "no contact yet"
filter, and one organization's contacts."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from matchmaker.extensions import db
from matchmaker.models import Contact, Organization
from matchmaker.pagination import requested_page
from matchmaker.services import contacts, directory
from matchmaker.staff import bp
from matchmaker.staff.introduction_forms import ContactDirectoryForm, ContactForm

UNPROCESSABLE = 422


@bp.get("/organizations")
def contact_directory():
    """The active organizations and their contacts; "no contact yet" lists those without."""
    form = ContactDirectoryForm(request.args)
    valid = form.validate()
    page = db.paginate(
        directory.search_query(
            text=(form.q.data or "").strip() if valid else "",
            missing_contact=bool(form.missing.data),
        ),
        page=requested_page(),
        per_page=50,
        error_out=False,
    )
    return render_template("staff/contact_directory.html", form=form, page=page)


@bp.get("/organizations/<int:organization_id>/contacts")
def organization_contacts(organization_id: int):
    org = db.get_or_404(Organization, organization_id)
    return _contacts_page(org)


def _contacts_page(org: Organization, code: int = 200, form: ContactForm | None = None,
                   editing: int | None = None):  # fmt: skip
    edit_forms = {
        contact.id: ContactForm(formdata=None, obj=contact, prefix=f"c{contact.id}")
        for contact in org.contacts
    }
    if form is not None and editing is not None:
        edit_forms[editing] = form
    return render_template(
        "staff/organization_contacts.html",
        org=org,
        add_form=form if editing is None and form is not None else ContactForm(formdata=None),
        edit_forms=edit_forms,
        waiting=[i for i in _waiting(org)],
    ), code


def _waiting(org: Organization):
    from matchmaker.services.leads import introductions

    return [i for i in introductions.waiting_for_contact() if i.organization_id == org.id]


@bp.post("/organizations/<int:organization_id>/contacts")
def contact_add(organization_id: int):
    org = db.get_or_404(Organization, organization_id)
    form = ContactForm()
    if not form.validate_on_submit():
        return _contacts_page(org, UNPROCESSABLE, form)
    try:
        contacts.add_contact(org, current_user, form.name.data, form.role.data or "",
                             form.email.data, form.lang.data)  # fmt: skip
        db.session.commit()
    except contacts.ContactError as error:
        db.session.rollback()
        form[error.field].errors = [str(error)]
        return _contacts_page(db.get_or_404(Organization, organization_id), UNPROCESSABLE, form)
    flash(_("Contact added to %(name)s.", name=org.name), "success")
    if waiting := _waiting(org):
        flash(_("%(num)d introductions waited for a contact at this organization: send them from "
                "their leads.", num=len(waiting)), "info")  # fmt: skip
    return redirect(url_for("staff.organization_contacts", organization_id=org.id))


@bp.post("/organizations/<int:organization_id>/contacts/<int:contact_id>")
def contact_edit(organization_id: int, contact_id: int):
    contact = _contact(organization_id, contact_id)
    form = ContactForm(prefix=f"c{contact_id}")
    if not form.validate_on_submit():
        return _contacts_page(contact.organization, UNPROCESSABLE, form, editing=contact_id)
    try:
        changed = contacts.update_contact(contact, current_user, form.name.data,
                                          form.role.data or "", form.email.data,
                                          form.lang.data)  # fmt: skip
        db.session.commit()
    except contacts.ContactError as error:
        db.session.rollback()
        form[error.field].errors = [str(error)]
        contact = _contact(organization_id, contact_id)
        return _contacts_page(contact.organization, UNPROCESSABLE, form, editing=contact_id)
    flash(_("Contact saved.") if changed else _("Nothing changed."),
          "success" if changed else "info")  # fmt: skip
    return redirect(url_for("staff.organization_contacts", organization_id=organization_id))


@bp.post("/organizations/<int:organization_id>/contacts/<int:contact_id>/remove")
def contact_remove(organization_id: int, contact_id: int):
    contact = _contact(organization_id, contact_id)
    name = contact.name
    contacts.remove_contact(contact, current_user)
    db.session.commit()
    flash(_("%(name)s removed from the contacts.", name=name), "success")
    return redirect(url_for("staff.organization_contacts", organization_id=organization_id))


def _contact(organization_id: int, contact_id: int) -> Contact:
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.organization_id != organization_id:
        abort(404)
    return contact
