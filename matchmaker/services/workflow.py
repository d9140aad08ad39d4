"""The staff workflow on leads: finding them, reading one, and every change staff make to it.

Every change takes the lead's `version` that the staff member's page was rendered with. If the
lead changed since (another staff member acted on it), the change is refused with `Conflict` and
nothing is written; the same holds when two changes race to commit (SQLAlchemy's version
counter on Inquiry raises StaleDataError). Every change writes an Activity row, sets
Inquiry.last_staff_action_at (which bumps the version) and commits.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import groupby
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql.functions import FunctionElement

from matchmaker.extensions import db
from matchmaker.labels import country_name
from matchmaker.matching import EmptyQueryError
from matchmaker.models import (
    Activity,
    Inquiry,
    Match,
    Organization,
    Status,
    User,
    Verdict,
    escape_like,
    has_tag,
    utcnow,
)
from matchmaker.services import directory
from matchmaker.services.matching import rank_inquiry
from matchmaker.services.notifications import enqueue_rendered, lead_url

LEADS_PER_PAGE = 50
OPEN_STATUSES: tuple[str, ...] = (
    Status.NEW, Status.QUALIFIED, Status.INTRODUCED, Status.IN_DISCUSSION,
)  # fmt: skip
OPEN = "open"  # the status filter for every open status at once
UNASSIGNED = "none"  # the assignee filter for leads nobody has
VIEW_LOG_INTERVAL = timedelta(hours=1)  # one "viewed" entry per staff member and lead per hour
DUPLICATES_LIMIT = 20
ORGANIZATION_RESULTS = 10
CODE_PATTERN = re.compile(r"^WM-[A-Z0-9]{6}$")

log = logging.getLogger(__name__)

CONFLICT_MESSAGE = _l(
    "This lead was changed by someone else while you were editing. "
    "Review the current state and try again."
)


class WorkflowError(Exception):
    """A change that cannot be made; the message says why, in the staff member's language."""


class Conflict(WorkflowError):
    """The lead changed since the page was rendered: nothing was written."""

    def __init__(self) -> None:
        super().__init__(str(CONFLICT_MESSAGE))


# Finding leads ------------------------------------------------------------------------------


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
    sort: str = "newest"


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
    return bool(filters.q and not CODE_PATTERN.match(filters.q.strip().upper()) or filters.sector)


@dataclass(frozen=True)
class LeadPage:
    """One page of the lead list, with the number of leads in each status for the same filters."""

    page: Any  # flask_sqlalchemy.pagination.Pagination of Inquiry, assignees loaded
    counts: dict[str, int]  # per status, plus OPEN and "" (all)


def find_leads(filters: LeadFilters, page: int = 1, per_page: int = LEADS_PER_PAGE) -> LeadPage:
    """The leads on one page, assignees eagerly loaded, and the counts per status.

    Three statements whatever the page size: the counts (one GROUP BY, every filter but the
    status; they also give the total), the ids of the page (from an index alone when the filters
    allow, so that page 1000 costs about what page 1 does), and those rows with their assignees.
    """
    counts = status_counts(filters)
    ids = sa.select(Inquiry.id).where(*_conditions(filters, with_status=True))
    result = db.paginate(ids.order_by(*_order(filters)), page=page, per_page=per_page,
                         error_out=False, count=False)  # fmt: skip
    if result.items:
        rows = db.session.scalars(
            sa.select(Inquiry)
            .where(Inquiry.id.in_(result.items))
            .options(joinedload(Inquiry.assignee))
        )
        by_id = {inquiry.id: inquiry for inquiry in rows}
        result.items = [by_id[inquiry_id] for inquiry_id in result.items]
    result.total = counts.get(filters.status or "", 0)
    return LeadPage(page=result, counts=counts)


def status_counts(filters: LeadFilters = LeadFilters()) -> dict[str, int]:
    """How many leads are in each status under the filters (the status filter aside)."""
    status = scanned(Inquiry.status) if _reads_rows(filters) else Inquiry.status
    rows = db.session.execute(
        sa.select(Inquiry.status, sa.func.count())
        .where(*_conditions(filters, with_status=False))
        .group_by(status)
    ).all()
    counts = {status.value: 0 for status in Status} | {status: number for status, number in rows}
    counts[OPEN] = sum(counts[status] for status in OPEN_STATUSES)
    counts[""] = sum(number for status, number in rows)
    return counts


def _conditions(filters: LeadFilters, with_status: bool) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if with_status and filters.status == OPEN:
        conditions.append(Inquiry.status.in_(OPEN_STATUSES))
    elif with_status and filters.status:
        conditions.append(Inquiry.status == filters.status)
    if filters.q:
        conditions.append(_search(filters.q))
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


