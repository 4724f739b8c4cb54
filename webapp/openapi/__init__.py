"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json.

`document.openapi_document(app)` assembles it: each part (`document` for
search and articles, `auth` for /api/me and the security schemes, `requests`
with its records in `request_schemas`, `request_tools`, `request_tasks`, `insights`,
`catalogue`, `authoring`, `attachments`, `pictures`) describes its operations by
endpoint name and its schemas;
`paths` turns the app's routes under /api/ into the document's paths, and
fails, naming the route, when a route and its description disagree. Building
blocks in `schema`.
"""
