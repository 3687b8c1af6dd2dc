"""The case query language: its meaning, as a small typed tree (``query_syntax`` reads the text).

One language for the console's ``/`` box, saved views and ``wzdesk case list --query``::

    sev:critical status:open client:ACME assignee:me -tag:billing
    (breached:any OR at-risk) due:<2h "printer jam" sort:-updated is:all

Terms next to each other are ANDed; ``OR`` (upper case) has the lower precedence; ``-`` negates
the term or parenthesised group it precedes. ``sort:`` and ``is:`` apply to the whole query and
may only stand at its top level. A bad query raises :class:`QueryError` naming the offending
token and its position (0-based character offset). This module only builds and checks the
tree; the services compile it to SQL.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

from wzdesk.core.errors import InvalidInput
from wzdesk.core.query_syntax import MAX_DEPTH, Branches, Neg, Raw, SyntaxFault, Token, read
from wzdesk.core.values import Value

#: The longest query text accepted (a saved view or a typed filter, never a document).
MAX_QUERY = 1000

SEVERITIES = ("critical", "major", "moderate", "minor")
STATUSES = ("new", "open", "waiting_client", "escalated", "resolved", "closed")
CHANNELS = ("portal", "email", "phone")
CATEGORIES = ("question", "unexpected", "configuration", "services")
DATE_FIELDS = ("received", "updated", "resolved", "closed")
SORT_KEYS = ("due", "updated", "received", "severity", "ref", "status", "client")
SCOPES = ("open", "all", "closed")

#: Field names users may type, to the canonical field.
FIELD_ALIASES = {
    "sev": "severity",
    "severity": "severity",
    "status": "status",
    "client": "client",
    "assignee": "assignee",
    "channel": "channel",
    "category": "category",
    "cat": "category",
    "tag": "tag",
    "contact": "contact",
    "ref": "ref",
}


#: Every ``name:`` a query may hold (a face that refuses some names the rest itself).
KNOWN_FIELDS = tuple(sorted({*FIELD_ALIASES, *DATE_FIELDS, "breached", "due", "sort", "is"}))


def unknown_field(known: tuple[str, ...]) -> str:
    """The reason an unknown ``name:`` is refused, naming those that are known."""
    return f"unknown field (known: {', '.join(known)})"


class QueryError(InvalidInput):
    """A query that cannot be understood: names the offending token and where it starts."""

    def __init__(self, message: str, token: str, position: int) -> None:
        super().__init__(f"{message}: {token!r} at position {position}", field="query")
        self.token = token
        self.position = position
        self.reason = message


# --- the tree -----------------------------------------------------------------------------


# The tree's classes are :class:`Value` objects, not frozen dataclasses: generating the methods
# of thirteen dataclasses cost ``wzdesk case list`` ~9 ms of its start-up (issue 13).
# ``__match_args__`` keeps positional ``case FieldTerm(field, value):`` patterns working.


class FieldTerm(Value):
    """``field:value`` on a plain case field (severity, status, client, assignee ...).

    ``assignee`` takes a login, ``me`` or ``none``; ``tag`` a tag; ``contact`` an email
    address or a name; ``client`` a client code."""

    _fields = __match_args__ = ("field", "value")
    field: str
    value: str

    def __init__(self, field: str, value: str) -> None:
        self._set(field=field, value=value)


class DateTerm(Value):
    """An instant field against support-zone days: [``start``, ``end``) with open ends as None.

    ``today`` and ``last-Nd`` are kept relative (``days_back``) so saved views stay current."""

    _fields = __match_args__ = ("field", "op", "day", "days_back")
    field: str
    op: Literal["=", ">=", ">", "<=", "<"]
    day: date | None
    days_back: int | None  # 0 for today, N for last-Nd

    def __init__(
        self,
        field: str,
        op: Literal["=", ">=", ">", "<=", "<"],
        day: date | None = None,
        days_back: int | None = None,
    ) -> None:
        self._set(field=field, op=op, day=day, days_back=days_back)

    def day_range(self, today: date) -> tuple[date | None, date | None]:
        """The support-zone days [start, end) the term selects, given today's date."""
        if self.days_back is not None:
            return today - timedelta(days=self.days_back), today + timedelta(days=1)
        assert self.day is not None
        after = self.day + timedelta(days=1)
        match self.op:
            case "=":
                return self.day, after
            case ">=":
                return self.day, None
            case ">":
                return after, None
            case "<=":
                return None, after
            case "<":
                return None, self.day
        raise AssertionError(self.op)  # pragma: no cover


