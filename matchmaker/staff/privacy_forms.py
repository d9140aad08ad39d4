"""Personal data requests: access and erasure (privacy_views)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField
from wtforms.validators import DataRequired, Length

from matchmaker.forms import BaseForm


class PersonalDataForm(BaseForm):
    """The address an access or erasure request is about."""

    email = EmailField(
        _l("Email address of the person"),
        validators=[
            DataRequired(_l("Enter the email address the request is about.")),
            Length(max=254),
        ],  # fmt: skip
    )


class ErasureForm(PersonalDataForm):
    confirm = BooleanField(
        _l("I checked that the request comes from this person, and I understand that the "
           "erasure cannot be undone."),
        validators=[DataRequired(_l("Confirm that you checked the request before erasing."))],
    )  # fmt: skip
