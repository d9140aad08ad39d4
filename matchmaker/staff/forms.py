"""Forms of the back office."""

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from matchmaker.forms import BaseForm
from matchmaker.labels import (
    COUNTRY_CODES,
    KIND_LABELS,
    STATUS_LABELS,
    country_name,
    offer_choices,
    province_choices,
    sector_choices,
)
from matchmaker.models import Match, Role, Status, User
from matchmaker.public.forms import MultiCheckboxField
from matchmaker.services import directory
from matchmaker.services.accounts import MAX_PASSWORD_LENGTH
from matchmaker.services.leads import listing
from matchmaker.taxonomy import KINDS, SIZES


class LoginForm(BaseForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    next = HiddenField()


# Leads --------------------------------------------------------------------------------------


def _plausible_date(form: FlaskForm, field: DateField) -> None:
    if field.data and not 2000 <= field.data.year <= 2999:
        raise ValidationError(_l("Enter a date between the years 2000 and 2999."))


class LeadFilterForm(BaseForm):
    """The lead list's search, filters and sort (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)])
    status = SelectField(_l("Status"), validators=[Optional()])
    sector = SelectField(_l("Sector"), validators=[Optional()])
    country = SelectField(_l("Country"), validators=[Optional()])
    assignee = SelectField(_l("Assigned to"), validators=[Optional()])
    received_from = DateField(_l("Received from"), validators=[Optional(), _plausible_date])
    received_to = DateField(_l("Received until"), validators=[Optional(), _plausible_date])
    needs_ranking = BooleanField(_l("Only leads to re-rank"))
    sort = SelectField(_l("Sort by"), validators=[Optional()])

    SORT_LABELS = {
        "newest": _l("Newest first"),
        "oldest": _l("Oldest first"),
        "name": _l("Name"),
        "organization": _l("Organization"),
        "status": _l("Status"),
        "last_action": _l("Last worked on"),
    }

    def __init__(self, formdata, *, countries: list[str], users: list[User], me: User) -> None:
        super().__init__(formdata)
        self.status.choices = [("", _l("All statuses")), (listing.OPEN, _l("Open")),
                               *status_choices()]  # fmt: skip
        self.sector.choices = [("", _l("All sectors")), *sector_choices()]
        self.country.choices = [("", _l("All countries")),
                                *((code, country_name(code)) for code in countries)]  # fmt: skip
        self.assignee.choices = [
            ("", _l("Anyone")),
            (listing.UNASSIGNED, _l("Nobody (unassigned)")),
            (str(me.id), _l("Me")),
            *((str(user.id), _user_label(user)) for user in users if user.id != me.id),
        ]
        self.sort.choices = list(self.SORT_LABELS.items())

    def validate_received_to(self, field: DateField) -> None:
        if field.data and self.received_from.data and field.data < self.received_from.data:
            raise ValidationError(_l("The end date must be on or after the start date."))

    def filters(self) -> listing.LeadFilters:
        """The filters to apply: the valid fields only (a wrong date does not empty the list)."""
        self.validate()

        def value(field, default=""):
            return default if field.errors or field.data is None else field.data

        return listing.LeadFilters(
            q=value(self.q),
            status=value(self.status),
            sector=value(self.sector),
            country=value(self.country),
            assignee=value(self.assignee),
            received_from=value(self.received_from, None),
            received_to=value(self.received_to, None),
            needs_ranking=bool(self.needs_ranking.data),
            sort=value(self.sort, "newest") or "newest",
        )


def _user_label(user: User) -> str:
    return user.name if user.active else str(_l("%(name)s (inactive)", name=user.name))


def status_choices() -> list[tuple[str, str]]:
    return [(status.value, STATUS_LABELS[status.value]) for status in Status]


class LeadChangeForm(BaseForm):
    """Every change to a lead carries the version of the lead the page showed."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class StatusForm(LeadChangeForm):
    status = SelectField(_l("Status"))
    lost_reason = TextAreaField(
        _l("Why was it lost?"), validators=[Length(max=500)]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = status_choices()

    def validate_lost_reason(self, field: TextAreaField) -> None:
        if self.status.data == Status.LOST and not field.data:
            raise ValidationError(_l("Say why the lead was lost."))


class AssignForm(LeadChangeForm):
    # Any id is accepted here: the service says so if the person was deactivated meanwhile.
    assignee = SelectField(_l("Assigned to"), validate_choice=False)

    def __init__(self, *args, users: list[User], current: User | None = None, **kwargs) -> None:
        """users: those the lead can go to; current: who has it, shown even if deactivated."""
        super().__init__(*args, **kwargs)
        people = [*users, current] if current is not None and current not in users else users
        self.assignee.choices = [("", _l("Nobody")), *((str(u.id), _user_label(u)) for u in people)]


class NoteForm(BaseForm):
    text = TextAreaField(
        _l("Note"),
        validators=[DataRequired(_l("Write the note first.")), Length(max=5000)],
    )


class VerdictForm(LeadChangeForm):
    verdict = StringField(validators=[AnyOf(["relevant", "not_relevant", ""])])  # "": clear it


class PinForm(LeadChangeForm):
    pinned = StringField(validators=[AnyOf(["true", "false"])])


class AddMatchForm(LeadChangeForm):
    organization_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class OrganizationSearchForm(BaseForm):
    """Find an organization to add to a lead's matches (a GET form on the lead's page)."""

    class Meta:
        csrf = False

    org_q = SearchField(
        _l("Find an organization in the directory"), validators=[Optional(), Length(max=200)]
    )


class IntroductionForm(LeadChangeForm):
    # Not checked against the choices: the service says which were introduced meanwhile.
    matches = MultiCheckboxField(
        _l("Organizations to introduce"),
        coerce=int,
        validate_choice=False,
        validators=[DataRequired(_l("Choose at least one organization to introduce."))],
    )
    message = TextAreaField(
        _l("A word for the organizations (optional)"),
        validators=[Optional(), Length(max=2000)],
    )

    def __init__(self, *args, matches: list[Match], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.matches.choices = [(match.id, match.organization.name) for match in matches]


# API tokens ---------------------------------------------------------------------------------


class ApiTokenForm(BaseForm):
    """Issue an API token for a staff member (admins only)."""

    name = StringField(
        _l("What the token is for"),
        validators=[DataRequired(_l("Say what the token is for, e.g. the CRM sync.")),
                    Length(max=100)],  # fmt: skip
    )
    user_id = SelectField(_l("Acts as"), coerce=int, validate_choice=True)
    scope = RadioField(_l("Access"), default="read", validators=[DataRequired()])

    def __init__(self, *args, users: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user_id.choices = [(user.id, f"{user.name} <{user.email}>") for user in users]
        self.scope.choices = [("read", _l("Read leads and organizations")),
                              ("write", _l("Read, and change the status of leads"))]  # fmt: skip


# Directory and users (admins) ---------------------------------------------------------------


def kind_choices() -> list[tuple[str, str]]:
    return [(code, KIND_LABELS[code]) for code in KINDS]


ROLE_LABELS = {Role.STAFF: _l("Staff"), Role.ADMIN: _l("Administrator")}


class OrganizationFilterForm(BaseForm):
    """The admin directory list's search, filters and sort (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)])
    status = SelectField(_l("Status"), validators=[Optional()])
    sector = SelectField(_l("Sector"), validators=[Optional()])
    province = SelectField(_l("Province"), validators=[Optional()])
    kind = SelectField(_l("Kind"), validators=[Optional()])
    sort = SelectField(_l("Sort by"), validators=[Optional()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = [("", _l("Active and inactive")), ("active", _l("Active")),
                               ("inactive", _l("Inactive"))]  # fmt: skip
        self.sort.choices = [("name", _l("Name")), ("updated", _l("Recently changed")),
                             ("created", _l("Recently added"))]  # fmt: skip
        self.sector.choices = [("", _l("All sectors")), *sector_choices()]
        self.province.choices = [("", _l("All provinces")), *province_choices()]
        self.kind.choices = [("", _l("All kinds")), *kind_choices()]

    def query_args(self) -> dict[str, Any]:
        """Arguments of services.directory.search_query (none when a value is not valid)."""
        data = self.data if self.validate() else {}
        return {
            "text": data.get("q") or "",
            "sector": data.get("sector") or "",
            "province": data.get("province") or "",
            "kind": data.get("kind") or "",
            "active": {"active": True, "inactive": False}.get(data.get("status") or ""),
            "sort": data.get("sort") or "name",
        }


class OrganizationForm(BaseForm):
    """An organization of the directory. The rules are services.directory.validate_record's,
    the same as a CSV import's: this form only collects the cells of a record."""

    TAG_FIELDS = ("sectors", "offers")

    slug = StringField(_l("Short name for addresses (slug)"))
    name = StringField(_l("Name"))
    kind = SelectField(_l("Kind"), validate_choice=False)
    sectors = MultiCheckboxField(_l("Sectors"), validate_choice=False)
    offers = MultiCheckboxField(_l("What partners can engage them for"), validate_choice=False)
    description = TextAreaField(_l("Description"))
    keywords = StringField(_l("Keywords (optional)"))
    city = StringField(_l("City (optional)"))
    province = SelectField(_l("Province"), validate_choice=False)
    website = URLField(_l("Website (optional)"))
    founded = StringField(_l("Year founded (optional)"))
    size = SelectField(_l("Size in employees (optional)"), validate_choice=False)
    lang = SelectField(_l("Language of the profile"), validate_choice=False)
    contact_email = EmailField(_l("Contact email (optional)"))
    # When the organization was last changed, as the page showed it (edits only).
    changed_at = HiddenField()

    def __init__(self, *args, record: dict[str, str] | None = None, **kwargs) -> None:
        if record is not None:
            kwargs["data"] = {
                name: _split(value) if name in self.TAG_FIELDS else value
                for name, value in record.items()
            } | {"keywords": record.get("keywords", "").replace(";", "; ")}
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _l("Choose…")), *kind_choices()]
        self.sectors.choices = sector_choices()
        self.offers.choices = offer_choices()
        self.province.choices = [("", _l("Choose…")), *province_choices()]
        self.size.choices = [("", _l("Not given")), *((size, size) for size in SIZES)]
        self.lang.choices = [("en", "English"), ("fr", "Français")]
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


def _name_field() -> StringField:
    return StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter the person's name.")), Length(max=200)],
        render_kw={"autocomplete": "off"},
    )


def _role_field() -> SelectField:
    return SelectField(_l("Role"), choices=_role_choices, default=Role.STAFF.value)


def _role_choices() -> list[tuple[str, str]]:
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


class UserCreateForm(BaseForm):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter the email address the person will sign in with.")),
            Length(max=254),
            Email(_l("Enter an email address like name@agency.be.")),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    name = _name_field()
    role = _role_field()


class UserForm(BaseForm):
    """A staff account's name and role (its email is its identity and stays)."""

    name = _name_field()
    role = _role_field()


# Lead routing -------------------------------------------------------------------------------


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


# Personal data requests ---------------------------------------------------------------------


class PersonalDataForm(BaseForm):
    """The address an access or erasure request is about."""

    email = EmailField(
        _l("Email address of the person"),
        validators=[DataRequired(_l("Enter the email address the request is about.")),
                    Length(max=254)],  # fmt: skip
    )


class ErasureForm(PersonalDataForm):
    confirm = BooleanField(
        _l("I checked that the request comes from this person, and I understand that the "
           "erasure cannot be undone."),
        validators=[DataRequired(_l("Confirm that you checked the request before erasing."))],
    )  # fmt: skip


# Insight ------------------------------------------------------------------------------------

MAX_INSIGHT_DAYS = 3 * 366


class PeriodForm(BaseForm):
    """The date range of the insight pages (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional(), _plausible_date])
    end = DateField(_l("To"), validators=[Optional(), _plausible_date])

    def validate_end(self, field: DateField) -> None:
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError(_l("Choose an end date on or after the start date."))
            if (field.data - self.start.data).days >= MAX_INSIGHT_DAYS:
                raise ValidationError(_l("Choose a period of at most three years."))
