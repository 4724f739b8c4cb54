"""A call on a request sent again: replies, internal notes and files with an
`Idempotency-Key` header (`POST /api/requests/<id>/comments`, `…/attachments`).

A client that sends a reply and gets no answer (a timeout, a dropped
connection) cannot tell whether it was posted; sending it again with the same
key is safe: as for filing a request (`kb.requests.submission`), keys belong
to the caller's account, and

* the same key with the same call (the same path and what was sent: the JSON
  body's fields, or the form's fields and each file's name and SHA-256) is
  answered with the first answer's status, marked `Idempotent-Replayed: true`;
  nothing is posted, mailed or counted again. Its body is read again as the
  caller may read it now (`again`), never given back as kept: an agent who
  lost the queue since gets a 404, not the request with its internal notes;
* the same key with another call is a 409 `idempotency_reused`, nothing done;
* the same key while the first call still runs is a 409
  `idempotency_running`: send it again in a moment.

A call that is refused or fails before it posts (a 4xx or 5xx answer, an
error, its worker stopped) keeps nothing: sent again, it runs again at once.
One whose process died outright is free again within a minute (its claim is
no longer renewed, `kb.store.replay_claims`). The reply, note or files and
the mark that the key's call posted them are saved in one transaction: when
anything fails after it (keeping the whole answer, reading the request again
for it), the retry is answered, from what the post recorded, and nothing is
posted twice. Answers are kept for a day (`kb.store.replays`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask import request
from werkzeug.wrappers import Response

from kb.accounts.records import User
from kb.attachments.blobs import digest_of
from kb.attachments.records import Upload
from kb.errors import ConflictError
from kb.requests.submission import requester_key
from kb.store.replay_claims import keep, release, running
from kb.store.replays import KeptAnswer, Posting
from kb.validators import utc_now
from webapp import services
from webapp.requests.forms import IDEMPOTENCY_HEADER, idempotency_key

REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_HEADERS = ("ETag", "Location")


def json_call(data: Mapping[str, Any]) -> str:
    """What a JSON call sent, as compared between a call and its retry."""
    return _fingerprint({"path": request.path, "json": data})


def files_call(fields: Mapping[str, Any], files: Sequence[Upload]) -> str:
    """What a multipart call sent: its fields and each file's name and digest (the
    parts' boundary differs from one sending to the next)."""
    sent = [[f.name, digest_of(f.data), f.size or len(f.data)] for f in files]
    return _fingerprint({"path": request.path, "fields": fields, "files": sent})


def _fingerprint(sent: Mapping[str, Any]) -> str:
    text = json.dumps(sent, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def answered_once(
    actor: User,
    sent: str,
    call: Callable[[], Response],
    again: Callable[[KeptAnswer], Response],
    *,
    keep_body: bool = False,
    status: int = 201,
) -> Response:
    """`call`'s answer; with the request's `Idempotency-Key`, run once per key and
    account (`sent`: what was sent), and a retry answered with `again`: what the
    first answer (kept) names, read under the caller's rights of now. Its body is
    kept only where `again` reads it (`keep_body`): a request's whole history
    kept for a day per reply would be kept for nothing. `status`: the call's
    answer once it posted, kept with the post."""
    key = idempotency_key(request.headers.get(IDEMPOTENCY_HEADER))
    if key is None:
        return call()
    store = services.store()
    claim = KeptAnswer(requester_key(actor.username, key), actor.username, sent)
    kept = store.claim_answer(claim, utc_now())
    if kept is not None:
        return _replayed(kept, claim, key, again)
    with running(store, claim.key, Posting(claim.key, status)):
        answer = call()
    if answer.status_code >= 400:
        release(store, claim.key)
        return answer
    headers = {name: answer.headers[name] for name in KEPT_HEADERS if name in answer.headers}
    body = answer.get_data(as_text=True) if keep_body else ""
    keep(store, claim.key, answer.status_code, headers, body)
    return answer


def _replayed(
    kept: KeptAnswer, claim: KeptAnswer, key: str, again: Callable[[KeptAnswer], Response]
) -> Response:
    """The first answer of the call sent with `key`, or why there is none to give."""
    if kept.fingerprint != claim.fingerprint:
        raise ConflictError(
            f"the Idempotency-Key {key!r} was already sent with another call; "
            "send a new key for a new reply, note or file",
            details={"field": IDEMPOTENCY_HEADER},
            key="idempotency_reused_call",
        )
    if kept.status is None:
        raise ConflictError(
            f"the call sent with the Idempotency-Key {key!r} is still running; "
            "send it again in a moment for its answer",
            details={"field": IDEMPOTENCY_HEADER},
            key="idempotency_running",
        )
    # Read again: the kept body was for the rights the caller had then.
    answer = again(kept)
    answer.status_code = kept.status
    for name, value in kept.headers.items():
        answer.headers.setdefault(name, value)
    answer.headers[REPLAYED_HEADER] = "true"
    return answer


def kept_ids(kept: KeptAnswer, field: str) -> set[int]:
    """The ids of the records listed under `field` in a kept JSON answer; those
    its post recorded when the whole answer could not be kept."""
    listed = json.loads(kept.body or "{}").get(field)
    if listed is None:
        return {int(i) for i in kept.posted.get(field) or [] if isinstance(i, int)}
    return {int(item["id"]) for item in listed if isinstance(item, dict) and "id" in item}
