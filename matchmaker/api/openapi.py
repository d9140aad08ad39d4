"""The API's contract: the limits of its parameters and its OpenAPI 3 document."""

from __future__ import annotations

import re
from typing import Any

from matchmaker.models import Status, TokenScope
from matchmaker.pagination import MAX_PAGE
from matchmaker.services.leads import listing
from matchmaker.taxonomy import (
    BUDGETS,
    HORIZONS,
    INVESTOR_TYPES,
    KINDS,
    LANGS,
    OFFERS,
    PROVINCES,
    SECTORS,
)

API_VERSION = "1.0.0"
MAX_PER_PAGE = 100
MAX_QUERY_LENGTH = 200
DATE_PATTERN = re.compile(r"^[12][0-9]{3}-[0-9]{2}-[0-9]{2}$")  # years a time zone can shift
NO_NUL = "^[^\\u0000]*$"  # text PostgreSQL can store
SOME_TEXT = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"  # and not only blanks


# The OpenAPI document ------------------------------------------------------------------------


def _string(max_length: int | None = None, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", **extra}
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


TIMESTAMP = _string(format="date-time")
TAGS = {"type": "array", "items": {"type": "string"}}
DAY = _string(format="date", pattern=DATE_PATTERN.pattern)
SEARCH = _string(MAX_QUERY_LENGTH, pattern=NO_NUL)


def _schemas() -> dict[str, Any]:
    user = _object({"id": {"type": "integer"}, "name": _string(), "email": _string()})
    lead = _object({
        "id": {"type": "integer"},
        "code": _string(pattern=r"^WM-[A-Z0-9]{6}$"),
        "status": _string(enum=list(Status)),
        "lost_reason": _string(),
        "version": {"type": "integer", "description": "Send it back in a change to detect "
                    "concurrent edits."},
        "received_at": TIMESTAMP,
        "updated_at": TIMESTAMP,
        "last_staff_action_at": _nullable(TIMESTAMP),
        "assignee": {**_ref("User"), "nullable": True},
        "contact": _object({
            "name": _string(), "email": _string(), "organization": _string(),
            "role": _string(), "country": _string(), "website": _string(), "phone": _string(),
        }),
        "investor_type": _string(enum=list(INVESTOR_TYPES)),
        "sectors": {"type": "array", "items": _string(enum=list(SECTORS))},
        "offers": {"type": "array", "items": _string(enum=list(OFFERS))},
        "interests": _string(),
        "budget": _string(enum=["", *BUDGETS]),
        "horizon": _string(enum=["", *HORIZONS]),
        "lang": _string(enum=list(LANGS)),
        "consent": _object({
            "at": TIMESTAMP, "notice_version": _string(),
            "share_with_organizations": {"type": "boolean"},
        }),
        "needs_ranking": {"type": "boolean"},
        "url": _string(format="uri", description="The lead's page in the back office."),
    })  # fmt: skip
    match = _object(
        {
            "id": {"type": "integer"},
            "rank": {"type": "integer"},
            "score": {"type": "number"},
            "organization": _object({"slug": _string(), "name": _string()}),
            "source": _string(enum=["engine", "staff"]),
            "reasons": _object(
                {
                    "strength": _nullable(_string(enum=["strong", "possible", "weak", None])),
                    "role": _string(description="Intent code (intent.tsv), empty when none."),
                    "terms": TAGS,
                    "bridges": {
                        "type": "array",
                        "items": _object(
                            {"wrote": _string(), "profile": _string(), "concept": _string()}
                        ),
                    },
                    "sectors": TAGS,
                    "offers": TAGS,
                }
            ),
            "verdict": _nullable(_string(enum=["relevant", "not_relevant", None])),
            "pinned": {"type": "boolean"},
            "introduced_at": _nullable(TIMESTAMP),
            "engine_version": _string(),
            "directory_version": {"type": "integer"},
        }
    )
    lead_detail = _object({**lead["properties"],
                           "matches": {"type": "array", "items": _ref("Match")}})  # fmt: skip
    organization = _object({
        "slug": _string(), "name": _string(), "kind": _string(enum=list(KINDS)),
        "sectors": {"type": "array", "items": _string(enum=list(SECTORS))},
        "offers": {"type": "array", "items": _string(enum=list(OFFERS))},
        "city": _string(), "province": _string(enum=list(PROVINCES)), "website": _string(),
        "founded": _nullable({"type": "integer"}), "size": _string(),
        "description": _string(), "description_fr": _string(), "keywords": TAGS,
        "keywords_fr": TAGS, "source": _string(), "contact_email": _string(),
        "updated_at": TIMESTAMP,
    })  # fmt: skip

    def page(item: str) -> dict[str, Any]:
        return _object({
            "items": {"type": "array", "items": _ref(item)},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "total": {"type": "integer", "minimum": 0},
            "pages": {"type": "integer", "minimum": 0},
        })  # fmt: skip

    version = {
        "type": "integer",
        "description": "The version read from the lead (required: without it, 428); if the "
        "lead changed since, the change is refused with 409.",
    }
    not_lost = [status.value for status in Status if status != Status.LOST]
    lead_update = {
        "description": "The new status; a lost lead also needs the reason it was lost.",
        "oneOf": [
            {"type": "object", "required": ["status", "version"], "additionalProperties": False,
             "properties": {"status": _string(enum=not_lost),
                            "lost_reason": _string(500, pattern=NO_NUL,
                                                   description="Ignored unless lost."),
                            "version": version}},
            {"type": "object", "required": ["status", "lost_reason", "version"],
             "additionalProperties": False,
             "properties": {"status": _string(enum=[Status.LOST.value]),
                            "lost_reason": _string(500, pattern=SOME_TEXT,
                                                   description="Why the lead was lost."),
                            "version": version}},
        ],
    }  # fmt: skip
    error = _object({
        "status": {"type": "integer"},
        "error": _string(description="The HTTP reason phrase."),
        "reason": _string(description="What went wrong, for a person."),
    })  # fmt: skip
    return {
        "User": user, "Lead": lead, "LeadDetail": lead_detail, "Match": match,
        "Organization": organization, "LeadPage": page("Lead"),
        "OrganizationPage": page("Organization"), "LeadUpdate": lead_update, "Error": error,
    }  # fmt: skip


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    descriptions = {
        400: "The address carries a NUL character.",
        401: "No token, or an unknown or revoked one.",
        403: "The token's scope does not allow this.",
        404: "Nothing has this identifier.",
        409: "The lead changed since the version sent.",
        422: "A parameter or the body is not valid; the reason says which.",
        428: "The change does not say which version of the lead it was made from.",
    }
    return {str(code): _json(_ref("Error"), descriptions[code]) for code in codes}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}  # fmt: skip


