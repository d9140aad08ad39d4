"""Forms of the lead list and the lead page (views)."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from matchmaker.forms import BaseForm, database_key, plausible_date
from matchmaker.labels import STATUS_LABELS, country_name, sector_choices
from matchmaker.models import Match, Status, User, Verdict
from matchmaker.public.forms import MultiCheckboxField
from matchmaker.services.leads import listing


class LeadFilterForm(BaseForm):
    """The lead list's search, filters and sort (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)])
    status = SelectField(_l("Status"), validators=[Optional()])
    sector = SelectField(_l("Sector"), validators=[Optional()])
    country = SelectField(_l("Country"), validators=[Optional()])
    assignee = SelectField(_l("Assigned to"), validators=[Optional()])
    received_from = DateField(_l("Received from"), validators=[Optional(), plausible_date])
    received_to = DateField(_l("Received until"), validators=[Optional(), plausible_date])
    needs_ranking = BooleanField(_l("Only leads to re-rank"))
    merged = BooleanField(_l("Only leads merged into others"))
    sort = SelectField(_l("Sort by"), validators=[Optional()])

    SORT_LABELS = {
        listing.RELEVANCE: _l("Best match"),
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
            merged=bool(self.merged.data),
            sort=value(self.sort) or listing.RELEVANCE,
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
    lost_reason = TextAreaField(_l("Why was it lost?"), validators=[Length(max=500)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = status_choices()

    def validate_lost_reason(self, field: TextAreaField) -> None:
        if self.status.data == Status.LOST and not field.data:
            raise ValidationError(_l("Say why the lead was lost."))


class AssignForm(LeadChangeForm):
    # Any id is accepted here: the service says so if the person was deactivated meanwhile.
    assignee = SelectField(_l("Assigned to"), validate_choice=False, validators=[database_key])

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
    verdict = StringField(validators=[AnyOf([*Verdict, ""])])  # "": clear it


class PinForm(LeadChangeForm):
    pinned = StringField(validators=[AnyOf(["true", "false"])])


class AddMatchForm(LeadChangeForm):
    organization_id = IntegerField(widget=HiddenInput(), validators=[InputRequired(), database_key])


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
