"""Forms of a lead's next steps, and the status form with the lost reason's vocabulary."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from matchmaker.forms import BaseForm
from matchmaker.labels import LOST_REASON_LABELS, NEXT_STEP_LABELS
from matchmaker.models import LostReason, Status
from matchmaker.staff.lead_forms import StatusForm

FURTHEST_DUE = timedelta(days=5 * 366)


class NextStepForm(BaseForm):
    kind = SelectField(_l("Step"), validators=[InputRequired()])
    due_on = DateField(_l("Due by"), validators=[InputRequired(_l("Give the day it is due by."))])
    note = StringField(_l("What to do (optional)"), validators=[Optional(), Length(max=300)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = list(NEXT_STEP_LABELS.items())

    def validate_due_on(self, field: DateField) -> None:
        if field.data and not (date(2000, 1, 1) <= field.data <= date.today() + FURTHEST_DUE):
            raise ValidationError(_l("Give a day within the next five years."))


class LostStatusForm(StatusForm):
    """The status form; a lost lead takes its reason from the vocabulary, and words when none
    of it fits ("other", or nothing chosen)."""

    lost_reason_code = SelectField(_l("Why was it lost?"), validators=[Optional()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lost_reason_code.choices = [("", _l("Choose a reason")), *LOST_REASON_LABELS.items()]
        self.lost_reason.label.text = _l("In a few words")

    def validate_lost_reason(self, field) -> None:
        """Words are needed when no reason of the list says it (none chosen counts as other)."""
        if (self.status.data == Status.LOST
                and (self.lost_reason_code.data or LostReason.OTHER) == LostReason.OTHER
                and not (field.data or "").strip()):  # fmt: skip
            raise ValidationError(_l("Say why the lead was lost."))
