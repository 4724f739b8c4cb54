"""The document versions part of the OpenAPI document: a document version's file,
restoring a version (of a document or an article), the review of a document
waiting under the four-eyes rule, discarding a draft never published or the
changes saved over a published article, deleting a document and renaming an article.

Operations keyed by the endpoints of `webapp.manage.api`; their paths come from
the routes (`webapp.openapi.paths`).
"""

from __future__ import annotations

from typing import Any

from webapp.openapi.authoring import ARTICLE_ID as _ID
from webapp.openapi.authoring import STATUS as _STATUS
from webapp.openapi.schema import (
    ERROR_REF,
    ETAG_HEADER,
    SIGNED_IN,
    STRING_OR_NULL,
    body_version,
    if_match,
    json_body,
    json_response,
    param,
)

# What the two discards take (the version in If-Match) and are refused with.
_DISCARD_PARAMETERS = [
    _ID,
    if_match(
        'The version the article is at now (its ETag, e.g. "3"); 428 without it, '
        "412 when it changed meanwhile."
    ),
]
_DISCARD_ERRORS = {code: ERROR_REF for code in ("400", "401", "403", "404", "409", "412", "428")}

OPERATIONS: dict[str, Any] = {
    "manage_api.version_file": {
        "operationId": "getDocumentVersionFile",
        "summary": "One version's file of a document, always as a download "
        "(Content-Disposition: attachment, X-Content-Type-Options: nosniff, "
        "Content-Security-Policy: sandbox; HTML as application/octet-stream), for content "
        "owners of its department and admins. 404: no such version (or an article id); "
        "409 document_version_gone (details.reason file_missing): the version's file is not "
        "in the attachment store (recorded before versions kept their files, or lost since; "
        "its versions say file_kept: false), so there is none to give. A version of a "
        "department whose folder is gone (renamed or removed) is still given.",
        "security": SIGNED_IN,
        "parameters": [
            _ID,
            param(
                "number",
                "The version.",
                {"type": "integer", "minimum": 1},
                required=True,
                where="path",
            ),
        ],
        "responses": {
            "200": {
                "description": "The file's bytes.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            },
            "400": ERROR_REF,
            "401": ERROR_REF,
            "403": ERROR_REF,
            "404": ERROR_REF,
            "409": ERROR_REF,
        },
    },
    "manage_api.restore": {
        "operationId": "restoreArticleVersion",
        "summary": "Make an earlier version current again, as a new version (content "
        "owners of the department, admins). An article keeps its status (a published one "
        "under review_required goes back to review) and answers the stored article; a "
        "document is written and indexed (200), or under review_required held for "
        "another content owner's approval (202, nothing written). 409 "
        "document_version_gone: that version's file was not kept; 409 with details.reason "
        "already_current or already_waiting (details.same_as: that version): its file is the "
        "document's current file, or the one waiting for review, so nothing is restored; 409 "
        "document_department_gone (department_gone): the department's folder is gone. A "
        "deleted document's file comes back under its name (If-Match: the delete version); "
        "409 with details.reason name_taken (details.taken_by: the id that holds it) when a "
        "file of that name or an upload of it took the name since. A discarded Markdown draft "
        "comes back as a new draft.",
        "security": SIGNED_IN,
        "parameters": [
            _ID,
            if_match(
                'The version the document or article is at now (its ETag, e.g. "3"; a '
                "document also takes *); 428 without it, 412 when it changed meanwhile."
            ),
        ],
        "requestBody": json_body(
            {
                "type": "object",
                "required": ["version"],
                "properties": {
                    "version": body_version("The version to restore."),
                    "message": {"type": "string", "description": "Why, for the history."},
                },
            }
        ),
        "responses": {
            "200": {
                "description": "Restored as a new version: the stored article, or the "
                "document's new version.",
                "headers": ETAG_HEADER,
                "content": {
                    "application/json": {
                        "schema": {
                            "oneOf": [
                                {"$ref": "#/components/schemas/StoredArticle"},
                                {"$ref": "#/components/schemas/RestoredDocument"},
                            ]
                        }
                    }
                },
            },
            "202": {
                "description": "A document's restore held for review: nothing written yet.",
                "headers": ETAG_HEADER,
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/RestoredDocument"}
                    }
                },
            },
            "400": ERROR_REF,
            "401": ERROR_REF,
            "403": ERROR_REF,
            "404": ERROR_REF,
            "409": ERROR_REF,
            "412": ERROR_REF,
            "428": ERROR_REF,
        },
    },
    "manage_api.review": {
        "operationId": "reviewDocument",
        "summary": "Approve (write and index) or reject the version of a document waiting "
        "for review (content owners of its department, admins; the uploader may reject their "
        "own to withdraw it). 403 review_required (details.reason wrote_changes, "
        "details.authors): an author of the waiting file (pending_authors: its uploader, or "
        "the uploader of a version someone else restored) may not approve it. 409 "
        "document_folder_gone (details.reason folder_gone): its folder was renamed or moved, "
        "so it cannot be written; 409 document_department_gone (department_gone): the "
        "department's own folder was renamed or removed (rejecting still works); 409 "
        "document_version_gone (file_missing): its file is not kept.",
        "security": SIGNED_IN,
        "parameters": [_ID],
        "requestBody": json_body(
            {
                "type": "object",
                "required": ["decision", "version"],
                "properties": {
                    "decision": {"type": "string", "enum": ["approve", "reject"]},
                    "version": body_version("The version reviewed."),
                    "message": {"type": "string", "description": "Why, for the history."},
                },
            }
        ),
        "responses": {
            "200": json_response("DocumentReview", "The version the decision recorded."),
            "400": ERROR_REF,
            "401": ERROR_REF,
            "403": ERROR_REF,
            "404": ERROR_REF,
            "409": ERROR_REF,
            "412": ERROR_REF,
        },
    },
    "manage_api.discard": {
        "operationId": "discardDraft",
        "summary": "Throw away an article none of whose versions was ever published (a "
        "draft, or one in review): its file leaves the department's folder, the pictures "
        "staged for it go too, and its history records a last version, action discard "
        "(content owners of the department, admins; 403 otherwise). 409 published_before: "
        "the article is or was published, and stays as it is (retire it instead). For a "
        "document's id (PDF, Word, ODT, HTML, text), the document is deleted: its file leaves "
        "the folder, its history keeps every version and file and records a last version, "
        "action delete (If-Match: * deletes whatever is current); 409 conflict "
        "(details.reason waiting) while an upload of it waits for review.",
        "security": SIGNED_IN,
        "parameters": _DISCARD_PARAMETERS,
        "responses": {
            "200": {
                "description": "The version the discard (or the document's delete) recorded.",
                "content": {
                    "application/json": {
                        "schema": {
                            "oneOf": [
                                {"$ref": "#/components/schemas/DiscardedDraft"},
                                {"$ref": "#/components/schemas/DeletedDocument"},
                            ]
                        }
                    }
                },
            },
            **_DISCARD_ERRORS,
        },
    },
    "manage_api.move": {
        "operationId": "renameArticle",
        "summary": "Rename an article in its folder (content owners of the department, "
        "admins; 403 otherwise): its file gets the new name, its versions are copied to the "
        "new id with a last version, action move, and the old id's history ends with one "
        "noted 'moved to <new id>', from which the old article address redirects. Text and "
        "status stay; both ids go to the index. Then the links to the old id (Markdown "
        "links, related entries) are changed to the new id in the Markdown articles of "
        "the departments the caller owns, each as a new version saved as the editor saves "
        "(under review_required a published one goes to review); `links` says which. "
        "400 invalid_request: the name holds a folder or is no lower-case slug; 409 "
        "conflict: the name is taken; 412 stale_edit: an older If-Match, or renamed since "
        "by someone else (details.moved_to, its id now; nothing changed).",
        "security": SIGNED_IN,
        "parameters": _DISCARD_PARAMETERS,
        "requestBody": json_body(
            {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {
                        "type": "string",
                        "description": "The new name: lower-case letters, digits and -, "
                        ".md optional; the article stays in its folder.",
                    },
                    "message": {"type": "string", "description": "A note for the history."},
                },
            }
        ),
        "responses": {
            "200": {
                "description": "The stored article under its new id; Location names its URL.",
                "headers": {
                    **ETAG_HEADER,
                    "Location": {
                        "description": "The article's URL under its new id.",
                        "schema": {"type": "string"},
                    },
                },
                "content": {
                    "application/json": {
                        "schema": {
                            "allOf": [
                                {"$ref": "#/components/schemas/StoredArticle"},
                                {
                                    "type": "object",
                                    "required": ["links"],
                                    "properties": {
                                        "links": {"$ref": "#/components/schemas/MovedLinks"}
                                    },
                                },
                            ]
                        }
                    }
                },
            },
            **_DISCARD_ERRORS,
        },
    },
    "manage_api.discard_saved_changes": {
        "operationId": "discardChanges",
        "summary": "Make the last published text of an article current again, as a new "
        "version (action restore), dropping the drafts and reviews saved over it and the "
        "pictures staged for them: published again at once, or in review where the "
        "department has review_required (content owners of the department, admins; 403 "
        "otherwise). 409 nothing_published: no published text lies under the changes (the "
        "article is published as it is, retired, or was never published).",
        "security": SIGNED_IN,
        "parameters": _DISCARD_PARAMETERS,
        "responses": {
            "200": {
                "description": "The stored article, its last published text current again.",
                "headers": ETAG_HEADER,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/StoredArticle"}}
                },
            },
            **_DISCARD_ERRORS,
        },
    },
}

