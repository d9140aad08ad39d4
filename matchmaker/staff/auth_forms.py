"""The sign-in form (auth_views)."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, Length

from matchmaker.forms import BaseForm
from matchmaker.services.accounts import MAX_PASSWORD_LENGTH


class LoginForm(BaseForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    next = HiddenField()

