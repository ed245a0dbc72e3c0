"""Exports of one or several reports: JSON (the CLI contract), CSV, a Markdown memo, ClaimReview JSON-LD.

Pure functions from reports (and the reviews a person set, see ``verify.workbench.notes``) to text.
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
from verify.workbench.notes import Review, claim_key

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
    "claim", "verdict", "confidence", "reviewer_verdict", "reviewer_note", "source_id", "title", "publisher", "date",
    "stance", "source_confidence", "group", "passage", "start", "end", "label", "p_supports", "p_contradicts",
    "p_neutral", "similarity", "mismatches",
]
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$!])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def reports_json(reports: Sequence[Report]) -> str:
    """The reports as ``verify check --format json`` prints them: one JSON array."""
    return json.dumps([r.model_dump() for r in reports], ensure_ascii=False, indent=2)


def _cell(value: object) -> object:
    """A cell a spreadsheet shows as text: a string that starts like a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def reports_csv(reports: Sequence[Report], reviews: Mapping[str, Review] | None = None) -> str:
    """One row per claim and passage (a claim or source without passages gets one row with empty passage cells).

    Args:
        reports: The reports.
        reviews: ``claim_key -> review`` (see ``NotesStore.latest_reviews``). Defaults to none.

    Returns:
        CSV text with the header :data:`CSV_COLUMNS`.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for report in reports:
        review = (reviews or {}).get(claim_key(report.claim))
        head = [report.claim, report.verdict, report.confidence,
                review.verdict if review else "", review.note if review else ""]
        sided = [s for s in report.sources if s.stance != "none" or s.passages]
        for source in sided or [None]:
            about = [] if source is None else [
                source.source_id, source.title, source.publisher, source.date, source.stance, source.confidence,
                source.group]
            for passage in (source.passages if source else []) or [None]:
                cells = [] if passage is None else [
                    passage.text, passage.start, passage.end, passage.label, passage.probabilities.supports,
                    passage.probabilities.contradicts, passage.probabilities.neutral, passage.similarity,
                    "; ".join(m.detail for m in passage.mismatches)]
                row = head + about + cells
                writer.writerow([_cell(v) for v in row + [""] * (len(CSV_COLUMNS) - len(row))])
    return out.getvalue()


def escape_markdown(text: str) -> str:
    """Text that renders literally in Markdown (markup characters escaped, line breaks made spaces)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _source_name(source: SourceVerdict) -> str:
    details = ", ".join(x for x in (source.publisher, source.date) if x)
    name = f"**{escape_markdown(source.title or source.source_id)}**"
    return f"{name} ({escape_markdown(details)})" if details else name


def reports_markdown(reports: Sequence[Report], reviews: Mapping[str, Review] | None = None,
                     title: str = "Fact-check memo", when: dt.datetime | None = None,
                     as_written: Sequence[str] | None = None) -> str:
    """An editor-ready memo: per statement its verdict, how the sources split, and the quotes that show it.

    Corpus text is escaped, so a document holding Markdown or HTML shows as text.

    Args:
        reports: The reports.
        reviews: ``claim_key -> review`` a person set. Defaults to none.
        title: The memo's heading. Defaults to "Fact-check memo".
        when: Time of the memo. Defaults to now (UTC).
        as_written: Each statement as the draft writes it, when that differs from the claim
            checked (an attributed sentence is checked for what it reports). Defaults to the claims.

    Returns:
        Markdown text.
    """
    when = when or dt.datetime.now(dt.UTC)
    intro = (f"{len(reports)} statement{'s' if len(reports) != 1 else ''} checked by Crosscheck on "
             f"{when:%Y-%m-%d %H:%M} UTC. Automatic verdicts are drafts until a person reviews them.")
    lines = [f"# {escape_markdown(title)}", "", intro, ""]
    for n, report in enumerate(reports, 1):
        review = (reviews or {}).get(claim_key(report.claim))
        written = as_written[n - 1] if as_written else report.claim
        lines += [f"## {n}. {escape_markdown(written)}", ""]
        if written != report.claim:
            lines += [f"Checked as what it reports: {escape_markdown(report.claim)}", ""]
        lines.append(f"**Automatic verdict:** {VERDICT_WORDS[report.verdict]} ({report.confidence:.0%} confidence); "
                     f"{summary_line(report.sources, report.groups)}.")
        if review:
            action = "accepted" if review.accepted else "set"
            lines.append(f"**Reviewer verdict:** {VERDICT_WORDS[review.verdict]} ({action} {review.reviewed_at})"
                         + (f": {escape_markdown(review.note)}" if review.note else ""))
        lines.append("")
        for source in report.sources:
            if source.stance == "none" or not source.passages:
                continue
            copies = [g for g in report.groups if source.source_id in g and len(g) > 1]
            same = f"; same story as {', '.join(escape_markdown(s) for s in copies[0] if s != source.source_id)}" \
                if copies else ""
            lines.append(f"- {_source_name(source)}: {source.stance} ({source.confidence:.0%}){same}")
            best = source.passages[0]
            lines.append(f"  > {escape_markdown(best.text)}")
            for mismatch in best.mismatches:
                lines.append(f"  - {mismatch.kind.replace('_', ' ')}: {escape_markdown(mismatch.detail)}")
        silent = [s for s in report.sources if s.stance == "none" or not s.passages]
        if silent:
            lines.append(f"- Nothing relevant in: {', '.join(escape_markdown(s.title or s.source_id) for s in silent)}")
        lines.append("")
    return "\n".join(lines)


