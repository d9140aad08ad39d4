"""The insight pages' period (insight_views)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms.validators import Optional, ValidationError

from matchmaker.forms import BaseForm, plausible_date

MAX_INSIGHT_DAYS = 3 * 366


class PeriodForm(BaseForm):
    """The date range of the insight pages (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional(), plausible_date])
    end = DateField(_l("To"), validators=[Optional(), plausible_date])

    def validate_end(self, field: DateField) -> None:
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError(_l("Choose an end date on or after the start date."))
            if (field.data - self.start.data).days >= MAX_INSIGHT_DAYS:
                raise ValidationError(_l("Choose a period of at most three years."))
