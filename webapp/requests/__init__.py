"""Requests in the web app: the pages of employees, agents and content owners.

* `pages` — the `requests` blueprint (/requests/): My requests, a request's
  page with its conversation and actions, department queues, drafts;
* `forms` — reading the ask form, JSON bodies and changes into records;
* `views` — what a page shows and which actions a reader gets;
* `service` — the `RequestService` of the app and the outbox worker thread.

The ask form is the `ask` blueprint (`webapp.ask`), the JSON API is
`webapp.api_requests`; both use `forms` and `service` from here.
"""
