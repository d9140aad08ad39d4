"""Forms of the staff accounts (user_views), and the roles' names."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from matchmaker.forms import BaseForm
from matchmaker.models import Role

ROLE_LABELS = {Role.STAFF: _l("Staff"), Role.ADMIN: _l("Administrator")}


def _name_field() -> StringField:
    return StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter the person's name.")), Length(max=200)],
        render_kw={"autocomplete": "off"},
    )


def _role_field() -> SelectField:
    return SelectField(_l("Role"), choices=_role_choices, default=Role.STAFF.value)


def _role_choices() -> list[tuple[str, str]]:
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


class UserCreateForm(BaseForm):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter the email address the person will sign in with.")),
            Length(max=254),
            Email(_l("Enter an email address like name@agency.be.")),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    name = _name_field()
    role = _role_field()


class UserForm(BaseForm):
    """A staff account's name and role (its email is its identity and stays)."""

    name = _name_field()
    role = _role_field()
