"""Requests from employees to departments, from submission to resolution.

Records and rules:

* `records` — `Request`, `RequestTask`, `RequestEntry` (the history);
* `lifecycle` — statuses, priorities and the moves between them;
* `permissions` — who may see and do what (checks and page buttons alike);
* `departments` — department lookup, due dates, the queue of a new request;
* `sla` — working hours; `workflows` — value-stream templates;
  `tasks` — blocking and progress; `routing` — what reassignments teach;
* `serialize` — JSON-ready dicts for webhooks, the API and exports.

The service, `service.RequestService`, is a facade over one part per concern:
`submission`, `reading`, `working`, `task_work`, `articles` (with the file
work in `drafting`) and `resolution`, sharing a `ledger` that loads requests
and saves each change with its history entry and notifications in one
transaction. `commands` is `kb requests …`.
"""
