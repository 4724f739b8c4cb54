"""The authoring part of the OpenAPI document: writing articles through the API.

Operations keyed by the endpoints of `webapp.manage.api` (the PUT lands next
to the GET of /api/articles/{article_id}); their paths come from the routes
(`webapp.openapi.paths`).
"""

from __future__ import annotations

from typing import Any

from kb.authoring.document_waiting import Orphaned
from webapp.openapi.article_warnings import PREVIEW_INPUT, WARNINGS
from webapp.openapi.schema import (
    ERROR_REF,
    ETAG_HEADER,
    SIGNED_IN,
    STRING_OR_NULL,
    body_version,
    enum_of,
    if_match,
    json_body,
    json_response,
    param,
)

ARTICLE_ID = param(
    "article_id",
    "Article id, e.g. hr/sick-leave.md (may hold '/').",
    {"type": "string"},
    required=True,
    where="path",
)
STATUS = {"type": "string", "enum": ["draft", "review", "published", "retired"]}
_STRINGS = {"type": "array", "items": {"type": "string"}}


def _stored(description: str) -> dict[str, Any]:
    """An article's answer, or a document's where the id names one."""
    refs = [
        {"$ref": f"#/components/schemas/{name}"} for name in ("StoredArticle", "StoredDocument")
    ]
    return {
        "description": description,
        "content": {"application/json": {"schema": {"oneOf": refs}}},
    }


OPERATIONS: dict[str, Any] = {
    "manage_api.put_article": {
        "operationId": "putArticle",
        "summary": "Create or replace an article from its fields (content owners of its "
        "department, admins). `status: published` publishes at once where the department "
        "needs no review; under review_required another content owner publishes what was "
        "submitted with `status: review`. A document id (hr/travel-policy.pdf: .pdf, "
        ".docx, .odt, .html, .htm, .txt) takes the file itself as the body instead, "
        "checked by its extension and its bytes, within document_max_bytes; If-Match "
        "(its version, or * for whatever is there) replaces an existing one, of the same "
        "kind; under review_required the upload waits for another content owner's approval "
        "(202, POST /api/articles/{article_id}/review).",
        "security": SIGNED_IN,
        "parameters": [
            ARTICLE_ID,
            if_match(
                'The version the edit is based on (the ETag of GET, e.g. "3"); required '
                "for an existing article unless the body names `version` (428 otherwise). "
                "An empty header is a 400 naming If-Match, never taken as absent."
            ),
            param(
                "X-CSRF-Token",
                "The session's token (GET /api/me).",
                {"type": "string"},
                required=True,
                where="header",
            ),
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ArticleInput"}},
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            },
        },
        "responses": {
            "200": {**_stored("Saved as a new version."), "headers": ETAG_HEADER},
            "201": {**_stored("Created."), "headers": ETAG_HEADER},
            "202": {
                **_stored("A document held for review: nothing written or indexed yet."),
                "headers": ETAG_HEADER,
            },
            "400": ERROR_REF,
            "401": ERROR_REF,
            "403": ERROR_REF,
            "404": ERROR_REF,
            "409": ERROR_REF,
            "412": ERROR_REF,
            "413": ERROR_REF,
            "422": ERROR_REF,
            "428": ERROR_REF,
        },
    },
    "manage_api.versions": {
        "operationId": "getArticleVersions",
        "summary": "Every version of an article, newest first (content owners, admins).",
        "security": SIGNED_IN,
        "parameters": [ARTICLE_ID],
        "responses": {
            "200": json_response("ArticleVersions", "The versions."),
            "401": ERROR_REF,
            "403": ERROR_REF,
            "404": ERROR_REF,
        },
    },
    "manage_api.preview": {
        "operationId": "postPreview",
        "summary": "Markdown rendered and sanitised exactly as the article page shows it "
        "(content owners and admins).",
        "security": SIGNED_IN,
        "requestBody": json_body(
            {
                "type": "object",
                "required": ["body"],
                "properties": {
                    "body": {"type": "string"},
                    "id": {
                        "type": "string",
                        "description": "The article's id, for relative links.",
                    },
                    **PREVIEW_INPUT,
                    "title": {
                        "type": "string",
                        "maxLength": 200,
                        "description": "The article's title, shown above the body: a "
                        "leading level-1 heading that repeats it is left out, and the "
                        "body's headings start at level 2, as on the article page. "
                        "Without it a leading level-1 heading counts as the title.",
                    },
                },
            }
        ),
        "responses": {
            "200": {
                "description": "The HTML.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["html", "link_warning", "warnings"],
                            "properties": {
                                "html": {"type": "string"},
                                "link_warning": {
                                    "type": "string",
                                    "description": "The relative links that name no "
                                    "article, and those that name an article renamed "
                                    "since with its new id, in the reader's language; "
                                    "empty when none.",
                                },
                                "warnings": {
                                    **WARNINGS,
                                    "description": "What kb validate would warn of in the "
                                    "article saved with these fields and body (the fields "
                                    "the file keeps beside them included, where id names "
                                    "one the caller may edit); empty when none, or when a "
                                    "save would refuse it.",
                                },
                            },
                        }
                    }
                },
            },
            "400": ERROR_REF,
            "401": ERROR_REF,
            "403": ERROR_REF,
        },
    },
}

