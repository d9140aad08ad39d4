"""The directory of organizations: its rules, CSV files, imports, edits, search and version.

The modules are rooms; this package names what the rest of the app uses.
"""

from matchmaker.services.directory.csvfile import (
    MAX_IMPORT_BYTES,
    ImportFileError,
    defuse_cell,
    export_csv,
    organization_record,
    parse_csv,
    shipped_directory,
    too_large_message,
)
from matchmaker.services.directory.edits import (
    Change,
    create_organization,
    set_active,
    update_organization,
)
from matchmaker.services.directory.imports import (
    UPLOAD_LIFETIME,
    ImportPlan,
    PreviewOutdated,
    RowError,
    UploadExpired,
    apply_import,
    apply_upload,
    find_upload,
    plan_import,
    plan_upload,
    store_upload,
)
from matchmaker.services.directory.rules import (
    COLUMNS,
    FIELDS,
    MAX_LENGTHS,
    InvalidOrganization,
    Problem,
    validate_record,
)
from matchmaker.services.directory.search import (
    RELEVANCE,
    active_query,
    is_empty,
    public_stats,
    search_query,
)
from matchmaker.services.directory.version import bump_directory_version, directory_version

__all__ = [
    "COLUMNS", "FIELDS", "MAX_IMPORT_BYTES", "MAX_LENGTHS", "RELEVANCE", "UPLOAD_LIFETIME",
    "Change",
    "ImportFileError", "ImportPlan",
    "InvalidOrganization", "PreviewOutdated", "Problem", "RowError", "UploadExpired",
    "active_query", "apply_import", "apply_upload", "bump_directory_version",
    "create_organization", "defuse_cell", "directory_version", "export_csv", "find_upload",
    "is_empty", "organization_record", "parse_csv", "plan_import", "plan_upload",
    "public_stats", "search_query", "set_active", "shipped_directory", "store_upload",
    "too_large_message", "update_organization", "validate_record",
]  # fmt: skip