def _search(text: str) -> sa.ColumnElement[bool]:
    """A lead's exact code (WM-XXXXXX), else the text anywhere in its name, organization, email,
    interests or code, whatever the case.

    One LIKE over the fields joined by newlines (which a search box cannot contain) is much
    cheaper than one per field. SQLite's LIKE already ignores the case of ASCII letters (as its
    lower() would); PostgreSQL compares lower() of both sides, cheaper than ILIKE.
    """
    text = text.strip()
    if CODE_PATTERN.match(text.upper()):
        return Inquiry.code == text.upper()
    pattern = f"%{escape_like(text)}%"
    fields: Any = Inquiry.name
    for column in (Inquiry.organization, Inquiry.email, Inquiry.interests, Inquiry.code):
        fields = fields + "\n" + column
    if db.session.get_bind().dialect.name == "sqlite":
        return fields.like(pattern, escape="\\")
    return sa.func.lower(fields).like(sa.func.lower(pattern), escape="\\")


def _start_of(day: date) -> datetime:
    """Midnight at the start of day in the back office's time zone."""
    return datetime.combine(day, time.min, tzinfo=get_timezone())


def _end_of(day: date) -> datetime:
    """The last instant of day in the back office's time zone."""
    return datetime.combine(day, time.max, tzinfo=get_timezone())


def lead_countries() -> list[str]:
    """The countries leads came from (for the list's country filter)."""
    return list(db.session.scalars(sa.select(Inquiry.country).distinct().order_by(Inquiry.country)))


def staff_members() -> list[User]:
    """Every account, active ones first, by name (for the list's filter)."""
    return list(db.session.scalars(sa.select(User).order_by(User.active.desc(), User.name)))


def active_staff() -> list[User]:
    """The accounts a lead can be assigned to, by name."""
    return list(db.session.scalars(sa.select(User).where(User.active).order_by(User.name)))


def my_open_leads(user: User, limit: int = 10) -> list[Inquiry]:
    """The open leads assigned to user, newest first (for the back office's home)."""
    return list(
        db.session.scalars(
            sa.select(Inquiry)
            .where(Inquiry.assignee_id == user.id, Inquiry.status.in_(OPEN_STATUSES))
            .order_by(Inquiry.created_at.desc(), Inquiry.id.desc())
            .limit(limit)
        )
    )


# Reading one lead ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranking:
    """A former ranking of the lead, kept when staff re-ranked it."""

    superseded_at: datetime
    matches: list[Match]


@dataclass(frozen=True)
class LeadDetail:
    """What a lead's page shows besides the lead itself."""

    inquiry: Inquiry
    matches: list[Match]  # current: pinned first, then the engine's order, then staff additions
    previous: list[Ranking]  # newest first
    activities: list[Activity]  # newest first
    duplicates: list[Inquiry]
    staff: list[User]  # active accounts, for assignment


def get_lead(inquiry_id: int) -> Inquiry:
    """The lead with its matches, their organizations and its assignee, or a 404."""
    return db.get_or_404(
        Inquiry,
        inquiry_id,
        options=[
            selectinload(Inquiry.matches).joinedload(Match.organization),
            joinedload(Inquiry.assignee),
        ],
        populate_existing=True,
    )


def lead_detail(inquiry: Inquiry) -> LeadDetail:
    """Everything the lead page shows, in a fixed number of statements."""
    superseded = sorted(
        (match for match in inquiry.matches if match.superseded_at is not None),
        key=lambda match: (match.superseded_at, match.rank),
    )
    previous = [
        Ranking(superseded_at=when, matches=list(group))
        for when, group in groupby(superseded, key=lambda match: match.superseded_at)
    ]
    activities = db.session.scalars(
        sa.select(Activity)
        .where(Activity.inquiry_id == inquiry.id)
        .options(joinedload(Activity.user))
        .order_by(Activity.created_at.desc(), Activity.id.desc())
    ).all()
    return LeadDetail(
        inquiry=inquiry,
        matches=current_matches(inquiry),
        previous=previous[::-1],
        activities=list(activities),
        duplicates=possible_duplicates(inquiry),
        staff=active_staff(),
    )


def current_matches(inquiry: Inquiry) -> list[Match]:
    """The matches not superseded by a re-rank: pinned first, the engine's order, staff's own."""
    current = [match for match in inquiry.matches if match.superseded_at is None]
    return sorted(current, key=lambda m: (not m.pinned, m.source != "engine", m.rank, m.id or 0))


