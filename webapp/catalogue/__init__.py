"""The service catalogue in the web app: what people can ask for, and its forms.

* `routes` — the `catalogue` blueprint: /catalogue/ (every department's request
  types) and /catalogue/<type> (a type's form, checked on the server, errors
  shown at their fields);
* `api` — the `catalogue_api` blueprint: `GET /api/catalogue`;
* `presenters` — the catalogue as JSON and as form fields, and the entry a
  search offers;
* the interface texts of these pages are `webapp/locales/<lang>/catalogue.po`.

The catalogue itself is `kb.catalogue`'s, held by the request service
(`webapp.services.request_service().catalogue`); filing goes through
`RequestService.submissions`, as from the ask form and the API.
"""