SlaKind = Literal[
    "breached_response", "breached_resolution", "breached_any", "at_risk", "paused", "late"
]


class SlaTerm(Value):
    """An SLA state now: breached (response, resolution, any), at risk, paused or late."""

    _fields = __match_args__ = ("kind",)
    kind: SlaKind

    def __init__(self, kind: SlaKind) -> None:
        self._set(kind=kind)


class DueTerm(Value):
    """A running timer's remaining business time compared with ``seconds`` (``due:<2h``)."""

    _fields = __match_args__ = ("op", "seconds")
    op: Literal["<", "<=", ">", ">="]
    seconds: int

    def __init__(self, op: Literal["<", "<=", ">", ">="], seconds: int) -> None:
        self._set(op=op, seconds=seconds)


class TextTerm(Value):
    """Free text over summary, description and the timeline (``phrase``: words in order)."""

    _fields = __match_args__ = ("text", "phrase")
    text: str
    phrase: bool

    def __init__(self, text: str, phrase: bool = False) -> None:
        self._set(text=text, phrase=phrase)

    @property
    def words(self) -> list[str]:
        """The words the full-text index knows (letters and digits, lower case)."""
        return text_words(self.text)


class Not(Value):
    _fields = __match_args__ = ("item",)
    item: Node

    def __init__(self, item: Node) -> None:
        self._set(item=item)


class And(Value):
    _fields = __match_args__ = ("items",)
    items: tuple[Node, ...]

    def __init__(self, items: tuple[Node, ...]) -> None:
        self._set(items=items)


class Or(Value):
    _fields = __match_args__ = ("items",)
    items: tuple[Node, ...]

    def __init__(self, items: tuple[Node, ...]) -> None:
        self._set(items=items)


Node = FieldTerm | DateTerm | SlaTerm | DueTerm | TextTerm | Not | And | Or


class SortKey(Value):
    _fields = __match_args__ = ("key", "descending")
    key: str
    descending: bool

    def __init__(self, key: str, descending: bool = False) -> None:
        self._set(key=key, descending=descending)


class Query(Value):
    """A checked query: the condition (None selects everything), order and scope."""

    _fields = __match_args__ = ("where", "sort", "scope")
    where: Node | None
    sort: tuple[SortKey, ...]
    scope: Literal["open", "all", "closed"]

    def __init__(
        self,
        where: Node | None = None,
        sort: tuple[SortKey, ...] = (),
        scope: Literal["open", "all", "closed"] = "open",
    ) -> None:
        self._set(where=where, sort=sort, scope=scope)


def text_words(text: str) -> list[str]:
    """Lower-case word pieces as the full-text indexes split them."""
    return [w.lower() for w in re.findall(r"\w+", text)]


# --- parsing ------------------------------------------------------------------------------


class _Directive(Value):
    """sort:/is: found while building the tree; lifted to the query if at top level."""

    _fields = __match_args__ = ("token", "position", "sort", "scope")
    token: str
    position: int
    sort: SortKey | None
    scope: Literal["open", "all", "closed"] | None

    def __init__(
        self,
        token: str,
        position: int,
        sort: SortKey | None = None,
        scope: Literal["open", "all", "closed"] | None = None,
    ) -> None:
        self._set(token=token, position=position, sort=sort, scope=scope)


class _Group(Value):
    """An AND group that may still hold top-level directives."""

    _fields = __match_args__ = ("items",)
    items: tuple[Node | _Directive | _Group | _Neg, ...]

    def __init__(self, items: tuple[Node | _Directive | _Group | _Neg, ...]) -> None:
        self._set(items=items)


