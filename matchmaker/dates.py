"""The one formatter of every date and time shown to people: pages, mail and charts.

Day before month, a 24-hour clock, the month's name rather than its number (so "12/4/26" can
never be read as December), in the agency's time zone (MATCHMAKER_TIMEZONE) and the reader's
language; templates use it as the `moment` filter. Stored times are UTC; machine-readable
ones (<time datetime>, CSV, the API) stay ISO.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, get_timezone_gmt, get_timezone_location
from flask import current_app
from flask_babel import get_locale, gettext

# CLDR patterns; the month's abbreviation and the separators follow the reader's language.
PATTERNS = {
    "datetime": "d MMM y, HH:mm",  # 12 Apr 2026, 15:45 · 12 avr. 2026, 15:45
    "date": "d MMM y",  # 12 Apr 2026
    "day": "d MMM",  # 12 Apr: chart axes, within a period whose year is shown
    "month": "MMM y",  # Apr 2026
    "time": "HH:mm",  # 15:45
    "weekday": "EEEE d MMMM y, HH:mm",  # Sunday 12 April 2026, 15:45: a time to choose
}


def agency_zone() -> ZoneInfo:
    """The agency's time zone, in which days begin and end and times are shown."""
    return ZoneInfo(current_app.config["TIMEZONE"])


def time_zone() -> str:
    """The agency's time zone as the reader names it, to say which times are meant: "Brussels
    time", "heure de Bruxelles"; a zone without a city by its offset ("GMT-01:00")."""
    name = current_app.config["TIMEZONE"]
    locale = _locale()
    if "/" in name and not name.startswith("Etc/"):
        city = get_timezone_location(name, locale=locale, return_city=True)
        return gettext("%(city)s time", city=city)
    return get_timezone_gmt(datetime.now(agency_zone()), locale=locale)


def _locale() -> Locale | str:
    """The reader's locale: flask_babel's Locale as it is (babel would parse its name again)."""
    return get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]


def local(moment: datetime) -> datetime:
    """An aware datetime in the agency's time zone (naive ones are taken as UTC)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; use an aware UTC datetime")
    return moment.astimezone(agency_zone())


def format_moment(value: datetime | date | str | None, style: str = "datetime",
                  lang: str | None = None) -> str:  # fmt: skip
    """value as people read it: a datetime in the agency's zone, a date (or an ISO date, as
    kept on the trail) as it is."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    pattern = PATTERNS[style]
    locale = lang or _locale()
    if isinstance(value, datetime):
        return format_datetime(local(value), pattern, locale=locale)
    return format_date(value, pattern, locale=locale)
