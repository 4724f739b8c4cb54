"""Requests from employees to departments, from submission to resolution.

The parts, each in its own module (import them from there; this package file
deliberately imports nothing, so `kb.notify` can use `serialize` without a
cycle):

* `service` — `RequestService`, the library API the web views and the CLI call;
* `access` — who may see and change which request;
* `sla` — due dates counted in working hours;
* `workflows` — value-stream templates (`_workflows.yml`) and their matching;
* `tasks` — the tasks of a value-stream request: blocking and progress;
* `routing` — what reassignments teach the router;
* `drafts` — turning a resolved request into a draft article, and publishing it;
* `serialize` — JSON-ready dicts of requests, for webhooks, the API and exports.
"""
