"""Drafts: read a pasted or uploaded text, split it into sentences, pick the ones worth checking.

Pure functions, no model: the app checks the picked sentences with ``Verifier.check_many``
(:func:`check_sentences`).
Sentences are split by the same pysbd-based splitter the index uses, with offsets into
the draft, so the draft can be shown annotated in place.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from pydantic import BaseModel, ConfigDict, Field

from index.clean import markdown_to_text
from index.errors import CrosscheckError, IngestError
from index.ingest import decode_text
from index.split import paragraph_spans, sentence_spans
from verify.evidence.text import strip_attribution
from verify.models import Report
from verify.verifier import MAX_CLAIM_CHARS

__all__ = [
    "DRAFT_EXTENSIONS",
    "MAX_DRAFT_BYTES",
    "MAX_DRAFT_SENTENCES",
    "MIN_WORDS",
    "CheckedDraft",
    "DraftError",
    "DraftSentence",
    "check_worthiness",
    "read_draft",
    "reported_claim",
    "split_draft",
]

DRAFT_EXTENSIONS = (".txt", ".md", ".docx")
MAX_DRAFT_BYTES = 2 * 1024 * 1024
MAX_DRAFT_SENTENCES = 300
MIN_WORDS = 5
"""Sentences with fewer words are headings, captions or fragments: not checked."""


class DraftError(CrosscheckError):
    """A draft cannot be read: wrong type, too large, not text, a broken .docx."""


class DraftSentence(BaseModel):
    """One sentence of a draft and whether it is worth checking."""

    model_config = ConfigDict(extra="forbid")

    number: int = Field(ge=1, description="1-based position in the draft")
    text: str
    start: int = Field(ge=0, description="character offset into the draft text")
    end: int = Field(ge=0)
    paragraph: int = Field(ge=0)
    claim: str = Field(description="what is checked: the sentence, or what it reports when it attributes it")
    reasons: list[str] = Field(default_factory=list, description="the facts it states: number, date, name, ...")
    skipped: str | None = Field(default=None, description="why it is not checked; None when it is")

    @property
    def worthy(self) -> bool:
        """Whether the sentence gets checked."""
        return self.skipped is None


_NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundreds?", "thousands?", "millions?", "billions?", "trillions?", "dozens?", "half", "percent"]
_MONTHS = ["january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december"]
_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
SIGNALS = {  # reason -> pattern (matched case-insensitively unless it says otherwise)
    "number": re.compile(r"\d|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE),
    "date": re.compile(r"\b(?:" + "|".join(_MONTHS + _DAYS) + r"|(?-i:May)|yesterday|today|tomorrow|tonight"
                       r"|(?:last|next|this|earlier this|later this) (?:week|month|year|spring|summer|autumn|fall|"
                       r"winter|weekend))\b", re.IGNORECASE),
    "attribution": re.compile(r"\b(?:said|says|say|told|according to|announced|reported|stated|confirmed|denied|"
                              r"claimed|added|noted|quoted|wrote|cited)\b", re.IGNORECASE),
    "plan": re.compile(r"\b(?:will|won't|plans?|planned|planning|intends?|intended|(?:is|are|was|were) to|"
                       r"expected|going to|scheduled|set to|aims?|aimed|to be held)\b", re.IGNORECASE),
    "comparison": re.compile(r"\b(?:first|only|largest|biggest|highest|lowest|most|least|record|more than|"
                             r"less than|fewer than|increased?|decreased?|rose|fell|doubled|tripled)\b", re.IGNORECASE),
}
_NAME_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_CLAUSE_START = re.compile(r"[.!?:;]\s*[\"“‘'(]?\s*$")
_OPINION = re.compile(r"\b(?:I|we) (?:think|believe|feel|guess|suppose|hope|wish)\b|\bin (?:my|our) (?:view|opinion)\b|"
                      r"\b(?:should|ought to|must|shouldn't)\b|\bit(?: is|'s) (?:clear|obvious|time|sad|great|"
                      r"a shame|a disgrace)\b|\b(?:wonderful|terrible|awful|disgraceful|shameful|brilliant|"
                      r"beautiful|ugly|stupid|amazing)\b", re.IGNORECASE)
_FACTUAL = ("number", "date")
"""What an opinion must also state to be checked ("I think the 40 bridges ..." is; "I think he is great" is not)."""
_WORDS = re.compile(r"[^\W_]+")


class CheckedDraft(BaseModel):
    """A draft after checking: its sentences and the report of each one worth checking."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="the uploaded file's name, or a label for pasted text")
    sentences: list[DraftSentence]
    reports: list[Report] = Field(description="one per worthy sentence, in order (of its ``claim``)")

    def by_number(self) -> dict[int, Report]:
        """``sentence number -> report`` of the checked sentences."""
        return {s.number: r for s, r in zip([s for s in self.sentences if s.worthy], self.reports)}


