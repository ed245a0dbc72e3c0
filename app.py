"""Crosscheck's web page: type a statement, see what each source of the corpus says about it.

Rendering only: the page reads its widgets, calls ``verify`` and ``index``, and renders what
they return. Run it with ``make run`` (or ``streamlit run app.py``).

Corpus text (titles, passages, context, error messages that quote file names) goes through
``md`` before it reaches Markdown, so it always shows as typed and never as markup or HTML.
"""

from __future__ import annotations

import re
from collections import Counter

import streamlit as st

from index.build import build_index
from index.corpus import corpus_files
from index.embed import SentenceTransformerEmbedder
from index.errors import CrosscheckError, MissingIndexError
from index.store import MANIFEST
from verify import Passage, Report, Settings, SourceVerdict, Verifier


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
# How the summary line words each stance, for one source and for several.
_SUMMARY = {
    "supports": ("supports", "support"),
    "contradicts": ("contradicts", "contradict"),
    "mixed": ("is mixed", "are mixed"),
    "none": ("has nothing relevant", "have nothing relevant"),
}
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


def summary_line(sources: list[SourceVerdict]) -> str:
    """How the sources split, e.g. ``3 sources support, 1 contradicts, 1 has nothing relevant``."""
    counts = Counter(source.stance for source in sources)
    parts = []
    for stance, (one, many) in _SUMMARY.items():
        if n := counts[stance]:
            noun = "" if parts else "source " if n == 1 else "sources "
            parts.append(f"{n} {noun}{one if n == 1 else many}")
    return ", ".join(parts) or "the index holds no sources"


def highlighted(passage: Passage) -> str:
    """The passage as escaped Markdown, with the stretches a detector flagged on an orange background."""
    text = passage.text
    spans = sorted({(m.passage.start, m.passage.end) for m in passage.mismatches
                    if m.passage and m.passage.end > m.passage.start
                    and text[m.passage.start:m.passage.end] == m.passage.text})
    out, done = [], 0
    for start, end in spans:
        if start >= done:  # an overlapping span is already inside the previous one
            out += [md(text[done:start]), f":orange-background[{md(text[start:end])}]"]
            done = end
    return "".join(out) + md(text[done:])


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
    try:
        try:
            return load_verifier(str(settings.index_dir), settings.model_dump_json(), files_fingerprint(settings))
        except MissingIndexError:
            notice = st.info(f"No index at {md(str(settings.index_dir))} yet: "
                             f"building it from {md(str(settings.corpus_dir))}.")
            if not build(settings):
                return None
            notice.empty()
            return load_verifier(str(settings.index_dir), settings.model_dump_json(), files_fingerprint(settings))
    except CrosscheckError as exc:  # stale, corrupt, or built with another embedding model
        st.error(md(str(exc)))
        rebuild = st.button("Rebuild the index", key="rebuild",
                            help=f"Index {md(str(settings.corpus_dir))} again into {md(str(settings.index_dir))}")
        if rebuild and build(settings):
            st.rerun()
        return None


# -- rendering -------------------------------------------------------------------------------

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
        st.caption(f"Index: {md(str(settings.index_dir))}  \n"
                   f"Verifier model: {md(str(settings.verifier_path))}  \n"
                   f"Embedding model: {md(verifier.embedder.name)}")


def render_passage(passage: Passage, with_context: bool) -> None:
    p = passage.probabilities
    kind = f" · {passage.kind}" if passage.kind != "body" else ""
    st.markdown(f"> {highlighted(passage)}")
    st.caption(f":{LABEL_COLOURS[passage.label]}[**{passage.label}**] · supports {p.supports:.2f} · "
               f"contradicts {p.contradicts:.2f} · neutral {p.neutral:.2f} · "
               f"similarity {passage.similarity:.2f}{kind}")
    for mismatch in passage.mismatches:
        st.markdown(f":orange-badge[{mismatch.kind.replace('_', ' ')}] :orange[{md(mismatch.detail)}]")
    if with_context and passage.context:
        with st.expander("Context"):
            st.markdown(md(passage.context))


def render_source(source: SourceVerdict) -> None:
    colour, words = STANCES[source.stance]
    with st.container(border=True):
        st.markdown(f"**{md(source.title or source.source_id)}**  \n"
                    f":{colour}-badge[{words}] {source.confidence:.0%} · {md(source.source_id)}")
        for passage in source.passages:
            # Sources with nothing relevant sit in an expander already; expanders should not nest.
            render_passage(passage, with_context=source.stance != "none")


def render_report(report: Report) -> None:
    colour, words = VERDICTS[report.verdict]
    st.markdown(f"### :{colour}[{words}] · {report.confidence:.0%} confidence")
    st.markdown(f"{summary_line(report.sources)}.")
    silent = [source for source in report.sources if source.stance == "none"]
    for source in report.sources:
        if source.stance != "none":
            render_source(source)
    if silent:
        with st.expander(f"{plural(len(silent), 'source')} with nothing relevant"):
            for source in silent:
                render_source(source)


def main() -> None:
    st.set_page_config(page_title="Crosscheck", page_icon="🔎")
    st.title("Crosscheck")
    st.caption("Check a statement against every source of a local corpus, offline.")
    settings = Settings.from_env()
    verifier = open_verifier(settings)
    if verifier is None:
        st.stop()
    render_corpus(verifier, settings)
    claim = st.text_area("Statement to check", key="claim", height=90,
                         placeholder="e.g. Lavrov plans to visit Pyongyang in October")
    if not st.button("Check", key="check", type="primary"):
        return
    try:
        with st.spinner("Reading every source…"):
            report = verifier.check(claim)
    except CrosscheckError as exc:  # an empty or overlong claim, a missing verifier model
        st.error(md(str(exc)))
        return
    render_report(report)


if __name__ == "__main__":  # streamlit runs the page as __main__; tests import its helpers
    main()
