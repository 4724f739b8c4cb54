"""What an uploaded picture must be before it is staged or written: its name,
its bytes (a picture by its first bytes, as the scanner reads it), and the
refusals of a name already taken (`kb.authoring.pictures`)."""

from __future__ import annotations

import os

from kb.authoring.document_checks import slug_file_name
from kb.content.article_images import is_markup, not_a_picture, sniff_image
from kb.content.images import IMAGE_SUFFIXES
from kb.content.problem_texts import image_reason
from kb.errors import ConflictError, ValidationError
from kb.extract.base import human_size

ACCEPTED = "PNG, JPEG, GIF, WebP"


def picture_kind(name: str) -> None:
    """ValidationError unless `name` has the extension of a picture that is shown."""
    if not name.lower().endswith(IMAGE_SUFFIXES):
        raise ValidationError(
            f"{name} is not a picture an article shows; upload a {ACCEPTED} file "
            "(SVG can carry script and is never shown: save it as PNG)",
            details={"field": "name", "value": name},
            key="picture_kind",
            values={"name": name, "accepted": ACCEPTED},
        )


def picture_name(given: str, uploaded: str) -> str:
    """The file name of an uploaded picture (see the module)."""
    return slug_file_name(given, uploaded, picture_kind)


def picture_type(name: str, data: bytes, max_bytes: int) -> str:
    """The media type of the picture `data`, checked as the scanner checks it."""
    if not data:
        raise ValidationError(
            f"{name} is empty",
            details={"field": "file"},
            key="picture_empty",
            values={"name": name},
        )
    if len(data) > max_bytes:
        limit = human_size(max_bytes)
        raise ValidationError(
            f"{name} is over the {limit} limit for pictures (setting image_max_bytes); crop "
            "it, scale it down or save it as JPEG, and upload it again",
            details={"field": "file", "max": max_bytes},
            key="picture_too_large",
            values={"name": name, "limit": limit},
        )
    media_type = sniff_image(data)
    if media_type is None:
        # One text per reason, whole in each language (`error_picture_markup`,
        # `error_picture_content`): no English reason inside a German message.
        markup = is_markup(data)
        raise ValidationError(
            f"{name} is not shown: {image_reason(not_a_picture(data))}; save the picture as PNG or JPEG "
            "and upload that",
            details={"field": "file", "reason": "markup" if markup else "not_a_picture"},
            key="picture_markup" if markup else "picture_content",
            values={"name": name},
        )
    return media_type


def taken(path: str) -> ConflictError:
    return ConflictError(
        f"{path} already exists; confirm that the upload replaces it, or choose another name",
        details={"id": path, "name": os.path.basename(path)},
        key="picture_exists",
        values={"id": path},
    )


def not_in_review(path: str, name: str, department: str) -> ConflictError:
    return ConflictError(
        f"{path} already exists, and {name} publishes only what another content owner "
        "approved: a picture replaced in place would change a published article unseen; "
        "upload it under a new name and change the article to show it",
        details={"id": path, "name": os.path.basename(path), "department": department},
        key="picture_review",
        values={"id": path, "department": department},
    )
