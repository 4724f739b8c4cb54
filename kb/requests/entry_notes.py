"""The texts the product writes into a request's history itself, where no
person wrote one: the requester's reply moving the request on, work on a new
request or a value stream's tasks starting, all its tasks done (which is
also the request's answer) or cancelled with the request.

The store and the JSON API keep them in English as written here; the request
page and the e-mails word them in the reader's language (`kb.i18n.notes`, the
texts in `kb/i18n/locales/<lang>/notes.po`).
"""

from __future__ import annotations

from kb.i18n.notes import NoteTable

NOTES = NoteTable(
    {
        "entry_note_requester_replied": "The requester replied.",
        "entry_note_tasks_started": "Work on the tasks has started.",
        "entry_note_work_started": "Work on the request has started.",
        "entry_note_tasks_done": "All {total} tasks are done.",
        "entry_note_task_cancelled": "Cancelled: request closed.",
    }
)
