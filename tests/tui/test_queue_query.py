"""The queue's ``/`` box speaks the query language: a good query narrows the rows (from SQL, in
a worker), a bad one shows its error under the box naming the token, and the rows stay."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Static

from tests.tui.helpers import line_with, queue, screen_lines, settle
from wzdesk.tui.screens.main import MainScreen


def _error(pilot: Any) -> Static:
    screen = next(s for s in pilot.app.screen_stack if isinstance(s, MainScreen))
    return screen.query_one("#filter-error", Static)


async def test_filter_box_query(desk: dict[str, str], agent: Any, make_app: Any) -> None:
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        await pilot.press("slash", *"sev:critical -status:waiting_client")
        await settle(
            pilot, lambda: {r.ref for r in queue(pilot).rows} == {desk["breached"], desk["late"]}
        )
        assert _error(pilot).has_class("-hidden")
        box = pilot.app.screen.query_one("#filter-text", Input)
        box.value = "sev:critical (tag:x"
        await settle(pilot, lambda: not _error(pilot).has_class("-hidden"))
        assert "'(' at position 13" in str(_error(pilot).render())
        assert len(queue(pilot).rows) == 2  # the last good query's rows stay
        box.value = "-" * 999 + "a"  # once a RecursionError that closed the console
        await settle(pilot, lambda: "nested more than 32 deep" in str(_error(pilot).render()))
        assert len(queue(pilot).rows) == 2
        box.value = "breached:any OR status:waiting_client"
        await settle(
            pilot,
            lambda: {r.ref for r in queue(pilot).rows} == {desk["breached"], desk["waiting"]},
        )
        assert _error(pilot).has_class("-hidden")
        await pilot.press("escape")
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)


async def test_what_is_typed_in_the_box_is_on_screen_at_80x24(
    desk: dict[str, str], agent: Any, make_app: Any
) -> None:
    """Focused, the box kept one line but took Textual's tall border, which left no line for
    the text: the user typed blind (seen in tmux at 80x24 and 120x40)."""
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        before = screen_lines(pilot).index(line_with(pilot, "/ filter: ref, client, text"))
        await pilot.press("slash", *"sev:critical")
        await settle(pilot, lambda: len(queue(pilot).rows) == 2)
        typed = line_with(pilot, "sev:critical")
        assert screen_lines(pilot).index(typed) == before  # where the placeholder was
        assert "▔" not in screen_lines(pilot)[before - 1] + screen_lines(pilot)[before + 1]


async def test_palette_filters_by_a_query_or_a_saved_view(
    desk: dict[str, str], agent: Any, make_app: Any
) -> None:
    from wzdesk.services.views import add_view

    add_view(agent, "Zed queue", "status:waiting_client")
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        await pilot.press("ctrl+p", *"sev:critical")
        await settle(pilot, lambda: "Filter the queue: sev:critical" in _palette_text(pilot))
        await pilot.press("enter")
        await settle(
            pilot, lambda: {r.ref for r in queue(pilot).rows} == {desk["breached"], desk["late"]}
        )
        await pilot.press("ctrl+p", *"view zed")
        await settle(pilot, lambda: "View: Zed queue" in _palette_text(pilot))
        await pilot.press("enter")
        await settle(pilot, lambda: [r.ref for r in queue(pilot).rows] == [desk["waiting"]])


def _palette_text(pilot: Any) -> str:
    from textual.command import CommandList

    lists = pilot.app.screen.query(CommandList)
    if not lists:
        return ""
    options = lists.first()
    return " ".join(str(options.get_option_at_index(i).prompt) for i in range(options.option_count))


async def test_the_box_waits_for_typing_to_pause_and_says_it_is_looking(
    desk: dict[str, str], agent: Any, make_app: Any, monkeypatch: Any
) -> None:
    """One search for what was typed, not one per keystroke (typing "payroll" at a million
    cases ran seven at once and the queue changed 6 s later); meanwhile the status line says
    what it is looking for, so the unchanged rows are not taken for the answer."""
    from wzdesk.tui.screens import queue_query

    asked: list[str] = []
    real = queue_query.queue_matches

    def counted(query: Any, ctx: Any, among: Any = None) -> list[int]:
        asked.append(query if isinstance(query, str) else repr(query))
        return real(query, ctx, among)

    monkeypatch.setattr(queue_query, "queue_matches", counted)
    monkeypatch.setattr(queue_query, "TYPING_PAUSE", 1.0)
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        await pilot.press("slash", *"sev:critical")
        assert "looking for 'sev:critical'…" in line_with(pilot, "of 6 open")
        assert len(queue(pilot).rows) == 6  # not narrowed yet, and the line says so
        await settle(
            pilot, lambda: {r.ref for r in queue(pilot).rows} == {desk["breached"], desk["late"]}
        )
        assert len(asked) == 1
        assert "looking for" not in line_with(pilot, "of 6 open")


async def test_a_re_read_during_a_search_does_not_lose_its_answer(
    desk: dict[str, str], agent: Any, make_app: Any, monkeypatch: Any
) -> None:
    """The queue re-read every 3 s re-ran the box's query: the last one answered, not the one
    being looked for, and as both are one exclusive worker group it cancelled the search in
    flight, whose text then never ran again ("looking for …" for good)."""
    import threading
    import time

    from wzdesk.tui.messages import QueueChanged
    from wzdesk.tui.screens import queue_query

    running = threading.Event()
    real = queue_query.queue_matches

    def slow(query: Any, ctx: Any, among: Any = None) -> list[int]:
        running.set()
        time.sleep(0.4)
        return real(query, ctx, among)

    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        await pilot.press("slash", *"sev:major")
        await settle(pilot, lambda: {r.ref for r in queue(pilot).rows} == {desk["major"]})
        monkeypatch.setattr(queue_query, "queue_matches", slow)
        box = pilot.app.screen.query_one("#filter-text", Input)
        box.value = "sev:critical"
        for _ in range(200):  # the search for it is in flight
            if running.is_set():
                break
            await pilot.pause(0.01)
        assert running.is_set()
        screen = next(s for s in pilot.app.screen_stack if isinstance(s, MainScreen))
        screen.post_message(QueueChanged({1}))  # a re-read found a change meanwhile
        await settle(
            pilot, lambda: {r.ref for r in queue(pilot).rows} == {desk["breached"], desk["late"]}
        )
        await settle(pilot, lambda: "looking for" not in line_with(pilot, "of 6 open"))


async def test_a_re_read_asks_the_box_query_of_the_changed_cases_only(
    desk: dict[str, str], agent: Any, make_app: Any, monkeypatch: Any
) -> None:
    """A query about the cases' own fields and text: a case that did not change cannot have
    started or stopped matching, so a re-read asks the query of the changed cases alone (at a
    million cases a word's search took 0.5 s every 3 s). A query on the clock runs whole."""
    from wzdesk.services import cases
    from wzdesk.store.models import Case
    from wzdesk.tui.screens import queue_query

    asked: list[frozenset[int] | None] = []
    real = queue_query.queue_matches

    def counted(query: Any, ctx: Any, among: Any = None) -> list[int]:
        asked.append(None if among is None else frozenset(among))
        return real(query, ctx, among)

    monkeypatch.setattr(queue_query, "queue_matches", counted)
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        await pilot.press("slash")
        # The whole word at once: typed key by key on a loaded machine (CI, PostgreSQL), a
        # pause between two keys longer than TYPING_PAUSE asked "zeppeli" too.
        pilot.app.screen.query_one("#filter-text", Input).value = "zeppelin"
        await settle(pilot, lambda: "'zeppelin' (Esc clears)" in line_with(pilot, "of 6 open"))
        assert queue(pilot).rows == [] and asked == [None]
        cases.reply(agent, desk["minor"], "The zeppelin module is at fault", internal=True)
        await pilot.press("ctrl+r")  # re-read now
        await settle(pilot, lambda: [r.ref for r in queue(pilot).rows] == [desk["minor"]])
        assert asked[1:] == [frozenset({Case.get(Case.ref == desk["minor"]).id})]
        cases.reply(agent, desk["minor"], "Replaced the zeppelin part", internal=True)
        box = pilot.app.screen.query_one("#filter-text", Input)
        box.value = "due:<1000h"  # on the clock: asked whole
        await settle(pilot, lambda: "'due:<1000h' (Esc clears)" in line_with(pilot, "of 6 open"))
        asked.clear()
        await pilot.press("enter", "ctrl+r")  # back to the queue, re-read now
        await settle(pilot, lambda: bool(asked))
        assert asked == [None], asked


async def test_a_re_read_recounts_a_pinned_view_from_the_changed_cases(
    desk: dict[str, str], agent: Any, make_app: Any, monkeypatch: Any
) -> None:
    """A pinned view's tab count is kept case by case: a re-read asks the view's query of the
    cases it re-read, not of the whole desk (a word's count cost up to 1.2 s at a million
    cases, per view, every 3 s while agents write), and the tab shows the new count: what the
    queue lists once the tab is chosen (open cases; the view's own scope took in resolved
    ones, so "No payroll 355,903" listed 95,768)."""
    from tests.services.test_view_counts import whole_reads_counted
    from wzdesk.services import cases
    from wzdesk.services.views import add_view

    add_view(agent, "Spool", "spooler", pinned=True)
    whole = whole_reads_counted(monkeypatch)
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: "Spool 0" in "\n".join(screen_lines(pilot)))
        await pilot.app.workers.wait_for_complete()  # the whole queue loaded, counted whole
        whole.clear()
        cases.reply(agent, desk["minor"], "The spooler crashed", internal=True)
        await pilot.press("ctrl+r")  # re-read now
        await settle(pilot, lambda: "Spool 1" in "\n".join(screen_lines(pilot)))
        cases.reply(agent, desk["major"], "Spooler again", internal=True)
        await pilot.press("ctrl+r")
        await settle(pilot, lambda: "Spool 2" in "\n".join(screen_lines(pilot)))
        # The tab counts what the queue lists for it: a resolved case leaves both.
        cases.resolve(agent, desk["minor"], "Restarted the spooler")
        await pilot.press("ctrl+r")
        await settle(pilot, lambda: "Spool 1" in "\n".join(screen_lines(pilot)))
        await pilot.press("right_square_bracket")
        await settle(pilot, lambda: [r.ref for r in queue(pilot).rows] == [desk["major"]])
        assert whole == []  # asked of the changed case each time


