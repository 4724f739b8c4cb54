"""The pictures part of the OpenAPI document: a picture uploaded for an article.

The operation is keyed by the endpoint of `webapp.manage.pictures`; its path
comes from the route (`webapp.openapi.paths`).
"""

from __future__ import annotations

from typing import Any

from webapp.openapi.authoring import ARTICLE_ID
from webapp.openapi.schema import ERROR_REF, SIGNED_IN, json_response, multipart_body, param

_CSRF = param(
    "X-CSRF-Token",
    "The session's token (GET /api/me).",
    {"type": "string"},
    required=True,
    where="header",
)

SCHEMAS: dict[str, Any] = {
    "UploadedPicture": {
        "type": "object",
        "required": ["article", "name", "media_type", "size", "sha256", "replaced", "markdown"],
        "properties": {
            "article": {"type": "string", "description": "The article it is staged for."},
            "name": {
                "type": "string",
                "description": "Its file name in the article's folder (a lower-case slug).",
            },
            "media_type": {
                "enum": ["image/png", "image/jpeg", "image/gif", "image/webp"],
                "description": "What its first bytes are, never told from the name.",
            },
            "size": {"type": "integer"},
            "sha256": {"type": "string"},
            "replaced": {
                "type": "boolean",
                "description": "It replaces a picture of that name when the article is saved.",
            },
            "markdown": {
                "type": "string",
                "description": "What shows it in the article: ![alt](name).",
            },
            "message": {"type": "string", "description": "What to do with `markdown`."},
        },
    },
}

OPERATIONS: dict[str, Any] = {
    "manage_pictures_api.api_upload": {
        "operationId": "uploadPicture",
        "summary": "Stage a picture (PNG, JPEG, GIF, WebP, told from its first bytes) for "
        "the folder of the article, as the editor's picture form does: it is written there "
        "when the article is saved (PUT /api/articles/{article_id}) with text that names "
        "it, checked again then, and removed unsaved after picture_staging_hours; content "
        "owners of "
        "its department and admins. At most image_max_bytes (400 beyond, 413 when the body "
        "is larger still). A picture of that name, in any letter case, is replaced only "
        "with replace=1 (409 otherwise), and never under review_required (409 "
        "picture_review); there a new name that a published article already names is "
        "409 too (details.reason named_by_published): upload it under another name and "
        "change the article, which is then reviewed. The picture reaches readers with the "
        "article that names it.",
        "security": SIGNED_IN,
        "parameters": [ARTICLE_ID, _CSRF],
        "requestBody": multipart_body(
            {
                "file": {"type": "string", "format": "binary"},
                "name": {
                    "type": "string",
                    "maxLength": 300,
                    "description": "Its file name, e.g. floor-plan.png (default: made from "
                    "the file's own name). No folder, '..', hidden name.",
                },
                "alt": {
                    "type": "string",
                    "maxLength": 300,
                    "description": "What it shows: the alt text in `markdown`.",
                },
                "replace": {"enum": ["1"], "description": "Write over a picture of that name."},
            },
            ["file"],
        ),
        "responses": {
            "201": json_response("UploadedPicture", "Staged for the article."),
            "200": json_response("UploadedPicture", "Staged over a picture of that name."),
            "400": ERROR_REF,
            "401": ERROR_REF,
            "403": ERROR_REF,
            "404": ERROR_REF,
            "409": ERROR_REF,
            "413": ERROR_REF,
        },
    },
}
