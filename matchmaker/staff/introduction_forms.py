"""Forms of the back office for contacts and introductions."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, IntegerField, SearchField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from matchmaker.forms import BaseForm
from matchmaker.labels import LANGUAGE_LABELS
from matchmaker.staff.lead_forms import LeadChangeForm


class ContactForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the contact's name.")),
                                               Length(max=200)])  # fmt: skip
    role = StringField(_l("Role"), validators=[Optional(), Length(max=200)])
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Give one email address.")), Length(max=254),
                    Email(_l("Give one email address."), granular_message=False)],
    )  # fmt: skip
    lang = SelectField(_l("Preferred language"), default="en")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lang.choices = list(LANGUAGE_LABELS.items())


class ContactDirectoryForm(BaseForm):
    """The staff's search of the directory's contacts (a GET form)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Organization"), validators=[Optional(), Length(max=200)])
    missing = BooleanField(_l("No contact yet"))


class SendWaitingForm(LeadChangeForm):
    introduction = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
