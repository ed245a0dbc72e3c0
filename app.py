"""Crosscheck's web page, a fact-checker's workbench: check a statement or a whole draft against
every source of the corpus, review the verdicts, export them, and manage the corpus.

Rendering only: the page reads its widgets, calls ``verify`` and ``index``, and renders what
they return (highlighting, draft splitting, grouping, exports, notes and corpus files are
``verify`` modules). Run it with ``make run`` (or ``streamlit run app.py``).

Corpus text (titles, passages, context, error messages that quote file names) and notes go
through ``md`` before they reach Markdown, so they always show as typed, never as markup or HTML.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter

import streamlit as st

from index.boundary import quiet_libraries
from index.build import build_index
from index.corpus import SUPPORTED_EXTENSIONS, corpus_files
from index.embed import SentenceTransformerEmbedder
from index.errors import CrosscheckError, MissingIndexError
from index.store import MANIFEST, ClaimIndex
from verify import Passage, Report, Settings, SourceVerdict, Verifier
from verify.errors import failure
from verify.scoring.independence import summary_line as _summary_line
from verify.workbench.corpus_admin import (
    MAX_UPLOAD_BYTES,
    UploadError,
    corpus_listing,
    remove_file,
    save_upload,
    taken_ids,
)
from verify.workbench.draft import DRAFT_EXTENSIONS, MAX_DRAFT_BYTES, CheckedDraft, read_draft, split_draft
from verify.workbench.export import claim_review, reports_csv, reports_json, reports_markdown
from verify.workbench.highlight import Mark, highlights
from verify.workbench.notes import NotesStore, claim_key

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
LABEL_COLOURS = {"supports": "green", "contradicts": "red", "neutral": "gray"}
MARK_STYLES = {"support": "green-background", "conflict": "orange-background"}
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


def marked(text: str, marks: list[Mark]) -> str:
    """``text`` as escaped Markdown with each mark on its colour (green: shared words, orange: conflicts)."""
    out, done = [], 0
    for mark in marks:
        if mark.start >= done:
            out += [md(text[done:mark.start]), f":{MARK_STYLES[mark.kind]}[{md(text[mark.start:mark.end])}]"]
            done = mark.end
    return "".join(out) + md(text[done:])


def highlighted(passage: Passage, claim: str = "") -> str:
    """The passage as escaped Markdown: conflicting stretches orange and, given the claim, shared words green."""
    return marked(passage.text, highlights(claim, passage).passage)


def short(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def widget_key(*parts: str) -> str:
    """A stable widget key for a statement (its text may hold anything)."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


# -- loading ---------------------------------------------------------------------------------

@st.cache_resource(show_spinner="Loading the embedding model…")
def load_embedder(model: str | None) -> SentenceTransformerEmbedder:
    """One embedder per process, shared by index builds and verifiers (it loads its model on first use)."""
    return SentenceTransformerEmbedder(model)


@st.cache_resource(show_spinner="Opening the index…")
def load_verifier(index_dir: str, settings_json: str, fingerprint: tuple) -> Verifier:
    """The verifier over ``index_dir``; ``fingerprint`` only keys the cache (see ``files_fingerprint``)."""
    settings = Settings.model_validate_json(settings_json)
    return Verifier.from_index(index_dir, settings, embedder=load_embedder(settings.embedding_model))


def files_fingerprint(settings: Settings) -> tuple:
    """Size and time of the index manifest and of each corpus file.

    Part of the verifier's cache key, so an index rebuilt elsewhere is opened again and a
    corpus edited while the page runs is reported stale instead of checked against old text.
    """
    try:
        files = corpus_files(settings.corpus_dir, warn=False)
    except CrosscheckError:  # no corpus here: the index still opens as built
        files = []
    stats = [(str(path), path.stat()) for path in [settings.index_dir / MANIFEST, *files] if path.exists()]
    return tuple((name, stat.st_size, stat.st_mtime_ns) for name, stat in stats)


