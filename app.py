"""Crosscheck's web page, a fact-checker's workbench: check a statement, a draft or a file of claims
against every source of the corpus, open the sources, review the verdicts, export them, find
words in the corpus, and manage it.

Rendering only: the page reads its widgets, calls ``verify`` and renders what it returns (the
index in use and its background update, highlighting, documents, drafts, batches, search,
exports, notes and corpus files are ``verify.workbench`` modules). Run it with ``make run``.

Corpus text and notes reach the page escaped: through ``md`` into Markdown, or through
``html.escape`` (inside ``verify.workbench``) into HTML, so they always show as typed.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
import threading
from collections import Counter
from urllib.parse import urlencode

import streamlit as st

from index.boundary import quiet_libraries
from index.embed import SentenceTransformerEmbedder
from index.errors import CrosscheckError, MissingIndexError
from index.ingest.corpus import SUPPORTED_EXTENSIONS
from index.store.claim_index import ClaimIndex
from verify import Passage, Report, Settings, SourceVerdict, Verifier
from verify.errors import failure
from verify.scoring.independence import summary_line as _summary_line
from verify.workbench.annotate import annotated_draft
from verify.workbench.batch import BATCH_EXTENSIONS, MAX_BATCH_BYTES, batch_rows, read_claims
from verify.workbench.corpus_admin import (
    MAX_UPLOAD_BYTES,
    UploadError,
    corpus_listing,
    remove_file,
    save_upload,
    taken_ids,
)
from verify.workbench.document import PASSAGE_ID, document_view, source_names
from verify.workbench.draft import (
    DRAFT_EXTENSIONS,
    MAX_DRAFT_BYTES,
    PROBLEMS,
    CheckedDraft,
    check_sentences,
    first_problem,
    read_draft,
    split_draft,
)
from verify.workbench.export import claim_review, reports_csv, reports_json, reports_markdown
from verify.workbench.find import find, matching_sources
from verify.workbench.highlight import Mark, badge_html, claim_marks, highlights, marked_html
from verify.workbench.live_index import UPDATE_THREAD, IndexStamp, LiveIndex, SerialEmbedder, local_time
from verify.workbench.notes import NotesStore, StoredCheck, claim_key

VERDICTS = {  # verdict -> (colour, words)
    "supported": ("green", "Supported"),
    "contradicted": ("red", "Contradicted"),
    "conflicting": ("orange", "Conflicting"),
    "not_enough_evidence": ("gray", "Not enough evidence"),
}
STANCES = {  # stance -> (colour, words)
    "supports": ("green", "supports"),
    "contradicts": ("red", "contradicts"),
    "mixed": ("orange", "mixed"),
    "none": ("gray", "nothing relevant"),
}
VIEWS = ["Statement", "Draft", "Batch", "Find", "Corpus", "History", "Document"]
_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # CommonMark lets a backslash escape each of these


def md(text: str) -> str:
    """``text`` as Markdown that renders literally: punctuation escaped, runs of whitespace made one space.

    ``<script>`` stays text, ``**bold**`` keeps its asterisks, ``$x$`` is no formula and
    ``:red[x]`` no colour directive.
    """
    return _ASCII_PUNCTUATION.sub(r"\\\1", re.sub(r"\s+", " ", text))


def plural(n: int, noun: str) -> str:
    """``1 source``, ``2 sources``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def summary_line(sources: list[SourceVerdict], groups: list[list[str]] | None = None) -> str:
    """How the sources split, e.g. ``3 sources support, 1 contradicts``; near-copies count once."""
    return _summary_line(sources, groups)


