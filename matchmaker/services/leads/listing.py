"""Listing leads: the staff list's filters, search, sort and pages, the counts per status, and
each member's open leads. Reads only."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from flask_babel import get_timezone
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.functions import FunctionElement

from matchmaker.extensions import db
from matchmaker.models import Inquiry, Status, User, has_tag
from matchmaker.services import search
from matchmaker.services.ranking import no_clear_match

LEADS_PER_PAGE = 50
OPEN_STATUSES: tuple[str, ...] = (
    Status.NEW, Status.QUALIFIED, Status.INTRODUCED, Status.IN_DISCUSSION,
)  # fmt: skip
OPEN = "open"  # the status filter for every open status at once
UNASSIGNED = "none"  # the assignee filter for leads nobody has
CODE_PATTERN = re.compile(r"^WM-[A-Z0-9]{6}$")
RELEVANCE = "relevance"  # best match first when searching words, else newest first


@dataclass(frozen=True)
class LeadFilters:
    """What the lead list shows; empty values do not filter."""

    q: str = ""
    status: str = ""  # a Status, OPEN, or "" for all
    sector: str = ""
    country: str = ""
    assignee: str = ""  # a user id, UNASSIGNED, or "" for anyone
    received_from: date | None = None  # dates in the back office's time zone, both included
    received_to: date | None = None
    needs_ranking: bool = False
    merged: bool = False  # the leads merged into others, instead of the others
    sort: str = "newest"  # or RELEVANCE, or a key of _order's sorts

    @property
    def searches_words(self) -> bool:
        """Whether the filters search words (rather than nothing, or a lead's code)."""
        return bool(self.q.strip()) and not CODE_PATTERN.match(self.q.strip().upper())

    @property
    def applied_sort(self) -> str:
        """The sort the list applies: the best match only when searching words, else newest."""
        return "newest" if self.sort == RELEVANCE and not self.searches_words else self.sort


class scanned(FunctionElement):
    """A column to sort or group by, written so that SQLite reads the table rather than an index.

    When a filter needs each row's text (a search, a sector), walking an index in sort order
    and fetching every row it points to is many times slower than one scan of the table and a
    sort of what matched (SQLite's planner cannot tell). Elsewhere it is the plain column.
    """

    inherit_cache = True


@compiles(scanned)
def _scanned(element: scanned, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(scanned, "sqlite")
def _scanned_sqlite(element: scanned, compiler: Any, **kw: Any) -> str:
    return "+" + compiler.process(element.clauses, **kw)  # unary plus: no index serves it


def _order(filters: LeadFilters) -> tuple[Any, ...]:
    """The ORDER BY of the list for filters.sort (newest first by default)."""
    received = scanned(Inquiry.created_at) if _reads_rows(filters) else Inquiry.created_at
    if filters.applied_sort == RELEVANCE:
        return (search.relevance(Inquiry, filters.q).desc(), Inquiry.id.desc())
    sorts = {
        "oldest": (received.asc(), Inquiry.id.asc()),
        "name": (sa.func.lower(Inquiry.name), Inquiry.id),
        "organization": (sa.func.lower(Inquiry.organization), Inquiry.id),
        "status": (
            sa.case({status.value: order for order, status in enumerate(Status)},
                    value=Inquiry.status, else_=len(Status)),
            received.desc(),
            Inquiry.id.desc(),
        ),
        "last_action": (
            Inquiry.last_staff_action_at.desc().nulls_last(),
            received.desc(),
            Inquiry.id.desc(),
        ),
    }  # fmt: skip
    return sorts.get(filters.sort, (received.desc(), Inquiry.id.desc()))


def _reads_rows(filters: LeadFilters) -> bool:
    """Whether the filters test text inside each row (no index can answer them)."""
    return bool(filters.sector)


@dataclass(frozen=True)
class LeadPage:
    """One page of the lead list, with the number of leads in each status for the same filters."""

    page: Any  # flask_sqlalchemy.pagination.Pagination of Inquiry, assignees loaded
    counts: dict[str, int]  # per status, plus OPEN and "" (all)
    no_clear_match: frozenset[int] = frozenset()  # ids of the page's leads with no strong match


def find_leads(filters: LeadFilters, page: int = 1, per_page: int = LEADS_PER_PAGE) -> LeadPage:
    """The leads on one page, assignees eagerly loaded, and the counts per status.

    Three statements whatever the page size: the counts (one GROUP BY, every filter but the
    status; they also give the total), the ids of the page (from an index alone when the filters
    allow, so that page 1000 costs about what page 1 does), and those rows with their assignees
    and whether each has no clear match. A search by relevance reads the first two together
    (_best_matches).
    """
    if filters.applied_sort == RELEVANCE:
        ids, counts = _best_matches(filters, page, per_page)
        result: Pagination = _ReadPage(page=page, per_page=per_page, max_per_page=None,
                                       error_out=False, count=False, items=ids)  # fmt: skip
    else:
        counts = status_counts(filters)
        result = db.paginate(
            sa.select(Inquiry.id).where(*_conditions(filters, with_status=True))
            .order_by(*_order(filters)),
            page=page, per_page=per_page, error_out=False, count=False,
        )  # fmt: skip
    result.total = counts.get(filters.status or "", 0)
    flagged: set[int] = set()
    if result.items:
        rows = db.session.execute(
            sa.select(Inquiry, no_clear_match())
            .where(Inquiry.id.in_(result.items))
            .options(joinedload(Inquiry.assignee), joinedload(Inquiry.merged_into))
        )
        by_id = {}
        for inquiry, unclear in rows:
            by_id[inquiry.id] = inquiry
            if unclear:
                flagged.add(inquiry.id)
        result.items = [by_id[inquiry_id] for inquiry_id in result.items]
    return LeadPage(page=result, counts=counts, no_clear_match=frozenset(flagged))


class _ReadPage(Pagination):
    """A page whose items (ids) were read beforehand (by _best_matches); its total is set."""

    def _query_items(self) -> list[Any]:
        return self._query_args["items"]


def _best_matches(
    filters: LeadFilters, page: int, per_page: int
) -> tuple[list[int], dict[str, int]]:
    """The ids of a search's page, best match first, and the counts per status, from one
    statement: the leads found are looked up once, not once for the counts and again to rank
    them (a broad search finds thousands)."""
    found = (
        sa.select(Inquiry.id, Inquiry.status,
                  search.relevance(Inquiry, filters.q).label("relevance"))
        .where(*_conditions(filters, with_status=False))
        .cte("found")
    )  # fmt: skip

    def nothing(type_: Any, name: str) -> sa.Label:
        return sa.cast(sa.null(), type_).label(name)

    per_status = sa.select(found.c.status, sa.func.count().label("leads"),
                           nothing(sa.Integer, "id"), nothing(sa.Double, "relevance"))  # fmt: skip
    best = (
        sa.select(nothing(sa.String, "status"), nothing(sa.Integer, "leads"), found.c.id,
                  found.c.relevance)
        .where(*_status_conditions(found.c.status, filters.status))
        .order_by(found.c.relevance.desc(), found.c.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )  # fmt: skip
    rows = db.session.execute(
        sa.union_all(per_status.group_by(found.c.status), best.subquery().select())
    ).all()
    counts = {row.status: row.leads for row in rows if row.id is None}
    listed = sorted((row for row in rows if row.id is not None),
                    key=lambda row: (row.relevance, row.id), reverse=True)  # fmt: skip
    return [row.id for row in listed], _with_totals(counts)


def select_leads(filters: LeadFilters) -> sa.Select[tuple[Inquiry]]:
    """Every lead the list shows under filters, in its order (for the export and bulk changes)."""
    return sa.select(Inquiry).where(*_conditions(filters, with_status=True)).order_by(
        *_order(filters))


def status_counts(filters: LeadFilters = LeadFilters()) -> dict[str, int]:
    """How many leads are in each status under the filters (the status filter aside)."""
    status = scanned(Inquiry.status) if _reads_rows(filters) else Inquiry.status
    rows = db.session.execute(
        sa.select(Inquiry.status, sa.func.count())
        .where(*_conditions(filters, with_status=False))
        .group_by(status)
    ).all()
    return _with_totals(dict(rows))


def _with_totals(found: dict[str, int]) -> dict[str, int]:
    """Counts per status (found: those of the statuses with leads) with every status, OPEN and
    "" (all)."""
    counts = {status.value: 0 for status in Status} | found
    counts[OPEN] = sum(counts[status] for status in OPEN_STATUSES)
    counts[""] = sum(found.values())
    return counts


def unmerged() -> sa.ColumnElement[bool]:
    """SQL: the lead was not merged into another (a merged one lives on in its survivor, and
    counting it too would count the investor twice)."""
    return Inquiry.merged_into_id.is_(None)


def _conditions(filters: LeadFilters, with_status: bool) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if filters.merged:
        conditions.append(Inquiry.merged_into_id.is_not(None))
    elif not CODE_PATTERN.match(filters.q.strip().upper()):  # a code finds its lead, merged or not
        conditions.append(unmerged())
    if with_status:
        conditions.extend(_status_conditions(Inquiry.status, filters.status))
    if filters.searches_words:
        conditions.append(search.matches(Inquiry, filters.q))
    elif filters.q.strip():
        conditions.append(Inquiry.code == filters.q.strip().upper())
    if filters.sector:
        conditions.append(has_tag(Inquiry.sectors, filters.sector))
    if filters.country:
        conditions.append(Inquiry.country == filters.country)
    if filters.assignee == UNASSIGNED:
        conditions.append(Inquiry.assignee_id.is_(None))
    elif filters.assignee.isdigit():
        conditions.append(Inquiry.assignee_id == int(filters.assignee))
    if filters.received_from:
        conditions.append(Inquiry.created_at >= _start_of(filters.received_from))
    if filters.received_to:
        conditions.append(Inquiry.created_at <= _end_of(filters.received_to))
    if filters.needs_ranking:
        conditions.append(Inquiry.needs_ranking.is_(True))
    return conditions


def _status_conditions(column: sa.ColumnElement[str], status: str) -> list[sa.ColumnElement[bool]]:
    """The status filter (a Status, OPEN or "" for all) on a column of statuses."""
    if status == OPEN:
        return [column.in_(OPEN_STATUSES)]
    return [column == status] if status else []


def _start_of(day: date) -> datetime:
    """Midnight at the start of day in the back office's time zone."""
    return datetime.combine(day, time.min, tzinfo=get_timezone())


def _end_of(day: date) -> datetime:
    """The last instant of day in the back office's time zone."""
    return datetime.combine(day, time.max, tzinfo=get_timezone())


def lead_countries() -> list[str]:
    """The countries leads came from (for the list's country filter): from the index on country,
    one look-up per country (each the smallest after the one before), not every lead's entry."""
    countries = sa.select(sa.func.min(Inquiry.country).label("country")).cte(recursive=True)
    following = sa.select(sa.func.min(Inquiry.country)).where(Inquiry.country > countries.c.country)
    countries = countries.union_all(
        sa.select(following.scalar_subquery()).where(countries.c.country.is_not(None)))
    return list(db.session.scalars(sa.select(countries.c.country)
                                   .where(countries.c.country.is_not(None))
                                   .order_by(countries.c.country)))  # fmt: skip


def my_open_leads(user: User, limit: int = 10) -> list[Inquiry]:
    """The open leads assigned to user, newest first (for the back office's home)."""
    return list(
        db.session.scalars(
            sa.select(Inquiry)
            .where(Inquiry.assignee_id == user.id, Inquiry.status.in_(OPEN_STATUSES), unmerged())
            .order_by(Inquiry.created_at.desc(), Inquiry.id.desc())
            .limit(limit)
        )
    )


def filter_query(args: Iterable[tuple[str, str]]) -> str:
    """The list's own filters among args (a query string's pairs), non-empty, in a fixed order,
    as a query string: to keep the filters in a link or a redirect, and to save them."""
    names = [field.name for field in fields(LeadFilters)]
    kept = [(name, value) for name, value in args if name in names and value]
    return urlencode(sorted(kept, key=lambda pair: names.index(pair[0])))