def build(settings: Settings) -> bool:
    """Build (or bring up to date) the index with a progress bar; False, after saying why, when it fails."""
    bar = st.progress(0.0, text=f"Indexing {md(str(settings.corpus_dir))}")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"Embedded {done} of {total} sentences")

    try:
        with st.spinner("Building the index…"):
            result = build_index(settings.corpus_dir, settings.index_dir, load_embedder(settings.embedding_model), progress)
    except CrosscheckError as exc:
        st.error(md(str(exc)))
        return False
    finally:
        bar.empty()
    st.toast(f"Indexed {result.sources} sources, {result.sentences} sentences")
    return True


def open_verifier(settings: Settings) -> Verifier | None:
    """The verifier, building a missing index first; None, after saying why, when there is none to use."""
    # The notes file is no part of the verifier: leave it out of the cache key.
    key = (str(settings.index_dir), settings.model_dump_json(exclude={"notes_db"}))
    try:
        try:
            return load_verifier(*key, files_fingerprint(settings))
        except MissingIndexError:
            notice = st.info(f"No index at {md(str(settings.index_dir))} yet: "
                             f"building it from {md(str(settings.corpus_dir))}.")
            if not build(settings):
                return None
            notice.empty()
            return load_verifier(*key, files_fingerprint(settings))
    except CrosscheckError as exc:  # stale, corrupt, or built with another embedding model
        st.error(md(str(exc)))
        rebuild = st.button("Rebuild the index", key="rebuild",
                            help=f"Index {md(str(settings.corpus_dir))} again into {md(str(settings.index_dir))}")
        if rebuild and build(settings):
            st.rerun()
        return None


def open_notes(settings: Settings) -> NotesStore | None:
    """The notes database, or None after an error that says why (a damaged file is never overwritten)."""
    notes = NotesStore(settings.notes_db)
    try:
        notes.checks(limit=1)
    except CrosscheckError as exc:
        st.error(f"Reviews and history are off: {md(str(exc))}")
        return None
    return notes


# -- statement view --------------------------------------------------------------------------

def render_corpus(verifier: Verifier, settings: Settings) -> None:
    index = verifier.index
    summaries = index.source_summaries()
    with st.sidebar:
        st.header("Corpus")
        st.caption(f"{plural(len(summaries), 'source')} · {plural(len(index.sentences), 'sentence')}")
        for source in summaries:
            meta = "".join(f" · {md(value)}" for value in (source.publisher, source.date) if value)
            st.markdown(f"**{md(source.title or source.source_id)}**  \n{plural(source.sentences, 'sentence')}{meta}")
        st.divider()
        st.text_input("Your organisation", key="org", placeholder="for the ClaimReview export",
                      help="The author of the ClaimReview drafts you export.")
        st.caption(f"Index: {md(str(settings.index_dir))}  \n"
                   f"Verifier model: {md(str(settings.verifier_path))}  \n"
                   f"Embedding model: {md(verifier.embedder.name)}")


def render_paragraph(passage: Passage, source_id: str, index: ClaimIndex) -> None:
    """The paragraph around a passage (the passage on blue), or its neighbours when it is a paragraph alone."""
    row = index.sentence_at(source_id, passage.start)
    paragraph = index.paragraph_text(row) if row is not None else ""
    if paragraph.strip() == passage.text.strip() and passage.context:
        paragraph = passage.context
    at = paragraph.find(passage.text)
    if not paragraph or at < 0:
        return
    with st.expander("Surrounding paragraph"):
        st.markdown(f"{md(paragraph[:at])}:blue-background[{md(passage.text)}]{md(paragraph[at + len(passage.text):])}")


def render_passage(passage: Passage, claim: str, source_id: str, index: ClaimIndex | None, with_context: bool) -> None:
    p = passage.probabilities
    kind = f" · {passage.kind}" if passage.kind != "body" else ""
    marks = highlights(claim, passage)
    st.markdown(f"> {marked(passage.text, marks.passage)}")
    if marks.claim:
        st.caption(f"Statement: {marked(claim, marks.claim)}")
    st.caption(f":{LABEL_COLOURS[passage.label]}[**{passage.label}**] · supports {p.supports:.2f} · "
               f"contradicts {p.contradicts:.2f} · neutral {p.neutral:.2f} · "
               f"similarity {passage.similarity:.2f}{kind}")
    for mismatch in passage.mismatches:
        st.markdown(f":orange-badge[{mismatch.kind.replace('_', ' ')}] :orange[{md(mismatch.detail)}]")
    if with_context and index is not None:
        render_paragraph(passage, source_id, index)


