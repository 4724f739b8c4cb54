"""Canned replies: a department's ready answers, with the request's values filled in.

A department file may list replies its agents use often:

```yaml
canned_replies:
  - id: laptop-ordered
    title: {en: Laptop ordered, de: Laptop bestellt}
    text:
      en: "Hello {requester}, the laptop for {for_whom} is ordered and ready by {needed_by}."
      de: "Hallo {requester}, der Laptop für {for_whom} ist bestellt und ab {needed_by} bereit."
```

`{requester}`, `{id}`, `{title}` (the request's title), `{department}`,
`{agent}` and the names of the request's form fields are filled in
(`kb.catalogue.templates.fill`, values as people read them). A reply is
offered only on a request that has each name it uses (a field of its form,
or one every request has)
(`kb.requests.canned`), and a reply that still holds one of the department's
replies' `{name}`s is refused, so a half-filled reply cannot go out by
mistake. The agent reads and may edit the text before it goes out. The
department files' entries are read by `kb.catalogue.parsing.parse_reply`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kb.catalogue.fields import text_in
from kb.catalogue.templates import fill, placeholders


@dataclass(frozen=True)
class CannedReply:
    """One ready answer of a department."""

    id: str
    department: str
    title: Mapping[str, str]
    text: Mapping[str, str]

    def title_in(self, lang: str) -> str:
        return text_in(self.title, lang)

    def text_for(self, lang: str, values: Mapping[str, str]) -> str:
        """The reply in `lang` with `values` filled in."""
        return fill(text_in(self.text, lang), values)

    def names(self) -> frozenset[str]:
        """The `{name}`s the reply uses, in any of its languages."""
        return frozenset(n for text in self.text.values() for n in placeholders(text))
