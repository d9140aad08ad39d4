"""What a staff member covers (routing_views)."""

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, ValidationError

from matchmaker.forms import BaseForm
from matchmaker.labels import COUNTRY_CODES, sector_choices
from matchmaker.public.forms import MultiCheckboxField


class CoverageForm(BaseForm):
    """What a staff member covers: the sectors, and optionally the countries, of their leads."""

    sectors = MultiCheckboxField(_l("Sectors covered"))
    countries = StringField(
        _l("Countries (optional)"),
        validators=[Length(max=400)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sectors.choices = sector_choices()

    def validate_countries(self, field: StringField) -> None:
        unknown = [code for code in _country_codes(field.data) if code not in COUNTRY_CODES]
        if unknown:
            raise ValidationError(
                _l("Unknown country codes: %(codes)s. Use two-letter codes such as JP, US or DE.",
                   codes=", ".join(unknown))
            )  # fmt: skip

    @property
    def country_codes(self) -> tuple[str, ...]:
        return tuple(_country_codes(self.countries.data))


def _country_codes(text: str | None) -> list[str]:
    return [code.upper() for code in re.split(r"[\s,;]+", text or "") if code]
