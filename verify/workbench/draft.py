"""Drafts: read a pasted or uploaded text, split it into sentences, pick the ones worth checking
(:mod:`verify.workbench.worthiness` says which).

Pure functions, no model: the app checks the picked sentences with ``Verifier.check_many``
(:func:`check_sentences`).
Sentences are split by the same pysbd-based splitter the index uses, with offsets into
the draft, so the draft can be shown annotated in place.
"""

from __future__ import annotations

import io
import zipfile

from pydantic import BaseModel, ConfigDict, Field

from index.errors import CrosscheckError
from index.ingest.clean import markdown_to_text
from index.split.document import paragraph_spans, sentence_spans
from verify.inputs import validate_claim
from verify.models import Report
from verify.workbench.upload import UploadRules, check_upload, upload_text
from verify.workbench.worthiness import check_worthiness, reported_claim

__all__ = [
    "DRAFT_EXTENSIONS",
    "MAX_DRAFT_BYTES",
    "MAX_DRAFT_SENTENCES",
    "CheckedDraft",
    "DraftError",
    "DraftSentence",
    "read_draft",
    "split_draft",
]

DRAFT_EXTENSIONS = (".txt", ".md", ".docx")
MAX_DRAFT_BYTES = 2 * 1024 * 1024
MAX_DRAFT_SENTENCES = 300


class DraftError(CrosscheckError):
    """A draft cannot be read: wrong type, too large, not text, a broken .docx."""


_UPLOAD = UploadRules(extensions=DRAFT_EXTENSIONS, max_bytes=MAX_DRAFT_BYTES, error=DraftError,
                      allowed=f"drafts can be {', '.join(DRAFT_EXTENSIONS)} files", each="a draft",
                      accepted="UTF-8 or UTF-16 " + ", ".join(DRAFT_EXTENSIONS))


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


class CheckedDraft(BaseModel):
    """A draft after checking: its sentences and the report of each one worth checking."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="the uploaded file's name, or a label for pasted text")
    sentences: list[DraftSentence]
    reports: list[Report] = Field(description="one per worthy sentence, in order (of its ``claim``)")

    def by_number(self) -> dict[int, Report]:
        """``sentence number -> report`` of the checked sentences."""
        return {s.number: r for s, r in zip([s for s in self.sentences if s.worthy], self.reports)}


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
    upload = check_upload(name, data, _UPLOAD)
    if upload.suffix == ".docx":
        text = _docx_text(upload.name, data)
    else:
        text = upload_text(upload, _UPLOAD).replace("\r\n", "\n").replace("\r", "\n")
        if upload.suffix == ".md":
            text = markdown_to_text(text).text
    if not text.strip():
        raise DraftError(f"{upload.name} holds no text")
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
