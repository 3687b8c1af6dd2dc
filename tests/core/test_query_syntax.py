"""The hand-written query reader against the lark grammar it replaced (issue 13: importing lark
and building its tables cost a script 45 ms). On generated texts, both give the same query or
the same error: reason, token and position. The reference is the grammar and the tree-building
callbacks as they stood (``wzdesk.core.query`` until 2026-12-06); only the reading of the
text differs, so these tests hold the reader, not the meaning of terms (``test_query.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Lark, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError

from wzdesk.core import query
from wzdesk.core.query import MAX_QUERY, Query, QueryError, TextTerm, check_query, describe
from wzdesk.core.query_syntax import MAX_DEPTH

GRAMMAR = r"""
start: or_expr?
?or_expr: and_expr (_OR and_expr)*
?and_expr: unary+
?unary: NEG unary -> neg
      | atom
?atom: "(" or_expr ")"
     | TERM -> term
     | PHRASE -> phrase
     | WORD -> word
_OR.3: /OR(?=[\s()]|$)/
NEG.2: /-(?=[^\s)])/
TERM.2: /[A-Za-z][A-Za-z_-]*:("[^"]*"|[^\s()"]*)/
PHRASE: /"[^"]*"/
WORD: /[^\s()"-][^\s()"]*/
%ignore /\s+/
"""

PARSER = Lark(GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=False)


class Build(Transformer):  # type: ignore[type-arg]
    """The callbacks the lark parser's tree went through."""

    def start(self, c: list[Any]) -> Any:
        return c[0] if c else None

    def term(self, c: list[Any]) -> Any:
        return query._term(str(c[0]), c[0].start_pos or 0)

    def word(self, c: list[Any]) -> Any:
        return query._on_word(str(c[0]), c[0].start_pos or 0)

    def phrase(self, c: list[Any]) -> Any:
        text = str(c[0])
        return query._text(TextTerm(text[1:-1], phrase=True), text, c[0].start_pos or 0)

    def neg(self, c: list[Any]) -> Any:
        return query._on_neg(c[1])

    def and_expr(self, c: list[Any]) -> Any:
        return query._and(c)

    def or_expr(self, c: list[Any]) -> Any:
        return query.Or(tuple(c))


def reference(text: str) -> str | tuple[str, str, int]:
    """What the lark-based parser made of ``text``: the query's normal form, or its error."""
    try:
        tree = PARSER.parse(text)
    except UnexpectedCharacters as exc:
        position = exc.pos_in_stream or 0
        return query._why(text, position), query._token_at(text, position), position
    except UnexpectedEOF:
        return _triple(query._end_error(text))
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        start = getattr(token, "start_pos", None)
        stream = exc.pos_in_stream
        if isinstance(start, int):
            where = start
        else:
            where = stream if isinstance(stream, int) else len(text)
        shown = str(token) if token is not None and str(token) else query._token_at(text, where)
        if getattr(token, "type", "") == "$END":
            return _triple(query._end_error(text))
        if shown == ")":  # the one change: lark's ")a" said "unexpected token: ')'"
            return "unmatched )", shown, where
        return query._why(text, where), shown, where
    try:
        built = Build().transform(tree)
        return describe(Query() if built is None else query._query(built))
    except VisitError as exc:
        assert isinstance(exc.orig_exc, QueryError)
        return _triple(exc.orig_exc)
    except QueryError as exc:
        return _triple(exc)


def actual(text: str) -> str | tuple[str, str, int]:
    result = check_query(text)
    return _triple(result) if isinstance(result, QueryError) else describe(result)


def _triple(error: QueryError) -> tuple[str, str, int]:
    return error.reason, error.token, error.position


# Pieces that meet at every boundary the lexer decides on: OR against a word and a paren, a
# sign before a space or a ')', a field with and without a closing quote, AND at either end.
PIECES = [
    "a", "b", "OR", "AND", "-", "(", ")", '"', " ", " ", "\t", "\n", "sev:major", "sev:",
    "sort:due", "sort:-ref", "is:all", "is:closed", "is:paused", "at-risk", "late", "tag:",
    'tag:"x y"', '"p q"', "x:y", "foo1:bar", "ORx", "OR(", "-(", "é", ":", "due:<2h",
    "sev:bogus", "--", "client:", "2026", "received:today", "-sort:due", "_", "a-b", "ORé",
]  # fmt: skip


@settings(max_examples=2500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_the_reader_agrees_with_the_grammar_on_pieces(text: str) -> None:
    assert actual(text) == reference(text)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet='aOR-()" :\tbs\n_é', max_size=24))
def test_the_reader_agrees_with_the_grammar_on_characters(text: str) -> None:
    assert actual(text) == reference(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "a OR b",
        "OR a",
        "a OR",
        "a OR OR b",
        "a -OR b",
        "(a OR b) c",
        "()",
        "a )",
        "(a",
        "((a) OR (b c)",
        '"unclosed',
        'tag:"unclosed',
        "- a",
        "a -",
        "-)",
        "-sort:due",
        "AND a",
        "a AND",
        "a AND b",
        "-(a b) OR -c d",
        "sort:due is:all (a OR b)",
        "(sort:due)",
        "is:all is:open",
    ],
)
def test_the_reader_agrees_with_the_grammar_on_known_cases(text: str) -> None:
    assert actual(text) == reference(text)


def _nested(levels: int) -> str:
    """A query ``levels`` deep: each ``-(... OR ...)`` adds a negation and an OR."""
    text = "sev:major"
    for _ in range(levels // 2):
        text = f"-({text} OR tag:vip)"
    return "-" + text if levels % 2 else text


def test_a_tree_nested_deeper_than_the_limit_is_refused_by_name() -> None:
    assert isinstance(check_query(_nested(MAX_DEPTH)), Query)
    error = check_query(_nested(MAX_DEPTH + 1))
    assert isinstance(error, QueryError)
    assert error.reason == f"nested more than {MAX_DEPTH} deep"
    assert (error.token, error.position) == ("-", 0)


def test_a_thousand_signs_are_an_error_not_a_crash() -> None:
    """Once a RecursionError out of the console's filter box (lark's transformer recursed)."""
    error = check_query("-" * (MAX_QUERY - 1) + "a")
    assert isinstance(error, QueryError)
    assert error.reason == f"nested more than {MAX_DEPTH} deep"
    # the innermost sign past the limit is named: the tree is built from the inside out
    assert error.position == MAX_QUERY - 2 - MAX_DEPTH


def test_parentheses_around_one_term_add_no_depth() -> None:
    deep = "(" * 450 + "sev:major" + ")" * 450
    result = check_query(deep)
    assert isinstance(result, Query)
    assert describe(result) == describe(query.parse_query("sev:major"))
    assert actual(deep) == reference(deep)
