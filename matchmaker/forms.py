"""What every form shares: typed text is cleaned before it is validated or saved."""

import re
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, Field, FieldList, FormField, PasswordField
from wtforms.validators import ValidationError

from matchmaker.database import largest_key

# Invisible control characters pasted with text (tabs and line breaks are kept); PostgreSQL
# refuses NUL in text.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: Any) -> Any:
    """Text without surrounding spaces or invisible control characters; other values as given."""
    return _CONTROL_CHARACTERS.sub("", value).strip() if isinstance(value, str) else value


# Passwords stay as typed; the fields of a nested form clean their own text.
UNFILTERED = (PasswordField, FieldList, FormField)


class BaseForm(FlaskForm):
    """A Flask-WTF form whose fields all clean their text first (passwords stay as typed)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if unbound_field.field_class not in UNFILTERED:
                declared = unbound_field.kwargs.get("filters", ())
                options["filters"] = (clean_text, *declared)
            return unbound_field.bind(form=form, **options)


def plausible_date(form: FlaskForm, field: DateField) -> None:
    """A date field's validator: a year a person means (2000-2999), not a typo."""
    if field.data and not 2000 <= field.data.year <= 2999:
        raise ValidationError(_l("Enter a date between the years 2000 and 2999."))


def database_key(form: FlaskForm, field: Field) -> None:
    """A validator for ids posted in hidden fields or choices: each must fit the database's
    integer keys (a bigger one can only be forged, and would fail the query)."""
    values = field.data if isinstance(field.data, list) else [field.data]
    largest = largest_key(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if any(str(value).isdigit() and int(value) > largest for value in values):
        raise ValidationError(_l("No such record."))
