"""Turn raw article copies (plain text, Markdown, HTML) into clean paragraph text.

The output is the text every sentence offset points into: one paragraph per line,
paragraphs separated by a blank line, single spaces, no site furniture.
"""

from __future__ import annotations

import logging
import re
import unicodedata

import lxml.etree
import lxml.html
from markdown_it import MarkdownIt
from pydantic import BaseModel, ConfigDict

from index.errors import IngestError
from index.ingest.dates import parse_date

__all__ = ["BOILERPLATE_LINES", "Extracted", "clean_text", "html_to_text", "markdown_to_text"]

LOG = logging.getLogger(__name__)

BOILERPLATE_LINES: tuple[str, ...] = (
    # Navigation and widgets that scrapers copy along with the article.
    r"scroll to top", r"back to top", r"skip to (?:main )?content", r"go to top",
    r"most (?:popular|read|viewed)", r"trending(?: now)?", r"related (?:articles|stories|posts|news)",
    r"you may also like", r"read more", r"see also", r"recommended(?: stories)?",
    # Blog comment and pager furniture.
    r"post a comment", r"leave a (?:comment|reply)", r"\d+ comments?", r"no comments?", r"comments",
    r"previous post", r"next post", r"previous post next post", r"(?:older|newer) posts?",
    # Share buttons, ads, newsletters, copyright footers.
    r"share(?: this(?: article| story| post)?)?", r"share on (?:facebook|twitter|x|linkedin|whatsapp)",
    r"facebook", r"twitter", r"whatsapp", r"linkedin", r"email", r"print",
    r"advertisement", r"sponsored(?: content)?", r"subscribe(?: now)?",
    r"sign up for (?:our|the) newsletter",
    r".{0,80}all rights reserved",
)
"""Whole lines (case-insensitive, ignoring trailing ``:.!|>»`` and spaces) that are dropped.

Only site furniture is listed. Attribution lines such as ``Source: Yonhap News Agency``
or ``(Pyongyang Times - April 24, 2020)`` are kept: they carry the publisher and date.
"""

_BOILERPLATE = re.compile(rf"^(?:{'|'.join(BOILERPLATE_LINES)})[\s:.!|>»]*$", re.IGNORECASE)
# Copies scraped from JSON or PHP keep a backslash before quotes: North Korea\’s.
_ESCAPED_QUOTE = re.compile(r"(?<!\\)\\+([\"'\u2018\u2019\u201c\u201d])")  # starts a run only once: linear
_SPACES = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200e\u200f\u2060\ufeff]")
_WHITESPACE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Normalise a raw article copy into paragraph text.

    Unicode is NFC-normalised, line breaks become ``\\n``, escaped quotes lose their
    backslash, runs of spaces collapse, boilerplate lines (``BOILERPLATE_LINES``) are
    dropped, and the remaining non-empty lines are joined by blank lines.

    Args:
        text: The raw text.

    Returns:
        The cleaned text, "" when nothing but whitespace and boilerplate was there.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _INVISIBLE.sub("", text)
    text = _ESCAPED_QUOTE.sub(r"\1", text)
    paragraphs = []
    for line in text.split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if not line:
            continue
        if _BOILERPLATE.match(line):
            LOG.debug("dropped boilerplate line %r", line)
            continue
        paragraphs.append(line)
    return "\n\n".join(paragraphs)


class Extracted(BaseModel):
    """Clean text plus whatever metadata the file itself declared."""

    model_config = ConfigDict(extra="forbid")

    text: str
    title: str | None = None
    date: str | None = None
    publisher: str | None = None
    url: str | None = None


# ---------------------------------------------------------------- HTML

_DROP_TAGS = frozenset((
    "script", "style", "noscript", "template", "head", "nav", "footer", "header", "aside",
    "form", "iframe", "svg", "button", "select", "dialog",
))
_BLOCK_TAGS = frozenset((
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
    "dl", "dt", "dd", "blockquote", "pre", "figure", "figcaption", "table", "tr", "td", "th",
    "caption", "address", "hr", "time",
))


MAX_HTML_DEPTH = 255
"""Deepest element nesting an HTML file may have (lxml's limit); real pages stay far below."""


def _parse_html(html: str) -> lxml.etree._Element | None:
    """The page as an lxml tree (comments and processing instructions dropped), None when empty.

    Raises:
        IngestError: The page nests elements deeper than ``MAX_HTML_DEPTH``: lxml would
            silently drop everything after that point.
    """
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    root = lxml.etree.fromstring(html.encode("utf-8"), parser)
    if any("Excessive depth" in error.message for error in parser.error_log):
        raise IngestError(f"the page nests elements deeper than {MAX_HTML_DEPTH} levels; "
                          "Crosscheck reads ordinary article pages only")
    return root


def _flat(text: str | None) -> str:
    return _WHITESPACE.sub(" ", text) if text else ""


def _text_of(element: lxml.etree._Element | None) -> str | None:
    text = " ".join(element.text_content().split()) if element is not None else ""
    return text or None


def _metadata(root: lxml.etree._Element) -> dict[str, str]:
    """``{(attribute, key): content}`` of the first ``<meta>`` per name, plus time and canonical link."""
    found: dict[str, str] = {}
    for tag in root.iter("meta", "time", "link"):
        if tag.tag == "meta":
            content = " ".join(str(tag.get("content") or "").split())
            for attr in ("property", "name", "itemprop"):
                if content and tag.get(attr):
                    found.setdefault(f"{attr}={tag.get(attr)}", content)
        elif tag.tag == "time" and tag.get("datetime") is not None:
            found.setdefault("time", str(tag.get("datetime")))
        elif tag.tag == "link" and "canonical" in str(tag.get("rel") or "").lower().split() and tag.get("href"):
            found.setdefault("canonical", str(tag.get("href")))
    return found


