"""Personal data: the privacy notice version that investors consent to."""

# Bump when the text of templates/public/privacy.html changes in substance: every inquiry records
# the version its author agreed to (Inquiry.consent_version).
PRIVACY_NOTICE_VERSION = "2026-11"