def render_source(source: SourceVerdict, report: Report, index: ClaimIndex | None) -> None:
    colour, words = STANCES[source.stance]
    meta = "".join(f" · {md(value)}" for value in (source.publisher, source.date) if value)
    with st.container(border=True):
        st.markdown(f"**{md(source.title or source.source_id)}**  \n"
                    f":{colour}-badge[{words}] {source.confidence:.0%} · {md(source.source_id)}{meta}")
        if source.group is not None and len(copies := report.groups[source.group]) > 1:
            titles = {s.source_id: s.title or s.source_id for s in report.sources}
            others = ", ".join(md(titles.get(s, s)) for s in copies if s != source.source_id)
            st.caption(f"Near-copy of {others}: counted as one independent source")
        for passage in source.passages:
            # Sources with nothing relevant sit in an expander already; expanders should not nest.
            render_passage(passage, report.claim, source.source_id, index, with_context=source.stance != "none")


def render_report(report: Report, index: ClaimIndex | None) -> None:
    colour, words = VERDICTS[report.verdict]
    st.markdown(f"### :{colour}[{words}] · {report.confidence:.0%} confidence")
    st.markdown(f"{summary_line(report.sources, report.groups)}.")
    silent = [source for source in report.sources if source.stance == "none"]
    for source in report.sources:
        if source.stance != "none":
            render_source(source, report, index)
    if silent:
        with st.expander(f"{plural(len(silent), 'source')} with nothing relevant"):
            for source in silent:
                render_source(source, report, index)


def render_review(report: Report, notes: NotesStore | None) -> None:
    """Accept or override the verdict, with a note; earlier reviews and checks of the statement."""
    st.subheader("Your review")
    if notes is None:
        st.info("Reviews are off: the notes database cannot be used (see the error above).")
        return
    key = widget_key(claim_key(report.claim))
    try:
        latest = notes.latest_review(report.claim)
        earlier = notes.checks(report.claim, limit=6)[1:]  # the newest is this check
    except CrosscheckError as exc:
        st.error(md(str(exc)))
        return
    if latest:
        how = "accepted the automatic verdict" if latest.accepted else \
            f"overrode {VERDICTS[latest.automatic][1].lower()}"
        note = f": {md(latest.note)}" if latest.note else ""
        st.info(f"Reviewed {md(latest.reviewed_at)}: **{VERDICTS[latest.verdict][1]}** ({how}){note}")
    if earlier:
        st.caption("Checked before: " + "; ".join(
            f"{md(c.checked_at)} {VERDICTS[c.verdict][1].lower()} ({c.confidence:.0%})" for c in earlier))
    options = list(VERDICTS)
    choice = st.selectbox("Verdict", options, key=f"review_verdict_{key}",
                          index=options.index(latest.verdict if latest else report.verdict),
                          format_func=lambda v: VERDICTS[v][1] + (" (automatic)" if v == report.verdict else ""))
    note = st.text_area("Note", key=f"review_note_{key}", height=70,
                        placeholder="What you checked, whom you called, what to fix")
    if st.button("Save review", key=f"review_save_{key}"):
        try:
            saved = notes.add_review(report.claim, report.verdict, choice, note)
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


def record(notes: NotesStore | None, reports: list[Report]) -> None:
    if notes is None:
        return
    try:
        for report in reports:
            notes.record_check(report)
    except CrosscheckError as exc:
        st.error(md(str(exc)))


