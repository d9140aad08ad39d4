"""How the API writes leads, matches, organizations and pages as JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from matchmaker.models import Inquiry, Match, Organization, User
from matchmaker.services.leads import detail
from matchmaker.services.mail import lead_url


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _user(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.id, "name": user.name, "email": user.email}


def lead_json(inquiry: Inquiry, with_matches: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": inquiry.id,
        "code": inquiry.code,
        "status": inquiry.status,
        "lost_reason": inquiry.lost_reason,
        "version": inquiry.version,
        "received_at": _time(inquiry.created_at),
        "updated_at": _time(inquiry.updated_at),
        "last_staff_action_at": _time(inquiry.last_staff_action_at),
        "assignee": _user(inquiry.assignee),
        "contact": {
            "name": inquiry.name,
            "email": inquiry.email,
            "organization": inquiry.organization,
            "role": inquiry.role,
            "country": inquiry.country,
            "website": inquiry.website,
            "phone": inquiry.phone,
        },
        "investor_type": inquiry.investor_type,
        "sectors": list(inquiry.sectors),
        "offers": list(inquiry.offers),
        "interests": inquiry.interests,
        "budget": inquiry.budget,
        "horizon": inquiry.horizon,
        "lang": inquiry.lang,
        "consent": {
            "at": _time(inquiry.consent_at),
            "notice_version": inquiry.consent_version,
            "share_with_organizations": inquiry.share_consent,
        },
        "needs_ranking": inquiry.needs_ranking,
        "url": lead_url(inquiry),
    }
    if with_matches:
        data["matches"] = [match_json(match) for match in detail.current_matches(inquiry)]
    return data


def match_json(match: Match) -> dict[str, Any]:
    explanation = match.explanation or {}
    return {
        "id": match.id,
        "rank": match.rank,
        "score": round(float(match.score), 6),
        "organization": {"slug": match.organization.slug, "name": match.organization.name},
        "source": match.source,
        "reasons": reasons_json(explanation),
        "verdict": match.verdict,
        "pinned": match.pinned,
        "introduced_at": _time(match.introduced_at),
        "engine_version": match.engine_version,
        "directory_version": match.directory_version,
    }


def reasons_json(explanation: dict[str, Any]) -> dict[str, Any]:
    """A match's reasons as stored by the ranking; matches stored before the engine gave
    strengths, roles and bridges have no strength, no role and no bridges."""
    return {
        "strength": explanation.get("strength"),
        "role": explanation.get("role", ""),
        "terms": list(explanation.get("terms", [])),
        "bridges": [dict(bridge) for bridge in explanation.get("bridges", [])],
        "sectors": list(explanation.get("sectors", [])),
        "offers": list(explanation.get("offers", [])),
    }


def organization_json(org: Organization) -> dict[str, Any]:
    return {
        "slug": org.slug,
        "name": org.name,
        "kind": org.kind,
        "sectors": list(org.sectors),
        "offers": list(org.offers),
        "city": org.city,
        "province": org.province,
        "website": org.website,
        "founded": org.founded,
        "size": org.size,
        "description": org.description,
        "description_fr": org.description_fr,
        "keywords": list(org.keywords),
        "keywords_fr": list(org.keywords_fr),
        "source": org.source,
        "contact_email": org.contact_email,
        "updated_at": _time(org.updated_at),
    }


def page_json(page: Any, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "items": items,
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total or 0,
        "pages": page.pages,
    }
