"""Forms of the staff's organization pages."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from matchmaker.forms import BaseForm

NOTE_MAX = 2000


class DecisionForm(BaseForm):
    """Approve or reject a profile proposal (the button's address says which), with a note."""

    note = TextAreaField(_l("Note for the history and the contact"),
                         validators=[Optional(), Length(max=NOTE_MAX)])  # fmt: skip