def introducible(inquiry: Inquiry) -> list[Match]:
    """The current matches the investor was not introduced to yet."""
    return [match for match in current_matches(inquiry) if match.introduced_at is None]


def possible_duplicates(inquiry: Inquiry) -> list[Inquiry]:
    """Other leads from the same email address or the same organization, newest first."""
    same = [Inquiry.email == inquiry.email]
    if inquiry.organization.strip():
        same.append(Inquiry.organization == inquiry.organization)
    return list(
        db.session.scalars(
            sa.select(Inquiry)
            .where(Inquiry.id != inquiry.id, sa.or_(*same))
            .order_by(Inquiry.created_at.desc(), Inquiry.id.desc())
            .limit(DUPLICATES_LIMIT)
        )
    )


def organizations_to_add(inquiry: Inquiry, text: str) -> list[Organization]:
    """Active organizations found by a search, less those already among the current matches."""
    if not text.strip():
        return []
    matched = {m.organization_id for m in inquiry.matches if m.superseded_at is None}
    query = directory.search_query(text=text.strip())
    if matched:
        query = query.where(Organization.id.not_in(matched))
    return list(db.session.scalars(query.limit(ORGANIZATION_RESULTS)))


def record_view(inquiry: Inquiry, user: User) -> bool:
    """Note on the trail that user saw the lead's personal data, at most once an hour; commits.

    A view is not a change: it neither bumps the lead's version nor counts as a staff action.
    """
    recent = db.session.scalar(
        sa.select(Activity.id)
        .where(
            Activity.inquiry_id == inquiry.id,
            Activity.user_id == user.id,
            Activity.kind == "viewed",
            Activity.created_at > utcnow() - VIEW_LOG_INTERVAL,
        )
        .limit(1)
    )
    if recent is not None:
        return False
    db.session.add(Activity(inquiry_id=inquiry.id, user_id=user.id, kind="viewed", detail={}))
    db.session.commit()
    return True


# Changing a lead ----------------------------------------------------------------------------


@contextmanager
def _change(inquiry: Inquiry, version: int | None) -> Iterator[None]:
    """Run one change: refuse it if the lead moved on since `version`, commit it, or undo it.

    `version` None skips the comparison (for appending a note, which overwrites nothing);
    a concurrent commit is still caught by the version counter.
    """
    if version is not None and inquiry.version != version:
        raise Conflict()
    try:
        yield
        inquiry.last_staff_action_at = utcnow()
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict() from None
    except BaseException:
        db.session.rollback()
        raise


def _record(inquiry: Inquiry, user: User, kind: str, **detail: Any) -> None:
    db.session.add(Activity(inquiry_id=inquiry.id, user_id=user.id, kind=kind, detail=detail))


def set_status(inquiry: Inquiry, user: User, version: int, status: str, reason: str = "") -> bool:
    """Move the lead in the pipeline; `reason` is required for lost. False if nothing changed."""
    if status not in set(Status):
        raise WorkflowError(_("Choose a status from the list."))
    reason = reason.strip() if status == Status.LOST else ""
    if status == Status.LOST and not reason:
        raise WorkflowError(_("Say why the lead was lost."))
    if inquiry.version != version:
        raise Conflict()
    if inquiry.status == status and inquiry.lost_reason == reason:
        return False
    with _change(inquiry, version):
        _record(inquiry, user, "status_changed", previous=inquiry.status, status=status,
                reason=reason)  # fmt: skip
        inquiry.status, inquiry.lost_reason = status, reason
    return True


def assign(inquiry: Inquiry, user: User, version: int, assignee_id: int | None) -> bool:
    """Give the lead to an active staff member, or to nobody. False if nothing changed."""
    assignee = db.session.get(User, assignee_id) if assignee_id is not None else None
    if assignee_id is not None and (assignee is None or not assignee.active):
        raise WorkflowError(_("Choose an active staff member."))
    if inquiry.version != version:
        raise Conflict()
    if inquiry.assignee_id == assignee_id:
        return False
    with _change(inquiry, version):
        _record(
            inquiry, user, "assigned",
            assignee_id=assignee_id,
            assignee=assignee.name if assignee else "",
            previous=inquiry.assignee.name if inquiry.assignee else "",
        )  # fmt: skip
        inquiry.assignee = assignee
    return True


def add_note(inquiry: Inquiry, user: User, text: str) -> None:
    """Append a note to the lead's trail (no version check: a note overwrites nothing)."""
    text = text.strip()
    if not text:
        raise WorkflowError(_("Write the note first."))
    with _change(inquiry, None):
        _record(inquiry, user, "note", text=text)


