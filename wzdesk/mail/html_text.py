"""HTML mail rendered as plain text for the timeline (stdlib ``html.parser``; no new dependency).

Good enough for what clients send: paragraphs and line breaks kept, lists as ``- item``, links as
``text <url>``, scripts, styles and the head dropped, entities decoded, whitespace collapsed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset(
    "p div section article header footer main nav aside h1 h2 h3 h4 h5 h6 table tr ul ol dl "
    "blockquote pre hr form address figure figcaption fieldset center".split()
)
_HIDDEN = frozenset({"script", "style", "head", "title", "noscript", "template"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_TAG = re.compile(r"<[^>]*>")


class _Renderer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.hidden = 0
        self.pre = 0
        self.links: list[tuple[str | None, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.hidden = 0  # an unclosed <head> must not hide the message
        if tag in _HIDDEN:
            self.hidden += 1
            return
        if tag == "br":
            self.pieces.append("\n")
        elif tag == "li":
            self.pieces.append("\n- ")
        elif tag in ("td", "th"):
            self.pieces.append("  ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt and not self.hidden:
                self.pieces.append(f"[{alt}]")
        elif tag == "a":
            self.links.append((dict(attrs).get("href"), len(self.pieces)))
        elif tag in _BLOCKS:
            self.pieces.append("\n\n")
        if tag == "pre":
            self.pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
            return
        if tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.pieces[start:]).strip()
            if href and href.startswith(("http:", "https:", "mailto:")) and href != label:
                target = href.removeprefix("mailto:")
                if target != label:
                    self.pieces.append(f" <{href}>")
        elif tag in _BLOCKS:
            self.pieces.append("\n")
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.pre:
            self.pieces.append(data.replace("\n", "\x00"))  # kept verbatim through tidying
        else:
            self.pieces.append(_SPACES.sub(" ", data.replace("\n", " ")))


def html_to_text(html: str) -> str:
    """The readable text of an HTML document or fragment. Never raises."""
    renderer = _Renderer()
    try:
        renderer.feed(html)
        renderer.close()
        text = "".join(renderer.pieces)
    except Exception:  # a parser bug on hostile input: fall back to dropping the tags
        from html import unescape

        text = unescape(_TAG.sub(" ", html))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines).replace("\x00", "\n")
    return _BLANK_LINES.sub("\n\n", text).strip()
