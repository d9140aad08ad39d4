"""The second factor's forms (two_factor_views): a code to confirm each change."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from matchmaker.forms import BaseForm
from matchmaker.services.two_factor import MAX_CODE_LENGTH


class CodeForm(BaseForm):
    """A code from the authenticator app, which confirms a change to the second factor."""

    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(_l("Enter the 6-digit code your app shows.")),
                    Length(max=MAX_CODE_LENGTH)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                   "spellcheck": "false"},
    )  # fmt: skip
