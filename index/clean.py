"""Turn raw article copies (plain text, Markdown, HTML) into clean paragraph text.

The output is the text every sentence offset points into: one paragraph per line,
paragraphs separated by a blank line, single spaces, no site furniture.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from bs4 import BeautifulSoup, Comment, NavigableString
from pydantic import BaseModel, ConfigDict

from index.dates import parse_date

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
_ESCAPED_QUOTE = re.compile(r"\\+([\"'\u2018\u2019\u201c\u201d])")
_SPACES = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200e\u200f\u2060\ufeff]")


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

_DROP_TAGS = (
    "script", "style", "noscript", "template", "head", "nav", "footer", "header", "aside",
    "form", "iframe", "svg", "button", "select", "dialog",
)
_BLOCK_TAGS = (
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
    "dl", "dt", "dd", "blockquote", "pre", "figure", "figcaption", "table", "tr", "td", "th",
    "caption", "address", "hr", "time",
)


def _meta(soup: BeautifulSoup, *keys: str) -> str | None:
    """Content of the first ``<meta property|name|itemprop=key>`` present, else None."""
    for key in keys:
        for attr in ("property", "name", "itemprop"):
            tag = soup.find("meta", attrs={attr: key})
            if tag is not None and str(tag.get("content") or "").strip():
                return " ".join(str(tag["content"]).split())
    return None


def _tag_text(soup: BeautifulSoup, name: str) -> str | None:
    tag = soup.find(name)
    text = " ".join(tag.get_text(" ").split()) if tag is not None else ""
    return text or None


def html_to_text(html: str) -> Extracted:
    """Extract the article text and metadata of an HTML page.

    Scripts, styles and page furniture (nav, header, footer, aside, forms) are
    dropped; the text of ``<article>`` (else ``<main>``, else ``<body>``) is kept with
    one paragraph per block element. The headline is the first ``<h1>``, else
    ``og:title``, else ``<title>``; it becomes the first paragraph when the body
    does not already hold it.

    Args:
        html: The page source.

    Returns:
        The cleaned text with title, date (``article:published_time`` and kin),
        publisher (``og:site_name``) and url (``og:url`` or the canonical link).
    """
    soup = BeautifulSoup(html, "lxml")
    title = _tag_text(soup, "h1") or _meta(soup, "og:title") or _tag_text(soup, "title")
    published = _meta(soup, "article:published_time", "datePublished", "date", "pubdate", "publish-date")
    if published is None and (tag := soup.find("time", attrs={"datetime": True})) is not None:
        published = str(tag["datetime"])
    url = _meta(soup, "og:url")
    if url is None and (link := soup.find("link", rel="canonical", href=True)) is not None:
        url = str(link["href"])
    publisher = _meta(soup, "og:site_name")

    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    # Source line breaks inside a <p> are not paragraph breaks: flatten them first.
    for string in root.find_all(string=True):
        if string.find_parent("pre") is None:
            string.replace_with(NavigableString(re.sub(r"\s+", " ", str(string))))
    for br in root.find_all("br"):
        br.replace_with("\n")
    for tag in root.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    text = clean_text(root.get_text())
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
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_RULE = re.compile(r"^ {0,3}(?:[-*_=][ \t]*){3,}$")
_REF_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S+.*$")
_MD_INLINE = (
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),          # links and images -> their text
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),            # reference links
    (re.compile(r"`([^`]+)`"), r"\1"),                          # inline code
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),      # strong
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),  # emphasis
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"^ {0,3}>[ \t]?"), ""),                        # block quotes
    (re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+"), ""),    # list markers
)


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
    """Strip simple Markdown syntax and read the headline and front matter.

    Handles YAML-style front matter (``title``, ``date``, ``url``, ``publisher``),
    ``#`` headings, rules, links, images, emphasis, inline code, quotes and list
    markers. The first level-1 heading (else the front-matter title) is the title.

    Args:
        text: The Markdown source.

    Returns:
        The cleaned text and the metadata found.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fields, text = _front_matter(text)
    title = None
    lines = []
    for line in text.split("\n"):
        if _RULE.match(line) or _REF_DEFINITION.match(line):
            continue
        heading = _HEADING.match(line)
        if heading:
            line = heading[2]
        for pattern, repl in _MD_INLINE:
            line = pattern.sub(repl, line)
        if heading and heading[1] == "#" and title is None:
            title = clean_text(line) or None
        lines.append(line)
    date = parse_date(fields["date"]) if "date" in fields else None
    return Extracted(
        text=clean_text("\n".join(lines)), title=title or fields.get("title"), date=date,
        publisher=fields.get("publisher"), url=fields.get("url"),
    )
