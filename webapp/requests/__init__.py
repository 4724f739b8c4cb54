"""Requests in the web app: the pages of employees, agents and content owners.

* `routes` — the `requests` blueprint (/requests/): My requests, a request's
  page with its conversation and actions; `acting` answers its forms,
  `articles` holds its article forms and the drafts page;
* `queue` — the `queue` blueprint: department queues and their bulk change;
* `api` — the `requests_api` blueprint: requests in the JSON API;
* `forms` — reading the ask form, JSON bodies and changes into records;
* `presenters` — what a page shows and which actions a reader gets;
* `messages` — the interface texts of these pages, the ask form and sign-in.

The ask form is the `ask` blueprint (`webapp.ask`); the app's request service
is `webapp.services.request_service()`, its outbox thread `webapp.outbox`.
"""
