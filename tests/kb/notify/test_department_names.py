"""How mails name a department: as the pages in the mail's language do."""

from __future__ import annotations

from kb.notify.config import NotifyConfig
from kb.notify.notifier import Notifier


def test_mails_name_a_department_in_their_language() -> None:
    """A German mail says "Finanzen" where the department file gives that name
    (`display_names`); an English one, and one for a department without a
    German name, the configured name; the triage queue its own name."""
    names = {"finance": "Finance", "legal": "Legal"}
    translated: dict[str, dict[str, str]] = {"finance": {"de": "Finanzen"}}
    notifier = Notifier(NotifyConfig(), department_names=names, translated_names=lambda: translated)
    assert notifier.department_name("finance", "de") == "Finanzen"
    assert notifier.department_name("finance", "en") == "Finance"
    assert notifier.department_name("legal", "de") == "Legal"
    assert notifier.department_name("hr", "de") == "HR"  # no file: the folder's default
    assert notifier.department_name("triage", "en") != "Triage"
    translated["legal"] = {"de": "Recht"}  # the department file was edited
    notifier.refresh()
    assert notifier.department_name("legal", "de") == "Recht"
