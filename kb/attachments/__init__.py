"""Files attached to requests and replies, kept safely.

* `records` — `Attachment` (what is stored about a file) and `Upload` (what
  was sent);
* `kinds` — the types accepted, told from the bytes, never from the name
  (`sniff_kind`), and the safe name a download gets;
* `intake` — checking uploads against the limits (`attachment_max_bytes`,
  `attachment_max_count`) and extracting the text of documents with
  `kb.extract` (sandboxed, cached by content), so agents can search it;
* `blobs` — where the bytes are kept: in the database or in a folder, once
  per SHA-256 and checked against it on every read; `factory` picks one from
  the settings (`attachment_store`).

Attaching, listing, downloading and searching are the request service's
(`kb.requests.attaching`), which checks who may do what.
"""
