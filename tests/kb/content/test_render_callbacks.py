"""The render budget never raises its timeout inside code the interpreter runs
on its own on top of the renderer (a CI run: the timer fired in a WeakSet's
clean-up that a garbage collection ran during a render, and the exception was
lost there, "Exception ignored"). Each test captures such code as the
interpreter calls it, on top of this file's code, which stands for the
renderer's, and asks whether the budget may interrupt it there."""

from __future__ import annotations

import _pyio
import gc
import logging
import os
import sys
import textwrap
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import pytest

from kb.content import markdown_text
from kb.content.markdown_text import RenderTimeout
from tests.support import within


class Item:
    """An object that weak references can name."""

    me: object


@pytest.fixture(autouse=True)
def this_file_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markdown_text, "_MARKDOWN", str(Path(__file__).parent) + os.sep)


def judged_when_called(name: str, run: Callable[[], None]) -> list[bool]:
    """What `_renders` says of each frame of a function called `name`, at the
    moment the interpreter enters it while `run` runs."""
    judged: list[bool] = []

    def profile(frame: FrameType, event: str, _arg: object) -> None:
        if event == "call" and frame.f_code.co_name == name:
            judged.append(markdown_text._renders(frame))

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        run()
    finally:
        sys.setprofile(previous)
    return judged


def test_standard_library_code_the_renderer_calls_is_interrupted() -> None:
    """The control for the tests below: a call of the renderer's own."""
    assert judged_when_called("dedent", _call_dedent) == [True]


def _call_dedent() -> None:
    textwrap.dedent("  x")


def _drop_weakset_entry() -> None:
    item = Item()
    kept = weakref.WeakSet([item])
    del item  # the last reference: WeakSet's clean-up runs here
    assert not kept


def _collect_weakset_entry() -> None:
    item = Item()
    item.me = item  # only the collector frees it
    kept = weakref.WeakSet([item])
    del item
    gc.collect()
    assert not kept


def _drop_weak_value() -> None:
    item = Item()
    kept = weakref.WeakValueDictionary({"key": item})
    del item
    assert not kept


def _finalize() -> None:
    item = Item()
    weakref.finalize(item, list)
    del item


def _drop_file() -> None:
    opened = _pyio.BytesIO(b"text")  # a standard-library class with `__del__`
    del opened


def _collect_handler() -> None:
    """A logging handler's weak-reference callback lives in `logging`, not in
    `weakref`: the collection alone tells it apart."""
    handler = logging.Handler()
    handler.me = handler  # type: ignore[attr-defined]
    del handler
    gc.collect()


@pytest.mark.parametrize(
    ("name", "run"),
    [
        ("_remove", _drop_weakset_entry),
        ("_remove", _collect_weakset_entry),
        ("remove", _drop_weak_value),
        ("__call__", _finalize),
        ("__del__", _drop_file),
        ("_removeHandlerRef", _collect_handler),
    ],
    ids=["weakset", "weakset-collected", "weak-value", "finalize", "del", "collected-elsewhere"],
)
def test_callbacks_the_interpreter_runs_are_never_interrupted(
    name: str, run: Callable[[], None]
) -> None:
    judged = judged_when_called(name, run)  # a collection may free others' too
    assert judged and not any(judged)
    assert threading.get_ident() not in markdown_text._collecting  # over with the collection


def test_off_the_main_thread_the_next_call_of_the_renderer_is_stopped() -> None:
    """The trace function stopped at the first call past the budget, a WeakSet's
    clean-up there, and went: the exception was lost and the render ran on
    unbudgeted. It lets the clean-up run and stops the renderer's next call."""

    def render() -> list[str]:
        sys.settrace(None)  # a coverage tracer would keep the budget's own out
        steps: list[str] = []
        with pytest.raises(RenderTimeout), markdown_text._deadline(3_600) as budget:
            item = Item()
            kept = weakref.WeakSet([item])  # noqa: F841 (alive until the end)
            assert budget is not None
            budget.seconds = -1.0  # spent: the next call stops the renderer
            del item
            steps.append("cleaned up")
            _renderer_step(steps)
        return steps

    assert within(30, render) == ["cleaned up"]


def _renderer_step(steps: list[str]) -> None:
    steps.append("ran on past the budget")
