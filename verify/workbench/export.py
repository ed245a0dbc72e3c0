"""Exports of checked statements: JSON, CSV, a Markdown memo, ClaimReview JSON-LD.

Pure functions from checked statements (see :mod:`verify.workbench.checked`: a report, the
review a person set, the sentence as the draft writes it and its position) to text. Each
function also takes plain reports with ``reviews`` (and ``as_written``) beside them, as before.
The review decides what a publication cites: the sources it rejected leave the memo and the
ClaimReview; the JSON and the CSV keep them, marked.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Mapping, Sequence

from verify.models import Report, SourceVerdict
from verify.scoring.independence import summary_line
from verify.workbench.checked import CheckedStatement, checked_statements
from verify.workbench.notes import Review

__all__ = [
    "CSV_COLUMNS", "RATINGS", "VERDICT_WORDS", "claim_review", "escape_markdown", "reports_csv", "reports_json",
    "reports_markdown",
]

VERDICT_WORDS = {
    "supported": "Supported",
    "contradicted": "Contradicted",
    "conflicting": "Conflicting",
    "not_enough_evidence": "Not enough evidence",
}
RATINGS = {"supported": 5, "conflicting": 3, "contradicted": 1}
"""ClaimReview ``ratingValue`` (1 worst .. 5 best) of a verdict a person set; "not enough evidence" has none."""
CSV_COLUMNS = [
    "position", "sentence", "claim", "verdict", "confidence", "reviewer_verdict", "reviewer_note", "source_id",
    "title", "publisher", "date", "url", "stance", "source_confidence", "group", "rejected_by_reviewer", "passage",
    "start", "end", "label", "p_supports", "p_contradicts", "p_neutral", "similarity", "mismatches", "reasons",
]
"""``sentence`` is the statement as written, ``claim`` what was checked (what an attributed sentence reports)."""
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$!])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SAFE_URL = re.compile(r"https?://[^\s()<>\[\]`]+")


def reports_json(reports: Sequence[Report], reviews: Mapping[str, Review] | None = None,
                 as_written: Sequence[str | None] | None = None) -> str:
    """One JSON array of checked statements: each the report ``verify check --format json`` prints, plus
    ``review``, ``sentence`` and ``position`` (null when unknown).

    Args:
        reports: The reports or checked statements.
        reviews: ``claim_key -> review`` for plain reports. Defaults to none.
        as_written: Each statement as the draft writes it. Defaults to none.

    Returns:
        JSON text that :class:`~verify.workbench.checked.CheckedStatement` validates.
    """
    statements = checked_statements(reports, reviews, as_written)
    return json.dumps([s.model_dump() for s in statements], ensure_ascii=False, indent=2)


def _cell(value: object) -> object:
    """A cell a spreadsheet shows as text: a string that starts like a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def reports_csv(reports: Sequence[Report], reviews: Mapping[str, Review] | None = None,
                as_written: Sequence[str | None] | None = None) -> str:
    """One row per statement and passage (a statement or source without passages gets one row with empty cells).

    Args:
        reports: The reports or checked statements.
        reviews: ``claim_key -> review`` (see ``NotesStore.latest_reviews``) for plain reports. Defaults to none.
        as_written: Each statement as the draft writes it. Defaults to the claims.

    Returns:
        CSV text with the header :data:`CSV_COLUMNS`.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for statement in checked_statements(reports, reviews, as_written):
        review, rejected = statement.review, statement.rejected
        head = [statement.position, statement.written, statement.claim, statement.verdict, statement.confidence,
                review.verdict if review else "", review.note if review else ""]
        sided = [s for s in statement.sources if s.stance != "none" or s.passages]
        for source in sided or [None]:
            about = [] if source is None else [
                source.source_id, source.title, source.publisher, source.date, source.url, source.stance,
                source.confidence, source.group, "yes" if source.source_id in rejected else ""]
            for passage in (source.passages if source else []) or [None]:
                cells = [] if passage is None else [
                    passage.text, passage.start, passage.end, passage.label, passage.probabilities.supports,
                    passage.probabilities.contradicts, passage.probabilities.neutral, passage.similarity,
                    "; ".join(m.detail for m in passage.mismatches), "; ".join(passage.reasons)]
                row = head + about + cells
                writer.writerow([_cell(v) for v in row + [""] * (len(CSV_COLUMNS) - len(row))])
    return out.getvalue()


def escape_markdown(text: str) -> str:
    """Text that renders literally in Markdown (markup characters escaped, line breaks made spaces)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _link(url: str | None) -> str | None:
    """``url`` when it is a plain http(s) address that cannot break out of a Markdown link; else None."""
    return url if url and _SAFE_URL.fullmatch(url) else None


