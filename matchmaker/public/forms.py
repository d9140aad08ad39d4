"""Forms of the public site: the directory search and the investor inquiry."""

import re
import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Email, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from matchmaker.forms import BaseForm
from matchmaker.labels import (
    COUNTRY_CODES,
    budget_choices,
    country_choices,
    horizon_choices,
    investor_type_choices,
    offer_choices,
    province_choices,
    sector_choices,
)
from matchmaker.taxonomy import BUDGETS, HORIZONS, INVESTOR_TYPES, OFFERS, SECTORS


class DirectorySearchForm(BaseForm):
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


INTERESTS_MIN, INTERESTS_MAX = 30, 5000


# Invisible control characters (tab, line breaks kept): PostgreSQL refuses NUL in any text.
def _with_scheme(value: Any) -> Any:
    """'www.example.com' → 'https://www.example.com': people rarely type the scheme."""
    if isinstance(value, str) and value and "://" not in value:
        return "https://" + value
    return value


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (rendered by the choices() macro), optional by default."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InquiryForm(BaseForm):
    """The public inquiry: who the investor is, what they seek, and their consent."""

    # Who
    name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter your name.")),
                    Length(max=200, message=_l("Use at most %(max)d characters."))],
        render_kw={"autocomplete": "name"},
    )  # fmt: skip
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=254, message=_l("Use at most %(max)d characters.")),
            Email(_l("Enter an email address like name@example.com.")),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    organization = StringField(
        _l("Organization"),
        validators=[DataRequired(_l("Enter the name of your organization.")),
                    Length(max=200, message=_l("Use at most %(max)d characters."))],
        render_kw={"autocomplete": "organization"},
    )  # fmt: skip
    role = StringField(
        _l("Your role"),
        validators=[DataRequired(_l("Enter your role or job title.")),
                    Length(max=200, message=_l("Use at most %(max)d characters."))],
        render_kw={"autocomplete": "organization-title"},
    )  # fmt: skip
    country = SelectField(
        _l("Country"),
        validators=[DataRequired(_l("Choose your country."))],
        validate_choice=False,
        render_kw={"autocomplete": "country"},
    )
    website = URLField(
        _l("Website (optional)"),
        filters=[_with_scheme],
        validators=[
            Optional(),
            Length(max=300, message=_l("Use at most %(max)d characters.")),
            URL(message=_l("Enter a web address like https://www.example.com.")),
        ],
        render_kw={"autocomplete": "url", "spellcheck": "false"},
    )
    phone = TelField(
        _l("Phone (optional)"),
        validators=[
            Optional(),
            Regexp(r"^\+?[0-9 ().\-/]{6,40}$",
                   message=_l("Enter a phone number with digits only, like +32 81 33 28 50.")),
        ],
        render_kw={"autocomplete": "tel"},
    )  # fmt: skip
    # What
    investor_type = SelectField(
        _l("You are"),
        validators=[DataRequired(_l("Choose what best describes you."))],
        validate_choice=False,
    )
    sectors = MultiCheckboxField(_l("Sectors of interest"), validate_choice=False)
    offers = MultiCheckboxField(_l("What you are looking for"), validate_choice=False)
    interests = TextAreaField(
        _l("Describe your project"),
        validators=[
            DataRequired(_l("Describe your project.")),
            Length(min=INTERESTS_MIN,
                   message=_l("Write at least %(min)d characters, so that we can match it.")),
            Length(max=INTERESTS_MAX,
                   message=_l("Use at most %(max)d characters (you wrote %(length)d).")),
        ],
        render_kw={"rows": 8, "maxlength": INTERESTS_MAX},
    )  # fmt: skip
    budget = SelectField(_l("Budget (optional)"), validate_choice=False)
    horizon = SelectField(_l("Time horizon (optional)"), validate_choice=False)
    # Consent
    consent = BooleanField(
        _l("I agree to the processing of my data as described in the privacy notice."),
        validators=[DataRequired(_l("Agree to the privacy notice to send your inquiry."))],
    )
    share_consent = BooleanField(
        _l("You may share my inquiry and contact details with the organizations it matches.")
    )
    # Hidden: one key per rendering of the form (a resubmission finds the first inquiry),
    # and a field people never see but form-filling bots do.
    submission_key = HiddenField()
    notes = StringField(
        _l("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", _l("Choose a country")), *country_choices()]
        self.investor_type.choices = [("", _l("Choose one")), *investor_type_choices()]
        self.sectors.choices = sector_choices()
        self.offers.choices = offer_choices()
        self.budget.choices = [("", _l("Not specified")), *budget_choices()]
        self.horizon.choices = [("", _l("Not specified")), *horizon_choices()]
        if not SUBMISSION_KEY.match(self.submission_key.data or ""):
            self.submission_key.data = secrets.token_urlsafe(24)

    def validate_country(self, field: Field) -> None:
        _check_choice(field, COUNTRY_CODES, _l("Choose a country from the list."))

    def validate_investor_type(self, field: Field) -> None:
        _check_choice(field, INVESTOR_TYPES, _l("Choose an option from the list."))

    def validate_sectors(self, field: Field) -> None:
        _check_choices(field, SECTORS)

    def validate_offers(self, field: Field) -> None:
        _check_choices(field, OFFERS)

    def validate_budget(self, field: Field) -> None:
        _check_choice(field, BUDGETS, _l("Choose an option from the list."))

    def validate_horizon(self, field: Field) -> None:
        _check_choice(field, HORIZONS, _l("Choose an option from the list."))

    @property
    def is_bot(self) -> bool:
        """The hidden field was filled in: only a program that fills every box does that."""
        return bool((self.notes.data or "").strip())

    def answers(self) -> dict[str, Any]:
        """The inquiry's fields, as the leads service takes them."""
        return {
            "name": self.name.data,
            "email": self.email.data,
            "organization": self.organization.data,
            "role": self.role.data,
            "country": self.country.data,
            "website": self.website.data or "",
            "phone": self.phone.data or "",
            "investor_type": self.investor_type.data,
            "sectors": tuple(self.sectors.data or ()),
            "offers": tuple(self.offers.data or ()),
            "interests": self.interests.data,
            "budget": self.budget.data or "",
            "horizon": self.horizon.data or "",
            "share_consent": bool(self.share_consent.data),
        }


SUBMISSION_KEY = re.compile(r"^[A-Za-z0-9_-]{32}$")


def _check_choice(field: Field, allowed: tuple[str, ...], message: str) -> None:
    if field.data and field.data not in allowed:
        raise ValidationError(message)


def _check_choices(field: Field, allowed: tuple[str, ...]) -> None:
    if any(value not in allowed for value in field.data or ()):
        raise ValidationError(_l("Choose only from the options shown."))
