"""A queue line drawn in few segments shows, cell for cell, what one segment a cell showed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from wzdesk.tui.widgets.queue_table import fit_cells, row_strip

STYLES = [Style(), Style(color="red"), Style(bold=True), Style(bgcolor="blue")]
TEXTS = st.text(
    alphabet=st.sampled_from("ab Z-…✓●日本語"),
    max_size=12,
)


def reference(cells: list[tuple[str, Style]], widths: list[int], width: int, fill: Style) -> Strip:
    """The plain way: a segment a cell and a separator, extended then cut."""
    segments = [Segment(" ", fill)]
    for (text, style), cell_width in zip(cells, widths, strict=True):
        segments.append(Segment(fit_cells(text, cell_width), style))
        segments.append(Segment(" ", fill))
    return Strip(segments).extend_cell_length(width, fill).crop(0, width)


def cells_of(strip: Strip) -> list[tuple[str, Style | None]]:
    out: list[tuple[str, Style | None]] = []
    for text, style, _ in strip:
        for character in text:
            out.append((character, style))
    return out


@given(
    row=st.lists(
        st.tuples(TEXTS, st.sampled_from(STYLES), st.integers(min_value=0, max_value=14)),
        min_size=1,
        max_size=9,
    ),
    width=st.integers(min_value=1, max_value=120),
    fill=st.sampled_from(STYLES),
)
def test_a_row_shows_what_a_segment_a_cell_showed(
    row: list[tuple[str, Style, int]], width: int, fill: Style
) -> None:
    cells = [(text, style) for text, style, _ in row]
    widths = [cell_width for _, _, cell_width in row]
    drawn = row_strip(cells, widths, width, fill)
    expected = reference(cells, widths, width, fill)
    assert drawn.cell_length == width == expected.cell_length
    assert drawn.text == expected.text
    assert cells_of(drawn) == cells_of(expected)


def test_cells_of_one_style_share_a_segment() -> None:
    plain, red = Style(), Style(color="red")
    cells = [("WZ-1001", plain), ("major", red), ("ACME", plain), ("Payroll", plain)]
    drawn = row_strip(cells, [8, 8, 6, 10], 40, plain)
    assert drawn.text == " WZ-1001  major    ACME   Payroll     " + "  "
    # the separators and neighbouring plain cells run together: plain, red, plain
    assert [segment.style for segment in drawn] == [plain, red, plain]