# What the answers about a document's version waiting for review add (PUT, versions).
WAITING_FIELDS: dict[str, Any] = {
    "pending_authors": {
        "type": "array",
        "items": {"type": "string"},
        "description": "Who uploaded or restored the file waiting for review (and, for a "
        "restore, who uploaded it before): none of them may approve it.",
    },
    "orphaned": {
        "oneOf": [{"$ref": "#/components/schemas/OrphanedUpload"}, {"type": "null"}],
        "description": "Null, or why the version waiting no longer fits the content folder.",
    },
}


# GET /api/articles/{id}: the article, or a document's state for its content owners.
ARTICLE_OR_DOCUMENT: dict[str, Any] = {
    "description": "The article (a document's state for its content owners).",
    "content": {
        "application/json": {
            "schema": {
                "anyOf": [
                    {"$ref": "#/components/schemas/Article"},
                    {"$ref": "#/components/schemas/DocumentState"},
                ]
            }
        }
    },
}


SCHEMAS: dict[str, Any] = {
    "OrphanedUpload": {
        "type": "object",
        "description": "Why a document's version waiting for review no longer fits the content "
        "folder, as its history page says: folder_gone (its folder renamed or moved: "
        "approving cannot write it), file_gone (the file it replaces renamed, moved or "
        "deleted), changed_on_disk (the file changed on disk since the upload), "
        "department_gone (the department's own folder renamed or removed: it can be "
        "downloaded and rejected, not approved).",
        "required": ["reason", "message"],
        "properties": {
            "reason": enum_of(Orphaned),
            "message": {"type": "string", "description": "What to do, in the reader's language."},
        },
    },
    "DocumentState": {
        "type": "object",
        "description": "A document as its content owners read it (GET /api/articles/{id}).",
        "required": ["id", "department", "version", "pending"],
        "properties": {
            "id": {"type": "string"},
            "department": {"type": "string"},
            "version": {"type": "integer", "description": "Send it in If-Match to replace it."},
            "pending": {
                "type": ["integer", "null"],
                "description": "The version waiting for review (null: none).",
            },
            **WAITING_FIELDS,
            "versions": {"type": "string", "description": "Its versions (API)."},
        },
    },
    "StoredDocument": {
        "type": "object",
        "description": "A document written by an upload, and the version that records it.",
        "required": ["id", "format", "size", "sha256", "replaced", "version"],
        "properties": {
            "id": {"type": "string"},
            "department": {"type": "string"},
            "format": {"type": "string", "enum": ["pdf", "docx", "odt", "html", "txt"]},
            "size": {"type": "integer"},
            "sha256": {"type": "string"},
            "replaced": {"type": "boolean"},
            "version": {"type": "integer"},
            "status": {"type": "string", "enum": ["published", "review"]},
            "pending": {"type": "boolean", "description": "Waiting for review."},
            "author": {"type": "string"},
            "ts": {"type": "string", "format": "date-time"},
            "message": {"type": "string"},
            "url": {"type": "string"},
            "versions": {"type": "string", "description": "Its versions (API)."},
            **WAITING_FIELDS,
        },
    },
    "ArticleInput": {
        "type": "object",
        "required": ["title", "body"],
        "properties": {
            "title": {"type": "string", "maxLength": 200},
            "summary": {"type": "string", "maxLength": 500},
            "tags": _STRINGS,
            "lang": {"type": "string", "description": "en, de… (empty: detected)"},
            "audience": _STRINGS,
            "review_by": {**STRING_OR_NULL, "format": "date"},
            "body": {"type": "string", "description": "Markdown."},
            "status": {**STATUS, "default": "draft"},
            "related": _STRINGS,
            "owner": {"type": "string"},
            "message": {"type": "string", "description": "What changed, for the history."},
            "version": body_version("The version the edit is based on, when If-Match is not sent."),
        },
    },
    "StoredArticle": {
        "type": "object",
        "description": "The article as stored in the content folder, any status.",
        "properties": {
            "id": {"type": "string"},
            "department": {"type": "string"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "tags": _STRINGS,
            "lang": {"type": "string"},
            "audience": _STRINGS,
            "review_by": {**STRING_OR_NULL, "format": "date"},
            "related": _STRINGS,
            "owner": {"type": "string"},
            "status": STATUS,
            "body": {"type": "string"},
            "html": {"type": "string"},
            "updated": STRING_OR_NULL,
            "version": {"type": "integer"},
            "submitted_by": STRING_OR_NULL,
            "authors": {
                **_STRINGS,
                "description": "In review: everyone who wrote the changes waiting since the "
                "last published version (a restore counts the writers of the version it "
                "restored), first writer first; none of them, nor submitted_by, may approve. "
                "Empty otherwise.",
            },
            "url": {"type": "string"},
            "pictures_saved": {
                **_STRINGS,
                "description": "PUT only: the pictures uploaded for the article (POST "
                "/api/articles/{article_id}/pictures) that its saved text names, now written "
                "into its folder.",
            },
            "warnings": {
                **WARNINGS,
                "description": "PUT, restore, move and discard-changes: what kb validate warns of in the text "
                "saved (an audience of everyone and a group, a field name that is nearly a "
                "known one, no text, a picture whose file is not there…). The save happened "
                "all the same; empty when none. A move and a discard of changes answer those "
                "of the article's file as it now stands.",
            },
            "moved_to": {
                "type": "string",
                "description": "PUT only, and only where another content owner's rename took "
                "the article away right after the save was written: the id it has now. The "
                "save went through; the answer is the version saved under the id asked for "
                "(its old address leads on to the new one). An edit based on it goes to "
                "moved_to (a PUT of the old id is 412 stale_edit naming details.moved_to).",
            },
            "pictures_refused": {
                "type": "array",
                "description": "PUT only: such pictures not written, each in the error shape "
                "(code, message, details): a file of that name appeared, or under "
                "review_required a published article names it. They stay staged until "
                "picture_staging_hours pass.",
                "items": {"type": "object"},
            },
        },
    },
    "ArticleVersions": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "versions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "version": {"type": "integer"},
                        "author": STRING_OR_NULL,
                        "ts": {"type": "string", "format": "date-time"},
                        "action": {
                            "type": "string",
                            "enum": [
                                "create",
                                "save",
                                "submit",
                                "publish",
                                "retire",
                                "restore",
                                "disk",
                                "upload",
                                "reject",
                                "discard",
                            ],
                        },
                        "status": STATUS,
                        "message": {"type": "string"},
                        "sha256": {"type": "string", "description": "Documents only."},
                        "size": {
                            "type": ["integer", "null"],
                            "description": "Documents only: bytes (null: not recorded).",
                        },
                        "file": {
                            "type": "string",
                            "description": "Documents only: the version's file (API).",
                        },
                        "file_kept": {
                            "type": "boolean",
                            "description": "Documents only: false when the attachment store "
                            "does not hold the version's file (recorded before files were "
                            "kept, or lost since): it cannot be downloaded, restored or approved.",
                        },
                    },
                },
            },
            "pending": {
                "type": ["integer", "null"],
                "description": "Documents only: the version waiting for review.",
            },
            **{
                name: {**schema, "description": f"Documents only. {schema['description']}"}
                for name, schema in WAITING_FIELDS.items()
            },
        },
    },
}