def _source_name(source: SourceVerdict) -> str:
    details = ", ".join(x for x in (source.publisher, source.date) if x)
    name = f"**{escape_markdown(source.title or source.source_id)}**"
    if url := _link(source.url):
        name = f"[{name}]({url})"
    return f"{name} ({escape_markdown(details)})" if details else name


def _memo_sources(statement: CheckedStatement) -> list[str]:
    """The memo's lines for the sources of a statement: the cited ones quoted, the silent ones named."""
    lines = []
    cited = {s.source_id for s in statement.cited}
    for source in statement.sources:
        if source.source_id not in cited or not source.passages:
            continue
        copies = [m for g in statement.groups if source.source_id in g for m in g if m != source.source_id
                  and m in cited]
        same = f"; same story as {', '.join(escape_markdown(s) for s in copies)}" if copies else ""
        lines.append(f"- {_source_name(source)}: {source.stance} ({source.confidence:.0%}){same}")
        best = source.passages[0]
        lines.append(f"  > {escape_markdown(best.text)}")
        for reason in best.reasons or [f"{m.kind.replace('_', ' ')}: {m.detail}" for m in best.mismatches]:
            lines.append(f"  - {escape_markdown(reason)}")
    silent = [s for s in statement.sources if s.stance == "none" or not s.passages]
    if silent:
        lines.append(f"- Nothing relevant in: {', '.join(escape_markdown(s.title or s.source_id) for s in silent)}")
    # a report lists only the sources with a judged passage; the rest are a count
    if (others := statement.sources_without_evidence - sum(1 for s in statement.sources if not s.passages)) > 0:
        lines.append(f"- {others} other source{'s' if others > 1 else ''} had no relevant passage")
    return lines


def reports_markdown(reports: Sequence[Report], reviews: Mapping[str, Review] | None = None,
                     title: str = "Fact-check memo", when: dt.datetime | None = None,
                     as_written: Sequence[str | None] | None = None) -> str:
    """An editor-ready memo: per statement its verdict, how the sources split, and the quotes that show it.

    Corpus text is escaped, so a document holding Markdown or HTML shows as text; a source's
    title links to its URL when the index knows one. Sources the reviewer rejected are not
    quoted (the memo says how many were left out).

    Args:
        reports: The reports or checked statements.
        reviews: ``claim_key -> review`` a person set, for plain reports. Defaults to none.
        title: The memo's heading. Defaults to "Fact-check memo".
        when: Time of the memo. Defaults to now (UTC).
        as_written: Each statement as the draft writes it, when that differs from the claim
            checked (an attributed sentence is checked for what it reports). Defaults to the claims.

    Returns:
        Markdown text.
    """
    statements = checked_statements(reports, reviews, as_written)
    when = when or dt.datetime.now(dt.UTC)
    intro = (f"{len(statements)} statement{'s' if len(statements) != 1 else ''} checked by Crosscheck on "
             f"{when:%Y-%m-%d %H:%M} UTC. Automatic verdicts are drafts until a person reviews them.")
    lines = [f"# {escape_markdown(title)}", "", intro, ""]
    for n, statement in enumerate(statements, 1):
        review = statement.review
        lines += [f"## {n}. {escape_markdown(statement.written)}", ""]
        if statement.position is not None:
            lines += [f"Sentence {statement.position} of the draft.", ""]
        if statement.written != statement.claim:
            lines += [f"Checked as what it reports: {escape_markdown(statement.claim)}", ""]
        lines.append(f"**Automatic verdict:** {VERDICT_WORDS[statement.verdict]} ({statement.confidence:.0%} "
                     f"confidence); {summary_line(statement.sources, statement.groups)}.")
        if review:
            action = "accepted" if review.accepted else "set"
            lines.append(f"**Reviewer verdict:** {VERDICT_WORDS[review.verdict]} ({action} {review.reviewed_at})"
                         + (f": {escape_markdown(review.note)}" if review.note else ""))
            left_out = len(statement.rejected & {s.source_id for s in statement.sources})
            if left_out:
                lines.append(f"**Rejected by the reviewer:** {left_out} source{'s' if left_out != 1 else ''}, "
                             "not quoted here.")
        lines.append("")
        lines += _memo_sources(statement)
        lines.append("")
    return "\n".join(lines)