def short(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def widget_key(*parts: str) -> str:
    """A stable widget key for a statement (its text may hold anything)."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def theme() -> str:
    """The page's theme (``light`` or ``dark``): the highlight colours follow it."""
    return getattr(st.context.theme, "type", None) or "light"


def marked(text: str, marks: list[Mark]) -> str:
    """``text`` as escaped HTML, each mark in its theme colour."""
    return marked_html(text, marks, theme())


def highlighted(passage: Passage, claim: str = "") -> str:
    """The passage as escaped HTML: conflicting stretches orange and, given the claim, shared words green."""
    return marked(passage.text, highlights(claim, passage).passage)


def badge(kind: str, words: str) -> str:
    return badge_html(kind, words, theme())


def permalink(claim: str, check_id: int | None = None) -> str:
    """The page's address for a statement (``?claim=...``), and for one stored check of it (``&check=N``)."""
    query = {"claim": claim} | ({"check": str(check_id)} if check_id else {})
    return "?" + urlencode(query)


# -- the index in use ------------------------------------------------------------------------

@st.cache_resource(show_spinner="Loading the embedding model…", max_entries=2)
def load_embedder(model: str | None) -> SerialEmbedder:
    """One embedder per model, shared by the checks of every session, one call at a time (loads on first use)."""
    return SerialEmbedder(SentenceTransformerEmbedder(model))


@st.cache_resource(show_spinner="Opening the index…", max_entries=2)
def load_live_index(index_dir: str, settings_json: str) -> LiveIndex:
    """The index of ``index_dir`` and its verifier; at most two are kept (an update swaps, never adds one)."""
    settings = Settings.model_validate_json(settings_json)
    # Updates embed with a second instance of the model (loaded at the first update), so checks never wait.
    return LiveIndex(settings, load_embedder(settings.embedding_model),
                     build_embedder=SentenceTransformerEmbedder(settings.embedding_model))


def open_live(settings: Settings) -> LiveIndex:
    # The notes file is no part of the verifier: leave it out of the cache key.
    return load_live_index(str(settings.index_dir), settings.model_dump_json(exclude={"notes_db"}))


def open_verifier(live: LiveIndex) -> Verifier | None:
    """The verifier of the index as built; None, after saying why, when there is none to use yet."""
    try:
        return live.verifier()
    except MissingIndexError:
        if live.start_update():
            st.session_state["index_generation"] = None
        st.info(f"No index at {md(str(live.settings.index_dir))} yet: building it from "
                f"{md(str(live.settings.corpus_dir))} (progress in the sidebar).")
    except CrosscheckError as exc:  # corrupt, or built with another embedding model
        st.error(f"{md(str(exc))}; update the index (sidebar) to build it again.")
    return None


def render_index_panel(live: LiveIndex) -> None:
    """The index in use, how the corpus differs from it, the one update button, and the update's progress."""
    running = live.state.running

    @st.fragment(run_every=2.0 if running else None)
    def panel() -> None:
        state = live.state
        seen = st.session_state.get("index_generation")
        if seen is not None and not state.running and (running or state.generation != seen):
            st.session_state["index_generation"] = state.generation
            st.rerun()  # the new index is in: show the whole page with it
        st.session_state["index_generation"] = state.generation
        stamp = live.stamp()
        st.caption(f"Checking against the {md(stamp.describe())}" if stamp else "No index in use yet")
        try:
            changes = live.changes()
        except CrosscheckError as exc:
            st.error(md(str(exc)))
            changes = None
        if changes is not None and changes.has_changes:
            names = ", ".join(changes.added + changes.changed + changes.removed)
            st.warning(f"The corpus changed since ({md(changes.describe())}: {md(short(names, 120))}). "
                       "Checks use the index as built until it is updated.")
        if state.running:
            st.progress(state.fraction, text=f"Updating the index: embedded {state.done:,} of {state.total:,} "
                                             "sentences" if state.total else "Updating the index: reading the corpus…")
        elif state.error:
            st.error(f"The index update failed: {md(state.error)}")
        elif state.finished:
            st.caption(md(state.finished))
        st.button("Update the index", key="update_index", disabled=state.running, on_click=live.start_update,
                   type="primary" if changes is not None and changes.has_changes else "secondary",
                   help="Index new and changed corpus files in the background; checks go on meanwhile")

    panel()


def render_sidebar(live: LiveIndex, verifier: Verifier | None, settings: Settings) -> None:
    with st.sidebar:
        st.header("Index")
        render_index_panel(live)
        if verifier is not None:
            names = source_names(verifier.index)
            st.header("Corpus")
            for source in verifier.index.source_summaries():
                meta = "".join(f" · {md(value)}" for value in (source.publisher, source.date) if value)
                st.markdown(f"**{md(names[source.source_id])}**  \n{plural(source.sentences, 'sentence')}{meta}")
        st.divider()
        st.text_input("Your organisation", key="org", placeholder="for the ClaimReview export",
                      help="The author of the ClaimReview drafts you export.")
        st.caption(f"Index: {md(str(settings.index_dir))}  \nVerifier model: {md(str(settings.verifier_path))}")


def open_notes(settings: Settings) -> NotesStore | None:
    """The notes database, or None after an error that says why (a damaged file is never overwritten)."""
    notes = NotesStore(settings.notes_db)
    try:
        notes.checks(limit=1)
    except CrosscheckError as exc:
        st.error(f"Reviews and history are off: {md(str(exc))}")
        return None
    return notes


# -- navigation ------------------------------------------------------------------------------

def go(view: str, **state) -> None:
    """A callback: switch to ``view`` with ``state`` set (runs before the page does)."""
    st.session_state.update(state)
    st.session_state["view"] = view


def open_document(source_id: str, start: int | None = None, end: int | None = None, text: str | None = None) -> None:
    go("Document", document={"source_id": source_id, "start": start, "end": end, "text": text},
       document_from=st.session_state.get("view") or "Statement", document_pick=source_id)


def show_report(report: Report, check_id: int | None, stamp: IndexStamp | None, reopened: str | None = None) -> None:
    """Put a report on the Statement view (and its permalink in the address bar)."""
    st.session_state.update(report=report, report_check=check_id, report_index=stamp, report_reopened=reopened)


def reopen(stored: StoredCheck) -> None:
    """Show a stored check as it was (call before the page's widgets: it sets the statement box)."""
    show_report(stored.report, stored.record.id, stored.record.index, reopened=stored.record.checked_at)
    st.session_state.update(view="Statement", claim=stored.report.claim)


def follow_permalink(notes: NotesStore | None, verifier: Verifier | None) -> None:
    """``?claim=...`` checks the statement; ``&check=N`` reopens that stored check (once per address)."""
    if "permalink_done" in st.session_state:  # once per session: afterwards the page writes the address
        return
    claim, check = st.query_params.get("claim"), st.query_params.get("check")
    st.session_state["permalink_done"] = True
    if not claim:
        return
    st.session_state["view"] = "Statement"
    stored = None
    if notes is not None and check and check.isdigit():
        try:
            stored = notes.stored_check(int(check))
        except CrosscheckError as exc:
            st.error(md(str(exc)))
    if stored is not None and claim_key(stored.report.claim) == claim_key(claim):
        reopen(stored)
        return
    st.session_state["claim"] = claim
    if verifier is not None:
        run_check(claim, verifier, notes)


# -- statement view --------------------------------------------------------------------------

def render_passage(passage: Passage, claim: str, source_id: str, index: ClaimIndex | None, key: str,
                   with_context: bool, details: bool) -> None:
    """A quote in body colour with its marks, the reasons for its label in words, its document."""
    marks = highlights(claim, passage)
    st.html(f'<div class="cc-quote" style="border-left:3px solid #9aa0a6;padding-left:.75em">'
            f"{marked(passage.text, marks.passage)}</div>")
    reasons = passage.reasons or [m.detail for m in passage.mismatches]
    label = {"supports": "supports", "contradicts": "contradicts", "neutral": "neutral"}[passage.label]
    line = badge(passage.label, label) + (" · " + html.escape("; ".join(reasons)) if reasons else "")
    st.html(f'<div class="cc-why">{line}</div>')
    if details:
        p = passage.probabilities
        kind = f" · {passage.kind}" if passage.kind != "body" else ""
        st.caption(f"supports {p.supports:.2f} · contradicts {p.contradicts:.2f} · neutral {p.neutral:.2f} · "
                   f"similarity {passage.similarity:.2f}{kind}")
    left, right = st.columns([1, 3])
    left.button("Open document", key=f"doc_{key}", on_click=open_document,
                args=(source_id, passage.start, passage.end, passage.text))
    if with_context and index is not None:
        with right:
            render_paragraph(passage, source_id, index)


def render_paragraph(passage: Passage, source_id: str, index: ClaimIndex) -> None:
    """The paragraph around a passage (the passage marked), or its neighbours when it is a paragraph alone."""
    row = index.sentence_at(source_id, passage.start)
    paragraph = index.paragraph_text(row) if row is not None else ""
    if paragraph.strip() == passage.text.strip() and passage.context:
        paragraph = passage.context
    at = paragraph.find(passage.text)
    if not paragraph or at < 0:
        return
    with st.expander("Surrounding paragraph"):
        st.html(marked(paragraph, [Mark(start=at, end=at + len(passage.text), kind="passage")]))


def render_source(source: SourceVerdict, report: Report, index: ClaimIndex | None, names: dict[str, str],
                  key: str, details: bool) -> None:
    meta = " · ".join(html.escape(v) for v in (source.publisher, source.date) if v)
    name = names.get(source.source_id) or source.title or source.source_id
    url = index.summary(source.source_id).url if index and source.source_id in index.documents else None
    link = f' · <a href="{html.escape(url)}" target="_blank" rel="noopener">link</a>' \
        if url and re.match(r"https?://", url) else ""
    with st.container(border=True):
        st.html(f'<div class="cc-source"><strong>{html.escape(name)}</strong><br>'
                f"{badge(source.stance, STANCES[source.stance][1])} {source.confidence:.0%}"
                f"{' · ' + meta if meta else ''}{link}</div>")
        if source.group is not None and len(copies := report.groups[source.group]) > 1:
            others = ", ".join(md(names.get(s, s)) for s in copies if s != source.source_id)
            st.caption(f"Near-copy of {others}: counted as one independent source")
        for n, passage in enumerate(source.passages):
            # Sources with nothing relevant sit in an expander already; expanders should not nest.
            render_passage(passage, report.claim, source.source_id, index, f"{key}_{widget_key(source.source_id)}_{n}",
                           with_context=source.stance != "none", details=details)


def render_report(report: Report, index: ClaimIndex | None, key: str, stamp: IndexStamp | None = None) -> None:
    """The verdict, the statement once with its marks, and a card per source."""
    names = source_names(index) if index is not None else {}
    passages = [s.passages[0] for s in report.sources if s.stance != "none" and s.passages]  # the quotes that decide
    st.html(f'<div class="cc-statement">Statement: {marked(report.claim, claim_marks(report.claim, passages))}</div>')
    colour, words = VERDICTS[report.verdict]
    st.markdown(f"### :{colour}[{words}] · {report.confidence:.0%} confidence")
    st.markdown(f"{summary_line(report.sources, report.groups)}.")
    if stamp is not None:
        st.caption(f"Checked against the {md(stamp.describe())}")
    details = st.toggle("Details (probabilities, similarity)", key=f"details_{key}")
    silent = [source for source in report.sources if source.stance == "none"]
    for source in report.sources:
        if source.stance != "none":
            render_source(source, report, index, names, key, details)
    if silent:
        with st.expander(f"{plural(len(silent), 'source')} with nothing relevant"):
            for source in silent:
                render_source(source, report, index, names, key, details)
    # sources with no passage similar enough to judge are counted, not listed (unless listed above)
    if (others := report.sources_without_evidence - sum(1 for s in silent if not s.passages)) > 0:
        st.caption(f"{plural(others, 'other source')} had no relevant passage.")


def render_review(report: Report, notes: NotesStore | None, this_check: int | None = None) -> None:
    """Accept or override the verdict, with a note; earlier reviews and checks of the statement."""
    st.subheader("Your review")
    if notes is None:
        st.info("Reviews are off: the notes database cannot be used (see the error above).")
        return
    key = widget_key(claim_key(report.claim))
    try:
        latest = notes.latest_review(report.claim)
        earlier = [c for c in notes.checks(report.claim, limit=6) if c.id != this_check][:5]
    except CrosscheckError as exc:
        st.error(md(str(exc)))
        return
    if latest:
        how = "accepted the automatic verdict" if latest.accepted else \
            f"overrode {VERDICTS[latest.automatic][1].lower()}"
        note = f": {md(latest.note)}" if latest.note else ""
        st.info(f"Reviewed {md(local_time(latest.reviewed_at))}: **{VERDICTS[latest.verdict][1]}** ({how}){note}")
    if earlier:
        st.caption("Checked before: " + "; ".join(
            f"{md(local_time(c.checked_at))} {VERDICTS[c.verdict][1].lower()} ({c.confidence:.0%})" for c in earlier))
    options = list(VERDICTS)
    choice = st.selectbox("Verdict", options, key=f"review_verdict_{key}",
                          index=options.index(latest.verdict if latest else report.verdict),
                          format_func=lambda v: VERDICTS[v][1] + (" (automatic)" if v == report.verdict else ""))
    note = st.text_area("Note", key=f"review_note_{key}", height=70,
                        placeholder="What you checked, whom you called, what to fix")
    cited = [s for s in report.sources if s.stance != "none"]
    names = {s.source_id: s.title or s.source_id for s in cited}
    rejected = st.multiselect("Sources rejected as evidence (left out of the memo and the ClaimReview)",
                              list(names), key=f"review_rejected_{key}", format_func=names.get,
                              default=[s for s in (latest.rejected_sources if latest else []) if s in names])
    if st.button("Save review", key=f"review_save_{key}"):
        try:
            saved = notes.add_review(report.claim, report.verdict, choice, note, rejected_sources=rejected)
        except CrosscheckError as exc:
            st.error(md(str(exc)))
            return
        st.success(("Accepted" if saved.accepted else "Overridden") + f": {VERDICTS[saved.verdict][1]}")


def render_exports(reports: list[Report], notes: NotesStore | None, name: str, key: str,
                   appearance: str | None = None, as_written: list[str] | None = None) -> None:
    """Download buttons: the JSON contract, CSV, a Markdown memo, ClaimReview JSON-LD."""
    try:
        reviews = notes.latest_reviews([r.claim for r in reports]) if notes else {}
    except CrosscheckError:
        reviews = {}
    author = st.session_state.get("org") or "Crosscheck user"
    stem = re.sub(r"[^\w-]+", "-", name).strip("-").lower()[:40] or "crosscheck"
    files = [
        ("JSON", reports_json(reports), "json", "application/json"),
        ("CSV", reports_csv(reports, reviews), "csv", "text/csv"),
        ("Memo (Markdown)", reports_markdown(reports, reviews, as_written=as_written), "md", "text/markdown"),
        ("ClaimReview", claim_review(reports, reviews, author=author, appearance=appearance), "jsonld",
         "application/ld+json"),
    ]
    st.caption("Export")
    for column, (label, data, ext, mime) in zip(st.columns(len(files)), files):
        column.download_button(label, data, file_name=f"crosscheck-{stem}.{ext}", mime=mime,
                               key=f"{key}_{ext}", on_click="ignore")


def record(notes: NotesStore | None, reports: list[Report], stamp: IndexStamp | None) -> list[int | None]:
    """Add the checks to the history; their ids (None each when the notes are off)."""
    if notes is None:
        return [None] * len(reports)
    try:
        return [notes.record_check(report, stamp) for report in reports]
    except CrosscheckError as exc:
        st.error(md(str(exc)))
        return [None] * len(reports)


def run_check(claim: str, verifier: Verifier, notes: NotesStore | None, sources: set[str] | None = None) -> None:
    st.session_state.pop("report", None)
    if sources is not None and not sources:
        st.warning("No source matches the filters: clear them to check against the corpus.")
        return
    try:
        with st.spinner("Reading every source…" if sources is None else f"Reading {plural(len(sources), 'source')}…"):
            report = verifier.check(claim, sources=sources)
    except CrosscheckError as exc:  # an empty or overlong claim, a missing verifier model
        st.error(md(str(exc)))
        return
    stamp = IndexStamp.of(verifier.index)
    show_report(report, record(notes, [report], stamp)[0], stamp)


def statement_view(verifier: Verifier | None, notes: NotesStore | None) -> None:
    with st.form("check_form", border=False):  # Ctrl+Enter in the text area submits the form
        claim = st.text_area("Statement to check", key="claim", height=90,
                             placeholder="e.g. Lavrov plans to visit Pyongyang in October  (Ctrl+Enter checks)")
        submitted = st.form_submit_button("Check", key="check", type="primary", disabled=verifier is None)
    sources = None
    if verifier is not None:
        with st.expander("Only some sources (by source, publisher, date)"):
            filters = source_filters(verifier.index, "check")
        if any(value is not None for value in filters.values()):
            sources = set(matching_sources(verifier.index, **filters))
            st.caption(f"Checking against {plural(len(sources), 'source')} chosen by the filters.")
    if submitted and verifier is not None:
        run_check(claim, verifier, notes, sources)
    report: Report | None = st.session_state.get("report")
    if report is None:
        return
    check_id = st.session_state.get("report_check")
    st.query_params.from_dict({"claim": report.claim} | ({"check": str(check_id)} if check_id else {}))
    if reopened := st.session_state.get("report_reopened"):
        st.caption(f"Reopened from the history: checked {md(local_time(reopened))}")
    render_report(report, verifier.index if verifier else None, "statement", st.session_state.get("report_index"))
    st.markdown(f"[Permalink to this check]({permalink(report.claim, check_id)})")
    render_review(report, notes, check_id)
    render_exports([report], notes, short(report.claim, 40), key="export_statement")


# -- draft view ------------------------------------------------------------------------------

def draft_view(verifier: Verifier, notes: NotesStore | None) -> None:
    upload = st.file_uploader("Upload a draft", type=[e.lstrip(".") for e in DRAFT_EXTENSIONS], key="draft_file",
                              max_upload_size=math.ceil(MAX_DRAFT_BYTES / 2**20))
    text = st.text_area("…or paste it", key="draft_text", height=180,
                        placeholder="Paste an article draft: every sentence that states a checkable fact is checked.")
    if st.button("Check draft", key="check_draft", type="primary"):
        st.session_state.pop("draft", None)
        st.session_state.pop("draft_pick", None)
        try:
            name = upload.name if upload else "Pasted draft"
            sentences = split_draft(read_draft(upload.name, upload.getvalue()) if upload else text)
            claims = [s.claim for s in sentences if s.worthy]
            bar = st.progress(0.0, text=f"Checking {plural(len(claims), 'sentence')}…")

            def progress(done: int, total: int, claim: str | None) -> None:
                what = f": {md(short(claim, 80))}" if claim else ""
                bar.progress(done / total if total else 1.0,
                             text=f"Checking sentence {min(done + 1, total)} of {total}{what}")

            reports = check_sentences(verifier, claims, progress)
            bar.empty()
        except CrosscheckError as exc:  # an empty, unreadable or oversized draft
            st.error(md(str(exc)))
            return
        draft = CheckedDraft(name=name, sentences=sentences, reports=reports)
        st.session_state["draft"] = draft
        st.session_state["draft_index"] = IndexStamp.of(verifier.index)
        record(notes, reports, st.session_state["draft_index"])
    draft: CheckedDraft | None = st.session_state.get("draft")
    if draft is not None:
        render_draft(draft, verifier, notes)


def render_draft(draft: CheckedDraft, verifier: Verifier, notes: NotesStore | None) -> None:
    reports = draft.by_number()
    verdicts = Counter(r.verdict for r in reports.values())
    skipped = Counter(s.skipped for s in draft.sentences if s.skipped)
    st.markdown(f"**{md(draft.name)}**: {plural(len(draft.sentences), 'sentence')}, {len(reports)} checked")
    st.caption(" · ".join([f":{VERDICTS[v][0]}[{n} {VERDICTS[v][1].lower()}]" for v, n in verdicts.items()]
                          + [f"{n} skipped: {md(why)}" for why, n in skipped.items()]))
    if stamp := st.session_state.get("draft_index"):
        st.caption(f"Checked against the {md(stamp.describe())}")
    if not reports:
        st.warning("No sentence of the draft states a checkable fact (a number, date, name, attribution or plan).")
        return
    problems_only = st.toggle("Problems only", key="draft_problems",
                              help="Only sentences that are contradicted, conflicting or without evidence")
    names = source_names(verifier.index)
    with st.container(key="annotated_draft"):
        st.html(f'<div class="cc-draft">{annotated_draft(draft, names, problems_only, theme())}</div>')
    texts = {s.number: s.text for s in draft.sentences}
    choices = [n for n, r in reports.items() if not problems_only or r.verdict in PROBLEMS] or list(reports)
    first = first_problem(draft)
    pick = st.selectbox("Evidence for sentence", choices, key="draft_pick",
                        index=choices.index(first) if first in choices else 0,
                        format_func=lambda n: f"{n}. {short(texts[n], 70)} — {VERDICTS[reports[n].verdict][1]}")
    if reports[pick].claim != texts[pick]:
        st.caption(f"Checked as what it reports: {md(reports[pick].claim)}")
    render_report(reports[pick], verifier.index, "draft")
    render_review(reports[pick], notes)
    render_exports(list(reports.values()), notes, draft.name, key="export_draft", appearance=draft.name,
                   as_written=[texts[n] for n in reports])


# -- batch view ------------------------------------------------------------------------------

def batch_view(verifier: Verifier, notes: NotesStore | None) -> None:
    upload = st.file_uploader("A file of claims (.csv with a 'claim' column, or .txt with one per line)",
                              type=[e.lstrip(".") for e in BATCH_EXTENSIONS], key="batch_file",
                              max_upload_size=math.ceil(MAX_BATCH_BYTES / 2**20))
    if st.button("Check the claims", key="check_batch", type="primary", disabled=upload is None):
        st.session_state.pop("batch", None)
        try:
            claims = read_claims(upload.name, upload.getvalue())
            bar = st.progress(0.0, text=f"Checking {plural(len(claims), 'claim')}…")
            reports = verifier.check_many(claims, progress=lambda done, total: bar.progress(
                done / total, text=f"Checked {done} of {total} claims"))
            bar.empty()
        except CrosscheckError as exc:
            st.error(md(str(exc)))
            return
        stamp = IndexStamp.of(verifier.index)
        st.session_state["batch"] = (upload.name, reports, stamp)
        record(notes, reports, stamp)
    if (batch := st.session_state.get("batch")) is None:
        return
    name, reports, stamp = batch
    st.markdown(f"**{md(name)}**: {plural(len(reports), 'claim')} checked")
    st.caption(f"Checked against the {md(stamp.describe())}")
    rows = batch_rows(reports, source_names(verifier.index))
    st.dataframe([r.model_dump() | {"verdict": VERDICTS[r.verdict][1]} for r in rows], hide_index=True,
                 key="batch_table")
    render_exports(reports, notes, name, key="export_batch", appearance=name)
    pick = st.selectbox("Report of claim", list(range(len(reports))), index=None, key="batch_pick",
                        placeholder="Choose a claim to see its sources",
                        format_func=lambda i: f"{i + 1}. {short(reports[i].claim, 70)}")
    if pick is not None:
        render_report(reports[pick], verifier.index, "batch", stamp)


# -- find view -------------------------------------------------------------------------------

def source_filters(index, key: str) -> dict:
    """Widgets for a filter by source, publisher and date; the chosen values as ``find``'s keyword arguments."""
    names = source_names(index)
    columns = st.columns(4)
    sources = columns[0].multiselect("Sources", list(names), key=f"{key}_sources", format_func=names.get)
    publishers = sorted({s.publisher for s in index.source_summaries() if s.publisher})
    chosen = columns[1].multiselect("Publishers", publishers, key=f"{key}_publishers")
    date_from = columns[2].date_input("From", value=None, key=f"{key}_from")
    date_to = columns[3].date_input("To", value=None, key=f"{key}_to")
    return {"sources": sources or None, "publishers": chosen or None,
            "date_from": date_from.isoformat() if date_from else None,
            "date_to": date_to.isoformat() if date_to else None}


def find_view(verifier: Verifier) -> None:
    index = verifier.index
    query = st.text_input("Find in the corpus", key="find_query",
                          placeholder='words, or a "phrase in quotes"')
    filters = source_filters(index, "find")
    if not query.strip():
        return
    result = find(index, query, **filters)
    shown = f" (the first {len(result.hits)})" if result.total > len(result.hits) else ""
    st.caption(f"{plural(result.total, 'sentence')} found{shown}")
    for n, hit in enumerate(result.hits):
        with st.container(border=True, key=f"find_hit_{n}"):
            st.html(f'<div class="cc-hit">{marked(hit.text, hit.marks)}</div>')
            meta = " · ".join(md(v) for v in (hit.name, hit.publisher, hit.date) if v)
            left, right = st.columns([3, 1])
            left.caption(meta)
            right.button("Open document", key=f"find_doc_{n}", on_click=open_document,
                         args=(hit.source_id, hit.start, hit.end, hit.text))


# -- document view ---------------------------------------------------------------------------

def document_page(verifier: Verifier) -> None:
    index = verifier.index
    names = source_names(index)
    target = st.session_state.get("document") or {}
    if st.session_state.get("document_pick") not in (None, *names):  # opened from a check of an older index
        st.session_state.pop("document_pick")
        st.warning("That document is no longer in the index (it was removed from the corpus since the check).")
    pick = st.selectbox("Document", list(names), key="document_pick", format_func=names.get, index=None,
                        placeholder="Choose a document, or open one from a passage")
    if pick is None:
        return
    if target.get("source_id") != pick:
        target = {"source_id": pick}
    back = st.session_state.get("document_from")
    if back and back != "Document":
        st.button(f"← Back to {back}", key="document_back", on_click=go, args=(back,))
    view = document_view(index, pick, target.get("start"), target.get("end"), theme(), target.get("text"))
    if view is None:
        st.warning("That document is no longer in the index.")
        return
    st.subheader(md(view.name))
    details = [md(v) for v in (view.publisher, view.date) if v] + [f"file {md(view.file)}"]
    st.caption(" · ".join(details))
    if view.url:
        st.markdown(f"[{md(view.url)}]({view.url.replace(')', '%29').replace(' ', '%20')})")
    if target.get("text") and view.passage is None:
        st.info("The passage is no longer in this document (it changed since the check).")
    scroll = (f"<script>const p = document.getElementById('{PASSAGE_ID}'); "
              "if (p) p.scrollIntoView({block: 'center'});</script>") if view.passage else ""
    st.html(f'<div class="cc-document" style="max-height:65vh;overflow-y:auto;line-height:1.6">{view.html}</div>'
            + scroll, unsafe_allow_javascript=bool(scroll))


# -- corpus view -----------------------------------------------------------------------------

def corpus_view(settings: Settings, live: LiveIndex) -> None:
    folder = settings.corpus_dir
    for level, message in st.session_state.pop("corpus_messages", []):
        getattr(st, level)(md(message))
    index = live.current.index if live.current is not None else None
    try:
        entries = corpus_listing(folder, index)
    except CrosscheckError as exc:
        st.error(md(str(exc)))
        entries = []
    changes = Counter(e.status for e in entries if e.status != "indexed")
    st.caption(f"Folder {md(str(folder))} · {plural(len([e for e in entries if e.status != 'removed']), 'file')}")
    if changes:
        what = ", ".join(f"{n} {status}" for status, n in changes.items())
        st.info(f"Not in the index yet: {what} files. Checks use the index as built until the update "
                "(sidebar) swaps the new one in.")
    names = source_names(index) if index is not None else {}
    rows = [{"file": e.file, "status": e.status, "source": names.get(s.source_id, s.source_id) if s else "",
             "date": (s.date or "") if s else "", "sentences": s.sentences if s else None,
             "why skipped": e.reason or ""}
            for e in entries for s in (e.sources or [None])]
    if rows:
        st.dataframe(rows, hide_index=True, key="corpus_table")

    st.subheader("Add documents")
    round_ = st.session_state.setdefault("upload_round", 0)  # a new key empties the uploader after a save
    uploads = st.file_uploader(f"Documents ({', '.join(SUPPORTED_EXTENSIONS)}; at most "
                               f"{MAX_UPLOAD_BYTES // 2**20} MB each)", type=[e.lstrip(".") for e in SUPPORTED_EXTENSIONS],
                               accept_multiple_files=True, key=f"corpus_upload_{round_}",
                               max_upload_size=math.ceil(MAX_UPLOAD_BYTES / 2**20))
    replace = st.checkbox("Replace files of the same name", key="corpus_replace")
    if st.button("Add to the corpus", key="corpus_add", disabled=not uploads):
        messages, added = [], False
        try:
            taken = taken_ids(folder, index)
        except CrosscheckError as exc:
            taken, messages = {}, [("error", str(exc))]
        for upload in uploads or []:
            try:
                saved = save_upload(folder, upload.name, upload.getvalue(), taken, replace=replace)
            except CrosscheckError as exc:
                messages.append(("error", str(exc)))
                continue
            added = True
            taken.update({source_id: saved.file for source_id in saved.source_ids})
            done = "Replaced" if saved.replaced else "Added"
            messages.append(("success", f"{done} {saved.file} ({plural(len(saved.source_ids), 'document')})"))
        if added and live.start_update():
            messages.append(("info", "Updating the index in the background; checks go on meanwhile."))
        st.session_state["corpus_messages"] = messages
        st.session_state["upload_round"] = round_ + 1
        st.rerun()

    st.subheader("Remove a document")
    files = [e.file for e in entries if e.status != "removed"]
    pick = st.selectbox("File", files, index=None, key="corpus_remove_pick", placeholder="Choose a file")
    if st.button("Remove…", key="corpus_remove", disabled=pick is None):
        st.session_state["confirm_remove"] = pick
    if pick is not None and st.session_state.get("confirm_remove") == pick:
        st.warning(f"Delete **{md(pick)}** from {md(str(folder))}? The file is deleted from disk; "
                   "the index drops it at its update, which starts at once.")
        yes, no = st.columns(2)
        if yes.button("Delete the file", key="corpus_remove_yes", type="primary"):
            try:
                remove_file(folder, pick)
                st.session_state["corpus_messages"] = [("success", f"Removed {pick}")]
                live.start_update()
            except (UploadError, OSError) as exc:
                st.session_state["corpus_messages"] = [("error", str(exc))]
            st.session_state.pop("confirm_remove", None)
            st.session_state.pop("corpus_remove_pick", None)
            st.rerun()
        if no.button("Cancel", key="corpus_remove_no"):
            st.session_state.pop("confirm_remove", None)
            st.rerun()


# -- history view ----------------------------------------------------------------------------

def delete_check(notes: NotesStore, check_id: int, claim: str) -> None:
    try:
        notes.delete_check(check_id)
        kept = " Its reviews stay." if notes.latest_review(claim) else ""
        st.session_state["history_message"] = ("success", f"Deleted the check of “{short(claim, 60)}”.{kept}")
    except CrosscheckError as exc:
        st.session_state["history_message"] = ("error", str(exc))
    st.session_state.pop("confirm_delete", None)


def reopen_check(notes: NotesStore, check_id: int, claim: str) -> None:
    try:
        stored = notes.stored_check(check_id)
    except CrosscheckError as exc:
        st.session_state["history_message"] = ("error", str(exc))
        return
    if stored is not None:
        reopen(stored)
    else:  # checked before reports were kept: check it again
        go("Statement", claim=claim, pending_check=claim)


def history_view(notes: NotesStore | None) -> None:
    if notes is None:
        st.info("History is off: the notes database cannot be used (see the error above).")
        return
    if message := st.session_state.pop("history_message", None):
        getattr(st, message[0])(md(message[1]))
    search = st.text_input("Search the history", key="history_search", placeholder="words of the statement")
    try:
        checks, reviews = notes.checks(limit=100, search=search), notes.reviews(limit=100)
    except CrosscheckError as exc:
        st.error(md(str(exc)))
        return
    st.subheader("Checks")
    if not checks:
        st.caption("No checks found." if search.strip() else "No checks yet.")
    for check in checks:
        with st.container(border=True, key=f"history_{check.id}"):
            text, open_, delete = st.columns([6, 1, 1])
            index = f" · {md(check.index.describe())}" if check.index else ""
            text.markdown(f"{md(short(check.claim, 160))}  \n:{VERDICTS[check.verdict][0]}[{VERDICTS[check.verdict][1]}]"
                          f" {check.confidence:.0%} · {md(local_time(check.checked_at))}{index}")
            open_.button("Reopen" if check.stored else "Check again", key=f"reopen_{check.id}",
                         on_click=reopen_check, args=(notes, check.id, check.claim))
            delete.button("Delete", key=f"delete_{check.id}", on_click=st.session_state.update,
                          kwargs={"confirm_delete": check.id})
            if st.session_state.get("confirm_delete") == check.id:
                st.warning("Delete this check from the history? Reviews of the statement stay.")
                yes, no = st.columns(2)
                yes.button("Delete the check", key=f"delete_yes_{check.id}", type="primary",
                           on_click=delete_check, args=(notes, check.id, check.claim))
                no.button("Cancel", key=f"delete_no_{check.id}", on_click=st.session_state.pop,
                          args=("confirm_delete", None))
    st.subheader("Reviews")
    if reviews:
        st.dataframe([{"statement": r.claim, "your verdict": VERDICTS[r.verdict][1],
                       "automatic": VERDICTS[r.automatic][1], "note": r.note,
                       "reviewed": local_time(r.reviewed_at)} for r in reviews], hide_index=True, key="reviews_table")
    else:
        st.caption("No reviews yet: check a statement and save a review.")


# -- the page --------------------------------------------------------------------------------

def main() -> None:
    st.set_page_config(page_title="Crosscheck", page_icon="🔎", layout="wide")
    st.title("Crosscheck")
    st.caption("Check a statement or a draft against every source of a local corpus, offline.")
    settings = Settings.from_env()
    notes = open_notes(settings)
    live = open_live(settings)
    verifier = open_verifier(live)
    follow_permalink(notes, verifier)
    if (pending := st.session_state.pop("pending_check", None)) and verifier is not None:
        run_check(pending, verifier, notes)
    render_sidebar(live, verifier, settings)
    tabs = dict(zip(VIEWS, st.tabs(VIEWS, key="view", on_change="rerun")))
    needs_index = "Checking needs an index: it is being built (see the sidebar)."
    for name, tab in tabs.items():
        if not tab.open:
            continue
        with tab, st.container(key=f"{name.lower()}_view"):
            if name == "Statement":
                statement_view(verifier, notes)
            elif name == "Corpus":
                corpus_view(settings, live)
            elif name == "History":
                history_view(notes)
            elif verifier is None:
                st.info(needs_index)
            else:
                {"Draft": lambda: draft_view(verifier, notes), "Batch": lambda: batch_view(verifier, notes),
                 "Find": lambda: find_view(verifier), "Document": lambda: document_page(verifier)}[name]()


def update_threads() -> list[threading.Thread]:
    """Index updates still running in this process (tests wait for them)."""
    return [t for t in threading.enumerate() if t.name == UPDATE_THREAD]


def guarded() -> None:
    """The page's error boundary: any failure is one message on the page, never a traceback; the
    traceback of an unexpected one goes to the error log the message names (``index.boundary``)."""
    quiet_libraries()  # before a model library is imported: no progress bars in the server's log
    try:
        main()
    except Exception as exc:  # noqa: BLE001 - st.rerun/st.stop are BaseExceptions and pass through
        st.error(md(failure(exc, "app").message))


if __name__ == "__main__":  # streamlit runs the page as __main__; tests import its helpers
    guarded()