def _meta(found: dict[str, str], *keys: str) -> str | None:
    """Content of the first ``<meta property|name|itemprop=key>`` present, else None."""
    for key in keys:
        for attr in ("property", "name", "itemprop"):
            if f"{attr}={key}" in found:
                return found[f"{attr}={key}"]
    return None


def _body_text(root: lxml.etree._Element) -> str:
    """Text of an element, one line per block element, in one pass (no recursion)."""
    pieces: list[str] = []
    in_pre = 0
    walk = lxml.etree.iterwalk(root, events=("start", "end"))
    for event, element in walk:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _DROP_TAGS:
                walk.skip_subtree()
                continue
            in_pre += tag == "pre"
            if tag in _BLOCK_TAGS or tag == "br":
                pieces.append("\n")
            pieces.append(element.text or "" if in_pre else _flat(element.text))
        else:
            if tag not in _DROP_TAGS:
                in_pre -= tag == "pre"
                if tag in _BLOCK_TAGS:
                    pieces.append("\n")
            if element is not root:
                pieces.append(element.tail or "" if in_pre else _flat(element.tail))
    return "".join(pieces)


def html_to_text(html: str) -> Extracted:
    """Extract the article text and metadata of an HTML page.

    Scripts, styles and page furniture (nav, header, footer, aside, forms) are
    dropped; the text of ``<article>`` (else ``<main>``, else ``<body>``) is kept with
    one paragraph per block element. The headline is the first ``<h1>``, else
    ``og:title``, else ``<title>``; it becomes the first paragraph when the body
    does not already hold it. Parsing (lxml) and extraction take time linear in the page.

    Args:
        html: The page source.

    Returns:
        The cleaned text with title, date (``article:published_time`` and kin),
        publisher (``og:site_name``) and url (``og:url`` or the canonical link).

    Raises:
        IngestError: The page nests elements deeper than ``MAX_HTML_DEPTH``.
    """
    root = _parse_html(html)
    if root is None:
        return Extracted(text="")
    found = _metadata(root)
    title = _text_of(next(root.iter("h1"), None)) or _meta(found, "og:title") or _text_of(next(root.iter("title"), None))
    published = _meta(found, "article:published_time", "datePublished", "date", "pubdate", "publish-date")
    published = published or found.get("time")
    url = _meta(found, "og:url") or found.get("canonical")
    publisher = _meta(found, "og:site_name")
    body = next(root.iter("article"), None) or next(root.iter("main"), None) or next(root.iter("body"), None)
    text = clean_text(_body_text(body if body is not None else root))
    if title and title not in text.split("\n"):
        text = f"{title}\n\n{text}" if text else title
    return Extracted(
        text=text, title=title, date=parse_date(published) if published else None,
        publisher=publisher, url=url,
    )


# ---------------------------------------------------------------- Markdown

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_KEYS = {
    "title": "title", "date": "date", "published": "date", "url": "url", "link": "url",
    "publisher": "publisher", "source": "publisher", "site": "publisher",
}
_MARKDOWN = MarkdownIt("commonmark", {"maxNesting": 20})
_TAG = re.compile(r"<[^<>]*>")
# Inline tokens whose text is kept; the rest (emphasis and link markers, inline HTML) is dropped.
_INLINE_TEXT = {"text": "content", "code_inline": "content", "image": "content"}


def _inline_text(token) -> str:
    parts = []
    for child in token.children or ():
        if child.type in _INLINE_TEXT:
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" " if child.type == "softbreak" else "\n")
    return "".join(parts)


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text
    fields: dict[str, str] = {}
    for line in match[1].split("\n"):
        key, sep, value = line.partition(":")
        field = _FRONT_KEYS.get(key.strip().lower())
        if sep and field and field not in fields and value.strip():
            fields[field] = value.strip().strip("'\"")
    return fields, text[match.end():]


def markdown_to_text(text: str) -> Extracted:
    """Read the text, headline and front matter of a Markdown file.

    YAML-style front matter gives ``title``, ``date``, ``url`` and ``publisher``; the
    body is parsed with markdown-it-py (CommonMark, time linear in the text): one
    paragraph per block (heading, paragraph, list item, quote, code block), link and
    image text kept, markup dropped, soft line breaks read as spaces. The first level-1
    heading (else the front-matter title) is the title.

    Args:
        text: The Markdown source.

    Returns:
        The cleaned text and the metadata found.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fields, text = _front_matter(text)
    title = None
    blocks = []
    tokens = _MARKDOWN.parse(text)
    for i, token in enumerate(tokens):
        if token.type == "inline":
            block = _inline_text(token)
            if tokens[i - 1].type == "heading_open" and tokens[i - 1].tag == "h1" and title is None:
                title = clean_text(block) or None
            blocks.append(block)
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content)
        elif token.type == "html_block":
            blocks.append(_TAG.sub(" ", token.content))
    date = parse_date(fields["date"]) if "date" in fields else None
    return Extracted(
        text=clean_text("\n".join(blocks)), title=title or fields.get("title"), date=date,
        publisher=fields.get("publisher"), url=fields.get("url"),
    )
