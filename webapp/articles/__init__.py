"""Articles, for employees: one page per article, its feedback form, and the
article part of the JSON API.

`routes` (blueprint `articles`, /articles/), `api` (blueprint `articles_api`:
/api/articles/<id>, /api/feedback), `presenters` (an article as pages and the
API show it), `sanitize` (content HTML made safe) and `inputs` (the feedback
form).
"""