class _Neg(Value):
    """A negation whose operand may still hold groups (checked by ``_finish``)."""

    _fields = __match_args__ = ("item",)
    item: Node | _Directive | _Group | _Neg

    def __init__(self, item: Node | _Directive | _Group | _Neg) -> None:
        self._set(item=item)


_Item = Node | _Directive | _Group | _Neg

_DURATION = re.compile(r"^(\d{1,6})([mhd])$")
_DURATION_UNITS = {"m": 60, "h": 3600, "d": 36000}  # a business day is 10 business hours
_LAST = re.compile(r"^last-(\d{1,4})d$")
_BARE_SLA: dict[str, SlaKind] = {"at-risk": "at_risk", "paused": "paused", "late": "late"}


def _term(text: str, position: int) -> _Item:
    name, _, raw = text.partition(":")
    name = name.lower()
    value = raw[1:-1] if len(raw) >= 2 and raw.startswith('"') and raw.endswith('"') else raw
    if not value.strip():
        raise QueryError(f"{name}: needs a value", text, position)
    lowered = value.strip().lower()

    def choice(options: tuple[str, ...]) -> str:
        if lowered not in options:
            raise QueryError(f"{name}: expected one of {', '.join(options)}", text, position)
        return lowered

    if name == "sort":
        descending = lowered.startswith("-")
        key = lowered.lstrip("-")
        if key not in SORT_KEYS:
            raise QueryError(f"sort: expected one of {', '.join(SORT_KEYS)}", text, position)
        return _Directive(text, position, sort=SortKey(key, descending))
    if name == "is":
        if lowered in _BARE_SLA:
            return SlaTerm(_BARE_SLA[lowered])
        if lowered == "breached":
            return SlaTerm("breached_any")
        scope = choice(SCOPES + tuple(_BARE_SLA) + ("breached",))
        return _Directive(text, position, scope=scope)  # type: ignore[arg-type]
    if name == "breached":
        return SlaTerm(f"breached_{choice(('response', 'resolution', 'any'))}")  # type: ignore[arg-type]
    if name == "due":
        return _due(lowered, text, position)
    if name in DATE_FIELDS:
        return _date(name, lowered, text, position)
    field = FIELD_ALIASES.get(name)
    if field is None:
        raise QueryError(unknown_field(KNOWN_FIELDS), text, position)
    if field == "severity":
        return FieldTerm(field, choice(SEVERITIES))
    if field == "status":
        return FieldTerm(field, choice(STATUSES))
    if field == "channel":
        return FieldTerm(field, choice(CHANNELS))
    if field == "category":
        return FieldTerm(field, choice(CATEGORIES))
    if field in ("client", "ref"):
        return FieldTerm(field, value.strip().upper())
    if field in ("contact", "assignee", "tag"):
        return FieldTerm(field, lowered)
    raise AssertionError(field)  # pragma: no cover


def _due(value: str, text: str, position: int) -> DueTerm:
    match = re.match(r"^(<=|>=|<|>)(.*)$", value)
    duration = _DURATION.match(match.group(2)) if match else None
    if match is None or duration is None:
        raise QueryError(
            "due: expected <, <=, > or >= and a duration such as 30m, 2h, 1d", text, position
        )
    seconds = int(duration.group(1)) * _DURATION_UNITS[duration.group(2)]
    return DueTerm(match.group(1), seconds)  # type: ignore[arg-type]


def _date(field: str, value: str, text: str, position: int) -> DateTerm:
    if value == "today":
        return DateTerm(field, "=", days_back=0)
    last = _LAST.match(value)
    if last:
        return DateTerm(field, ">=", days_back=int(last.group(1)))
    match = re.match(r"^(<=|>=|<|>|=)?(\d{4}-\d{2}-\d{2})$", value)
    if match is None:
        raise QueryError(
            f"{field}: expected a date such as 2026-11-01 (with <, <=, >, >=), today or last-7d",
            text,
            position,
        )
    try:
        day = date.fromisoformat(match.group(2))
    except ValueError:
        raise QueryError(f"{field}: no such date", text, position) from None
    return DateTerm(field, (match.group(1) or "="), day)  # type: ignore[arg-type]