def _has_name(text: str) -> bool:
    """A capitalised word that is not the first of a sentence or clause, or an acronym ("UN", "DPRK")."""
    words = list(_NAME_WORD.finditer(text))
    for i, match in enumerate(words):
        word = match.group()
        if len(word) > 1 and word.isupper():
            return True
        if i == 0 or _CLAUSE_START.search(text[words[i - 1].end():match.start()]):
            continue
        if word[0].isupper() and word != "I" and not word.startswith(("I'", "I’")):
            return True
    return False


def check_worthiness(sentence: str) -> tuple[list[str], str | None]:
    """Whether a sentence states a fact someone could check against sources.

    Checked: sentences with numbers, dates, names (capitalised words after the first),
    attributions ("said", "according to"), plans ("will", "plans to") or comparisons
    ("first", "record"). Skipped: questions, sentences of fewer than :data:`MIN_WORDS`
    words, overlong ones, opinions that state no number or date, and sentences with none
    of the signals above.

    Args:
        sentence: One sentence.

    Returns:
        ``(reasons, skipped)``: the signals found, and why the sentence is skipped (None when
        it is checked).
    """
    text = sentence.strip()
    reasons = [reason for reason, pattern in SIGNALS.items() if pattern.search(text)]
    if _has_name(text):
        reasons.append("name")
    if text.endswith("?"):
        return reasons, "a question"
    if len(_WORDS.findall(text)) < MIN_WORDS:
        return reasons, "too short"
    if len(" ".join(text.split())) > MAX_CLAIM_CHARS:
        return reasons, f"longer than {MAX_CLAIM_CHARS} characters"
    if _OPINION.search(text) and not any(r in reasons for r in _FACTUAL):
        return reasons, "an opinion"
    if not reasons:
        return reasons, "no checkable fact"
    return reasons, None


def reported_claim(sentence: str) -> str:
    """What a sentence claims: "Y, the ministry said." claims Y (the sources report Y, not the saying).

    The attribution is what the writer adds; the sources are checked for the reported content
    (``verify.evidence.text.strip_attribution``). A sentence whose attribution cannot be cut off cleanly
    is checked as written.
    """
    reported = strip_attribution(sentence)
    if not reported or SIGNALS["attribution"].search(reported) or reported.count('"') % 2:
        return sentence.strip()
    return reported if reported.endswith((".", "!")) else reported + "."


def split_draft(text: str) -> list[DraftSentence]:
    """The sentences of a draft, with offsets, paragraph numbers and their check-worthiness.

    Args:
        text: The draft (paragraphs are lines; blank lines between them are fine).

    Returns:
        Every sentence in reading order.

    Raises:
        DraftError: The draft is empty or has more than :data:`MAX_DRAFT_SENTENCES` sentences.
    """
    if not text or not text.strip():
        raise DraftError("the draft is empty; paste some text or upload a .txt, .md or .docx file")
    out: list[DraftSentence] = []
    for number, (p_start, p_end) in enumerate(paragraph_spans(text)):
        for start, end in sentence_spans(text[p_start:p_end]):
            if len(out) == MAX_DRAFT_SENTENCES:  # the limit applies while splitting: no work past it
                raise DraftError(f"the draft has more than {MAX_DRAFT_SENTENCES} sentences; check at most "
                                 f"{MAX_DRAFT_SENTENCES} at a time (split it into parts)")
            sentence = text[p_start + start:p_start + end]
            reasons, skipped = check_worthiness(sentence)
            out.append(DraftSentence(number=len(out) + 1, text=sentence, claim=reported_claim(sentence),
                                     start=p_start + start, end=p_start + end, paragraph=number, reasons=reasons,
                                     skipped=skipped))
    return out


def _docx_text(name: str, data: bytes) -> str:
    try:
        import docx  # python-docx
    except ImportError as exc:  # pragma: no cover - a requirement, but optional for the rest of verify/
        raise ImportError("reading .docx drafts needs python-docx; install it with: pip install python-docx") from exc
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DraftError(f"{name} is not a Word .docx file (or it is damaged); save it as .docx or paste its text") \
            from exc
    except Exception as exc:  # python-docx raises its own PackageNotFoundError and lxml errors
        raise DraftError(f"{name} cannot be read as a Word .docx file: {type(exc).__name__}") from exc
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        paragraphs.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())


