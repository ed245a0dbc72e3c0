"""Build or incrementally update an index directory from a corpus.

The corpus is read and validated before the embedding model loads. Documents
whose files are unchanged keep their stored sentences and vectors; only new or
changed documents are split and embedded. The new index is written into a temporary
directory beside the target and swapped in, so a failure or Ctrl-C leaves the
previous index as it was and no half-written directory behind.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np

from index.corpus import diff_files
from index.embed import Embedder, check_vectors
from index.errors import IndexStoreError
from index.ingest import read_corpus
from index.models import FORMAT_VERSION, BuildResult, Document, Manifest, Sentence
from index.split import split_document
from index.store import MANIFEST, ClaimIndex

__all__ = ["EMBED_CHUNK", "build_index"]

LOG = logging.getLogger(__name__)

EMBED_CHUNK = 256
"""Sentences per call to ``Embedder.embed`` (and per progress report)."""


def _previous_index(out: Path, embedder_name: str) -> ClaimIndex | None:
    """The index already in ``out`` when it may be updated; None when ``out`` is free.

    Raises:
        IndexStoreError: ``out`` holds something that must not be overwritten.
    """
    if not out.exists():
        return None
    if not out.is_dir():
        raise IndexStoreError(f"{out} is a file, not an index directory; choose another --out")
    if not (out / MANIFEST).is_file():
        if any(out.iterdir()):
            raise IndexStoreError(
                f"{out} is not empty and holds no Crosscheck index; choose another --out or empty it"
            )
        return None
    try:
        raw = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        version, model = raw["format_version"], raw["embedding_model"]
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise IndexStoreError(
            f"{out} holds an unreadable {MANIFEST}; delete {out} or choose another --out"
        ) from exc
    if version != FORMAT_VERSION or model != embedder_name:
        raise IndexStoreError(
            f"{out} holds an index built with model {model} (format {version}); this build uses model "
            f"{embedder_name} (format {FORMAT_VERSION}); choose another --out or delete {out} first"
        )
    try:
        return ClaimIndex.load(out, corpus_check=False, embedder_name=embedder_name)
    except IndexStoreError as exc:
        LOG.warning("%s; building it again from scratch", exc)
        return None


def _embed(
    embedder: Embedder, texts: list[str], progress: Callable[[int, int], None] | None
) -> np.ndarray | None:
    if not texts:
        return None
    chunks = []
    if progress is not None:
        progress(0, len(texts))
    for start in range(0, len(texts), EMBED_CHUNK):
        batch = texts[start:start + EMBED_CHUNK]
        chunks.append(check_vectors(embedder.embed(batch), len(batch), embedder.name))
        if progress is not None:
            progress(start + len(batch), len(texts))
    return np.concatenate(chunks)


def _write_atomic(index: ClaimIndex, out: Path) -> None:
    """Write ``index`` beside ``out``, then swap it in with renames."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.building-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    try:
        index.save(staging)
        if not out.exists():
            os.replace(staging, out)
            return
        retired = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
        os.replace(out, retired)
        try:
            os.replace(staging, out)
        except BaseException:
            os.replace(retired, out)
            raise
        shutil.rmtree(retired, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def build_index(
    corpus: Path,
    out: Path,
    embedder: Embedder,
    progress: Callable[[int, int], None] | None = None,
    strict: bool = False,
) -> BuildResult:
    """Build the index of a corpus, or bring an existing one up to date.

    Args:
        corpus: Corpus folder or file (see ``load_corpus``).
        out: Index directory. It may be missing, empty, or hold an index built with
            the same embedder and format, which is updated incrementally.
        embedder: Embeds the sentences; its ``name`` is recorded in the manifest.
            The model is only used when some document needs embedding.
        progress: Called as ``progress(done, total)`` with counts of sentences
            embedded so far. Defaults to None.
        strict: Fail on the first bad corpus file instead of skipping it (see
            ``read_corpus``). Defaults to False.

    Returns:
        File counts (added, changed, removed, unchanged), totals, and whether the
        index was already up to date (then nothing is written).

    Raises:
        IngestError: The corpus is missing or holds a bad file (nothing is written).
        IndexStoreError: ``out`` holds something else: a file, a non-empty folder
            that is not an index, or an index of another model or format.
        EmbeddingModelError: The embedder fails or returns malformed vectors.
    """
    out = Path(out)
    snapshot = read_corpus(Path(corpus), strict=strict)
    previous = _previous_index(out, embedder.name)
    if previous is not None and previous.manifest.corpus_root != snapshot.root:
        LOG.warning("index at %s was built from %s; rebuilding it from %s",
                    out, previous.manifest.corpus_root, snapshot.root)
        changes = diff_files({}, snapshot.files)
    else:
        changes = diff_files(previous.manifest.files if previous else {}, snapshot.files)

    parts: list[tuple[Document, list[Sentence], np.ndarray | None]] = []
    pending: list[Sentence] = []
    for document in snapshot.documents:
        if previous is not None and previous.documents.get(document.source_id) == document:
            start, end = previous.source_range(document.source_id)
            parts.append((document, previous.sentences[start:end], previous.vectors_of(document.source_id)))
        else:
            sentences = split_document(document)
            parts.append((document, sentences, None))
            pending.extend(sentences)
    # A file whose bytes are unchanged but whose documents differ (cleaning rules changed) counts as changed.
    redone = {document.path for document, _, vectors in parts if vectors is None}
    changes.changed = sorted(set(changes.changed) | (redone & set(changes.unchanged)))
    changes.unchanged = sorted(set(changes.unchanged) - redone)

    total = sum(len(sentences) for _, sentences, _ in parts)
    result = dict(
        out=str(out), added=len(changes.added), changed=len(changes.changed),
        removed=len(changes.removed), unchanged=len(changes.unchanged),
        sources=len(parts), sentences=total, skipped=snapshot.skipped,
    )
    if previous is not None and not changes.has_changes:
        LOG.info("index at %s is up to date", out)
        return BuildResult(**result, up_to_date=True)

    fresh = _embed(embedder, [s.text for s in pending], progress)
    dim = fresh.shape[1] if fresh is not None else previous.dim if previous is not None else 0
    if previous is not None and previous.dim != dim:
        raise IndexStoreError(f"embedder {embedder.name} returned {dim}-d vectors, the index at {out} holds "
                              f"{previous.dim}-d vectors; delete {out} and build again")
    vectors = faiss.IndexFlatIP(dim)
    used = 0
    for _, sentences, stored in parts:
        if stored is None:
            stored = fresh[used:used + len(sentences)]
            used += len(sentences)
        vectors.add(np.ascontiguousarray(stored, dtype=np.float32))
    manifest = Manifest(
        embedding_model=embedder.name, embedding_dim=dim, corpus_root=snapshot.root,
        files=snapshot.files, sentences=total, sources=len(parts),
        built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), skipped=snapshot.skipped,
    )
    index = ClaimIndex(manifest, [d for d, _, _ in parts], [s for _, ss, _ in parts for s in ss], vectors, path=out)
    _write_atomic(index, out)
    LOG.info("wrote index of %d sources, %d sentences to %s", len(parts), total, out)
    return BuildResult(**result, up_to_date=False)