def _on_word(text: str, position: int) -> _Item:
    if text in _BARE_SLA:
        return SlaTerm(_BARE_SLA[text])
    if text == "OR":
        raise QueryError("OR needs a term on each side", text, position)
    if text == "AND":
        return _Directive(text, position)  # joined by position, see _and
    return _text(TextTerm(text), text, position)


def _on_neg(item: _Item) -> _Item:
    if isinstance(item, _Directive):
        raise QueryError("sort:, is: and AND cannot be negated", item.token, item.position)
    return _Neg(item)


def _build(raw: Raw) -> _Item:
    """The tree of a raw tree, children first and left to right (as lark's transformer went),
    so the first bad term in reading order is the one an error names."""
    if isinstance(raw, Token):
        if raw.kind == "TERM":
            return _term(raw.text, raw.start)
        if raw.kind == "PHRASE":
            return _text(TextTerm(raw.text[1:-1], phrase=True), raw.text, raw.start)
        return _on_word(raw.text, raw.start)
    if isinstance(raw, Neg):
        return _on_neg(_build(raw.operand))
    assert isinstance(raw, Branches)
    items = [_build(item) for item in raw.items]
    return _and(items) if raw.kind == "and" else Or(tuple(items))  # type: ignore[arg-type]


def _text(term: TextTerm, token: str, position: int) -> TextTerm:
    if not term.words:
        raise QueryError("nothing to search for (no letters or digits)", token, position)
    return term


def _and(children: list[_Item]) -> _Item:
    kept: list[_Item] = []
    for index, child in enumerate(children):
        if isinstance(child, _Directive) and child.token == "AND":
            if index == 0 or index == len(children) - 1:
                raise QueryError("AND needs a term on each side", child.token, child.position)
            continue
        kept.append(child)
    return kept[0] if len(kept) == 1 else _Group(tuple(kept))


def _finish(item: _Item, negated: bool) -> tuple[Node | None, list[_Directive]]:
    """The node without its directives, and the directives (refused under a negation)."""
    if isinstance(item, _Directive):
        if item.token == "AND":
            raise QueryError("AND needs a term on each side", item.token, item.position)
        if negated:
            raise QueryError("sort: and is: cannot be negated", item.token, item.position)
        return None, [item]
    if isinstance(item, _Group):
        nodes: list[Node] = []
        directives: list[_Directive] = []
        for child in item.items:
            node, found = _finish(child, negated)
            directives.extend(found)
            if node is not None:
                nodes.append(node)
        if not nodes:
            return None, directives
        return (nodes[0] if len(nodes) == 1 else And(tuple(nodes))), directives
    if isinstance(item, _Neg):
        node, _ = _finish(item.item, True)
        assert node is not None
        return Not(node), []
    if isinstance(item, Or):
        parts: list[Node] = []
        directives = []
        for child in item.items:
            node, found = _finish(child, negated)
            if node is None:
                raise QueryError("OR needs a term on each side", found[0].token, found[0].position)
            parts.append(node)
            directives.extend(found)
        return Or(tuple(parts)), directives
    return item, []


def parse_query(text: str) -> Query:
    """The checked query for ``text``; raises :class:`QueryError` naming token and position."""
    if len(text) > MAX_QUERY:
        raise QueryError(
            f"longer than {MAX_QUERY} characters", text[MAX_QUERY : MAX_QUERY + 10], MAX_QUERY
        )
    for index, ch in enumerate(text):
        if ord(ch) < 32 and ch not in "\t\n\r":
            raise QueryError("control character", ch, index)
    try:
        raw = read(text)
    except SyntaxFault as fault:
        raise _syntax_error(text, fault) from None
    if raw is None:
        return Query()
    return _query(_build(raw))


def _query(built: _Item) -> Query:
    """The query of a built tree: its condition, with the directives lifted to the top."""
    condition, directives = _finish(built, False)
    sort = tuple(d.sort for d in directives if d.sort is not None)
    scopes = [d for d in directives if d.scope is not None]
    if len(scopes) > 1:
        raise QueryError(
            "only one is:open, is:all or is:closed", scopes[1].token, scopes[1].position
        )
    if scopes and scopes[0].scope is not None:
        scope = scopes[0].scope
    else:  # naming a status asks for it, closed or not
        scope = "all" if _names_status(condition) else "open"
    return Query(condition, sort, scope)