def _citation(source: SourceVerdict) -> dict:
    work = {"@type": "CreativeWork", "name": source.title or source.source_id, "identifier": source.source_id}
    if source.url:
        work["url"] = source.url
    if source.publisher:
        work["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.date:
        work["datePublished"] = source.date
    return work


def claim_review(reports: Sequence[Report], reviews: Mapping[str, Review] | None = None,
                 author: str = "Crosscheck user", appearance: str | None = None, url: str | None = None,
                 today: dt.date | None = None, as_written: Sequence[str | None] | None = None) -> str:
    """A schema.org ClaimReview JSON-LD draft per statement (a JSON array).

    Until a person reviews a statement its rating carries no ``ratingValue``, only
    ``alternateName`` "Unreviewed draft: <verdict> (automatic)". Once a person set a
    verdict (see ``NotesStore.add_review``), the rating is theirs: ``ratingValue`` from
    :data:`RATINGS` (none for "not enough evidence") and ``alternateName`` the verdict.
    ``itemReviewed`` is the statement as written (``text``), where it appeared
    (``appearance``) and its sentence number in the draft (``position``, when known);
    ``citation`` lists the sources that take a side, with their URLs, except those the
    reviewer rejected.

    Args:
        reports: The reports or checked statements.
        reviews: ``claim_key -> review`` a person set, for plain reports. Defaults to none.
        author: The fact-checking organisation. Defaults to "Crosscheck user".
        appearance: Where the statement appeared (a draft's name or a URL). Defaults to
            "Statement checked in Crosscheck".
        url: The address the review will be published at, when known. Defaults to none.
        today: ``datePublished``. Defaults to today.
        as_written: Each statement as the draft writes it. Defaults to the claims.

    Returns:
        JSON text: a list of ClaimReview objects, one per report.
    """
    today = today or dt.date.today()
    where = appearance or "Statement checked in Crosscheck"
    work = {"@type": "CreativeWork", "url": where} if re.match(r"https?://", where) else \
        {"@type": "CreativeWork", "name": where}
    out = []
    for statement in checked_statements(reports, reviews, as_written):
        review = statement.review
        rating: dict = {"@type": "Rating", "bestRating": 5, "worstRating": 1}
        if review is None:
            rating["alternateName"] = f"Unreviewed draft: {VERDICT_WORDS[statement.verdict].lower()} (automatic)"
        else:
            rating["alternateName"] = VERDICT_WORDS[review.verdict]
            if review.verdict in RATINGS:
                rating["ratingValue"] = RATINGS[review.verdict]
        claim = {"@type": "Claim", "text": statement.written, "appearance": [work]}
        if statement.position is not None:
            claim["position"] = statement.position  # the sentence's number in the draft it appeared in
        item = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "claimReviewed": statement.claim,
            "datePublished": today.isoformat(),
            "author": {"@type": "Organization", "name": author},
            "itemReviewed": claim,
            "reviewRating": rating,
            "citation": [_citation(s) for s in statement.cited],
        }
        if review is not None and review.note:
            item["reviewBody"] = review.note
        if url:
            item["url"] = url
        out.append(item)
    return json.dumps(out, ensure_ascii=False, indent=2)
