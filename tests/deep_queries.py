"""The deepest queries the parser accepts, of the shapes that nest SQL most: for the tests that
run them through every face (API, portal, ``case list``)."""

from __future__ import annotations

from wzdesk.core.query import QueryError, check_query
from wzdesk.core.query_syntax import MAX_DEPTH


def _nested(opening: str, core: str, levels: int) -> str:
    return opening * levels + core + ")" * (opening.count("(") * levels)


def deepest_queries(word: str = "printer") -> list[str]:
    """Groups within groups (words ANDed, AND and OR in turn, NOT and AND in turn), each as
    deep as the parser accepts: one more level is refused (checked here)."""
    shapes = [
        (f"({word} ", MAX_DEPTH),
        (f"({word} OR ({word} ", MAX_DEPTH // 2),
        (f"-({word} ", MAX_DEPTH // 2),
    ]
    queries = []
    for opening, levels in shapes:
        text = _nested(opening, word, levels)
        assert not isinstance(check_query(text), QueryError), text
        deeper = _nested(opening, word, levels + 1)
        assert isinstance(check_query(deeper), QueryError), deeper
        queries.append(text)
    return queries