def statement_view(verifier: Verifier, notes: NotesStore | None) -> None:
    claim = st.text_area("Statement to check", key="claim", height=90,
                         placeholder="e.g. Lavrov plans to visit Pyongyang in October")
    if st.button("Check", key="check", type="primary"):
        st.session_state.pop("report", None)
        try:
            with st.spinner("Reading every source…"):
                report = verifier.check(claim)
        except CrosscheckError as exc:  # an empty or overlong claim, a missing verifier model
            st.error(md(str(exc)))
            return
        st.session_state["report"] = report
        record(notes, [report])
    report: Report | None = st.session_state.get("report")
    if report is None or claim_key(report.claim) != claim_key(claim):
        return  # nothing checked yet, or the statement was edited since
    render_report(report, verifier.index)
    render_review(report, notes)
    render_exports([report], notes, short(report.claim, 40), key="export_statement")


# -- draft view ------------------------------------------------------------------------------

def draft_view(verifier: Verifier, notes: NotesStore | None) -> None:
    upload = st.file_uploader("Upload a draft", type=[e.lstrip(".") for e in DRAFT_EXTENSIONS], key="draft_file",
                              max_upload_size=math.ceil(MAX_DRAFT_BYTES / 2**20))
    text = st.text_area("…or paste it", key="draft_text", height=180,
                        placeholder="Paste an article draft: every sentence that states a checkable fact is checked.")
    if st.button("Check draft", key="check_draft", type="primary"):
        st.session_state.pop("draft", None)
        try:
            name = upload.name if upload else "Pasted draft"
            sentences = split_draft(read_draft(upload.name, upload.getvalue()) if upload else text)
            claims = [s.claim for s in sentences if s.worthy]
            bar = st.progress(0.0, text=f"Checking {plural(len(claims), 'sentence')}…")
            reports = verifier.check_many(claims, progress=lambda done, total: bar.progress(
                done / total, text=f"Checked {done} of {total} sentences"))
            bar.empty()
        except CrosscheckError as exc:  # an empty, unreadable or oversized draft
            st.error(md(str(exc)))
            return
        st.session_state["draft"] = CheckedDraft(name=name, sentences=sentences, reports=reports)
        record(notes, reports)
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
    if not reports:
        st.warning("No sentence of the draft states a checkable fact (a number, date, name, attribution or plan).")
        return
    with st.container(key="annotated_draft"):
        for paragraph in dict.fromkeys(s.paragraph for s in draft.sentences):
            parts = []
            for s in (s for s in draft.sentences if s.paragraph == paragraph):
                if s.number in reports:
                    colour = VERDICTS[reports[s.number].verdict][0]
                    parts.append(f":{colour}-background[{md(s.text)}] :{colour}-badge[{s.number}]")
                else:
                    parts.append(f":gray[{md(s.text)}]")
            st.markdown(" ".join(parts))
    texts = {s.number: s.text for s in draft.sentences}
    pick = st.selectbox("Evidence for sentence", list(reports), key="draft_pick",
                        format_func=lambda n: f"{n}. {short(texts[n], 70)} — {VERDICTS[reports[n].verdict][1]}")
    if reports[pick].claim != texts[pick]:
        st.caption(f"Checked as what it reports: {md(reports[pick].claim)}")
    render_report(reports[pick], verifier.index)
    render_review(reports[pick], notes)
    render_exports(list(reports.values()), notes, draft.name, key="export_draft", appearance=draft.name,
                   as_written=[texts[n] for n in reports])


# -- corpus view -----------------------------------------------------------------------------

def peek_index(settings: Settings, verifier: Verifier | None) -> ClaimIndex | None:
    """The index as built, stale or not, for listing; None when there is none that opens."""
    if verifier is not None:
        return verifier.index
    try:
        return ClaimIndex.load(settings.index_dir, corpus_check=False)
    except CrosscheckError:
        return None