def _current_match(inquiry: Inquiry, match_id: int) -> Match:
    for match in inquiry.matches:
        if match.id == match_id and match.superseded_at is None:
            return match
    raise WorkflowError(_("That match is no longer on this lead."))


def _match_detail(match: Match) -> dict[str, Any]:
    return {"match_id": match.id, "organization": match.organization.name,
            "slug": match.organization.slug}  # fmt: skip


def judge_match(
    inquiry: Inquiry, user: User, version: int, match_id: int, verdict: str | None
) -> bool:
    """Mark a match relevant or not relevant, or clear the verdict. False if nothing changed."""
    if verdict is not None and verdict not in set(Verdict):
        raise WorkflowError(_("Choose relevant or not relevant."))
    if inquiry.version != version:
        raise Conflict()
    match = _current_match(inquiry, match_id)
    if match.verdict == verdict:
        return False
    with _change(inquiry, version):
        _record(inquiry, user, "match_judged", **_match_detail(match), verdict=verdict,
                previous=match.verdict)  # fmt: skip
        match.verdict = verdict
    return True


def pin_match(inquiry: Inquiry, user: User, version: int, match_id: int, pinned: bool) -> bool:
    """Pin a match to the top of the list (kept by re-ranking), or unpin it."""
    if inquiry.version != version:
        raise Conflict()
    match = _current_match(inquiry, match_id)
    if match.pinned == pinned:
        return False
    with _change(inquiry, version):
        _record(inquiry, user, "match_pinned" if pinned else "match_unpinned",
                **_match_detail(match))  # fmt: skip
        match.pinned = pinned
    return True


def remove_match(inquiry: Inquiry, user: User, version: int, match_id: int) -> Match:
    """Take a match off the lead; one the investor was introduced to stays."""
    if inquiry.version != version:
        raise Conflict()
    match = _current_match(inquiry, match_id)
    if match.introduced_at is not None:
        raise WorkflowError(
            _("%(name)s was already introduced to the investor: the match stays on the lead.",
              name=match.organization.name)
        )  # fmt: skip
    with _change(inquiry, version):
        _record(inquiry, user, "match_removed", **_match_detail(match), rank=match.rank,
                score=round(match.score, 4), source=match.source)  # fmt: skip
        inquiry.matches.remove(match)
    return match


def add_match(inquiry: Inquiry, user: User, version: int, organization_id: int) -> Match:
    """Add an organization staff found in the directory to the lead's matches."""
    org = db.session.get(Organization, organization_id)
    if org is None or not org.active:
        raise WorkflowError(_("That organization is not in the active directory."))
    if inquiry.version != version:
        raise Conflict()
    current = [match for match in inquiry.matches if match.superseded_at is None]
    if any(match.organization_id == org.id for match in current):
        raise WorkflowError(_("%(name)s is already among the matches.", name=org.name))
    with _change(inquiry, version):
        match = Match(
            organization=org,
            rank=max((match.rank for match in current), default=0) + 1,
            score=0.0,
            explanation={},
            source="staff",
            directory_version=directory.directory_version(),
        )
        inquiry.matches.append(match)
        db.session.flush()
        _record(inquiry, user, "match_added", **_match_detail(match))
    return match


def rerank(inquiry: Inquiry, user: User, version: int) -> int:
    """Rank the lead again with the current directory; returns the number of new matches.

    The engine's current matches are kept as a snapshot (superseded_at set), except those staff
    pinned or introduced; matches staff added stay as they are.
    """
    if inquiry.version != version:
        raise Conflict()
    try:
        ranked = rank_inquiry(inquiry)
    except EmptyQueryError:
        raise WorkflowError(
            _("The lead's interests have no words the engine can search for.")
        ) from None
    except Exception:
        log.exception("Re-ranking inquiry %s failed", inquiry.code)
        raise WorkflowError(
            _("Ranking failed: the lead keeps its matches. Try again in a few minutes.")
        ) from None
    with _change(inquiry, version):
        now = utcnow()
        kept = set()
        superseded = 0
        for match in inquiry.matches:
            if match.superseded_at is not None:
                continue
            if match.source == "engine" and not match.pinned and match.introduced_at is None:
                match.superseded_at = now
                superseded += 1
            else:
                kept.add(match.organization_id)
        added = [match for match in ranked if match.organization.id not in kept]
        inquiry.matches.extend(added)
        inquiry.needs_ranking = False
        _record(inquiry, user, "reranked", matches=len(added), kept=len(kept),
                superseded=superseded, directory_version=directory.directory_version(),
                engine_version=added[0].engine_version if added else "")  # fmt: skip
    return len(added)


