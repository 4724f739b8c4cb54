"""Asking a department, for employees: the request form a search without a good
answer leads to (`routes`, blueprint `ask`, /ask/). What it files goes through
`webapp.requests.forms` to the request service."""
