"""The form that merges two leads (merge_views)."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange, ValidationError
from wtforms.widgets import HiddenInput

from matchmaker.forms import BaseForm

MAX_ID = 2**31 - 1  # an id the databases can hold


def _hidden_number(maximum: int = MAX_ID) -> IntegerField:
    return IntegerField(widget=HiddenInput(),
                        validators=[InputRequired(), NumberRange(min=1, max=maximum)])  # fmt: skip


class MergeForm(BaseForm):
    """The two leads, and the version of each that the confirmation page showed."""

    keep = _hidden_number()
    merge = _hidden_number()
    keep_version = _hidden_number()
    merge_version = _hidden_number()

    def validate_merge(self, field: IntegerField) -> None:
        if field.data == self.keep.data:
            raise ValidationError(_l("Choose two different leads."))
