"""The sign-in forms (auth_views): the password, then the second factor's code."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from matchmaker.forms import BaseForm
from matchmaker.services.accounts import MAX_PASSWORD_LENGTH
from matchmaker.services.two_factor import MAX_CODE_LENGTH


class LoginForm(BaseForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    next = HiddenField()


class SignInCodeForm(BaseForm):
    """The second step of a sign-in: the app's code, or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Enter the code your app shows, or a recovery code.")),
                    Length(max=MAX_CODE_LENGTH)],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false",
                   "autocapitalize": "off", "autofocus": True},
    )  # fmt: skip
