"""Self-service profiles: a contact of an organization asks for a signed link, proposes changes
to its profile (descriptions, keywords, offers, contacts), and staff approve or reject them.

The link is mailed only to an address already on the organization, at most once every
RESEND_AFTER; whoever asks is answered the same way. A proposal is kept as the directory's cells
and checked by its rules; approving applies it like any other change (the version moves) and
rejecting changes nothing; both land on the history and are mailed to the contact. Services
flush; the caller commits.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.links import absolute_url
from matchmaker.models import (
    Organization,
    OrganizationEventKind,
    ProfileProposal,
    ProposalState,
    User,
    utcnow,
)
from matchmaker.services import contacts, history, mail
from matchmaker.services.directory import (
    Change,
    InvalidOrganization,
    organization_record,
    validate_record,
)
from matchmaker.services.directory.edits import apply_record, changes_of
from matchmaker.services.signed_links import LinkRefused, make_token, read_token

log = logging.getLogger(__name__)

PURPOSE = "profile-proposal"
FIELDS = ("description", "description_fr", "keywords", "keywords_fr", "offers", "contacts")
RESEND_AFTER = timedelta(minutes=10)


class ProposalError(ValueError):
    """A proposal that cannot be recorded or decided; the message says why."""


def lifetime() -> timedelta:
    return timedelta(hours=int(current_app.config["PROFILE_LINK_HOURS"]))


# The contact asks for a link -------------------------------------------------------------------


def request_link(org: Organization, email: str) -> None:
    """Mail the address a link to propose changes, if it is one of the organization's contacts
    and was not sent one in the last RESEND_AFTER; else do nothing. Say nothing either way."""
    now = utcnow()
    db.session.execute(sa.delete(ProfileProposal).where(
        ProfileProposal.state == ProposalState.REQUESTED, ProfileProposal.expires_at < now))
    email = email.strip().lower()
    contact = next((c for c in org.contacts if c.email == email), None)
    if contact is None:
        log.info("Profile link asked for an address that is no contact of organization %s",
                 org.id)  # fmt: skip
        return
    recent = db.session.scalar(sa.select(ProfileProposal.id).where(
        ProfileProposal.organization_id == org.id, ProfileProposal.email == email,
        ProfileProposal.requested_at > now - RESEND_AFTER))  # fmt: skip
    if recent is not None:
        return
    proposal = ProfileProposal(organization=org, email=email, name=contact.name,
                               lang=contact.lang, requested_at=now,
                               expires_at=now + lifetime())  # fmt: skip
    db.session.add(proposal)
    db.session.flush()
    token = make_token(PURPOSE, proposal.id, proposal.nonce)
    mail.send_profile_link(proposal, absolute_url("profiles.propose", token=token))


def from_link(token: str, now: datetime | None = None) -> ProfileProposal:
    """The proposal a link may still make, or LinkRefused (logged) saying why not."""
    now = now or utcnow()
    try:
        proposal_id, nonce = read_token(token, PURPOSE, int(lifetime().total_seconds()))
        proposal = db.session.get(ProfileProposal, proposal_id)
        if proposal is None or proposal.nonce != nonce:
            raise LinkRefused("tampered")
        if proposal.state != ProposalState.REQUESTED:
            raise LinkRefused("used", proposal)
        if proposal.expires_at <= now:
            raise LinkRefused("expired", proposal)
    except LinkRefused as refused:
        log.warning("profile link refused: %s (proposal %s)", refused.reason,
                    refused.record.id if refused.record else None)  # fmt: skip
        raise
    return proposal


# The contact proposes ------------------------------------------------------------------------


def current_cells(org: Organization) -> dict[str, str]:
    """The fields a contact may change, as the directory's cells."""
    record = organization_record(org)
    return {name: record[name] for name in FIELDS}


def diff(org: Organization, cells: dict[str, str]) -> list[Change]:
    """What the cells would change on the organization as it is now, field by field; or
    InvalidOrganization when they break the directory's rules."""
    fields, problems = validate_record({**organization_record(org), **cells})
    if problems:
        raise InvalidOrganization(problems)
    return changes_of(org, fields, FIELDS)


