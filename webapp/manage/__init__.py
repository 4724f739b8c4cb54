"""Content owners: their department's articles, the editor, versions and reviews.

`routes` (blueprint `manage`, /manage/): the department's article list with
review dates, usage and assigned knowledge gaps; the editor with live
preview and link picker; history, diff and restore; approvals. `api`
(blueprint `manage_api`): `POST /api/preview` and the other calls'
routes; `PUT /api/articles/<id>` in `stored_articles`, its versions in
`article_history`, its discard and rename in `discarding` and `renaming`
beside their pages. `documents`
(blueprint `manage_documents`): uploading and replacing documents, in the
page and a document id's `PUT /api/articles/<id>`
(`kb.authoring.documents`); `versions`: the API's If-Match rules. `forms` reads
both into `kb.authoring.records.ArticleFields`; `presenters` holds what the
pages show; the texts are `webapp/locales/<lang>/manage.po`. Everything is
checked and written by `kb.authoring.service.AuthoringService`.
"""
