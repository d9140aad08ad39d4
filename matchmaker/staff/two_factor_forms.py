"""The second factor's form: a code, at sign-in (auth_views) and for each change to it
(two_factor_views)."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from matchmaker.forms import BaseForm
from matchmaker.services.two_factor import MAX_CODE_LENGTH


class CodeForm(BaseForm):
    """A code from the authenticator app (or, where the page says so, a recovery code)."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Enter the code your app shows.")),
                    Length(max=MAX_CODE_LENGTH)],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false",
                   "autocapitalize": "off"},
    )  # fmt: skip
