"""The query language's syntax: its tokens and the raw tree, read by hand.

The grammar (``wzdesk.core.query`` gives the terms their meaning)::

    query    := or_expr?
    or_expr  := and_expr ("OR" and_expr)*
    and_expr := unary+
    unary    := "-" unary | atom
    atom     := "(" or_expr ")" | TERM | PHRASE | WORD

It was a ``lark`` grammar (LALR, contextual lexer) until issue 13 measured what a query cost a
script: importing lark and building its tables took 45 ms of ``wzdesk case list --query``'s
97 ms. This reader accepts the same language, builds the same tree and names the same token
and position in every error; ``tests/core/test_query_syntax.py`` holds it to the lark grammar
on generated queries.

Two behaviours come from that lexer and are kept on purpose:

- ``OR`` is the operator only where an operator may stand (after a complete term); elsewhere
  it is a word, which the tree builder refuses ("OR needs a term on each side"), so ``OR a``
  and ``a OR OR b`` say what is wrong with them.
- A syntax error anywhere wins over a bad term before it: the whole text is read before any
  term is checked.

The tree has a bounded depth (:data:`MAX_DEPTH`): each level costs a few stack frames in every
reader of the tree (checks, SQL compilation) and a few parentheses in the SQL. ``-`` a thousand
times over once crashed the console's filter box with a ``RecursionError``, and SQLite's own
parser gave up on a query nested 55 to 60 deep ("parser stack overflow"). Parentheses around a
single term add no level; terms side by side add none either (the SQL joins them flat).
"""

from __future__ import annotations

import re

#: The deepest tree accepted: negations and groups nested in one another (about half of
#: what SQLite's parser took; no one types more than a handful).
MAX_DEPTH = 32

# A token at each position, the first alternative that matches (as the lark lexer tried them:
# by priority, OR before NEG and TERM before WORD; the others cannot start at the same
# character). ``_AFTER_TERM`` is where an operator or a ``)`` may stand.
_ATOMS = (
    r'|(?P<NEG>-(?=[^\s)]))|(?P<TERM>[A-Za-z][A-Za-z_-]*:("[^"]*"|[^\s()"]*))'
    r'|(?P<PHRASE>"[^"]*")|(?P<WORD>[^\s()"-][^\s()"]*)|(?P<LPAR>\()'
)
_AFTER_TERM = re.compile(r"(?P<OR>OR(?=[\s()]|$))" + _ATOMS + r"|(?P<RPAR>\))")
_BEFORE_TERM = re.compile(_ATOMS[1:])
_SPACE = re.compile(r"\s+")


class Token:
    """A word of the query: ``kind`` is TERM, PHRASE or WORD for a leaf of the tree."""

    __slots__ = ("kind", "text", "start")
    depth: int = 0  # a leaf

    def __init__(self, kind: str, text: str, start: int) -> None:
        self.kind = kind
        self.text = text
        self.start = start

    def __repr__(self) -> str:
        return f"Token({self.kind}, {self.text!r}, {self.start})"


class Neg:
    """``-`` and what it negates (``depth``: levels of the tree from here down)."""

    __slots__ = ("token", "operand", "depth")

    def __init__(self, token: Token, operand: Raw) -> None:
        self.token = token
        self.operand = operand
        self.depth: int = 1 + operand.depth


class Branches:
    """Two or more items joined: ``kind`` is ``and`` (side by side) or ``or``."""

    __slots__ = ("kind", "items", "depth")

    def __init__(self, kind: str, items: list[Raw]) -> None:
        self.kind = kind
        self.items = items
        self.depth: int = 1 + max(item.depth for item in items)


Raw = Token | Neg | Branches


class SyntaxFault(Exception):
    """The text does not follow the grammar: at ``position``, or (``position`` None) it ends
    before an expression or a group is complete. ``token``: a ``)`` with nothing to close or
    nothing before it, or (``deep``) the token that nests too deep."""

    def __init__(
        self, position: int | None, token: Token | None = None, deep: bool = False
    ) -> None:
        super().__init__(position)
        self.position = position
        self.token = token
        self.deep = deep


class _Group:
    """A parenthesis being read (or the whole query): its OR branches so far, the terms of the
    current branch, and the ``-`` signs waiting for the next term."""

    __slots__ = ("opened", "branches", "terms", "signs")

    def __init__(self, opened: Token | None) -> None:
        self.opened = opened
        self.branches: list[list[Raw]] = []
        self.terms: list[Raw] = []
        self.signs: list[Token] = []


def read(text: str) -> Raw | None:
    """The raw tree of ``text`` (None for an empty query); raises :class:`SyntaxFault`.

    Iterative (a stack of open groups), so that deep parentheses cost no recursion."""
    groups = [_Group(None)]
    expecting = True  # a term must come next (start, after ``(``, ``-`` or ``OR``)
    position = 0
    size = len(text)
    while True:
        space = _SPACE.match(text, position)
        if space:
            position = space.end()
        group = groups[-1]
        if position >= size:
            started = group.branches or group.terms or group.signs
            if len(groups) > 1 or (expecting and started):
                raise SyntaxFault(None)
            break
        match = (_BEFORE_TERM if expecting else _AFTER_TERM).match(text, position)
        if match is None:
            if text[position] == ")":
                raise SyntaxFault(position, Token("RPAR", ")", position))
            raise SyntaxFault(position)
        kind = match.lastgroup or ""
        token = Token(kind, match.group(), position)
        position = match.end()
        if kind == "NEG":
            group.signs.append(token)
            expecting = True
        elif kind == "LPAR":
            groups.append(_Group(token))
            expecting = True
        elif kind == "OR":
            group.branches.append(group.terms)
            group.terms = []
            expecting = True
        elif kind == "RPAR":
            if len(groups) == 1:
                raise SyntaxFault(token.start, token)
            groups.pop()
            _complete(groups[-1], _closed(group))
            expecting = False
        else:
            _complete(group, token)
            expecting = False
    top = groups[0]
    return _closed(top) if top.terms else None


def _complete(group: _Group, item: Raw) -> None:
    """A term (or a closed group) is read: wrap it in the signs waiting for it."""
    while group.signs:
        sign = group.signs.pop()
        item = _checked(Neg(sign, item), sign)
    group.terms.append(item)


def _closed(group: _Group) -> Raw:
    """What a group reads as: a lone term is itself; several side by side are an ``and``;
    several branches an ``or`` (as the grammar's ``?`` rules inline a single child)."""
    opened = group.opened
    branches: list[Raw] = []
    for terms in [*group.branches, group.terms]:
        if len(terms) == 1:
            branches.append(terms[0])
        else:
            branches.append(_checked(Branches("and", terms), opened))
    if len(branches) == 1:
        return branches[0]
    return _checked(Branches("or", branches), opened)


def _checked(node: Raw, token: Token | None) -> Raw:
    """``node``, once its depth is within the limit (the whole query's own AND and OR,
    ``token`` None, add at most two levels and are not counted against it)."""
    if token is not None and node.depth > MAX_DEPTH:
        raise SyntaxFault(token.start, token, deep=True)
    return node
