"""Finding an article's section by its heading path."""

from __future__ import annotations

from kb.content.sections import has_structure, section_markdown

BODY = """Intro text.

## Lost or stolen card

1. Report it.
2. Pick up a day pass.

```
# not a heading
```

## Opening hours

| Site | Hours |
| --- | --- |
| Hamburg | 7-19 |

### Weekends

Closed.

## Last *one*

End.
"""


def test_a_section_runs_to_the_next_heading_of_its_level() -> None:
    assert section_markdown(BODY, ()) == "Intro text."
    lost = section_markdown(BODY, ("Lost or stolen card",))
    assert lost is not None and lost.startswith("1. Report it.") and "# not a heading" in lost
    hours = section_markdown(BODY, ("Opening hours",))
    assert hours is not None and "| Hamburg | 7-19 |" in hours and "Closed." in hours
    assert section_markdown(BODY, ("Opening hours", "Weekends")) == "Closed."
    assert section_markdown(BODY, ("Last one",)) == "End."
    assert section_markdown(BODY, ("No such heading",)) is None


def test_tables_and_lists_are_structure() -> None:
    assert has_structure("| a | b |") and has_structure("- item") and has_structure("2. step")
    assert not has_structure("Just a paragraph - with a dash.")