PAGING = [
    _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
           "Page number, from 1."),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20},
           "Items per page."),
]  # fmt: skip


def openapi_document(server_url: str) -> dict[str, Any]:
    lead_id = {"name": "lead_id", "in": "path", "required": True,
               "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}  # fmt: skip
    slug = {"name": "slug", "in": "path", "required": True,
            "schema": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                       "maxLength": 80}}  # fmt: skip
    lead_filters = [
        _query("q", SEARCH, "Words in the name, organization, email or "
               "interests, or a lead's code (WM-XXXXXX)."),
        _query("status", _string(enum=[*Status, listing.OPEN]),
               f"One status, or {listing.OPEN!r} for every open one."),
        _query("sector", _string(enum=list(SECTORS)), "Leads interested in this sector."),
        _query("country", _string(pattern="^[A-Z]{2}$"), "The investor's country (ISO 3166)."),
        _query("assignee", _string(pattern=f"^([0-9]{{1,9}}|{listing.UNASSIGNED})$"),
               f"A staff user id, or {listing.UNASSIGNED!r} for unassigned leads."),
        _query("received_from", DAY, "Received on or after this day."),
        _query("received_to", DAY, "Received on or before this day."),
    ]  # fmt: skip
    org_filters = [
        _query(
            "q",
            SEARCH,
            "Words in the name, description, keywords, city.",
        ),
        _query("sector", _string(enum=list(SECTORS)), "Organizations active in this sector."),
        _query("province", _string(enum=list(PROVINCES)), "Organizations in this province."),
    ]
    read = [{"bearerAuth": [TokenScope.READ.value]}]
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Walloon Matchmaker API",
            "version": API_VERSION,
            "description": (
                "Leads (investor inquiries) and the directory of Walloon organizations, for "
                "the agency's integrations. Authenticate with a staff API token, issued by an "
                "administrator in the back office: `Authorization: Bearer wm_...`. A token "
                "with the read scope reads; one with the write scope may also change a lead's "
                "status. Errors are JSON objects with a `reason`."
            ),
        },
        "servers": [{"url": server_url}],
        "security": read,
        "paths": {
            "/leads": {
                "get": {
                    "operationId": "listLeads",
                    "summary": "Leads, newest first, filtered and paginated.",
                    "parameters": [*lead_filters, *PAGING],
                    "responses": {
                        "200": _json(_ref("LeadPage"), "One page of leads."),
                        **_errors(400, 401, 422),
                    },  # fmt: skip
                }
            },
            "/leads/{lead_id}": {
                "parameters": [lead_id],
                "get": {
                    "operationId": "getLead",
                    "summary": "A lead with its current matches (the access is logged).",
                    "responses": {
                        "200": _json(_ref("LeadDetail"), "The lead."),
                        **_errors(400, 401, 404),
                    },  # fmt: skip
                },
                "patch": {
                    "operationId": "updateLead",
                    "summary": "Change a lead's status (write scope), from the version read.",
                    "security": [{"bearerAuth": [TokenScope.WRITE.value]}],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("LeadUpdate")}},
                    },
                    "responses": {
                        "200": _json(_ref("LeadDetail"), "The changed lead."),
                        **_errors(400, 401, 403, 404, 409, 422, 428),
                    },  # fmt: skip
                },
            },
            "/organizations": {
                "get": {
                    "operationId": "listOrganizations",
                    "summary": "Active organizations of the directory, by name.",
                    "parameters": [*org_filters, *PAGING],
                    "responses": {
                        "200": _json(_ref("OrganizationPage"), "One page."),
                        **_errors(400, 401, 422),
                    },  # fmt: skip
                }
            },
            "/organizations/{slug}": {
                "parameters": [slug],
                "get": {
                    "operationId": "getOrganization",
                    "summary": "An active organization.",
                    "responses": {
                        "200": _json(_ref("Organization"), "The organization."),
                        **_errors(400, 401, 404),
                    },  # fmt: skip
                },
            },
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A staff API token (wm_...).",
                }  # fmt: skip
            },
            "schemas": _schemas(),
        },
    }