SCHEMAS: dict[str, Any] = {
    "MovedLinks": {
        "type": "object",
        "description": "What a rename did to the links that named the old id.",
        "required": ["updated", "failed", "elsewhere", "held"],
        "properties": {
            "updated": {
                "type": "array",
                "description": "Articles of the caller's departments whose links now name "
                "the new id: the version saved and its status (a draft stays a draft, an "
                "article in review stays in review).",
                "items": {
                    "type": "object",
                    "required": ["id", "version", "status"],
                    "properties": {
                        "id": {"type": "string"},
                        "version": {"type": "integer"},
                        "status": _STATUS,
                    },
                },
            },
            "failed": {
                "type": "array",
                "description": "Articles of the caller's departments whose links still name "
                "the old id, each with the error code and message that kept it from being "
                "saved (changed meanwhile, a file that no longer reads); the rename stands.",
                "items": {
                    "type": "object",
                    "required": ["id", "error", "message"],
                    "properties": {
                        "id": {"type": "string"},
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                    },
                },
            },
            "elsewhere": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Published articles of other departments, that the caller may "
                "read, still linking to the old id: never changed by the caller; their "
                "readers are led on to the new address and their owners see a moved_link in "
                "content health.",
            },
            "held": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Published articles of the caller's departments under "
                "review_required still linking to the old id: left as they are, since a save "
                "would take them out of search until another content owner approves it; "
                "their links lead on to the new address.",
            },
        },
    },
    "DiscardedDraft": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "discarded": {"type": "boolean"},
            "version": {"type": "integer", "description": "The discard's version."},
            "author": {"type": "string"},
            "ts": {"type": "string", "format": "date-time"},
            "action": {"type": "string", "enum": ["discard"]},
            "status": {"type": "string", "enum": ["draft", "review"]},
        },
    },
    "DeletedDocument": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "deleted": {"type": "boolean"},
            "version": {"type": "integer", "description": "The delete's version."},
            "author": {"type": "string"},
            "ts": {"type": "string", "format": "date-time"},
            "action": {"type": "string", "enum": ["delete"]},
            "status": {"type": "string", "enum": ["retired"]},
        },
    },
    "RestoredDocument": {
        "type": "object",
        "description": "The version a document's restore recorded.",
        "properties": {
            "id": {"type": "string"},
            "restored": {"type": "integer", "description": "The version restored."},
            "version": {"type": "integer"},
            "author": STRING_OR_NULL,
            "ts": {"type": "string", "format": "date-time"},
            "action": {"type": "string", "enum": ["restore"]},
            "status": {"type": "string", "enum": ["published", "review"]},
            "message": {"type": "string"},
            "sha256": {"type": "string"},
            "size": {"type": ["integer", "null"]},
            "pending": {"type": "boolean", "description": "Waiting for review."},
            "file": {"type": "string", "description": "The new version's file (API)."},
        },
    },
    "DocumentReview": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "decision": {"type": "string", "enum": ["approve", "reject"]},
            "reviewed": {"type": "integer"},
            "version": {"type": "integer"},
            "status": _STATUS,
            "author": {"type": "string"},
            "ts": {"type": "string", "format": "date-time"},
            "message": {"type": "string"},
            "orphaned": {
                "oneOf": [{"$ref": "#/components/schemas/OrphanedUpload"}, {"type": "null"}],
                "description": "What no longer fitted the folder when it was decided.",
            },
        },
    },
}
