"""``clean`` against the rule it implements, on any text (hypothesis): its fast path (text that
is printable as it stands is returned untouched) must never let a control character through
nor change text the slow path would have kept."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wzdesk.core.errors import InvalidInput
from wzdesk.core.rules import Category, missing_recommended_fields
from wzdesk.core.text import (
    cell_width,
    check_text,
    clean,
    escape_controls,
    has_visible,
    pad_cells,
)

#: Every C0 and C1 control and DEL, and the bidirectional embeddings, overrides and isolates:
#: what single-line text must never hold.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

#: Text with the characters that matter here common: controls, escapes, spaces of every kind.
#: (A list of characters joined: as ``st.text(alphabet=st.one_of(...))`` hypothesis merged the
#: list into every character there is, and drew none of them in a hundred examples.)
texts = st.lists(
    st.one_of(
        st.characters(),
        st.sampled_from(
            [
                "\x1b",
                "[",
                "m",
                "\t",
                "\n",
                "\r",
                "\x7f",
                "\x85",
                "\xa0",
                "\u2028",
                "\u202e",
                "\u2067",
            ]
        ),
    )
).map("".join)


@given(texts)
def test_clean_leaves_no_control_and_keeps_what_is_printable(text: str) -> None:
    cleaned = clean(text)
    assert not _CONTROL.search(cleaned)
    if text.isprintable():
        assert cleaned == text
    if not _CONTROL.search(text):
        assert cleaned == text  # nothing to clean: nothing changed (unprintable spaces too)


@given(texts)
def test_clean_drops_exactly_the_controls(text: str) -> None:
    """What is left is the text minus sequences and controls, in order: nothing else lost."""
    cleaned = clean(text)
    kept = [ch for ch in cleaned if ch != " "]
    original = [ch for ch in text if ch != " " and not _CONTROL.match(ch)]
    # Every character kept was in the text, in the same order.
    position = 0
    for ch in kept:
        position = original.index(ch, position) + 1


def test_a_bidirectional_override_is_shown_not_obeyed() -> None:
    """A subject "invoice \\u202egnp.exe" read "invoice exe.png" on a terminal that honours
    the override: printed, it is escaped; cleaned (the queue, stored single-line text), gone.
    Right-to-left letters need no control and are kept."""
    tricked = "invoice \u202egnp.exe"
    assert escape_controls(tricked) == "invoice \\u202egnp.exe"
    assert clean(tricked) == "invoice gnp.exe"
    assert clean("\u2067שלום\u2069 world", multiline=True) == "שלום world"
    assert escape_controls("שלום مرحبا") == clean("שלום مرحبا") == "שלום مرحبا"


def test_a_number_is_ascii_digits_only() -> None:
    from wzdesk.core.text import is_number

    assert is_number("0") and is_number("0012") and is_number("9" * 40)
    for text in ("", " 1", "1 ", "-1", "+1", "1.0", "¹", "1²", "٣", "１２", "0x1"):
        assert not is_number(text), text


@pytest.mark.parametrize(
    ("text", "cells"),
    [
        ("Payroll export", 14),
        ("Zoë Müller", 10),  # precomposed accents: one cell each
        ("Zoe\u0308", 3),  # e + combining diaeresis: the mark takes no cell
        ("給与計算", 8),  # Japanese: two cells a character
        ("ＡＢＣ", 6),  # fullwidth Latin
        ("한국어 지원", 11),
        ("", 0),
    ],
)
def test_cell_width_counts_what_a_terminal_shows(text: str, cells: int) -> None:
    """Checked against rich, which draws the console: the two must agree on these."""
    from rich.cells import cell_len

    assert cell_width(text) == cells == cell_len(text)


@given(st.text(max_size=30), st.integers(min_value=0, max_value=80))
def test_pad_cells_reaches_the_width_and_keeps_the_text(text: str, width: int) -> None:
    padded = pad_cells(text, width)
    assert padded.startswith(text) and padded[len(text) :].strip(" ") == ""
    assert cell_width(padded) == max(width, cell_width(text))


@pytest.mark.parametrize("text", ["\u200b", "\u200c\u200d", "\ufeff", " \u2060 \u00ad", "\u180e"])
def test_text_that_shows_nothing_is_empty(text: str) -> None:
    """A value of zero-width spaces, joiners, a BOM or other format characters counted as
    filled in (a summary of one zero-width space was accepted) where spaces alone did not."""
    assert not has_visible(text) and check_text(text, "summary", 10) == ""
    with pytest.raises(InvalidInput, match="must not be empty"):
        check_text(text, "summary", 10, required=True)
    assert missing_recommended_fields(Category.UNEXPECTED, text, text, text) == [
        "description",
        "steps_to_reproduce",
        "affected_users",
    ]


@pytest.mark.parametrize("text", ["a\u200b", "👩\u200d💻", "日本", "é", "\u0301x"])
def test_text_with_something_visible_is_kept(text: str) -> None:
    assert has_visible(text) and check_text(text, "summary", 10) == text