def submit(proposal: ProfileProposal, cells: dict[str, str]) -> list[Change]:
    """Keep what the contact proposes for staff to decide, and tell them. ProposalError when
    it changes nothing; InvalidOrganization when it breaks the rules."""
    org = proposal.organization
    changes = diff(org, cells)
    if not changes:
        raise ProposalError(_("You changed nothing: edit the profile, then send it."))
    proposal.proposed = {name: cells[name] for name in FIELDS}
    proposal.state = ProposalState.PENDING
    proposal.submitted_at = utcnow()
    history.record(org, None, OrganizationEventKind.PROPOSAL_RECEIVED, proposal_id=proposal.id,
                   email=proposal.email)  # fmt: skip
    db.session.flush()
    mail.send_profile_proposal(proposal, changes, review_url(proposal))
    return changes


def review_url(proposal: ProfileProposal) -> str:
    return absolute_url("staff.proposal_review", organization_id=proposal.organization_id,
                        proposal_id=proposal.id)


def pending(org: Organization | None = None) -> list[ProfileProposal]:
    """Proposals waiting for staff, oldest first (of one organization, or all)."""
    query = sa.select(ProfileProposal).where(ProfileProposal.state == ProposalState.PENDING)
    if org is not None:
        query = query.where(ProfileProposal.organization_id == org.id)
    return list(db.session.scalars(query.order_by(ProfileProposal.submitted_at)))


# Staff decide --------------------------------------------------------------------------------


def approve(proposal: ProfileProposal, user: User, note: str = "") -> list[Change]:
    """Apply the proposal (the directory version moves if the profile changes), on the
    history; the contact is told. ProposalError if it was decided already."""
    org = proposal.organization
    changes = diff(org, proposal.proposed)
    _decide(proposal, ProposalState.APPROVED, user, note)
    profile = [change for change in changes if change.field != "contacts"]
    cells = {change.field: proposal.proposed[change.field] for change in profile}
    apply_record(org, {**organization_record(org), **cells})
    wanted, _problems = contacts.parse_contacts(proposal.proposed["contacts"])  # checked by diff
    contacts.sync_contacts(org, user, wanted, "proposal", proposed_by=proposal.email,
                           proposal_id=proposal.id)  # fmt: skip
    history.record(org, user, OrganizationEventKind.PROPOSAL_APPROVED, proposal_id=proposal.id,
                   email=proposal.email, changes=history.changes_detail(profile),
                   note=proposal.note)  # fmt: skip
    db.session.flush()
    mail.send_profile_decision(proposal)
    return changes


def reject(proposal: ProfileProposal, user: User, note: str) -> None:
    """Refuse the proposal with a note: nothing changes but the history, and the contact is
    told. ProposalError without a note or if it was decided already."""
    if not note.strip():
        raise ProposalError(_("Say why, for the history and for the contact."))
    _decide(proposal, ProposalState.REJECTED, user, note)
    history.record(proposal.organization, user, OrganizationEventKind.PROPOSAL_REJECTED,
                   proposal_id=proposal.id, email=proposal.email,
                   note=proposal.note)  # fmt: skip
    db.session.flush()
    mail.send_profile_decision(proposal)


def _decide(proposal: ProfileProposal, state: ProposalState, user: User, note: str) -> None:
    """Mark the proposal decided, if it is still pending: a conditional UPDATE, so that two
    staff members deciding at once cannot both succeed."""
    now = utcnow()
    decided = db.session.execute(
        sa.update(ProfileProposal)
        .where(ProfileProposal.id == proposal.id, ProfileProposal.state == ProposalState.PENDING)
        .values(state=state, decided_at=now, decided_by_id=user.id, note=note.strip())
        .execution_options(synchronize_session=False)
    )
    if decided.rowcount != 1:
        db.session.refresh(proposal)
        raise ProposalError(already_decided(proposal))
    db.session.refresh(proposal)


def already_decided(proposal: ProfileProposal) -> str:
    if proposal.state == ProposalState.APPROVED:
        return _("This proposal was already approved.")
    if proposal.state == ProposalState.REJECTED:
        return _("This proposal was already rejected.")
    return _("This proposal has not been sent yet.")