def requires_at_risk(node: Node | None) -> bool:
    """Whether every match is at risk: ``at-risk`` stands at the query's top level (alone or
    ANDed). Then no running match is due before now (at risk is not yet overdue), and the
    search starts its walk of the running cases at now instead of passing every overdue one
    (19,000 of them at a million cases)."""
    items = _top_level(node)
    return any(isinstance(item, SlaTerm) and item.kind == "at_risk" for item in items)


def judges_instants(node: Node | None) -> bool:
    """Whether the query's top level tests the stored instants: a ``due:`` term, an SLA state
    (at risk, breached, late) or a date (``received:last-7d``). PostgreSQL's planner
    misjudges how many open cases meet such a test, taking it as independent of the rest
    (it expected 33 open cases due within eight hours of 14,221, and 534 majors received in
    the last week of 20,891: recent cases are the open ones), and then reads every match for
    a page; the search walks the due order further for these queries."""
    items = _top_level(node)
    return any(isinstance(item, DueTerm | SlaTerm | DateTerm) for item in items)


def names_one_party(node: Node | None) -> bool:
    """Whether the query's top level names one client, contact, assignee or case: its matches
    are among that party's cases, which an index of their own lists, and the planner's plan
    through it is the cheap one (``sev:minor breached:any client:TML``: 37 ms, against 93 for
    a walk of the due order at a million cases). ``assignee:none`` names nobody."""
    items = _top_level(node)
    return any(
        isinstance(item, FieldTerm)
        and item.field in ("client", "contact", "assignee", "ref")
        and not (item.field == "assignee" and item.value == "none")
        for item in items
    )


def requires_paused(node: Node | None) -> bool:
    """Whether every match is paused: ``is:paused`` stands at the query's top level. A paused
    case is open and has a frozen time left, so no match is among the running cases or the
    done ones: the search reads the paused cases' stream alone. (On PostgreSQL its probe of
    the running cases found none, and the planner's plan then read every open case to be
    sure: 124 ms of ``is:paused sev:major at-risk``'s 150 ms at a million cases.)"""
    items = _top_level(node)
    return any(isinstance(item, SlaTerm) and item.kind == "paused" for item in items)


def severities_required(node: Node | None) -> frozenset[str] | None:
    """The severities every match has, where the query's top level says (``sev:major``, or
    an OR of severities only, as ``--severity major --severity minor`` writes it); None when
    it does not. The walk of the done cases starts at the first of them, past the others."""
    return values_required(node, "severity")


def requires_done(node: Node | None) -> bool:
    """Whether every match is resolved or closed (``status:closed``, ``--status resolved``):
    no open case can match, and the search reads the done cases alone. (Asked for a page of
    1,200, the open cases' sort read all 629,000 closed cases on SQLite to find none open:
    1.7 s at a million cases.)"""
    statuses = values_required(node, "status")
    return statuses is not None and bool(statuses) and statuses <= {"resolved", "closed"}


#: The statuses of an open case (resolved and closed ones are done).
OPEN_STATUSES = frozenset(STATUSES) - {"resolved", "closed"}


def requires_open(node: Node | None) -> bool:
    """Whether every match is open: an SLA state now (breached, at risk, paused: not
    ``is:late``), a ``due:`` term or an open status stands at the query's top level, or an OR
    of such. A count then reads the open cases alone, from the front of the index that holds
    what views test (``case_view_count``): ``at-risk OR breached:any`` read every case's row
    to count them (0.3–0.4 s at a million cases on SQLite, the file in memory)."""
    return any(_only_open(item) for item in _top_level(node))


def _only_open(node: Node | None) -> bool:
    match node:
        case SlaTerm(kind):
            return kind != "late"
        case DueTerm():
            return True
        case FieldTerm("status", value):
            return value in OPEN_STATUSES
        case Or(items):
            return all(_only_open(item) for item in items)
        case And(items):
            return any(_only_open(item) for item in items)
    return False


