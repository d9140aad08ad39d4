"""The engine in the app: one fitted index per worker, kept in step with the directory version."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app

from matchmaker.extensions import db
from matchmaker.matching import ENGINE_VERSION, Index, OrgDoc, Query, Ranked, build_index
from matchmaker.models import Inquiry, Match, MatchSource, Organization
from matchmaker.services import directory
from matchmaker.taxonomy import INVESTOR_TYPES

EXTENSION_KEY = "matchmaker.index"
TOP_MATCHES = 10  # at most; the engine stops the list earlier where quality collapses
STRONG = "strong"  # the engine's strength of a match that fits clearly

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DirectoryIndex:
    """The engine's index over the active organizations of one directory version."""

    version: int
    index: Index | None  # None: no active organization to rank
    size: int
    seconds: float  # how long the fit took


class IndexCache:
    """Holds a worker's index; rebuilds it, once and under a lock, when the version moves."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: DirectoryIndex | None = None

    def get(self) -> DirectoryIndex:
        """The index for the stored directory version, fitting it only if that version is new."""
        version = directory.directory_version()
        current = self._current
        if current is not None and current.version == version:
            return current
        with self._lock:
            if self._current is None or self._current.version != version:
                self._current = fit(version)
            return self._current

    def rebuild(self) -> DirectoryIndex:
        """Fit again now, whatever the version (the `directory reindex` command)."""
        with self._lock:
            self._current = fit(directory.directory_version())
            return self._current


def fit(version: int) -> DirectoryIndex:
    """Fit the engine on the active organizations, read after the version (so never newer)."""
    started = time.perf_counter()
    docs = [_doc(org) for org in db.session.scalars(directory.active_query())]
    index = build_index(docs) if docs else None
    seconds = time.perf_counter() - started
    log.info("Fitted the matching index: %d organizations, version %d, %.2f s",
             len(docs), version, seconds)  # fmt: skip
    return DirectoryIndex(version=version, index=index, size=len(docs), seconds=seconds)


def _doc(org: Organization) -> OrgDoc:
    return OrgDoc(
        slug=org.slug,
        name=org.name,
        kind=org.kind,
        sectors=tuple(org.sectors),
        offers=tuple(org.offers),
        description=org.description,
        keywords=tuple(org.keywords),
        city=org.city,
        province=org.province,
        lang="en",
        description_fr=org.description_fr,
        keywords_fr=tuple(org.keywords_fr),
    )


def index_cache() -> IndexCache:
    """This app's index cache (one per worker process)."""
    return current_app.extensions.setdefault(EXTENSION_KEY, IndexCache())


def rank_inquiry(inquiry: Inquiry, top: int = TOP_MATCHES) -> list[Match]:
    """New Match rows for an inquiry, best first (not added to the session: the caller does).

    Raises the engine's EmptyQueryError when the inquiry's text has no word to search for.
    """
    current = index_cache().get()
    if current.index is None:
        return []
    kind = inquiry.investor_type if inquiry.investor_type in INVESTOR_TYPES else None
    query = Query(inquiry.interests, sectors=tuple(inquiry.sectors), offers=tuple(inquiry.offers),
                  lang=inquiry.lang, investor_kind=kind)  # fmt: skip
    ranked = current.index.rank(query, top=top)
    # Re-check in the database: an organization deactivated since the fit is never proposed.
    active = directory.active_query().where(Organization.slug.in_([r.slug for r in ranked]))
    orgs = {org.slug: org for org in db.session.scalars(active)}
    results = [result for result in ranked if result.slug in orgs]
    return [
        Match(
            organization=orgs[result.slug],
            rank=position,
            score=result.score,
            explanation=explanation(result),
            engine_version=ENGINE_VERSION,
            directory_version=current.version,
        )
        for position, result in enumerate(results, start=1)
    ]


def explanation(result: Ranked) -> dict[str, Any]:
    """What a Match stores of the engine's result, for labels.match_reasons and the API: its
    strength, its role (intent code), the inquiry's words the profile has, the glossary bridges
    (what the investor wrote, what the profile says, the concept), the facets in common."""
    return {
        "strength": result.strength,
        "role": result.role,
        "terms": list(result.terms),
        "bridges": [
            {"wrote": bridge.wrote, "profile": bridge.profile, "concept": bridge.concept}
            for bridge in result.bridges
        ],
        "sectors": list(result.sectors),
        "offers": list(result.offers),
    }


def no_clear_match() -> sa.ColumnElement[bool]:
    """Whether a lead has no clear match: ranked, but none of its current engine matches is
    strong (or it has none). A specialist looks at it personally, and the investor is told so.

    A SQL condition on Inquiry (the lead list selects it for a page of leads at once). Matches
    stored before the engine gave strengths (no "strength" key) are not judged: they never flag.
    """
    strength = Match.explanation["strength"].as_string()
    clear = (
        sa.select(Match.id)
        .where(
            Match.inquiry_id == Inquiry.id,
            Match.superseded_at.is_(None),
            Match.source == MatchSource.ENGINE.value,
            sa.or_(strength == STRONG, strength.is_(None)),
        )
        .exists()
    )
    return sa.and_(Inquiry.needs_ranking.is_(False), ~clear)


def has_no_clear_match(inquiry: Inquiry) -> bool:
    """no_clear_match() for one lead (its page, the investor's result page)."""
    return bool(db.session.scalar(sa.select(no_clear_match()).where(Inquiry.id == inquiry.id)))
