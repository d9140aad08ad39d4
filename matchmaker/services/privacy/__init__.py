"""Personal data: the privacy notice investors consent to, and the GDPR tools on what we hold.

An access request gets everything held about an address as JSON (`lookup`); an erasure request
deletes it and scrubs the person from other leads' notes and queued mail (`erasure`), which
also holds the retention purge; `mentions` finds a person's details quoted in free text, in
any case, on SQLite as on PostgreSQL; `notice` keeps the versions of the privacy notice.
"""

from matchmaker.services.privacy.erasure import (
    Deletion,
    Purge,
    erase_personal_data,
    months_before,
    purge_stale_inquiries,
)
from matchmaker.services.privacy.lookup import (
    PRIVACY_KINDS,
    Holdings,
    export_personal_data,
    holdings,
    inquiries_from,
    privacy_log,
)
from matchmaker.services.privacy.mentions import REDACTED
from matchmaker.services.privacy.notice import (
    ARCHIVED_NOTICES,
    PRIVACY_NOTICE_VERSION,
    notice_template,
    notice_url,
)

__all__ = [
    "ARCHIVED_NOTICES", "PRIVACY_KINDS", "PRIVACY_NOTICE_VERSION", "REDACTED", "Deletion",
    "Holdings", "Purge", "erase_personal_data", "export_personal_data", "holdings",
    "inquiries_from", "months_before", "notice_template", "notice_url", "privacy_log",
    "purge_stale_inquiries",
]  # fmt: skip