def read_draft(name: str, data: bytes) -> str:
    """The text of an uploaded draft.

    Args:
        name: The file's name; its extension picks the format (.txt, .md, .docx).
        data: The file's bytes.

    Returns:
        The draft's text: paragraphs separated by blank lines; Markdown syntax removed for .md.

    Raises:
        DraftError: Another type, larger than :data:`MAX_DRAFT_BYTES`, not UTF-8 text, a
            broken .docx, or no text at all.
    """
    base = PurePath(name.replace("\\", "/")).name
    suffix = PurePath(base).suffix.lower()
    if suffix not in DRAFT_EXTENSIONS:
        raise DraftError(f"{base}: drafts can be {', '.join(DRAFT_EXTENSIONS)} files, not {suffix or 'files without an extension'}")
    if len(data) > MAX_DRAFT_BYTES:
        raise DraftError(f"{base} is {len(data) / 1024 / 1024:.1f} MB; a draft may be at most "
                         f"{MAX_DRAFT_BYTES // 1024 // 1024} MB")
    if suffix == ".docx":
        text = _docx_text(base, data)
    else:
        try:
            text = decode_text(base, data, accepted="UTF-8 " + ", ".join(DRAFT_EXTENSIONS))
        except IngestError as exc:
            raise DraftError(str(exc)) from exc
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if suffix == ".md":
            text = markdown_to_text(text).text
    if not text.strip():
        raise DraftError(f"{base} holds no text")
    return text


PROBLEMS = ("contradicted", "conflicting", "not_enough_evidence")
"""Verdicts an editor must look at: a source disagrees, sources disagree, or nothing confirms it."""


class SentenceNote(BaseModel):
    """What the annotated draft says beside a checked sentence."""

    model_config = ConfigDict(extra="forbid")

    verdict: str
    problem: bool = Field(description="the verdict is one of PROBLEMS")
    source: str | None = Field(default=None, description="the source that disagrees (its display name)")
    words: str | None = Field(default=None, description="the disagreeing source's words: a detector's span, "
                                                         "else its contradicting passage")


def check_sentences(verifier, claims: list[str], progress=None) -> list[Report]:
    """Check a draft's claims with ``Verifier.check_many``, saying which sentence comes next.

    ``check_many`` reports ``(done, total)`` after each of its batches; the claim at ``done`` is the
    one the page names as being checked. All claims are validated before the first check.

    Args:
        verifier: A ``verify.Verifier``.
        claims: The claims, in draft order.
        progress: Called as ``progress(done, total, next_claim)`` before the first batch and after each
            one; ``next_claim`` is None once all are done. Defaults to None.

    Returns:
        One report per claim, in order.

    Raises:
        InvalidClaimError: A claim is empty or too long (nothing is checked).
    """
    from verify.verifier import validate_claim

    claims = [validate_claim(c) for c in claims]
    if progress is None:
        return verifier.check_many(claims)

    def batch_done(done: int, total: int) -> None:
        progress(done, total, claims[done] if done < total else None)

    batch_done(0, len(claims))
    return verifier.check_many(claims, progress=batch_done)


def first_problem(draft: CheckedDraft) -> int | None:
    """The number of the first checked sentence whose verdict is a problem; None when there is none."""
    return next((n for n, r in draft.by_number().items() if r.verdict in PROBLEMS), None)


def sentence_note(report: Report, names: dict[str, str] | None = None) -> SentenceNote:
    """The verdict of a checked sentence and, when a source disagrees, that source's words.

    Args:
        report: The sentence's report.
        names: ``source id -> display name``. Defaults to the sources' titles (or ids).
    """
    note = SentenceNote(verdict=report.verdict, problem=report.verdict in PROBLEMS)
    against = [s for s in report.sources if s.stance in ("contradicts", "mixed")]
    for source in against:
        passage = next((p for p in source.passages if p.label == "contradicts"), None)
        if passage is None:
            continue
        spans = [m.passage.text for m in passage.mismatches
                 if m.passage is not None and passage.text[m.passage.start:m.passage.end] == m.passage.text]
        words = spans[0] if spans else passage.text
        name = (names or {}).get(source.source_id) or source.title or source.source_id
        return note.model_copy(update={"source": name, "words": words})
    return note
