"""Content health rules on small article fixtures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kb.content.markdown_text import render_html
from kb.insights.content import (
    UNSEEN_DAYS,
    ArticleFigures,
    Finding,
    broken_links,
    content_health,
    current_figures,
    dropped_links,
    link_targets,
    near_duplicates,
    published_days,
)
from kb.insights.listed_findings import MAX_LISTED_FINDINGS, KindFindings, grouped_findings
from kb.records import Article, Section, Status

TODAY = date(2026, 3, 10)
LONG_AGO = date(2025, 1, 1)
LONG = " ".join(f"word{i}" for i in range(80))


def article(aid: str, body: str = "", **extra: object) -> Article:
    body = body or f"All about {aid}: its own words, {aid} and nothing else."
    return Article(
        id=aid,
        department=aid.split("/")[0],
        title=aid,
        body_markdown=body,
        sections=(Section(headings=(), text=body),),
        **extra,
    )  # type: ignore[arg-type]


def test_links_to_missing_articles_are_found_and_others_are_not() -> None:
    a = article(
        "hr/a.md",
        "See [b](b.md), [c](../it/c.md#setup), [web](https://x.org/y.md) and [gone](missing.md).",
        related=("it/nowhere.md",),
    )
    known = {"hr/a.md", "hr/b.md", "it/c.md"}
    assert broken_links(a, known) == ["hr/missing.md", "it/nowhere.md"]


def test_link_forms_are_read_as_markdown_writes_them() -> None:
    body = (
        '[a](<a b.md>) [t](t.md "Title") [f](f.md#part "T") [s]( s.md ) '
        "[x](x.md#one#two) [n](not-md.txt)"
    )
    assert link_targets(article("hr/a.md", body)) == [
        "hr/a b.md",
        "hr/f.md",
        "hr/s.md",
        "hr/t.md",
        "hr/x.md",
    ]


def test_a_link_that_names_no_article_is_broken() -> None:
    """A content owner wrote `[leave](hr/annual-leave)`: the preview showed a link,
    the published page its bare text, and content health said nothing, since only
    `.md` links were read. Pictures, other sites, addresses and fragments are not
    links to articles, and are left alone."""
    a = article(
        "hr/a.md",
        "See [leave](hr/annual-leave), [form](forms/claim.pdf), [b](b.md), "
        "![chart](chart.png), [web](https://x.org/y), [mail](mailto:hr@x.org), "
        "[up](#top) and [b again](<b.md#part>).",
    )
    assert dropped_links(a) == ["forms/claim.pdf", "hr/annual-leave"]
    assert broken_links(a, {"hr/a.md", "hr/b.md"}) == ["forms/claim.pdf", "hr/annual-leave"]
    articles = {"hr/a.md": a, "hr/b.md": article("hr/b.md")}
    found = content_health(articles, {}, set(), TODAY, review_due_days=14, published_on={})
    assert [(f.kind, f.detail["target"]) for f in found] == [
        ("broken_link", "forms/claim.pdf"),
        ("broken_link", "hr/annual-leave"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        "](x" * 15_000,
        "](" + "a.md#" * 8_000,
        "](a.md#" * 8_000,
        "[" * 40_000,
        "[a](" * 10_000,
        "](<a b.md" * 10_000,
    ],
    ids=[
        "unclosed-links",
        "fragments",
        "fragments-in-links",
        "brackets",
        "unclosed-targets",
        "unclosed-angle-brackets",
    ],
)
def test_a_hostile_body_takes_linear_time(body: str) -> None:
    """Every insights content page reads every article's links: 45 KB of `](x`
    took 1 s (a megabyte, minutes), 40 KB of `a.md#` 6 s; now milliseconds.
    Checked by what each finds (speed is for `benchmarks/`, not a clock here):
    none of these bodies holds a link."""
    assert link_targets(article("it/x.md", body)) == []
    assert dropped_links(article("it/x.md", body)) == []


@pytest.mark.parametrize(
    ("body", "linked", "dropped"),
    [
        ("[a](" * 3, False, []),
        ("See [draft](to be added", False, []),
        ("[leave](<hr/annual leave>)", True, ["hr/annual leave"]),
        ("[a](<a b.md>)", True, []),
        ("[l](hr/leave \"Title\") and [o](hr/other 'T')", True, ["hr/leave", "hr/other"]),
    ],
    ids=["unfinished", "unfinished-words", "bracketed", "bracketed-article", "titles"],
)
def test_a_dropped_link_is_one_the_page_drops(body: str, linked: bool, dropped: list[str]) -> None:
    """`[a](` left unfinished is text on the page, no link: content health (and the
    editor's warning) named a broken link `[a` that no reader could find. A
    target in `<>` is read to its `>`, spaces and all."""
    assert ("<a " in render_html(body)) is linked
    assert dropped_links(article("hr/a.md", body)) == dropped


def _links(reader: tuple[frozenset[str] | None, frozenset[str]] | None) -> dict[str, set[str]]:
    """What content health says of hr/leave.md's links, kind -> targets."""
    arts = {
        "hr/leave.md": article(
            "hr/leave.md", related=("hr/approving.md", "it/admins.md", "hr/gone.md")
        ),
        "hr/approving.md": article("hr/approving.md", audience=("managers",)),
        "it/admins.md": article("it/admins.md", audience=("it",)),
    }
    found = content_health(
        arts,
        {},
        set(arts),
        TODAY,
        "hr",
        review_due_days=14,
        published_on={},
        reader=reader,
    )
    kinds: dict[str, set[str]] = {}
    for f in found:
        if "target" in f.detail:
            kinds.setdefault(f.kind, set()).add(f.detail["target"])
    return kinds


def test_a_link_some_readers_may_not_open_is_not_a_broken_link() -> None:
    """An HR article open to everyone names HR's managers-only article: that
    article exists, so the link is not broken, only closed to some readers."""
    everything = {
        "broken_link": {"hr/gone.md"},
        "restricted_link": {"hr/approving.md", "it/admins.md"},
    }
    assert _links(None) == everything  # the command line: every article
    # A reader in neither group: the link into its own department's restricted
    # article is told apart (HR's owners, who wrote it, read it), the one into
    # IT's still reads as missing, so no link tells which restricted articles exist.
    assert _links((frozenset({"employees"}), frozenset())) == {
        "broken_link": {"hr/gone.md", "it/admins.md"},
        "restricted_link": {"hr/approving.md"},
    }
    assert _links((frozenset({"managers", "it"}), frozenset())) == everything


def test_a_link_into_another_departments_draft_is_broken_as_a_missing_one_is() -> None:
    """IT's content owner linked an IT article to guessed HR names: HR's draft
    (open to everyone once published) was taken as there, a missing name as
    broken, so the findings told which drafts HR keeps; its readers get "not
    found" either way. A draft of the linking article's own department, which
    its owners keep, is still no broken link."""
    arts = {
        "it/guide.md": article(
            "it/guide.md",
            related=("hr/reorganisation-2027.md", "hr/no-such-article.md", "it/next.md"),
        ),
        "hr/reorganisation-2027.md": article("hr/reorganisation-2027.md", status=Status.DRAFT),
        "it/next.md": article("it/next.md", status=Status.DRAFT),
    }
    it_owner = (
        frozenset({"employee", "content_owner", "it", "content_owner:it"}),
        frozenset({"it"}),
    )
    for reader in (it_owner, (None, frozenset())):
        found = content_health(
            arts, {}, set(arts), TODAY, "it", review_due_days=14, published_on={}, reader=reader
        )
        broken = {f.detail["target"] for f in found if f.kind == "broken_link"}
        assert broken == {"hr/reorganisation-2027.md", "hr/no-such-article.md"}


def test_a_restricted_link_names_who_may_open_it_and_who_may_not() -> None:
    leave = article("hr/leave.md", related=("hr/approving.md",), audience=("staff", "managers"))
    arts = {
        "hr/leave.md": leave,
        "hr/approving.md": article("hr/approving.md", audience=("managers",)),
    }
    (finding,) = [
        f
        for f in content_health(arts, {}, set(arts), TODAY, review_due_days=14, published_on={})
        if f.kind == "restricted_link"
    ]
    assert finding.as_dict() == {
        "article": "hr/leave.md",
        "title": leave.title,
        "department": "hr",
        "kind": "restricted_link",
        "target": "hr/approving.md",
        "audience": ["managers"],
        "missing_audience": ["staff"],
    }
    assert (
        finding.detail_text() == "target=hr/approving.md; audience=managers; missing_audience=staff"
    )
    open_to_managers = article("hr/team.md", related=("hr/approving.md",), audience=("managers",))
    arts["hr/team.md"] = open_to_managers
    found = content_health(arts, {}, set(arts), TODAY, review_due_days=14, published_on={})
    assert not [f for f in found if f.article == "hr/team.md" and "link" in f.kind]


def test_near_duplicates_within_and_across_departments() -> None:
    arts = [
        article("hr/a.md", LONG),
        article("it/b.md", LONG + " extra words at the end"),
        article("hr/c.md", "something entirely different " * 10),
    ]
    pairs = near_duplicates(arts)
    assert [(a, b) for a, b, _ in pairs] == [("hr/a.md", "it/b.md")]
    assert pairs[0][2] > 0.9


def test_every_rule_fires_where_it_should() -> None:
    arts = {
        "hr/old.md": article("hr/old.md", review_by=date(2026, 3, 1)),
        "hr/soon.md": article("hr/soon.md", review_by=date(2026, 3, 20)),
        "hr/fine.md": article("hr/fine.md", review_by=date(2026, 6, 1)),
        "it/unhelpful.md": article("it/unhelpful.md"),
        "it/asked.md": article("it/asked.md"),
    }
    figures = {
        "it/unhelpful.md": ArticleFigures(shown=40, helpful=1, not_helpful=5),
        "it/asked.md": ArticleFigures(shown=40, top_answers=10, answers_then_request=3),
        "hr/fine.md": ArticleFigures(shown=3, helpful=4, not_helpful=1),
    }
    shown = {"hr/fine.md", "it/unhelpful.md", "it/asked.md", "hr/soon.md"}
    published = dict.fromkeys(arts, LONG_AGO)
    found = {
        (f.article, f.kind)
        for f in content_health(
            arts, figures, shown, TODAY, review_due_days=14, published_on=published
        )
    }
    assert found == {
        ("hr/old.md", "review_overdue"),
        ("hr/old.md", "not_shown"),
        ("hr/soon.md", "review_due"),
        ("it/unhelpful.md", "low_helpful"),
        ("it/asked.md", "answer_then_request"),
    }
    it_only = content_health(
        arts, figures, shown, TODAY, department="it", review_due_days=14, published_on=published
    )
    assert {f.department for f in it_only} == {"it"}


def not_shown(published_on: dict[str, date]) -> set[str]:
    arts = {aid: article(aid) for aid in ("hr/a.md", "hr/b.md", "hr/c.md", "hr/d.md")}
    found = content_health(arts, {}, set(), TODAY, review_due_days=14, published_on=published_on)
    return {f.article for f in found if f.kind == "not_shown"}


def test_an_article_is_not_shown_only_after_it_was_published_long_enough() -> None:
    """A day-old article was listed as "Not shown in 90 days": only one that has
    been published as it is for the whole window can have gone unseen for it."""
    assert not_shown(
        {
            "hr/a.md": TODAY - timedelta(days=1),  # new yesterday
            "hr/b.md": TODAY - timedelta(days=UNSEEN_DAYS - 1),  # one day short
            "hr/c.md": TODAY - timedelta(days=UNSEEN_DAYS),  # the whole window
            # hr/d.md: no date known, so it is not judged
        }
    ) == {"hr/c.md"}


def test_the_day_an_article_took_its_form_is_its_file_s_utc_day() -> None:
    late = datetime(2026, 3, 9, 23, 30, tzinfo=UTC).astimezone()
    assert published_days({"hr/a.md": late}) == {"hr/a.md": date(2026, 3, 9)}


class FiguresByDay:
    """An insights store's per-article figures, one vote a day on `hr/a.md`
    (unhelpful until 5 March, helpful from then on) and on `hr/b.md` (unhelpful)."""

    def __init__(self) -> None:
        self.asked: list[tuple[date, date]] = []

    def article_figures(self, since: date, until: date) -> dict[str, ArticleFigures]:
        self.asked.append((since, until))
        days = [since + timedelta(days=n) for n in range((until - since).days)]
        bad = sum(1 for d in days if d < date(2026, 3, 5))
        return {
            "hr/a.md": ArticleFigures(shown=len(days), helpful=len(days) - bad, not_helpful=bad),
            "hr/b.md": ArticleFigures(shown=len(days), not_helpful=len(days)),
        }


def test_votes_on_an_older_text_do_not_judge_the_present_one() -> None:
    """A rewritten article kept the votes its old text earned in the period and
    was "Rarely found helpful" with none on the new text: only what happened
    since the file changed counts, so the rule waits for enough new votes."""
    store = FiguresByDay()
    since, until = date(2026, 2, 1), TODAY
    figures = current_figures(
        store,  # type: ignore[arg-type]
        since,
        until,
        {"hr/a.md": date(2026, 3, 5), "hr/b.md": date(2026, 1, 1)},
    )
    assert figures["hr/a.md"] == ArticleFigures(shown=5, helpful=5, not_helpful=0)
    assert figures["hr/b.md"].not_helpful == (until - since).days  # unchanged in the period
    assert store.asked == [(since, until), (date(2026, 3, 5), until)]
    arts = {aid: article(aid) for aid in ("hr/a.md", "hr/b.md")}
    found = content_health(
        arts, figures, set(arts), TODAY, review_due_days=14, published_on=dict.fromkeys(arts, since)
    )
    assert {(f.article, f.kind) for f in found} == {("hr/b.md", "low_helpful")}
    after = current_figures(store, since, date(2026, 3, 1), {"hr/a.md": date(2026, 3, 5)})  # type: ignore[arg-type]
    assert after["hr/a.md"] == ArticleFigures()  # changed after the period: no figure is its own


def test_a_rewritten_article_is_no_longer_a_near_duplicate() -> None:
    """The pairs are kept per set of texts: a text that changes is compared again."""
    first, second = article("hr/a.md", LONG), article("it/b.md", LONG + " and a tail")
    assert [(a, b) for a, b, _ in near_duplicates([first, second])] == [("hr/a.md", "it/b.md")]
    assert [(a, b) for a, b, _ in near_duplicates([first, second])] == [("hr/a.md", "it/b.md")]
    rewritten = article("it/b.md", "a text of its own about something else " * 10)
    assert near_duplicates([first, rewritten]) == []
    assert [(a, b) for a, b, _ in near_duplicates([first, second])] == [("hr/a.md", "it/b.md")]


class SteadyFigures:
    """An insights store whose articles are shown the same each day: `hr/a.md`
    once, `hr/b.md` twice, `hr/c.md` three times (each time the helpful answer)."""

    def __init__(self) -> None:
        self.asked: list[tuple[date, date]] = []

    def article_figures(self, since: date, until: date) -> dict[str, ArticleFigures]:
        self.asked.append((since, until))
        days = (until - since).days
        return {
            aid: ArticleFigures(shown=n * days, top_answers=n * days, helpful=n * days)
            for n, aid in enumerate(("hr/a.md", "hr/b.md", "hr/c.md"), start=1)
            if days > 0
        }


def test_articles_changed_on_different_days_each_count_from_their_own_day() -> None:
    since, until = date(2026, 3, 1), date(2026, 3, 11)
    store = SteadyFigures()
    published = {
        "hr/a.md": date(2026, 3, 4),
        "hr/b.md": date(2026, 3, 8),
        "hr/c.md": date(2026, 3, 20),  # changed after the period
    }
    figures = current_figures(store, since, until, published)  # type: ignore[arg-type]
    assert figures["hr/a.md"] == ArticleFigures(shown=7, top_answers=7, helpful=7)  # 4 to 10 March
    assert figures["hr/b.md"] == ArticleFigures(shown=6, top_answers=6, helpful=6)  # 8 to 10 March
    assert figures["hr/c.md"] == ArticleFigures()
    # The period once, then the days from the first change on once more, not once per change.
    assert sum((end - start).days for start, end in store.asked) == 10 + 7


def test_an_article_lists_its_first_findings_of_a_kind_and_counts_the_rest() -> None:
    """One article with thousands of broken links buried every other finding."""
    many = [Finding("hr/a.md", "hr", "broken_link", {"target": f"hr/x{i}.md"}) for i in range(50)]
    other = Finding("hr/a.md", "hr", "review_overdue", {"review_by": "2020-01-01"})
    b = Finding("hr/b.md", "hr", "broken_link", {"target": "hr/y.md"})
    groups = grouped_findings([*many, other, b], limit=20)
    assert [(g.first.article, g.first.kind, g.total, g.more) for g in groups] == [
        ("hr/a.md", "broken_link", 50, 30),
        ("hr/a.md", "review_overdue", 1, 0),
        ("hr/b.md", "broken_link", 1, 0),
    ]
    assert groups[0].listed == tuple(many[:20])
    assert groups[0].as_dict() == {
        "article": "hr/a.md",
        "kind": "broken_link",
        "total": 50,
        "listed": 20,
    }
    assert len(grouped_findings(many)[0].listed) == MAX_LISTED_FINDINGS
    with pytest.raises(ValueError, match="cannot list"):
        KindFindings((), 3)
