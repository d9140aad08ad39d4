"""Possible duplicates: the other leads likely from the same investor, each with every reason
that holds (the keys and similarity are matchmaker/likeness.py's). Merged leads are neither
flagged nor offered: they live on in their survivor. Reads only.

Three reasons, each true of the data when shown:
- same e-mail: the addresses are equal without case or accents;
- same company: the same e-mail domain, not a free-mail one, and similar organization names;
- same person: the same name without case, accents, word order, titles or initials, and the
  same country.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from matchmaker import likeness
from matchmaker.extensions import db
from matchmaker.models import Inquiry

SHOWN = 20  # the most duplicates listed for one lead
PER_KEY = 25  # the newest leads sharing one name or company domain compared with a lead
PER_KEY_IN_LIST = 5  # the same on the lead list, which flags each lead's strongest duplicate
# What comparing and showing a duplicate reads: a row of these (with the id), not a whole lead
SHOWN_COLUMNS = (Inquiry.code, Inquiry.name, Inquiry.organization, Inquiry.country,
                 Inquiry.status, Inquiry.created_at, Inquiry.email_folded, Inquiry.email_domain,
                 Inquiry.name_key)  # fmt: skip


class Reason(enum.StrEnum):
    """Why two leads may be one investor (stored in the trail of a submission)."""

    SAME_EMAIL = "same_email"
    SAME_COMPANY = "same_company"
    SAME_PERSON = "same_person"


LeadRow = sa.Row[Any]  # Inquiry.id and SHOWN_COLUMNS, by name


@dataclass(frozen=True)
class Duplicate:
    """Another lead, and every reason it may be the same investor."""

    lead: LeadRow
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Keys:
    """What comparing two leads reads of each (matchmaker/likeness.py's keys)."""

    email: str
    company_domain: str  # "" for a free-mail domain
    person: tuple[str, str]  # (country, name key); the name key is "" for a single word
    organization: str

    @classmethod
    def of(cls, lead: Inquiry | LeadRow) -> Keys:
        domain = lead.email_domain
        return cls(email=lead.email_folded,
                   company_domain="" if likeness.is_free_mail(domain) else domain,
                   person=(lead.country, lead.name_key),
                   organization=likeness.organization_key(lead.organization))  # fmt: skip

    def shared(self) -> list[tuple[str, ...]]:
        """The keys another lead may share with this one (empty ones share nothing)."""
        keys = [("email", self.email), ("domain", self.company_domain), ("person", *self.person)]
        return [key for key in keys if key[-1]]

    def reasons(self, other: Keys) -> tuple[Reason, ...]:
        """Every reason two leads may be one investor, strongest first (none: not duplicates)."""
        found = []
        if self.email and self.email == other.email:
            found.append(Reason.SAME_EMAIL)
        if self.company_domain and self.company_domain == other.company_domain and (
                likeness.similar_organizations(self.organization, other.organization)):
            found.append(Reason.SAME_COMPANY)  # fmt: skip
        if self.person[1] and self.person == other.person:
            found.append(Reason.SAME_PERSON)
        return tuple(found)


def possible_duplicates(inquiry: Inquiry) -> list[Duplicate]:
    """The lead's possible duplicates: the strongest reasons first, then the newest."""
    return duplicates_of([inquiry]).get(inquiry.id, [])


def duplicates_of(leads: Sequence[Inquiry], per_key: int = PER_KEY) -> dict[int, list[Duplicate]]:
    """lead id -> its possible duplicates (up to SHOWN), for a page of leads in one statement.

    Compared: every lead with the same e-mail, and the newest per_key leads with the same name
    and country or the same company domain (a guard for a big company or a common name)."""
    if not leads:
        return {}
    keys = {lead.id: Keys.of(lead) for lead in leads}
    sharing: dict[tuple[str, ...], list[tuple[LeadRow, Keys]]] = defaultdict(list)
    for other in sorted(_candidates(keys.values(), per_key), key=lambda o: (o.created_at, o.id),
                        reverse=True):  # fmt: skip
        other_keys = keys.get(other.id) or Keys.of(other)
        for key in other_keys.shared():
            sharing[key].append((other, other_keys))
    found = {}
    for lead in leads:
        others = {other.id: (other, other_keys) for key in keys[lead.id].shared()
                  for other, other_keys in sharing[key][:None if key[0] == "email" else per_key]
                  if other.id != lead.id}  # fmt: skip
        duplicates = [Duplicate(other, why) for other, other_keys in others.values()
                      if (why := keys[lead.id].reasons(other_keys))]  # fmt: skip
        duplicates.sort(key=_strongest_then_newest)
        found[lead.id] = duplicates[:SHOWN]
    return found


def _strongest_then_newest(duplicate: Duplicate) -> tuple[int, int, float]:
    order = list(Reason)
    return (-len(duplicate.reasons), order.index(duplicate.reasons[0]),
            -duplicate.lead.created_at.timestamp())  # fmt: skip


def _candidates(keys: Iterable[Keys], per_key: int) -> list[LeadRow]:
    """The unmerged leads sharing one of the keys: an e-mail (all), a person's name and country
    or a company domain (the newest per_key of each); one statement, each part on an index.

    The union of the parts is written as SQL text: a page's fifty leads make some hundred parts,
    which SQLAlchemy took 5 ms to build and, for each new page, 17 ms to compile."""
    shared = sorted({key for lead in keys for key in lead.shared()})
    params: dict[str, Any] = {}
    parts = ["SELECT id FROM inquiry WHERE merged_into_id IS NULL AND email_folded IN :emails"]
    for number, key in enumerate(shared):
        if key[0] == "person":
            sharing = f"country = :country_{number} AND name_key = :name_{number}"
            params |= {f"country_{number}": key[1], f"name_{number}": key[2]}
        elif key[0] == "domain":
            sharing = f"email_domain = :domain_{number}"
            params[f"domain_{number}"] = key[1]
        else:
            continue
        params["per_key"] = per_key
        # Only fixed SQL and part numbers go into the text; every value is a bound parameter:
        # bandit's B608 (SQL built from strings) does not apply.
        newest = (f"SELECT id FROM inquiry WHERE merged_into_id IS NULL AND {sharing}"  # nosec B608
                  " ORDER BY created_at DESC LIMIT :per_key")  # fmt: skip
        parts.append(f"SELECT id FROM ({newest}) AS newest_{number}")  # nosec B608
    emails = sa.bindparam("emails", [key[1] for key in shared if key[0] == "email"],
                          expanding=True)  # fmt: skip
    union = sa.text(" UNION ".join(parts)).bindparams(emails, **params).columns(Inquiry.id)
    return list(db.session.execute(
        sa.select(Inquiry.id, *SHOWN_COLUMNS).where(Inquiry.id.in_(union))))