# Introductions ------------------------------------------------------------------------------


def introduction_blocker(inquiry: Inquiry) -> str | None:
    """Why staff cannot introduce the investor to organizations now, or None if they can."""
    if not inquiry.share_consent:
        return _(
            "The investor did not allow us to share their details with the organizations. "
            "Contact the investor first; introductions by the back office stay disabled."
        )
    return None


@dataclass(frozen=True)
class Introduced:
    match: Match
    recipient: str
    to_staff: bool  # the directory has no contact address: the covering staff forwards it


def introduce(
    inquiry: Inquiry, user: User, version: int, match_ids: Sequence[int], message: str = ""
) -> list[Introduced]:
    """Send the investor's details to the chosen organizations and tell the investor; commits.

    Each organization gets a mail at its directory contact address; one without an address is
    sent to the covering staff (the lead's assignee, else the staff inbox) to forward. The
    investor gets one mail, in their language, naming the organizations.
    """
    if (blocker := introduction_blocker(inquiry)) is not None:
        raise WorkflowError(blocker)
    if not match_ids:
        raise WorkflowError(_("Choose at least one organization to introduce."))
    if inquiry.version != version:
        raise Conflict()
    matches = [_current_match(inquiry, match_id) for match_id in dict.fromkeys(match_ids)]
    if done := [match.organization.name for match in matches if match.introduced_at]:
        raise WorkflowError(_("Already introduced: %(names)s.", names=", ".join(done)))
    message = message.strip()
    covering = inquiry.assignee.email if inquiry.assignee else current_app.config["STAFF_INBOX"]
    with _change(inquiry, version):
        now = utcnow()
        sent = []
        for match in matches:
            org = match.organization
            recipient = org.contact_email or covering
            _mail_organization(inquiry, match, recipient, message)
            match.introduced_at = now
            sent.append(Introduced(match, recipient, to_staff=not org.contact_email))
        _mail_investor(inquiry, [item.match for item in sent])
        _record(
            inquiry, user, "introduced",
            organizations=[
                {**_match_detail(item.match), "recipient": item.recipient,
                 "via_staff": item.to_staff}
                for item in sent
            ],
            message=message,
        )  # fmt: skip
        if inquiry.status in (Status.NEW, Status.QUALIFIED):
            _record(inquiry, user, "status_changed", previous=inquiry.status,
                    status=Status.INTRODUCED.value, reason="")  # fmt: skip
            inquiry.status = Status.INTRODUCED
    return sent


def agency_contact(inquiry: Inquiry) -> tuple[str, str]:
    """(name, email) of the person at the agency who follows the lead."""
    if inquiry.assignee is not None:
        return inquiry.assignee.name, inquiry.assignee.email
    return "", current_app.config["STAFF_INBOX"]


def _mail_organization(inquiry: Inquiry, match: Match, recipient: str, message: str) -> None:
    """The introduction, in the organization's language, with the investor's details."""
    org = match.organization
    contact_name, contact_email = agency_contact(inquiry)
    with force_locale(org.lang):
        subject = _("Introduction: %(organization)s (%(country)s) would like to meet %(name)s",
                    organization=inquiry.organization, country=country_name(inquiry.country),
                    name=org.name)  # fmt: skip
        if not org.contact_email:
            subject = _("To forward: %(subject)s", subject=subject)
        enqueue_rendered(
            "introduction_organization", recipient, subject, inquiry,
            org=org, match=match, message=message, via_staff=not org.contact_email,
            contact_name=contact_name, contact_email=contact_email, lead_url=lead_url(inquiry),
        )  # fmt: skip


def _mail_investor(inquiry: Inquiry, matches: list[Match]) -> None:
    """Tell the investor, in their language, whom they were introduced to."""
    contact_name, contact_email = agency_contact(inquiry)
    with force_locale(inquiry.lang):
        if len(matches) == 1:
            subject = _("Introduction to %(name)s (%(code)s)",
                        name=matches[0].organization.name, code=inquiry.code)  # fmt: skip
        else:
            subject = _("Introduction to %(num)d Walloon organizations (%(code)s)",
                        num=len(matches), code=inquiry.code)  # fmt: skip
        enqueue_rendered(
            "introduction_investor",
            inquiry.email,
            subject,
            inquiry,
            orgs=[match.organization for match in matches],
            contact_name=contact_name,
            contact_email=contact_email,
        )  # fmt: skip