def _tab_shown(pilot: Any, name: str, count: int) -> bool:
    return f"{name} {count}" in "\n".join(screen_lines(pilot))


async def test_a_view_pinned_elsewhere_becomes_a_tab_on_a_quiet_desk(
    desk: dict[str, str], agent: Any, make_app: Any, monkeypatch: Any
) -> None:
    """Tried in tmux: a view pinned from the CLI while the console ran appeared only at the
    next re-read that found a changed case (not within minutes on a quiet desk). The tabs are
    counted again every :data:`TABS_RECOUNT_SECONDS` with nothing re-read."""
    from wzdesk.services.views import add_view
    from wzdesk.tui.screens import queue_query

    monkeypatch.setattr(queue_query, "TABS_RECOUNT_SECONDS", 0.5)
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        assert "Spool" not in "\n".join(screen_lines(pilot))
        add_view(agent, "Spool", "spooler", pinned=True)  # as `wzdesk view add` would
        await settle(pilot, lambda: _tab_shown(pilot, "Spool", 0))


async def test_a_view_on_the_clock_is_recounted_when_a_case_crosses(
    desk: dict[str, str], agent: Any, make_app: Any, clock: Any, monkeypatch: Any
) -> None:
    """A tab on the clock (``at-risk OR breached:any``) kept its count while cases crossed
    into it, until a re-read found a changed case: on a quiet desk, for good. An SLA
    crossing now counts the views on the clock again (no database change here: the clock
    alone moves)."""
    from datetime import timedelta

    from wzdesk.services.search import context, queue_count
    from wzdesk.services.views import add_view
    from wzdesk.tui.screens import queue_query

    monkeypatch.setattr(queue_query, "TABS_CROSSING_SECONDS", 0.0)
    hot = "at-risk OR breached:any"
    add_view(agent, "Hot", hot, pinned=True)
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        before = queue_count(hot, context(clock.now(), "kim"))
        await settle(pilot, lambda: _tab_shown(pilot, "Hot", before))
        clock.advance(timedelta(hours=7))  # Monday 17:00: the seeded minor and major cross
        after = queue_count(hot, context(clock.now(), "kim"))
        assert after > before
        await settle(pilot, lambda: _tab_shown(pilot, "Hot", after))


async def test_a_query_for_done_cases_points_to_the_history(
    desk: dict[str, str], agent: Any, make_app: Any
) -> None:
    """The queue lists open cases only, so "is:closed" in the box finds nothing there: the
    empty queue says where resolved and closed cases are, rather than only "no match"."""
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        await pilot.press("slash", *"status:resolved")
        await settle(pilot, lambda: queue(pilot).rows == [])
        said = (
            "No open case matches this filter (resolved and closed cases: h, the history). "
            "Esc clears it."
        )
        await settle(pilot, lambda: said in empty_queue_text(pilot))
        assert "0 of 6 open" in line_with(pilot, "of 6 open")


def empty_queue_text(pilot: Any) -> str:
    """The empty queue's message as drawn, its wrapped lines joined."""
    table = queue(pilot)
    lines = (table.render_line(y).text.strip() for y in range(1, table.size.height))
    return " ".join(line for line in lines if line)
