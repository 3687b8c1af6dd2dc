"""Every subcommand, found by walking the real parser, fed hostile arguments by hypothesis:
no traceback, never "database unreachable" (it is reachable) nor "internal error", one error
line naming what is wrong, and a refused command writes nothing."""

from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli.test_cli import Cli
from wzdesk.cli.main import build_parser, main
from wzdesk.store.models import ALL_MODELS

#: Global options are tested on their own (test_cli, test_identity_matrix).
GLOBAL = {"--db", "--as", "-h", "--help"}
#: What a refusal may exit with: bad input, conflict, permission, not found, bad backup.
REFUSALS = {2, 3, 4, 5, 6}


def leaf_commands() -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """(words, parser) of every subcommand that runs (leaves, and ``backup`` itself)."""
    found = []

    def walk(words: tuple[str, ...], parser: argparse.ArgumentParser) -> None:
        verbs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if words and (not verbs or not verbs[0].required):
            found.append((words, parser))
        for action in verbs:
            for name, child in action.choices.items():
                walk((*words, name), child)

    walk((), build_parser())
    return found


COMMANDS = leaf_commands()

nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.sampled_from(
        ["", " ", "\x1b]0;x\x07", "x" * 5000, "WZ-1001", "1001", "ACME", "-", "¹", "٣"]
    ),
)
nasty_number = st.one_of(
    # "¹" and "٣": str.isdigit() says yes, int() refuses the first (a crash the fuzzer found
    # in 'services quote show') and reads the second as 3
    st.sampled_from(
        [str(2**64 + 1), "9" * 40, "-1", "0", "nan", "inf", "1e309", "12abc", "¹", "1²", "٣"]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
#: Hypothesis tries the first values of a list first: the extremes lead.
nasty_instant = st.sampled_from(
    [
        "0001-01-01T00:00:00+00:00",
        "9999-12-31T00:00:00+00:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        "1969-12-31T23:59:59Z",
        "2199-12-31T23:59:59Z",
        "2026-03-09T10:00:00-04:00",
        "2026-03-09T09:00:00Z",
        "2026-02-30T10:00:00Z",
        "2026-03-09",
        "2027-01-04",
        "yesterday",
    ]
)
nasty_path = st.sampled_from(["x" * 300, "a/" * 3000, "/proc/self/fd/0", "/", "", "missing/x"])
nasty_value = st.one_of(nasty_text, nasty_number, nasty_instant)
#: Values aimed at what an option takes (each strategy still tries the others now and then).
_INSTANT_OPTIONS = {"--received", "--from", "END", "--effective", "DATE"}
_NUMBER_OPTIONS = {
    "--limit", "ID", "--duration", "--expect-version", "--cases", "--seed", "--daily",
    "--weekly", "--monthly", "--interval", "--at-risk", "--open-ratio",
}  # fmt: skip


#: Values that pass an option's own check, so that the others get to be tried deeper in.
PLAUSIBLE = {
    "--severity": ["critical", "major", "moderate", "minor"],
    "--channel": ["portal", "email", "phone"],
    "--category": ["question", "unexpected", "configuration", "services"],
    "--classification": ["bug", "user_error"],
    "--client": ["ACME"],
    "--contact": ["ana@acme.example", "416 555 0101"],
    "--status": ["open", "waiting_client", "held"],
    "--assignee": ["kim", "-"],
    "--role": ["agent", "phone", "supervisor"],
    "--country": ["CA"],
    "--years": ["2026"],
    "REF": ["WZ-1001", "1001"],
    "ID": ["1"],
    "--name": ["Someone"],
    "--summary": ["Something broke"],
    "--message": ["Hello"],
    "--note": ["Done"],
    "--reason": ["Spam"],
    "--to": ["tier 2"],
    "DATE": ["2026-12-24"],
    "LOGIN": ["newcomer"],
    "CODE": ["NEWCO"],
    "PATH": ["."],
    "MAILDIR": ["."],
    "FILE": ["missing.tar.gz"],
    "--effective": ["2027-01-04"],
    "--received": ["2026-03-09T09:00:00-04:00"],
    "--from": ["2026-03-06T17:00:00-05:00"],
    "--duration": ["60"],
    "END": ["2026-03-09T11:00:00-04:00"],
}


def _kind(action: argparse.Action) -> str:
    names = {*action.option_strings, str(action.metavar or ""), str(action.dest).upper()}
    if names & _INSTANT_OPTIONS:
        return "instant"
    if names & _NUMBER_OPTIONS:
        return "number"
    if names & {"PATH", "FILE", "MAILDIR", "DIR"} or (action.metavar == "DIR"):
        return "path"
    return "text"


def _value_for(action: argparse.Action) -> st.SearchStrategy[str]:
    names = {*action.option_strings, str(action.metavar or ""), str(action.dest).upper()}
    nasty = {
        "instant": nasty_instant,
        "number": st.one_of(nasty_number, nasty_value),
        "path": st.one_of(nasty_path, nasty_value),
        "text": nasty_value,
    }[_kind(action)]
    plausible = [v for name in names for v in PLAUSIBLE.get(name, [])]
    if not plausible:
        return nasty
    if _kind(action) != "text":
        return st.one_of(nasty, st.sampled_from(plausible))
    return st.one_of(st.sampled_from(plausible), nasty)


def _fuzzable(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        action
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction)
        and not (set(action.option_strings) & GLOBAL)
    ]


def _plausible(action: argparse.Action, words: tuple[str, ...]) -> str | None:
    if action.choices:
        return str(next(iter(action.choices)))
    if words[0] in ("backup", "restore") and action.dest == "to":
        return "."  # a folder (escalate's --to is a text)
    if action.dest == "end":
        return PLAUSIBLE["END"][0]  # sla elapsed's --to is an instant
    names = {*action.option_strings, str(action.metavar or ""), str(action.dest).upper()}
    values = [v for name in sorted(names) for v in PLAUSIBLE.get(name, [])]
    return values[0] if values else None


@st.composite
def invocation(
    draw: st.DrawFn, command: tuple[tuple[str, ...], argparse.ArgumentParser]
) -> list[str]:
    """The command with one of its arguments hostile and the others plausible, so that each
    argument's own check is reached (an all-hostile call stops at the first)."""
    words, parser = command
    actions = _fuzzable(parser)
    # Numbers, instants and paths break things most often: they are the target twice as often.
    risky = [a for a in actions if _kind(a) != "text"]
    target = draw(st.sampled_from(risky + actions)) if actions else None
    args = list(words)
    for action in actions:
        hostile = action is target
        flag = action.option_strings[-1] if action.option_strings else None
        if action.nargs == 0:  # store_true / store_const
            if hostile or draw(st.sampled_from([False, True])):
                args.append(str(flag))
            continue
        if hostile:
            count = (
                2 if action.nargs in ("+", "*") or isinstance(action, argparse._AppendAction) else 1
            )
            values = draw(st.lists(_value_for(action), min_size=1, max_size=count))
        else:
            usual = _plausible(action, words)
            leave_out = flag and not action.required and draw(st.sampled_from([True, False]))
            if usual is None or leave_out:
                if flag is None or action.required:
                    values = [usual or "x"]
                else:
                    continue
            else:
                values = [usual]
        for value in values:
            args += [flag, value] if flag else [value]
    if words[:2] == ("mail", "watch") or words[:1] == ("notify",):
        args.append("--once")  # never loop forever
    if words[:1] == ("serve",):
        args.append("--check")  # never start a server
    return args


def rows(url: str) -> dict[str, int]:
    """Rows per table of the SQLite file (quicker than opening it through the app)."""
    connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        return {
            model._meta.table_name: connection.execute(
                f'SELECT count(*) FROM "{model._meta.table_name}"'
            ).fetchone()[0]
            for model in ALL_MODELS
        }
    finally:
        connection.close()


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A desk built once (ACME, its contacts, kim and pat, case WZ-1001); each test gets a copy."""
    from tests.cli.conftest import seed_desk

    path = tmp_path_factory.mktemp("fuzz") / "seed.db"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WZDESK_NOW", "2026-03-09T10:00:00-04:00")
        env.delenv("WZDESK_USER", raising=False)

        def ok(*args: str) -> None:
            assert main(["--db", str(path), *args], identity="sam") == 0, args

        seed_desk(ok)
        ok(
            "case", "open", "--client", "ACME", "--contact", "ana@acme.example",
            "--severity", "major", "--channel", "portal", "--category", "question",
            "--summary", "Fuzzed",
        )  # fmt: skip
    return path


@pytest.fixture
def fuzz_desk(
    seeded_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> Cli:
    copy = tmp_path / "desk.db"
    source = sqlite3.connect(seeded_file)
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    monkeypatch.chdir(tmp_path)  # relative paths (".") land here, not in the repository
    monkeypatch.setenv("WZDESK_ATTACHMENTS", str(tmp_path / "attachments"))
    monkeypatch.setenv("WZDESK_OUTBOX", str(tmp_path / "outbox"))
    return Cli(f"sqlite:///{copy}", monkeypatch, capsys)


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(w) for w, _ in COMMANDS])
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), who=st.sampled_from(["sam", "sam", "kim", "pat", "eve"]))
def test_no_command_argument_ends_in_a_traceback_or_a_half_write(
    fuzz_desk: Cli,
    command: tuple[tuple[str, ...], argparse.ArgumentParser],
    data: st.DataObject,
    who: str,
) -> None:
    args = data.draw(invocation(command))
    before = rows(fuzz_desk.url)
    result = fuzz_desk(*args, user=who)
    note = f"wzdesk {' '.join(repr(a if len(a) < 60 else a[:40] + '…') for a in args)} as {who}"
    assert "Traceback" not in result.err, note
    assert result.code in {0, *REFUSALS}, f"{note}: exit {result.code}: {result.err}"
    if result.code:
        assert result.err.startswith("wzdesk"), note
        assert len(result.err.strip().splitlines()) == 1, f"{note}: {result.err}"
        assert rows(fuzz_desk.url) == before, f"{note} wrote something and failed"
    elif "--json" in args and result.out.strip():
        json.loads(result.out)


def test_every_command_is_fuzzed() -> None:
    """The walk finds every command the README lists (a new one is fuzzed automatically)."""
    names = {" ".join(words) for words, _ in COMMANDS}
    for expected in (
        "sla due", "holidays import", "policy set", "contact add", "case open", "case set",
        "mail import", "mail quarantine release", "mail outbox retry", "demo", "backup",
        "backup verify", "backup retention", "restore",
    ):  # fmt: skip
        assert expected in names


def _superscript_args(command: tuple[tuple[str, ...], argparse.ArgumentParser]) -> list[str]:
    """``command`` with "¹" for each positional and each option that takes a number."""
    words, parser = command
    args = list(words)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) or action.nargs == 0:
            continue
        count = action.nargs if isinstance(action.nargs, int) else 1
        if not action.option_strings:
            args += ["¹"] * count
        elif _kind(action) == "number":
            args += [action.option_strings[-1], *["¹"] * count]
    if words[:1] == ("serve",):
        args.append("--check")  # never start a server
    return args


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(w) for w, _ in COMMANDS])
def test_a_digit_int_cannot_read_is_refused_not_a_crash(
    fuzz_desk: Cli, command: tuple[tuple[str, ...], argparse.ArgumentParser]
) -> None:
    """ "¹" passes ``str.isdigit`` and fails ``int``: 'services quote show ¹' was an internal
    error (exit 70) until every number is checked as ASCII digits (``core.text.is_number``)."""
    args = _superscript_args(command)
    result = fuzz_desk(*args)
    assert "internal error" not in result.err and "Traceback" not in result.err, args
    assert result.code in {0, *REFUSALS}, f"{args}: exit {result.code}: {result.err}"
