"""Forms of self-service profiles: asking for a link, and proposing changes through it."""

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, FieldList, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from matchmaker.forms import BaseForm
from matchmaker.labels import LANGUAGE_LABELS, offer_choices
from matchmaker.public.forms import MultiCheckboxField
from matchmaker.services import contacts
from matchmaker.services.directory import MAX_LENGTHS

BLANK_ROWS = 2  # empty contact rows offered for new contacts


class ProfileLinkForm(BaseForm):
    email = EmailField(
        _l("Your email address"),
        validators=[DataRequired(_l("Give one email address.")), Length(max=254),
                    Email(_l("Give one email address."), granular_message=False)],
    )  # fmt: skip


class ContactRowForm(BaseForm):
    """One contact of the proposal; a row left empty is ignored."""

    class Meta:
        csrf = False

    name = StringField(_l("Name"))
    role = StringField(_l("Role (optional)"))
    email = EmailField(_l("Email"))
    lang = SelectField(_l("Preferred language"), default="en")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lang.choices = list(LANGUAGE_LABELS.items())

    @property
    def blank(self) -> bool:
        return not (self.name.data or self.role.data or self.email.data)


class ProposalForm(BaseForm):
    """The profile as its contact would have it; the directory's rules check it on submission."""

    description = TextAreaField(_l("Description in English"),
                                validators=[Optional(), Length(max=MAX_LENGTHS["description"])])
    description_fr = TextAreaField(
        _l("Description in French"),
        validators=[Optional(), Length(max=MAX_LENGTHS["description_fr"])],
    )
    keywords = StringField(_l("Keywords in English"))
    keywords_fr = StringField(_l("Keywords in French"))
    offers = MultiCheckboxField(_l("Ways to work with you"))
    contacts = FieldList(FormField(ContactRowForm))

    def __init__(self, *args: Any, cells: dict[str, str] | None = None, **kwargs: Any) -> None:
        """cells: the profile as it is (directory cells), to start from on a first showing."""
        if cells is not None:
            records, _problems = contacts.parse_contacts(cells["contacts"])
            kwargs["data"] = {
                **{name: cells[name] for name in ("description", "description_fr")},
                **{name: cells[name].replace(";", "; ") for name in ("keywords", "keywords_fr")},
                "offers": [code for code in cells["offers"].split(";") if code],
                "contacts": [record.fields() for record in records],
            }
        super().__init__(*args, **kwargs)
        self.offers.choices = offer_choices()
        while len(self.contacts.entries) < len(self._filled()) + BLANK_ROWS:
            self.contacts.append_entry()

    def _filled(self) -> list[ContactRowForm]:
        return [entry.form for entry in self.contacts if not entry.form.blank]

    def validate_contacts(self, field: FieldList) -> None:
        """Each contact by the one contact rule; at least one, each address once."""
        rows = self._filled()
        if not rows:
            raise ValidationError(_l("Keep at least one contact, so that introductions reach you."))
        self.records: list[contacts.ContactRecord] = []
        for row in rows:
            try:
                record = contacts.check_contact(row.name.data or "", row.role.data or "",
                                                row.email.data or "", row.lang.data or "")
                if any(other.email == record.email for other in self.records):
                    raise contacts.ContactError("email", str(_l("This address is given twice.")))
                self.records.append(record)
            except contacts.ContactError as error:
                row[error.field].errors.append(str(error))
        if len(self.records) < len(rows):
            raise ValidationError(_l("Correct the contacts marked below."))

    def cells(self) -> dict[str, str]:
        """The proposal as the directory's cells (once the form is valid)."""
        return {
            "description": self.description.data or "",
            "description_fr": self.description_fr.data or "",
            "keywords": self.keywords.data or "",
            "keywords_fr": self.keywords_fr.data or "",
            "offers": ";".join(self.offers.data or ()),
            "contacts": contacts.contacts_cell(self.records),
        }
