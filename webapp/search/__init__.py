"""Search, for employees: the search page and the search part of the JSON API.

`routes` (blueprint `search`, /), `api` (blueprint `search_api`: /api/search,
/api/suggest, /api/click), `inputs` (checked search parameters), `event_log`
(every search, click and vote recorded under a pseudonymous id),
`presenters` (paging, facets, suggestions) and `routing_hints` (what request
reassignments teach the engine's department routing).
"""
