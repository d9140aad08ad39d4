"""The insight pages' period (days in the back office's time zone) and what their figures share:
the leads received in it, and a chart's row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from matchmaker.models import Inquiry, utcnow
from matchmaker.services.leads.listing import unmerged

DEFAULT_DAYS = 90


@dataclass(frozen=True)
class Period:
    """A range of days in the back office's time zone, both ends included."""

    start: date
    end: date

    @classmethod
    def default(cls, today: date | None = None) -> Period:
        today = today or local_today()
        return cls(today - timedelta(days=DEFAULT_DAYS - 1), today)

    @classmethod
    def chosen(cls, start: date | None, end: date | None) -> Period:
        """The period a staff member asked for: a missing end is today, a missing start the
        default length before the end; the default period when neither is given or they are
        the wrong way round."""
        if not (start or end):
            return cls.default()
        end = end or local_today()
        start = start or end - timedelta(days=DEFAULT_DAYS - 1)
        return cls(start, end) if start <= end else cls.default()

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def months(self) -> list[date]:
        """The first day of each month the period touches, in order."""
        months = [self.start.replace(day=1)]
        while (following := next_month(months[-1])) <= self.end:
            months.append(following)
        return months

    def bounds(self) -> tuple[datetime, datetime]:
        """[first instant, instant after the last day) as aware datetimes."""
        local = zone()
        return (
            datetime.combine(self.start, time.min, tzinfo=local),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=local),
        )


@dataclass(frozen=True)
class Row:
    """One bar of a chart: a code (labelled for the page, kept in the CSV), a value, and what
    else the chart shows of it (`extra`)."""

    code: str
    value: float
    extra: dict[str, Any] = field(default_factory=dict)


def zone() -> ZoneInfo:
    """The back office's time zone."""
    return ZoneInfo(current_app.config["TIMEZONE"])


def local_today() -> date:
    return utcnow().astimezone(zone()).date()


def next_month(day: date) -> date:
    """The first day of the month after day's."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def received_in(period: Period) -> sa.ColumnElement[bool]:
    """The condition on Inquiry: received in the period (a lead merged into another is counted
    once, as its survivor)."""
    start, end = period.bounds()
    return sa.and_(Inquiry.created_at >= start, Inquiry.created_at < end, unmerged())


def ids_in(period: Period) -> sa.Select[tuple[int]]:
    """The ids of the leads received in the period, as a subquery."""
    return sa.select(Inquiry.id).where(received_in(period))
