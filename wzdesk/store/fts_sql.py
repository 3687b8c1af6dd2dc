"""SQLite's full-text statements as plain SQL over any connection (issue 13), and the rare-word
plan both search paths share.

:mod:`wzdesk.store.fulltext` asks these of the store's connection (through Peewee); the quick
read-only path of ``case list`` asks them of its own ``sqlite3`` connection
(:mod:`wzdesk.services.quick_case_reads`), so that a search for a rare word needs no Peewee.
``rows`` is any ``(sql, params) -> rows`` reader. The FTS5 table ``case_text`` holds one row
per case at rowid ``-case.id`` (summary, description, steps) and one per timeline event at its
own id; words match as prefixes, a phrase word for word.

A few given cases are asked whether they hold words (:func:`holding`) by matching their texts
in a table of their own (:data:`Probe`): FTS5 cannot test a given row of ``case_text`` against
a prefix query without merging the words' whole hit lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from wzdesk.core.query import And, Node, TextTerm

Rows = Callable[[str, Sequence[Any]], Sequence[Sequence[Any]]]
#: ``probe(texts, fts)``: the positions in ``texts`` of those the FTS5 query ``fts`` matches,
#: matched in a contentless table declared as ``case_text`` is (:func:`probe_declaration`).
Probe = Callable[[Sequence[str], str], Iterable[int]]

#: Free text found in at most this many texts is rare: its cases are listed first and the
#: search reads only those (:func:`rare_text_cases`).
RARE_HITS = 2000

#: The case ids whose own text or a timeline event holds an FTS5 query (bound twice).
#: Reading the UNINDEXED case_id column costs a lookup per hit; rowids are free: a case's own
#: row is at -case.id, an event's at its id (the case_event primary key).
HITS = (
    "SELECT -rowid FROM case_text WHERE case_text MATCH ? AND rowid < 0 "
    "UNION SELECT case_id FROM case_event WHERE id IN "
    "(SELECT rowid FROM case_text WHERE case_text MATCH ? AND rowid > 0)"
)

#: The first hits of an FTS5 query, up to a LIMIT.
FIRST_HITS = "SELECT rowid FROM case_text WHERE case_text MATCH ? LIMIT ?"


def fts_query(words: Sequence[str], phrase: bool) -> str:
    """FTS5's query for the words (as prefixes) or the phrase; the words are already letters
    and digits only (``core.query.text_words``), so nothing typed reaches FTS5's syntax."""
    if phrase:
        return '"' + " ".join(words) + '"'
    return " ".join(f'"{w}"*' for w in words)


def counted_hits(rows: Rows, fts: str, most: int) -> int:
    """How many texts an FTS5 query finds, counting no further than ``most`` (counted by
    SQLite: the rowids do not cross into Python)."""
    (count,) = rows(f"SELECT count(*) FROM ({FIRST_HITS})", [fts, most])[0]
    return int(count)


def hits_exceed(
    rows: Rows, words: Sequence[str], phrase: bool, count: int, prefixes: bool = True
) -> bool:
    """Whether more than ``count`` texts hold the words: what listing them would cost, asked
    for no more than ``count`` of them. ``prefixes=False`` counts the words as whole words
    only (a lower bound, and a cheap one: a prefix query merges the hit lists of every word it
    begins first)."""
    if not words:
        return False
    if not phrase:  # whole words first (see matching_case_ids)
        whole = " ".join(f'"{word}"' for word in words)
        if counted_hits(rows, whole, count + 1) > count:
            return True
        if not prefixes:
            return False
    return counted_hits(rows, fts_query(words, phrase), count + 1) > count


def matching_case_ids(rows: Rows, words: Sequence[str], phrase: bool, cap: int) -> list[int] | None:
    """The cases whose own text or timeline (public or not) holds the words, when the index
    finds at most ``cap`` texts that do; None for more. A cheap question however common the
    words are: the index stops after ``cap``."""
    if not words:
        return []
    if not phrase and all(len(word) < 2 for word in words):
        return None  # one letter as a prefix: common in any language, and slow to count
    # The words as whole words first: a prefix query merges the hit lists of every word it
    # begins (270 ms for "the" at a million cases) before its first row, a whole word reads
    # only as far as the LIMIT; and more than ``cap`` whole-word hits means more than ``cap``
    # prefix hits.
    if not phrase and hits_exceed(rows, words, phrase, cap, prefixes=False):
        return None
    hits = rows(FIRST_HITS, [fts_query(words, phrase), cap + 1])
    if len(hits) > cap:
        return None
    found = {-int(rowid) for (rowid,) in hits if rowid < 0}
    event_ids = [int(rowid) for (rowid,) in hits if rowid > 0]
    for start in range(0, len(event_ids), 500):  # within any SQLite's parameter limit
        chunk = event_ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        found.update(
            int(case_id)
            for (case_id,) in rows(f"SELECT case_id FROM case_event WHERE id IN ({marks})", chunk)
        )
    return sorted(found)


