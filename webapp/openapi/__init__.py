"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json.

`document.openapi_document()` assembles it: the search and article parts in
`document`, the requests part in `requests`, building blocks in `schema`. A
test checks that every route under /api/ is described and that nothing
described is missing from the app.
"""
