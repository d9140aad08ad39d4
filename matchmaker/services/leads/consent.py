"""Consent to share asked after the inquiry: the signed link a consent request carries, and the
investor allowing sharing by it, recorded with the time and the privacy notice's version. The
link is refused (and changes nothing) once sharing is allowed, after CONSENT_LINK_DAYS, or when
altered; the link of a lead merged since allows sharing on the lead it was merged into.
Services flush; the request commits."""

from __future__ import annotations

import logging

from flask import current_app

from matchmaker.extensions import db
from matchmaker.links import absolute_url
from matchmaker.models import Activity, ActivityKind, Inquiry, utcnow
from matchmaker.services.leads.merging import survivor
from matchmaker.services.privacy import PRIVACY_NOTICE_VERSION
from matchmaker.services.signed_links import LinkRefused, make_token, read_token

log = logging.getLogger(__name__)

PURPOSE = "share-consent"


def consent_url(inquiry: Inquiry) -> str:
    """The investor's link to allow sharing, for a consent request mail."""
    return absolute_url("consent.consent_page", token=make_token(PURPOSE, inquiry.id, inquiry.code))


def link_days() -> int:
    return int(current_app.config["CONSENT_LINK_DAYS"])


def from_link(token: str) -> Inquiry:
    """The inquiry whose investor may allow sharing by this link now, or LinkRefused (logged)."""
    try:
        return _open(token)
    except LinkRefused as refused:
        inquiry_id = refused.record.id if refused.record else None
        log.warning("consent link refused: %s (inquiry %s)", refused.reason, inquiry_id)
        raise


def _open(token: str) -> Inquiry:
    inquiry_id, code = read_token(token, PURPOSE, link_days() * 86400)
    inquiry = db.session.get(Inquiry, inquiry_id)
    if inquiry is None or inquiry.code != code:
        raise LinkRefused("tampered")
    inquiry = survivor(inquiry)  # merged since: its request is on the survivor's thread now
    if inquiry.share_consent:
        raise LinkRefused("used", inquiry)
    return inquiry


def grant(inquiry: Inquiry) -> None:
    """The investor allows sharing with the organizations they are introduced to: recorded with
    the time and the version of the privacy notice in force, on the lead's trail too."""
    inquiry.share_consent = True
    inquiry.share_consent_at = utcnow()
    inquiry.share_consent_version = PRIVACY_NOTICE_VERSION
    db.session.add(Activity(inquiry_id=inquiry.id, kind=ActivityKind.SHARE_CONSENT_GRANTED,
                            detail={"notice_version": PRIVACY_NOTICE_VERSION}))  # fmt: skip
    db.session.flush()
