"""Forms of an introduction's signed pages: the organization's answer, the investor's pick."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from matchmaker.dates import agency_zone
from matchmaker.forms import BaseForm
from matchmaker.labels import DECLINE_REASON_LABELS

MESSAGE_MAX = 2000


class AcceptForm(BaseForm):
    message = TextAreaField(_l("A message for them (optional)"),
                            validators=[Optional(), Length(max=MESSAGE_MAX)])  # fmt: skip
    slot_1 = DateTimeLocalField(_l("First proposed time (optional)"), validators=[Optional()],
                                format="%Y-%m-%dT%H:%M")  # fmt: skip
    slot_2 = DateTimeLocalField(_l("Second proposed time (optional)"), validators=[Optional()],
                                format="%Y-%m-%dT%H:%M")  # fmt: skip
    slot_3 = DateTimeLocalField(_l("Third proposed time (optional)"), validators=[Optional()],
                                format="%Y-%m-%dT%H:%M")  # fmt: skip

    def slots(self) -> list[datetime]:
        """The proposed times, read in the agency's time zone, as aware datetimes."""
        zone = agency_zone()
        return [
            field.data.replace(tzinfo=zone)
            for field in (self.slot_1, self.slot_2, self.slot_3)
            if field.data is not None
        ]


class DeclineForm(BaseForm):
    reason = SelectField(_l("Why not? (optional)"), validators=[Optional()])
    text = TextAreaField(_l("Anything to add (optional)"),
                         validators=[Optional(), Length(max=MESSAGE_MAX)])  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reason.choices = [("", _l("I prefer not to say")),
                               *DECLINE_REASON_LABELS.items()]  # fmt: skip


class MeetingForm(BaseForm):
    slot = RadioField(
        _l("The time that suits you"),
        validators=[DataRequired(_l("Choose one of the proposed times."))],
    )
