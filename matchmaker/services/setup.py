"""The first-run checklist: what a fresh install still lacks before it can carry real leads."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from matchmaker.extensions import db
from matchmaker.models import Contact, Organization
from matchmaker.services import accounts

PLACEHOLDER_DOMAIN = ".invalid"  # the shipped STAFF_INBOX delivers nowhere


@dataclass(frozen=True)
class SetupStep:
    """One thing to do; `key` names it for the template (its words and its link)."""

    key: str
    done: bool


def routing_configured() -> bool:
    """Some active staff member covers at least one sector, so new leads get assigned."""
    return any(user.sectors for user in accounts.active_staff())


def staff_inbox_configured() -> bool:
    inbox = str(current_app.config.get("STAFF_INBOX") or "").strip().lower()
    return bool(inbox) and not inbox.rstrip(">").endswith(PLACEHOLDER_DOMAIN)


def smtp_configured() -> bool:
    return bool(str(current_app.config.get("SMTP_HOST") or "").strip())


def contacts_started() -> bool:
    """Some organization has a contact person or a directory contact address (the shipped
    directory has none: introductions wait as "needs contact" until staff add them)."""
    has_address = sa.func.coalesce(Organization.contact_email, "") != ""
    return bool(db.session.scalar(sa.select(sa.or_(sa.exists(sa.select(Contact.id)),
                                                   sa.exists().where(has_address)))))  # fmt: skip


def first_run_checklist() -> list[SetupStep]:
    """Every step, done or not, in the order to do them."""
    return [
        SetupStep("routing", routing_configured()),
        SetupStep("staff_inbox", staff_inbox_configured()),
        SetupStep("smtp", smtp_configured()),
        SetupStep("contacts", contacts_started()),
    ]


def steps_to_do() -> list[SetupStep]:
    return [step for step in first_run_checklist() if not step.done]