def values_required(node: Node | None, field: str) -> frozenset[str] | None:
    """The values of ``field`` every match has, where the query's top level says (a term, or
    an OR of that field's terms only); None when it does not."""
    items = _top_level(node)
    required: frozenset[str] | None = None
    for item in items:
        named = _values(item, field)
        if named is not None:
            required = named if required is None else required & named
    return required


def _values(item: Node | None, field: str) -> frozenset[str] | None:
    match item:
        case FieldTerm(name, value) if name == field:
            return frozenset({value})
        case Or(items) if all(isinstance(i, FieldTerm) and i.field == field for i in items):
            return frozenset(i.value for i in items if isinstance(i, FieldTerm))
    return None


def holds_text(node: Node | None) -> bool:
    """Whether free text appears anywhere in the query (the full-text index answers it)."""
    match node:
        case And(items) | Or(items):
            return any(holds_text(item) for item in items)
        case Not(item):
            return holds_text(item)
        case TextTerm():
            return True
    return False


def requires_ticking(node: Node | None) -> bool:
    """Whether every match has a timer running: a ``due:`` term or ``breached:response``
    (a response target passed and still unmet runs on) stands at the query's top level. A
    paused case's runs only while its response target does, and its frozen time left is then
    ``RESPONSE_RUNNING``, the least there is; so the search reads the paused cases' stream up
    to that value and no further. On PostgreSQL its probe of the stream's first 5,000 entries
    found none for ``due:<2h``, and the planner then read all 20,435 paused rows to be sure
    (68–85 ms at a million cases); ``breached:response`` read them all on SQLite too (85 ms
    of its 100), their rows included, to find the few paused before any reply."""
    items = _top_level(node)
    return any(
        isinstance(item, DueTerm)
        or (isinstance(item, SlaTerm) and item.kind == "breached_response")
        for item in items
    )


def due_at_least(node: Node | None) -> list[int]:
    """The business seconds of the ``due:>X`` and ``due:>=X`` terms at the query's top level:
    every match is due no sooner than each (its running timers all have that much left), so
    the search starts its walk of the running cases at the horizon, as for ``at-risk`` at
    now, instead of passing every case due before it (about 19,000 overdue ones and those
    due within the horizon at a million cases)."""
    items = _top_level(node)
    return [item.seconds for item in items if isinstance(item, DueTerm) and item.op[0] == ">"]


def excludes_paused(node: Node | None) -> bool:
    """Whether no match is paused: ``-paused`` stands at the query's top level. A case has a
    frozen time left only while open and paused, so the search need not read the paused
    cases' stream: its walk passed every paused case to find none (11 ms of ``case list
    --query 'sev:major -is:paused'`` at a million cases)."""
    items = _top_level(node)
    return any(
        isinstance(item, Not) and isinstance(item.item, SlaTerm) and item.item.kind == "paused"
        for item in items
    )


class Streams(Value):
    """Which of the search's streams of cases (running, paused, done) can hold a match, and
    how to read them, as the query's top level says: the search engine and the quick path
    read the same streams the same way from this.

    ``none_paused`` (:func:`excludes_paused`), ``only_paused`` (:func:`requires_paused`),
    ``only_done`` (:func:`requires_done`); ``severities``: where the done cases' walk starts
    (:func:`severities_required`); ``walk_done``: the done cases are walked in order, unless
    one party is named, whose own index serves (:func:`names_one_party`); ``ticking``
    (:func:`requires_ticking`); ``timed``: the running cases' walk reads on past its first
    probe (:func:`judges_instants`, one party aside)."""

    _fields = (
        "none_paused",
        "only_paused",
        "only_done",
        "severities",
        "walk_done",
        "ticking",
        "timed",
    )
    none_paused: bool
    only_paused: bool
    only_done: bool
    severities: frozenset[str] | None
    walk_done: bool
    ticking: bool
    timed: bool

    def __init__(self, node: Node | None) -> None:
        one_party = names_one_party(node)
        self._set(
            none_paused=excludes_paused(node),
            only_paused=requires_paused(node),
            only_done=requires_done(node),
            severities=severities_required(node),
            walk_done=not one_party,
            ticking=requires_ticking(node),
            timed=judges_instants(node) and not one_party,
        )


