"""The form that saves the lead list's or the board's filters under a name."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired, Length

from matchmaker.forms import BaseForm

VIEWS = {"list": "staff.lead_list", "board": "staff.lead_board"}  # a page showing leads: endpoint


class SavedFilterForm(BaseForm):
    name = StringField(_l("Save these filters as"),
                       validators=[DataRequired(_l("Name these filters to save them.")),
                                   Length(max=80)])  # fmt: skip
    view = HiddenField(validators=[AnyOf(list(VIEWS))])  # where to go back to
