"""One date formatter: day before month, 24-hour clock, the agency's time zone, both languages."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale

from matchmaker import create_app
from matchmaker.config import ConfigError
from matchmaker.dates import format_moment, time_zone
from matchmaker.extensions import db
from tests import factories
from tests.helpers import login, new_inquiry

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
AFTERNOON = datetime(2026, 4, 12, 13, 45, tzinfo=UTC)  # 15:45 in Brussels (summer time)


def test_english_day_month_and_24_hour_clock_in_brussels(app):
    with app.test_request_context(), force_locale("en"):
        assert format_moment(AFTERNOON) == "12 Apr 2026, 15:45"
        assert format_moment(AFTERNOON, "date") == "12 Apr 2026"
        assert format_moment(date(2026, 12, 4), "date") == "4 Dec 2026"


def test_french_day_month(app):
    with app.test_request_context(), force_locale("fr"):
        assert format_moment(AFTERNOON) == "12 avr. 2026, 15:45"
        assert format_moment(date(2026, 4, 1), "month") == "avr. 2026"


def test_the_time_zone_is_configurable(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url,
                      "TIMEZONE": "America/New_York"})  # fmt: skip
    with app.test_request_context(), force_locale("en"):
        assert format_moment(AFTERNOON) == "12 Apr 2026, 09:45"


@pytest.mark.parametrize(("zone", "english", "french"), [
    ("Europe/Brussels", "Brussels time", "heure de Bruxelles"),
    ("America/New_York", "New York time", "heure de New York"),
    ("Etc/GMT+1", "GMT-01:00", "UTC-01:00"),  # Etc/GMT+1 is an hour behind UTC
    ("UTC", "GMT+00:00", "UTC+00:00"),
])  # fmt: skip
def test_times_name_the_configured_zone(database_url, zone, english, french):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "TIMEZONE": zone})
    with app.test_request_context():
        with force_locale("en"):
            assert time_zone() == english
        with force_locale("fr"):
            assert time_zone() == french


def test_no_template_names_brussels_for_the_configured_zone():
    for path in TEMPLATES.rglob("*"):
        if path.suffix in (".html", ".txt"):
            text = path.read_text(encoding="utf-8")
            assert "Brussels time" not in text and "Bruxelles" not in text, path


def test_an_unknown_time_zone_is_refused(database_url):
    with pytest.raises(ConfigError, match="MATCHMAKER_TIMEZONE"):
        create_app({"TESTING": True, "DATABASE_URL": database_url, "TIMEZONE": "Mars/Olympus"})


def test_late_on_new_years_eve_utc_is_the_next_day_in_brussels(app):
    with app.test_request_context(), force_locale("en"):
        assert format_moment(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "1 Jan 2027, 00:30"


def test_no_template_formats_a_date_by_itself():
    """Every date shown goes through the `moment` filter, never Flask-Babel's own formats."""
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*")
        if path.is_file() and any(word in path.read_text() for word in
                                  ("datetimeformat", "dateformat", "timeformat", "strftime"))
    ]  # fmt: skip
    assert offenders == []


def test_home_shows_the_received_date_in_the_agency_format(app, client, make_user):
    user = make_user()
    login(client, user.email)
    with app.app_context():
        db.session.add(new_inquiry(created_at=AFTERNOON, assignee_id=user.id))
        db.session.commit()
    page = client.get("/staff/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "12 avr. 2026, 15:45" in page


def test_outbox_shows_dates_in_the_agency_format(app, admin_client):
    with app.app_context():
        factories.add_outbox_message(None, "x@example.org", "hello", created_at=AFTERNOON)
        db.session.commit()
    page = admin_client.get("/staff/outbox").get_data(as_text=True)
    assert "12 Apr 2026, 15:45" in page
