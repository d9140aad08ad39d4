"""Forms of the back office."""

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
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
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from matchmaker.labels import COUNTRY_CODES, STATUS_LABELS, country_name, sector_choices
from matchmaker.models import Match, Status, User
from matchmaker.public.forms import MultiCheckboxField
from matchmaker.services import workflow


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])
    next = HiddenField()


# Leads --------------------------------------------------------------------------------------


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class LeadFilterForm(FlaskForm):
    """The lead list's search, filters and sort (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), filters=[_strip], validators=[Optional(), Length(max=200)])
    status = SelectField(_l("Status"), validators=[Optional()])
    sector = SelectField(_l("Sector"), validators=[Optional()])
    country = SelectField(_l("Country"), validators=[Optional()])
    assignee = SelectField(_l("Assigned to"), validators=[Optional()])
    received_from = DateField(_l("Received from"), validators=[Optional()])
    received_to = DateField(_l("Received until"), validators=[Optional()])
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
        self.status.choices = [("", _l("All statuses")), (workflow.OPEN, _l("Open")),
                               *status_choices()]  # fmt: skip
        self.sector.choices = [("", _l("All sectors")), *sector_choices()]
        self.country.choices = [("", _l("All countries")),
                                *((code, country_name(code)) for code in countries)]  # fmt: skip
        self.assignee.choices = [
            ("", _l("Anyone")),
            (workflow.UNASSIGNED, _l("Nobody (unassigned)")),
            (str(me.id), _l("Me")),
            *((str(user.id), _user_label(user)) for user in users if user.id != me.id),
        ]
        self.sort.choices = list(self.SORT_LABELS.items())

    def validate_received_to(self, field: DateField) -> None:
        if field.data and self.received_from.data and field.data < self.received_from.data:
            raise ValidationError(_l("The end date must be on or after the start date."))

    def filters(self) -> workflow.LeadFilters:
        """The filters to apply: the valid fields only (a wrong date does not empty the list)."""
        self.validate()

        def value(field, default=""):
            return default if field.errors or field.data is None else field.data

        return workflow.LeadFilters(
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


class LeadChangeForm(FlaskForm):
    """Every change to a lead carries the version of the lead the page showed."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class StatusForm(LeadChangeForm):
    status = SelectField(_l("Status"))
    lost_reason = TextAreaField(
        _l("Why was it lost?"), filters=[_strip], validators=[Length(max=500)]
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

    def __init__(self, *args, users: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.assignee.choices = [("", _l("Nobody")), *((str(u.id), u.name) for u in users)]


class NoteForm(FlaskForm):
    text = TextAreaField(
        _l("Note"),
        filters=[_strip],
        validators=[DataRequired(_l("Write the note first.")), Length(max=5000)],
    )


class VerdictForm(LeadChangeForm):
    verdict = StringField(validators=[AnyOf(["relevant", "not_relevant", ""])])  # "": clear it


class PinForm(LeadChangeForm):
    pinned = StringField(validators=[AnyOf(["true", "false"])])


class AddMatchForm(LeadChangeForm):
    organization_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class OrganizationSearchForm(FlaskForm):
    """Find an organization to add to a lead's matches (a GET form on the lead's page)."""

    class Meta:
        csrf = False

    org_q = SearchField(_l("Find an organization in the directory"), filters=[_strip],
                        validators=[Optional(), Length(max=200)])  # fmt: skip


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
        filters=[_strip],
        validators=[Optional(), Length(max=2000)],
    )

    def __init__(self, *args, matches: list[Match], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.matches.choices = [(match.id, match.organization.name) for match in matches]


# API tokens ---------------------------------------------------------------------------------


class ApiTokenForm(FlaskForm):
    """Issue an API token for a staff member (admins only)."""

    name = StringField(
        _l("What the token is for"),
        filters=[_strip],
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


# Lead routing -------------------------------------------------------------------------------


class CoverageForm(FlaskForm):
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


class PersonalDataForm(FlaskForm):
    """The address an access or erasure request is about."""

    email = EmailField(
        _l("Email address of the person"),
        filters=[_strip],
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


class PeriodForm(FlaskForm):
    """The date range of the insight pages (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])

    def validate_end(self, field: DateField) -> None:
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError(_l("Choose an end date on or after the start date."))
            if (field.data - self.start.data).days >= MAX_INSIGHT_DAYS:
                raise ValidationError(_l("Choose a period of at most three years."))