def nesting(node: Node) -> int:
    """How many ANDs, ORs and NOTs ``node`` holds one within another (0 for a term)."""
    match node:
        case And(items) | Or(items):
            return 1 + max(nesting(item) for item in items)
        case Not(item):
            return 1 + nesting(item)
    return 0


def deepest_first(items: tuple[Node, ...]) -> list[Node]:
    """An AND's or OR's items in the order their SQL is written: the most nested first.

    SQLite's parser keeps, for each group still open, what stands before it: ``a AND (b OR
    (c AND …))`` holds three entries a level, ``((… AND c) OR b) AND a`` one, and its stack
    of 100 ran out from 20 levels (``parser stack overflow``, a legal query refused with a
    database error). The order changes no answer: the SQL of every term is never NULL."""
    if len(items) < 2:
        return list(items)
    return sorted(items, key=nesting, reverse=True)


def _top_level(node: Node | None) -> tuple[Node | None, ...]:
    """The terms every match meets: an AND's items, or the query itself (the questions above
    read only these; what an OR or a NOT holds is no promise about every match)."""
    return node.items if isinstance(node, And) else (node,)


def _names_status(node: Node | None) -> bool:
    match node:
        case FieldTerm("status", _):
            return True
        case Not(item):
            return _names_status(item)
        case And(items) | Or(items):
            return any(_names_status(i) for i in items)
    return False


def _syntax_error(text: str, fault: SyntaxFault) -> QueryError:
    token = fault.token
    if token is not None and fault.deep:
        return QueryError(f"nested more than {MAX_DEPTH} deep", token.text, token.start)
    if token is not None:  # a ")" out of place, whatever follows it (")a" as ") a")
        return QueryError("unmatched )", token.text, token.start)
    if fault.position is None:
        return _end_error(text)
    return QueryError(_why(text, fault.position), _token_at(text, fault.position), fault.position)


def _end_error(text: str) -> QueryError:
    """The query stopped short: name the unclosed ``(`` or the dangling last token."""
    opened: list[int] = []
    quoted = False
    for index, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            opened.append(index)
        elif not quoted and ch == ")" and opened:
            opened.pop()
    if opened:
        return QueryError("unclosed (", "(", opened[-1])
    stripped = text.rstrip()
    start = (
        max(stripped.rfind(" "), stripped.rfind("("), stripped.rfind("\t"), stripped.rfind("\n"))
        + 1
    )
    return QueryError("unexpected end of query after", stripped[start:], start)


def _token_at(text: str, position: int) -> str:
    rest = text[position:]
    match = re.match(r"\S+?(?=[\s()]|$)|\S", rest)
    return match.group(0) if match else ""


def _why(text: str, position: int) -> str:
    token = _token_at(text, position)
    if token.startswith('"'):
        return "unclosed quote"
    if token == ")":
        return "unmatched )"
    if token == "(":
        return "unexpected ("
    return "unexpected token"


def check_query(text: str) -> Query | QueryError:
    """The query, or the error that names its offending token (never raises for bad text)."""
    try:
        return parse_query(text)
    except QueryError as exc:
        return exc


def describe(query: Query) -> str:
    """A one-line normal form of a query (for tests and messages)."""

    def show(node: Node) -> str:
        match node:
            case FieldTerm(field, value):
                return f"{field}:{value}"
            case DateTerm(field, op, day, days_back):
                return f"{field}{op}{day if day else f'-{days_back}d'}"
            case SlaTerm(kind):
                return kind
            case DueTerm(op, seconds):
                return f"due{op}{seconds}s"
            case TextTerm(text, phrase):
                return f'"{text}"' if phrase else text
            case Not(item):
                return f"-{show(item)}"
            case And(items):
                return "(" + " AND ".join(show(i) for i in items) + ")"
            case Or(items):
                return "(" + " OR ".join(show(i) for i in items) + ")"
        raise AssertionError(node)  # pragma: no cover

    parts = [show(query.where)] if query.where is not None else []
    parts += [f"sort:{'-' if s.descending else ''}{s.key}" for s in query.sort]
    parts.append(f"is:{query.scope}")
    return " ".join(parts)
