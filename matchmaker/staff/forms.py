"""Forms of the directory pages (directory_views); the other pages' forms are in
<page>_forms.py next to their <page>_views.py."""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    EmailField,
    HiddenField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, Optional

from matchmaker.forms import BaseForm
from matchmaker.labels import KIND_LABELS, offer_choices, province_choices, sector_choices
from matchmaker.public.forms import MultiCheckboxField
from matchmaker.services import directory
from matchmaker.taxonomy import KINDS, SIZES


def kind_choices() -> list[tuple[str, str]]:
    return [(code, KIND_LABELS[code]) for code in KINDS]


class OrganizationFilterForm(BaseForm):
    """The admin directory list's search, filters and sort (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)])
    status = SelectField(_l("Status"), validators=[Optional()])
    sector = SelectField(_l("Sector"), validators=[Optional()])
    province = SelectField(_l("Province"), validators=[Optional()])
    kind = SelectField(_l("Kind"), validators=[Optional()])
    contact = SelectField(_l("Contacts"), validators=[Optional()])
    sort = SelectField(_l("Sort by"), validators=[Optional()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = [("", _l("Active and inactive")), ("active", _l("Active")),
                               ("inactive", _l("Inactive"))]  # fmt: skip
        self.sort.choices = [(directory.RELEVANCE, _l("Best match")), ("name", _l("Name")),
                             ("updated", _l("Recently changed")),
                             ("created", _l("Recently added"))]  # fmt: skip
        self.sector.choices = [("", _l("All sectors")), *sector_choices()]
        self.province.choices = [("", _l("All provinces")), *province_choices()]
        self.kind.choices = [("", _l("All kinds")), *kind_choices()]
        self.contact.choices = [("", _l("With or without")), ("none", _l("No contact yet"))]

    def query_args(self) -> dict[str, Any]:
        """Arguments of services.directory.search_query (none when a value is not valid)."""
        data = self.data if self.validate() else {}
        return {
            "text": data.get("q") or "",
            "sector": data.get("sector") or "",
            "province": data.get("province") or "",
            "kind": data.get("kind") or "",
            "active": {"active": True, "inactive": False}.get(data.get("status") or ""),
            "missing_contact": data.get("contact") == "none",
            "sort": data.get("sort") or directory.RELEVANCE,
        }


class OrganizationForm(BaseForm):
    """An organization of the directory. The rules are services.directory.validate_record's,
    the same as a CSV import's: this form only collects the cells of a record."""

    TAG_FIELDS = ("sectors", "offers")
    KEYWORD_FIELDS = ("keywords", "keywords_fr")

    slug = StringField(_l("Short name for addresses (slug)"))
    name = StringField(_l("Name"))
    kind = SelectField(_l("Kind"), validate_choice=False)
    sectors = MultiCheckboxField(_l("Sectors"), validate_choice=False)
    offers = MultiCheckboxField(_l("What partners can engage them for"), validate_choice=False)
    description = TextAreaField(_l("Description in English"))
    description_fr = TextAreaField(_l("Description in French"))
    keywords = StringField(_l("Keywords in English (optional)"))
    keywords_fr = StringField(_l("Keywords in French (optional)"))
    city = StringField(_l("City (optional)"))
    province = SelectField(_l("Province"), validate_choice=False)
    website = URLField(_l("Website (optional)"))
    source = URLField(_l("Source of the facts (optional)"))
    founded = StringField(_l("Year founded (optional)"))
    size = SelectField(_l("Size in employees (optional)"), validate_choice=False)
    contact_email = EmailField(_l("Contact email (optional)"))
    # When the organization was last changed, as the page showed it (edits only).
    changed_at = HiddenField()

    def __init__(self, *args, record: dict[str, str] | None = None, **kwargs) -> None:
        if record is not None:
            kwargs["data"] = {
                name: _split(value) if name in self.TAG_FIELDS else value
                for name, value in record.items()
            } | {name: record.get(name, "").replace(";", "; ") for name in self.KEYWORD_FIELDS}
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _l("Choose…")), *kind_choices()]
        self.sectors.choices = sector_choices()
        self.offers.choices = offer_choices()
        self.province.choices = [("", _l("Choose…")), *province_choices()]
        self.size.choices = [("", _l("Not given")), *((size, size) for size in SIZES)]
        for name, limit in directory.MAX_LENGTHS.items():
            self[name].render_kw = {**(self[name].render_kw or {}), "maxlength": limit}

    def record(self) -> dict[str, str]:
        """The form's values as the text cells of a directory CSV row."""
        return {
            field.name: ";".join(field.data or ()) if field.name in self.TAG_FIELDS
            else (field.data or "")
            for field in self
            if field.name in directory.FIELDS
        }  # fmt: skip

    def show_problems(self, problems: list[directory.Problem]) -> None:
        """Put each broken rule next to its field."""
        for problem in problems:
            self[problem.field].errors.append(problem.message)


def _split(cell: str) -> list[str]:
    return [part for part in cell.split(";") if part]


class DirectoryImportForm(BaseForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a CSV file to import.")),
                    FileAllowed(["csv"], _l("Choose a file whose name ends in .csv."))],
        render_kw={"accept": ".csv,text/csv"},
    )  # fmt: skip


class DirectoryApplyForm(BaseForm):
    """Import the previewed file: the fingerprint says what the preview showed."""

    fingerprint = HiddenField(validators=[DataRequired()])
