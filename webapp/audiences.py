"""How an article's audience is named on pages: the groups its `audience` lists
(`kb.content.markdown_article`), in the reader's language.

What the product gives a meaning to is named in the page's words: `everyone`,
a role ("agents", "Bearbeitende", `kb.i18n.labels.GROUP_LABELLED`), a
department (its shown name, `webapp.departments`) and a role in a department
(`content_owner:hr`: "Inhaltsverantwortliche der Abteilung Personal"). Any
other group is the organisation's own ("managers"): named as a department
file's `audience_names` name it in the page's language ("Führungskräfte",
`kb.content.audience_names`), else as written.

The editor's audience field holds the groups as stored, but for `everyone`,
which it shows in the page's word ("alle", `audience_field`) and reads back
from that word in any language (`typed_audience`): a German owner saving the
field unchanged must not give the article the audience "alle", a group
nobody is in.
"""

from __future__ import annotations

from collections.abc import Iterable

from kb.accounts.records import Role
from kb.content.audience_names import group_label
from kb.i18n.catalog import format_list
from kb.i18n.labels import GROUP_LABELLED, label_of
from kb.records import EVERYONE
from webapp.departments import all_departments, department_name
from webapp.i18n import current_language, gettext, web_catalog

_ROLES = {role.value for role in Role}


def _role_name(role: str) -> str:
    return label_of(GROUP_LABELLED[Role], role, current_language(), web_catalog())


def _is_department(group: str) -> bool:
    return group in {slug.lower() for slug in all_departments()}


def group_name(group: str) -> str:
    """The name of one audience group in the page's language."""
    if group == EVERYONE:
        return gettext("audience_everyone")
    if group in _ROLES:
        return _role_name(group)
    role, _, department = group.partition(":")
    if department and role in _ROLES and _is_department(department):
        return gettext(
            "audience_role_in_department",
            role=_role_name(role),
            department=department_name(department),
        )
    if _is_department(group):
        return department_name(group)
    return group_label(all_departments().values(), group, current_language()) or group


def audience_names(groups: Iterable[str]) -> str:
    """Audience groups as a list in a sentence of the page's language: "managers
    und Inhaltsverantwortliche der Abteilung Personal"."""
    return format_list(current_language(), [group_name(g) for g in groups])


def _everyone_words() -> set[str]:
    catalog = web_catalog()
    return {catalog.translate(lang, "audience_everyone").casefold() for lang in catalog.languages}


def audience_field(groups: Iterable[str]) -> str:
    """The editor's audience field: the groups as stored, `everyone` in the
    page's word for it ("alle")."""
    return ", ".join(group_name(g) if g == EVERYONE else g for g in groups)


def typed_audience(text: str) -> str:
    """The audience field as typed, the word for everyone in any of the
    languages ("alle", "everyone") read as the group `everyone`."""
    words = _everyone_words()
    groups = (g.strip() for g in text.split(","))
    return ", ".join(EVERYONE if g.casefold() in words else g for g in groups if g)
