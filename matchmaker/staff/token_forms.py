"""The API token form (token_views)."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from matchmaker.forms import BaseForm
from matchmaker.models import User


class ApiTokenForm(BaseForm):
    """Issue an API token for a staff member (admins only)."""

    name = StringField(
        _l("What the token is for"),
        validators=[
            DataRequired(_l("Say what the token is for, e.g. the CRM sync.")),
            Length(max=100),
        ],  # fmt: skip
    )
    user_id = SelectField(_l("Acts as"), coerce=int, validate_choice=True)
    scope = RadioField(_l("Access"), default="read", validators=[DataRequired()])

    def __init__(self, *args, users: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user_id.choices = [(user.id, f"{user.name} <{user.email}>") for user in users]
        self.scope.choices = [("read", _l("Read leads and organizations")),
                              ("write", _l("Read, and change the status of leads"))]  # fmt: skip
