"""The subject benchmark's `--results`: each text searched once, its articles
in the order the search shows them."""

from __future__ import annotations

from types import SimpleNamespace

from benchmarks.gap_subjects import shown_articles


class _Engine:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def search(self, query: object) -> SimpleNamespace:
        text = query.text  # type: ignore[attr-defined]
        self.asked.append(text)
        ids = ["it/printers.md", "it/vpn.md"] if "printer" in text else []
        return SimpleNamespace(results=[SimpleNamespace(id=i) for i in ids])


def test_each_text_is_searched_once_and_keeps_its_articles_in_order() -> None:
    engine = _Engine()
    shown = shown_articles(engine, ["printer offline", "parking", "printer offline"])
    assert shown == {"printer offline": ["it/printers.md", "it/vpn.md"], "parking": []}
    assert engine.asked == ["printer offline", "parking"]
