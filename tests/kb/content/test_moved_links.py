"""Links that name a renamed article, pointed at its new id: links only, in
every form Markdown writes one, never the same words in text or code."""

from __future__ import annotations

import pytest

from kb.content.moved_links import retarget_links, retarget_related

OLD, NEW = "it/vpn.md", "it/vpn-guide.md"


@pytest.mark.parametrize(
    ("article_id", "body", "changed"),
    [
        ("it/wifi.md", "See [VPN](vpn.md).", "See [VPN](vpn-guide.md)."),
        (
            "it/wifi.md",
            'See [VPN](vpn.md#connect "How to") now.',
            'See [VPN](vpn-guide.md#connect "How to") now.',
        ),
        ("hr/leave.md", "[VPN](../it/vpn.md?x=1)", "[VPN](../it/vpn-guide.md?x=1)"),
        ("hr/leave.md", "[VPN](/it/vpn.md)", "[VPN](/it/vpn-guide.md)"),
        ("it/sub/deep.md", "[VPN](../vpn.md)", "[VPN](../vpn-guide.md)"),
        ("it/wifi.md", "[VPN](<vpn.md>)", "[VPN](<vpn-guide.md>)"),
        (
            "it/wifi.md",
            "Use [the guide][g].\n\n[g]: vpn.md\n",
            "Use [the guide][g].\n\n[g]: vpn-guide.md\n",
        ),
        ("it/wifi.md", '<a href="vpn.md">VPN</a>', '<a href="vpn-guide.md">VPN</a>'),
        ("it/vpn-guide.md", "[below](vpn.md#part)", "[below](vpn-guide.md#part)"),
    ],
)
def test_a_link_to_the_old_id_names_the_new_one_in_the_form_it_was_written(
    article_id: str, body: str, changed: str
) -> None:
    assert retarget_links(body, article_id, OLD, NEW) == (changed, 1)


@pytest.mark.parametrize(
    "body",
    [
        "The old page it/vpn.md and vpn.md are gone; see the new one.",
        "Write a link as `[VPN](vpn.md)` in your article.",
        "Write a link as ``[VPN](vpn.md)`` too.",
        "An example:\n\n```markdown\n[VPN](vpn.md)\n```\n",
        "An example:\n\n~~~\n[g]: vpn.md\n~~~\n",
        "A picture: ![VPN](vpn.md)",
        "Another article: [Wi-Fi](wifi.md), [VPN elsewhere](../hr/vpn.md), [web](https://x.org/it/vpn.md)",
    ],
    ids=["text", "code", "double-code", "fenced", "fenced-tildes", "picture", "others"],
)
def test_the_id_outside_a_link_to_it_is_left_as_written(body: str) -> None:
    assert retarget_links(body, "it/wifi.md", OLD, NEW) == (body, 0)


def test_links_after_code_are_changed_and_the_code_is_not() -> None:
    body = "`[a](vpn.md)` then [b](vpn.md)\n\n```\n[c](vpn.md)\n```\n[d](vpn.md) and a lone ` tick"
    changed, count = retarget_links(body, "it/wifi.md", OLD, NEW)
    assert count == 2
    assert changed == body.replace("[b](vpn.md)", "[b](vpn-guide.md)").replace(
        "[d](vpn.md)", "[d](vpn-guide.md)"
    )


def test_an_unclosed_fence_is_text_and_its_links_are_changed() -> None:
    """The page shows a fence never closed as text, and the links after it as
    links: a rename left them naming the old id, read as code to the end."""
    body = "[a](vpn.md)\n```\n[b](vpn.md)\n"
    assert retarget_links(body, "it/wifi.md", OLD, NEW) == (body.replace("vpn.md", NEW[3:]), 2)


@pytest.mark.parametrize(
    ("body", "changed"),
    [
        ("See [the [new] guide](vpn.md).", "See [the [new] guide](vpn-guide.md)."),
        ("> Use [it][g].\n>\n> [g]: vpn.md\n", "> Use [it][g].\n>\n> [g]: vpn-guide.md\n"),
        ("- Use [it][g].\n\n    [g]: vpn.md\n", "- Use [it][g].\n\n    [g]: vpn-guide.md\n"),
        ("[g]: vpn.md\n", "[g]: vpn-guide.md\n"),
    ],
    ids=["brackets-in-text", "definition-in-quote", "definition-in-list", "unused-definition"],
)
def test_a_link_the_page_makes_is_changed_wherever_it_is_written(body: str, changed: str) -> None:
    """What the page makes a link is changed however it is written; a reference
    definition no link uses yet is changed too, for the link that will."""
    assert retarget_links(body, "it/wifi.md", OLD, NEW) == (changed, 1)


def test_the_same_words_in_a_sentence_or_in_html_text_stay() -> None:
    for body in ("Note [g]: vpn.md is old.", "<div>\n[VPN](vpn.md)\n</div>\n"):
        assert retarget_links(body, "it/wifi.md", OLD, NEW) == (body, 0)


def test_a_move_to_another_folder_writes_the_link_from_the_article() -> None:
    body = "[a](vpn.md) [b](/it/vpn.md)"
    assert retarget_links(body, "it/wifi.md", OLD, "hr/vpn.md") == (
        "[a](../hr/vpn.md) [b](/hr/vpn.md)",
        2,
    )


def test_related_entries_name_the_new_id_once() -> None:
    assert retarget_related(("it/vpn.md", "hr/leave.md"), OLD, NEW) == (NEW, "hr/leave.md")
    assert retarget_related((NEW, "it/vpn.md"), OLD, NEW) == (NEW,)
    assert retarget_related(("it/vpn.md.bak",), OLD, NEW) == ("it/vpn.md.bak",)


def test_many_backticks_and_brackets_are_read_in_one_pass() -> None:
    """Backtick runs of every length, and brackets without end, hold no link:
    found by what is changed (speed is for `benchmarks/`)."""
    body = " ".join("`" * n for n in range(1, 400)) + "[" * 20_000 + "](vpn.md"
    assert retarget_links(body, "it/wifi.md", OLD, NEW) == (body, 0)
    titles = '[a](vpn.md "' * 10_000 + "[a](vpn.md '" * 10_000
    assert retarget_links(titles, "it/wifi.md", OLD, NEW) == (titles, 0)