def _citation(source: SourceVerdict) -> dict:
    work = {"@type": "CreativeWork", "name": source.title or source.source_id, "identifier": source.source_id}
    if source.publisher:
        work["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.date:
        work["datePublished"] = source.date
    return work


def claim_review(reports: Sequence[Report], reviews: Mapping[str, Review] | None = None,
                 author: str = "Crosscheck user", appearance: str | None = None, url: str | None = None,
                 today: dt.date | None = None) -> str:
    """A schema.org ClaimReview JSON-LD draft per statement (a JSON array).

    Until a person reviews a statement its rating carries no ``ratingValue``, only
    ``alternateName`` "Unreviewed draft: <verdict> (automatic)". Once a person set a
    verdict (see ``NotesStore.add_review``), the rating is theirs: ``ratingValue`` from
    :data:`RATINGS` (none for "not enough evidence") and ``alternateName`` the verdict.

    Args:
        reports: The reports.
        reviews: ``claim_key -> review`` a person set. Defaults to none.
        author: The fact-checking organisation. Defaults to "Crosscheck user".
        appearance: Where the statement appeared (a draft's name or a URL). Defaults to
            "Statement checked in Crosscheck".
        url: The address the review will be published at, when known. Defaults to none.
        today: ``datePublished``. Defaults to today.

    Returns:
        JSON text: a list of ClaimReview objects, one per report.
    """
    today = today or dt.date.today()
    where = appearance or "Statement checked in Crosscheck"
    work = {"@type": "CreativeWork", "url": where} if re.match(r"https?://", where) else \
        {"@type": "CreativeWork", "name": where}
    out = []
    for report in reports:
        review = (reviews or {}).get(claim_key(report.claim))
        rating: dict = {"@type": "Rating", "bestRating": 5, "worstRating": 1}
        if review is None:
            rating["alternateName"] = f"Unreviewed draft: {VERDICT_WORDS[report.verdict].lower()} (automatic)"
        else:
            rating["alternateName"] = VERDICT_WORDS[review.verdict]
            if review.verdict in RATINGS:
                rating["ratingValue"] = RATINGS[review.verdict]
        item = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "claimReviewed": report.claim,
            "datePublished": today.isoformat(),
            "author": {"@type": "Organization", "name": author},
            "itemReviewed": {"@type": "Claim", "appearance": [work]},
            "reviewRating": rating,
            "citation": [_citation(s) for s in report.sources if s.stance != "none"],
        }
        if review is not None and review.note:
            item["reviewBody"] = review.note
        if url:
            item["url"] = url
        out.append(item)
    return json.dumps(out, ensure_ascii=False, indent=2)