def corpus_view(settings: Settings, verifier: Verifier | None) -> None:
    folder = settings.corpus_dir
    for level, message in st.session_state.pop("corpus_messages", []):
        getattr(st, level)(md(message))
    index = peek_index(settings, verifier)
    try:
        entries = corpus_listing(folder, index)
    except CrosscheckError as exc:
        st.error(md(str(exc)))
        entries = []
    changes = Counter(e.status for e in entries if e.status != "indexed")
    st.caption(f"Folder {md(str(folder))} · {plural(len([e for e in entries if e.status != 'removed']), 'file')}")
    if changes or index is None:
        what = ", ".join(f"{n} {status}" for status, n in changes.items()) or "no index yet"
        st.warning(f"The index is out of date ({what} files): update it to check against the corpus as it is.")
    rows = [{"file": e.file, "status": e.status, "source": s.source_id if s else "", "title": (s.title or "") if s else "",
             "date": (s.date or "") if s else "", "sentences": s.sentences if s else None}
            for e in entries for s in (e.sources or [None])]
    if rows:
        st.dataframe(rows, hide_index=True)
    rebuild = st.button("Update the index", key="corpus_rebuild", type="primary" if changes else "secondary")
    if rebuild and build(settings):
        st.rerun()

    st.subheader("Add documents")
    round_ = st.session_state.setdefault("upload_round", 0)  # a new key empties the uploader after a save
    uploads = st.file_uploader(f"Documents ({', '.join(SUPPORTED_EXTENSIONS)}; at most "
                               f"{MAX_UPLOAD_BYTES // 2**20} MB each)", type=[e.lstrip(".") for e in SUPPORTED_EXTENSIONS],
                               accept_multiple_files=True, key=f"corpus_upload_{round_}",
                               max_upload_size=math.ceil(MAX_UPLOAD_BYTES / 2**20))
    replace = st.checkbox("Replace files of the same name", key="corpus_replace")
    if st.button("Add to the corpus", key="corpus_add", disabled=not uploads):
        messages = []
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
            taken.update({source_id: saved.file for source_id in saved.source_ids})
            done = "Replaced" if saved.replaced else "Added"
            messages.append(("success", f"{done} {saved.file} ({plural(len(saved.source_ids), 'document')})"))
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
                   "the index drops it at its next update.")
        yes, no = st.columns(2)
        if yes.button("Delete the file", key="corpus_remove_yes", type="primary"):
            try:
                remove_file(folder, pick)
                st.session_state["corpus_messages"] = [("success", f"Removed {pick}")]
            except (UploadError, OSError) as exc:
                st.session_state["corpus_messages"] = [("error", str(exc))]
            st.session_state.pop("confirm_remove", None)
            st.session_state.pop("corpus_remove_pick", None)
            st.rerun()
        if no.button("Cancel", key="corpus_remove_no"):
            st.session_state.pop("confirm_remove", None)
            st.rerun()


def history_view(notes: NotesStore | None) -> None:
    if notes is None:
        st.info("History is off: the notes database cannot be used (see the error above).")
        return
    try:
        checks, reviews = notes.checks(limit=200), notes.reviews(limit=200)
    except CrosscheckError as exc:
        st.error(md(str(exc)))
        return
    st.subheader("Reviews")
    if reviews:
        st.dataframe([r.model_dump() for r in reviews], hide_index=True)
    else:
        st.caption("No reviews yet: check a statement and save a review.")
    st.subheader("Checks")
    if checks:
        st.dataframe([c.model_dump() for c in checks], hide_index=True)
    else:
        st.caption("No checks yet.")


def main() -> None:
    st.set_page_config(page_title="Crosscheck", page_icon="🔎", layout="wide")
    st.title("Crosscheck")
    st.caption("Check a statement or a draft against every source of a local corpus, offline.")
    settings = Settings.from_env()
    verifier = open_verifier(settings)
    notes = open_notes(settings)
    if verifier is not None:
        render_corpus(verifier, settings)
    statement, draft, corpus, history = st.tabs(["Statement", "Draft", "Corpus", "History"])
    with statement, st.container(key="statement_view"):
        if verifier is None:
            st.info("Checking needs an index that matches the corpus: rebuild it (above, or in the Corpus tab).")
        else:
            statement_view(verifier, notes)
    with draft, st.container(key="draft_view"):
        if verifier is not None:
            draft_view(verifier, notes)
    with corpus, st.container(key="corpus_view"):
        corpus_view(settings, verifier)
    with history, st.container(key="history_view"):
        history_view(notes)


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
