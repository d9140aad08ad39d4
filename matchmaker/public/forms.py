"""Forms of the public site."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.validators import Length, Optional

from matchmaker.labels import province_choices, sector_choices


class DirectorySearchForm(FlaskForm):
    """The directory's search box and filters (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)])
    sector = SelectField(_l("Sector"), validators=[Optional()])
    province = SelectField(_l("Province"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector.choices = [("", _l("All sectors")), *sector_choices()]
        self.province.choices = [("", _l("All provinces")), *province_choices()]
