"""The lead list's bulk form: the leads ticked, and the assignee or status to give them all."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SelectMultipleField
from wtforms.validators import Optional

from matchmaker.forms import BaseForm, database_key
from matchmaker.labels import STATUS_LABELS
from matchmaker.models import User
from matchmaker.services.leads.bulk import BULK_STATUSES


class BulkLeadForm(BaseForm):
    # Ids are checked by the service (a lead deleted meanwhile is simply not found).
    ids = SelectMultipleField(_l("Select"), coerce=int, validate_choice=False,
                              validators=[database_key])  # fmt: skip
    assignee = SelectField(_l("Assign the selected leads to"), validate_choice=False,
                           validators=[Optional(), database_key])  # fmt: skip
    status = SelectField(_l("Set the status of the selected leads to"),
                         validators=[Optional()])  # fmt: skip
    back = HiddenField()  # the list's query string, to go back to the same filters

    def __init__(self, *args, users: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.assignee.choices = [("", _l("Nobody")), *((str(u.id), u.name) for u in users)]
        self.status.choices = [("", _l("Choose a status")),
                               *((code, STATUS_LABELS[code]) for code in BULK_STATUSES)]
