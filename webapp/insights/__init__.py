"""The insights area: `/insights` pages and `/api/insights/...` JSON and CSV.

`views` resolves who may see what for which period (shared by pages and
API), `routes` and `api` are the two blueprints; their texts are
`webapp/locales/<lang>/insights.po` and the OpenAPI part is
`webapp.openapi.insights`.
"""
