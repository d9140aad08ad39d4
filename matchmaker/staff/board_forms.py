"""The form of a card on the pipeline board."""

from wtforms import HiddenField
from wtforms.validators import AnyOf

from matchmaker.models import Status
from matchmaker.staff.next_step_forms import LostStatusForm


class CardMoveForm(LostStatusForm):
    """Move a card: the lead's status form (a lost lead needs its reason), and the column the
    card was shown in, which the board's script gets back with the card's new column."""

    column = HiddenField(validators=[AnyOf(list(Status))])