def rare_text_cases(
    node: Node | None,
    matching: Callable[[Sequence[str], bool, int], list[int] | None],
    is_client_code: Callable[[str], bool],
    named_case: Callable[[str], list[int]],
) -> list[int] | None:
    """The cases every match is among, when the query ANDs in a rare word or phrase.

    Walking the open cases in urgency order and testing each against the index's hits costs
    a pass over every open case when few or none match (1.3 s at 100,000 open for a word in no
    case); reading the few cases that hold the word costs what they are. None when no such
    term bounds the query (a common word, one under OR or NOT, a word that is a client code:
    it finds that client's cases too).

    ``matching``: :func:`matching_case_ids` (or PostgreSQL's); ``is_client_code``: whether a
    client has that code; ``named_case``: the case with that reference (a list of one or
    none): a word also finds the case it names."""
    items = node.items if isinstance(node, And) else (node,)
    for item in items:
        if not isinstance(item, TextTerm):
            continue
        found = matching(item.words, item.phrase, RARE_HITS)
        if found is None:
            continue
        if not item.phrase:  # a word also finds the case it names and its client's cases
            code = item.text.upper()
            if is_client_code(code):
                continue
            found += named_case(code)
        return found
    return None


#: The name of the contentless twin of ``case_text`` a :data:`Probe` matches a few texts in.
PROBE_NAME = "case_text_probe"


def probe_declaration(rows: Rows, table: str) -> str:
    """The statement that creates ``table`` declared as ``case_text`` is (so its tokenizer
    cannot drift from the index's), but contentless: it holds only the index, a row is known
    by its rowid, and emptying it is one command."""
    (declared,) = rows(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'case_text'", ()
    )[0]
    columns = declared[declared.index(" USING ") : declared.rindex(")")]
    return f"CREATE VIRTUAL TABLE {table}{columns}, content='')"


def probed(
    rows: Rows,
    insert: Callable[[str, list[tuple[int, str]]], object],
    table: str,
    texts: Sequence[str],
    fts: str,
) -> list[int]:
    """A :data:`Probe`'s work on its ``table`` (declared by :func:`probe_declaration`, named
    :data:`PROBE_NAME`, in whichever database): the texts in, each at its position as its
    rowid (``insert(sql, rows)``: the statement for each row), the rowids the FTS5 query
    matches out, the table emptied."""
    insert(f"INSERT INTO {table} (rowid, body) VALUES (?, ?)", list(enumerate(texts)))
    found = rows(f"SELECT rowid FROM {table} WHERE {PROBE_NAME} MATCH ?", [fts])
    rows(f"INSERT INTO {table} ({PROBE_NAME}) VALUES ('delete-all')", [])
    return [int(row) for (row,) in found]


def holding(
    rows: Rows,
    probe: Probe,
    case_ids: Sequence[int],
    words: Sequence[str],
    phrase: bool,
    public_only: bool = False,
) -> set[int]:
    """Which of ``case_ids`` hold the words (as prefixes) or the phrase in their own text or a
    timeline event (the public ones only, with ``public_only``): their texts are copied into
    the ``probe``'s table and matched there, the same tokenizer and the same query over a few
    hundred texts."""
    listed = ", ".join(str(int(case_id)) for case_id in case_ids)  # integers only, not bound
    public = " AND e.public" if public_only else ""
    texts = rows(
        "SELECT case_id, body FROM case_text WHERE rowid IN "
        f"({', '.join(str(-int(case_id)) for case_id in case_ids)}) "
        f"UNION ALL SELECT e.case_id, e.body FROM case_event e WHERE e.case_id IN ({listed})"
        + public,
        (),
    )
    matched = probe([body for _, body in texts], fts_query(words, phrase))
    return {int(texts[int(row)][0]) for row in matched}
