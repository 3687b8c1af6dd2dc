"""PostgreSQL's full-text statements as plain SQL over any connection, and its rare-word plan:
for PostgreSQL what :mod:`wzdesk.store.fts_sql` is for SQLite (issue 13).

:mod:`wzdesk.store.fulltext` asks these of the store's connection; the quick read-only path of
``case list`` asks them of its own psycopg2 session, so that a search for a rare word needs no
Peewee there either. Statements mark each value with ``?`` (the quick reader's spelling; the
store writes ``%s`` for it: no statement here holds a ``?`` or a ``%`` of its own). ``rows`` is
any ``(sql, params) -> rows`` reader.

The text indexes are GIN indexes on ``tsvector`` expressions over ``case`` and ``case_event``
(``'simple'`` configuration: no stemming, like FTS5's ``unicode61``); the statements repeat the
indexed expressions exactly, which is what lets the planner use them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Rows = Callable[[str, Sequence[Any]], Sequence[Sequence[Any]]]

#: The text a case row itself holds, as the index reads it (``case_search_text``).
CASE_TEXT = (
    "to_tsvector('simple', coalesce({t}.summary, '') || ' ' || coalesce({t}.description, '') "
    "|| ' ' || coalesce({t}.steps_to_reproduce, ''))"
)

#: The cases whose own text holds a tsquery; the cases of the events (``e``) whose text does.
CASE_HITS = (
    f"SELECT c.id FROM \"case\" c WHERE {CASE_TEXT.format(t='c')} @@ to_tsquery('simple', ?)"
)
EVENT_HITS = (
    "SELECT e.case_id FROM case_event e "
    "WHERE to_tsvector('simple', coalesce(e.body, '')) @@ to_tsquery('simple', ?)"
)

#: Where a word's hits are.
HITS = (EVENT_HITS, CASE_HITS)

#: The case a word names (a reference) and its client's cases (a client code), bound twice: a
#: word finds those too, in the same list as its hits (``fulltext.matches`` says why).
NAMED = (
    'SELECT id FROM "case" WHERE ref = ? UNION SELECT id FROM "case" WHERE '
    "client_id IN (SELECT id FROM client WHERE code = ?)"
)

#: What a text holding every word of a phrase costs to list, in a word's hits. The GIN index
#: keeps no positions, so each such text is parsed again to find the phrase (4.1 s for "export
#: fails" at a million cases, against 0.9 s for "vacation"'s 83,000 hits).
PHRASE_WEIGHT = 20


def tsquery(words: Sequence[str], phrase: bool) -> str:
    """The tsquery for the words (as prefixes) or the phrase; the words are already letters
    and digits only (``core.query.text_words``), so nothing typed reaches its syntax."""
    joiner = " <-> " if phrase else " & "
    return joiner.join(w if phrase else f"{w}:*" for w in words)


def hits(words: Sequence[str], phrase: bool, public_only: bool = False) -> tuple[str, list[str]]:
    """The ids of the cases whose own text or timeline (``public_only``: its client-visible
    entries) holds the words (as prefixes) or the phrase, and the statement's parameters."""
    query = tsquery(words, phrase)
    public = " AND e.public" if public_only else ""
    return f"{CASE_HITS} UNION {EVENT_HITS}{public}", [query, query]


def one_list(hits: tuple[str, list[str]] | None, named: str | None) -> tuple[str, list[str]] | None:
    """A word's ``hits`` (:func:`hits`, or SQLite's) and, with ``named``, the case and client
    that word names (:data:`NAMED`) as one list of ids, and its parameters; None when there is
    nothing to list. One list: beside the hits as an OR, PostgreSQL could not join it
    (``fulltext.matches``)."""
    parts, params = ([hits[0]], list(hits[1])) if hits is not None else ([], [])
    if named is not None:
        parts.append(NAMED)
        params = [*params, named, named]
    return (" UNION ".join(parts), params) if parts else None


def estimate(rows: Rows, query: str) -> int:
    """How many texts the planner expects to hold the tsquery ``query`` (nothing is read)."""
    total = 0
    for sql in HITS:
        plan = rows(f"EXPLAIN (FORMAT JSON) {sql}", [query])[0][0]
        total += int(plan[0]["Plan"]["Plan Rows"])
    return total


def hits_exceed(rows: Rows, words: Sequence[str], phrase: bool, count: int) -> bool:
    """Whether the planner expects more than ``count`` texts to hold the words. A phrase is
    judged by the texts holding all its words, each weighing :data:`PHRASE_WEIGHT` hits: that
    is what finding it reads (the planner's own guess for a phrase multiplies its words'
    shares, far too rare)."""
    if not words:
        return False
    return estimate(rows, tsquery(words, False)) * (PHRASE_WEIGHT if phrase else 1) > count


def matching_case_ids(rows: Rows, words: Sequence[str], phrase: bool, cap: int) -> list[int] | None:
    """The cases whose own text or timeline (public or not) holds the words, when at most
    ``cap`` texts do; None for more (``fts_sql.matching_case_ids`` on SQLite).

    The planner's estimate answers first: far beyond ``cap`` (a common word) means None
    without reading anything; a phrase is judged by its words (see :func:`hits_exceed`):
    reading "export fails" read every text holding both words, 3.5 s at a million cases.
    Otherwise the hits are read from the GIN index (a materialized CTE keeps the planner from
    trading the index for a scan that stops at the LIMIT, which recomputes every text it
    passes)."""
    if not words:
        return []
    if not phrase and all(len(word) < 2 for word in words):
        return None  # one letter as a prefix: common in any language, and slow to count
    if hits_exceed(rows, words, phrase, 20 * cap):
        return None
    query = tsquery(words, phrase)
    found: set[int] = set()
    for sql in HITS:
        hits = rows(
            f"WITH hits AS MATERIALIZED ({sql}) SELECT * FROM hits LIMIT ?", [query, cap + 1]
        )
        found.update(int(row[0]) for row in hits)
        if len(hits) > cap:
            return None
    return sorted(found)


def holding(
    rows: Rows, case_ids: Sequence[int], words: Sequence[str], phrase: bool, public_only: bool
) -> set[int]:
    """Which of ``case_ids`` hold the words (as prefixes) or the phrase in their own text or a
    timeline event (the public ones only, with ``public_only``): the indexed expressions
    evaluated on those rows, not the index's hits for the words."""
    listed = ", ".join(str(int(case_id)) for case_id in case_ids)  # integers only, not bound
    public = " AND e.public" if public_only else ""
    query = tsquery(words, phrase)
    found = rows(
        f"{CASE_HITS} AND c.id IN ({listed}) "
        f"UNION {EVENT_HITS} AND e.case_id IN ({listed}){public}",
        [query, query],
    )
    return {int(case_id) for (case_id,) in found}
