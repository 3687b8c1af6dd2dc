"""The plans for a query's common words, written once for both search paths (issue 13).

A word in more than ``fts_sql.RARE_HITS`` texts is common: listing its every hit costs more
than a page needs. The search engine (:func:`wzdesk.services.search.search_ids`) then walks the
open cases in urgency order and asks only those whether they hold the words
(:func:`urgent_with_text`), and, where two or more words seldom meet, reads the cases that hold
them all (:func:`cases_with_every_word`). The quick read-only path of ``case list``
(:mod:`wzdesk.services.quick_case_reads`) takes the same steps over its own connection. Both
give these functions their reads as callables (the walk, the texts asked, the counts), as
:func:`fts_sql.rare_text_cases` and :func:`done_order.first_found` are given theirs, so that the
pricing, the rounds and the stop rules are the same arithmetic on both paths. Peewee-free.

:class:`WordsFirst` is the order in which ``search_ids``' ``first`` tries them, with what it
remembers between two windows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from wzdesk.core.query import And, Node, TextTerm

#: A common word is looked for among the first open cases in urgency order: at first this
#: many (or twice the page), then as many as the share found so far says a page needs...
WALK_FIRST = 200
#: ...but no more than this: a word scarcer than that among the first cases is found through
#: the index's hits (``fulltext.matches``).
WALK_MOST = 5000
#: A case walked costs about what this many of the index's hits cost the plain plan (read,
#: mapped to their cases, sorted): measured with ``benchmarks/bench_text.py``.
HITS_PER_CASE = 10

#: Cases meeting every word of a query at most: above, :func:`cases_with_every_word` gives up.
MET_MOST = 5000
#: A word in more texts than this is not read whole ("the": every case); the cases the other
#: words left are asked about it instead (``fulltext.holding``).
MET_READ_MOST = 200_000

#: ``first(count)``: the first ``count`` cases of a walk in urgency order (all, when fewer).
First = Callable[[int], list[int]]
#: ``exceeds(term, count, prefixes)``: whether more than ``count`` texts hold the term
#: (``fulltext.hits_exceed``).
Exceeds = Callable[[TextTerm, int, bool], bool]


def top_words(node: Node | None) -> list[TextTerm]:
    """The words and phrases every match holds: the text terms the query ANDs in."""
    items = node.items if isinstance(node, And) else (node,)
    return [item for item in items if isinstance(item, TextTerm)]


def urgent_with_text(
    words: Sequence[TextTerm],
    limit: int,
    first_open: First,
    held: Callable[[list[int]], set[int]],
    first_done: First,
    exceeds: Exceeds,
    texts: Callable[[], int],
) -> list[int] | None:
    """The ``limit`` most urgent matches of a query that ANDs in the common ``words`` (or
    more: all the matches among the cases walked), found without listing every text that
    holds them (83,000 for "vacation" at a million cases).

    ``first_open(count)``: the first ``count`` open cases that meet the rest of the query, in
    urgency order; ``held(ids)``: which of those cases hold every word (a word also finds the
    case it names and its client's cases), at the cost of their texts; ``first_done(count)``:
    the first ``count`` done matches of the whole query; ``texts()``: about how many texts
    the index holds (``fulltext.texts_estimate``).

    The first ``limit`` walked cases that hold the words are the answer, since the walk's
    order is the query's. The cost follows the page divided by the words' share of the cases:
    about 1,500 cases for a page of 50 of "vacation" (in 4% of them). After the first round
    the walk knows roughly how many cases a page needs, and goes on only if the index holds
    many more hits than that (:data:`HITS_PER_CASE`): listing a few thousand hits is cheaper
    than walking a few hundred cases.

    When every open case the rest of the query allows has been walked (a narrow filter:
    "vacation assignee:me"), the done cases follow; before, finding that out walked every
    open case twice.

    None, and the caller takes the plain plan, when the hit list is the cheaper plan, when the
    words are too scarce among the first cases (past :data:`WALK_MOST`), or when there are no
    words."""
    if not words:
        return None
    # Before walking at all: for a word in a share s of the texts, a page needs about limit/s
    # cases, against hits = s × texts for the hit list; so the walk pays only past
    # sqrt(HITS_PER_CASE × limit × texts) hits (48,000 for 50 rows of a million cases).
    priced = math.isqrt(HITS_PER_CASE * limit * texts())
    if not any(exceeds(term, priced, False) for term in words):
        return None
    wanted = max(WALK_FIRST, 2 * limit)
    walked: list[int] = []
    found: list[int] = []
    while True:
        first = first_open(wanted)
        if first[: len(walked)] != walked:
            return None  # the order moved between two reads
        fresh = first[len(walked) :]
        holding = held(fresh) if fresh else set()
        found += [case_id for case_id in fresh if case_id in holding]
        walked = first
        if len(found) >= limit:
            return found  # all the walked cases' matches: a longer prefix costs nothing more
        if len(walked) < wanted:  # every open case the rest allows was walked: the done
            return found + first_done(limit - len(found))  # ones follow
        # The cases a page needs at the share found so far (a quarter more, for luck).
        needed = len(walked) * limit * 5 // (4 * len(found)) if found else WALK_MOST + 1
        if needed > WALK_MOST or len(walked) >= WALK_MOST:
            return None
        if HITS_PER_CASE * needed > priced:  # the share found says the walk is longer
            priced = HITS_PER_CASE * needed
            if not any(exceeds(term, priced, True) for term in words):
                return None  # the hit list is cheaper: not much longer than the walk
        wanted = min(WALK_MOST, max(needed, 2 * len(walked)))


def cases_with_every_word(
    node: Node | None,
    is_client_code: Callable[[str], bool],
    exceeds: Exceeds,
    cases_of: Callable[[TextTerm], set[int]],
    holding: Callable[[list[int], TextTerm], set[int]],
) -> list[int] | None:
    """The cases that hold every word or phrase the query ANDs in, when there are two or more
    and few cases hold them all; None otherwise.

    ``cases_of(term)``: every case that holds the term or is the case a word names (the
    index's every hit, read); ``holding(ids, term)``: which of those cases do, at the cost of
    their texts; ``is_client_code``: whether a client has that code.

    For common words that seldom meet ("vacation payroll": 41,000 cases each, none with
    both), the walk finds too few among the first open cases and gives up; the plan after it
    tested every open case against both words' hit lists, then every done case again: 1.4 s
    at a million cases on SQLite, 2.8 s on PostgreSQL. Reading each word's cases once and
    intersecting them costs their hits once, and what follows costs the few cases left. A
    word too common to read whole is asked of those few cases only."""
    terms = top_words(node)
    if len(terms) < 2:
        return None
    for term in terms:  # a word that is a client code finds that client's every case
        if not term.phrase and is_client_code(term.text.upper()):
            return None
    readable = [term for term in terms if not exceeds(term, MET_READ_MOST, True)]
    if not readable:
        return None
    met: set[int] | None = None
    for term in readable:
        found = cases_of(term)
        met = found if met is None else met & found
        if not met:
            return []
    assert met is not None
    if len(met) > MET_MOST:
        return None
    for term in terms:
        if term not in readable and met:
            met = holding(sorted(met), term) & met
    return sorted(met)


class WordsFirst:
    """What ``search_ids``' ``first`` tries first for a query with free text, once per query:
    the walk (:func:`urgent_with_text`), and when it gives up, the cases with every word
    (:func:`cases_with_every_word`), which every later window is then sorted from.

    ``walk(count)`` and ``every_word()`` are those two, with their reads; ``among(met,
    count)``: the first ``count`` matches among the cases ``met``, sorted by SQL."""

    def __init__(
        self,
        walk: Callable[[int], list[int] | None],
        every_word: Callable[[], list[int] | None],
        among: Callable[[list[int], int | None], list[int]],
    ) -> None:
        self._walk = walk
        self._every_word = every_word
        self._among = among
        self._asked = False  # whether the walk gave up and the cases with every word were read
        self._met: list[int] | None = None  # those cases, when few

    def first(self, count: int | None, walks: bool) -> list[int] | None:
        """At least the first ``count`` matches, or None when neither plan answers (the
        caller's own plans follow); ``walks``: the count is one the walk may be asked."""
        if walks and count is not None and not self._asked:
            walked = self._walk(count)
            if walked is not None:
                return walked
            self._asked, self._met = True, self._every_word()
        if self._met is not None:  # few cases hold every word: the plain plan over those
            return self._among(self._met, count)
        return None
