"""Write a build's new and changed documents as one new segment: split, embed, store.

Sentences are embedded in order of length across the whole segment, ``EMBED_CHUNK`` a call:
the encoder pads each batch to its longest text, so calls of texts of like length waste little
(on 10k real sentences, windows of 4,096 sorted apart kept the build at 0.74x the raw encoder).
Each vector is written to its own row (``SegmentWriter.put_vectors``), so the order on disk is
the sentences' order, and neither the texts nor the vectors are all held in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import numpy as np

from index.embed import Embedder, check_vectors
from index.errors import IndexStoreError
from index.models import Document, SegmentInfo, Sentence
from index.split.document import split_document
from index.store.segment_writer import SegmentWriter, new_segment_name

__all__ = ["EMBED_CHUNK", "SplitEmbed", "TermTable", "embed_by_length", "write_segment"]

EMBED_CHUNK = 256
"""Sentences per call to ``Embedder.embed`` (and per progress report): a check that shares the
embedder with a background build waits for one call at most."""

TermTable = Callable[[Document], Iterable[str]]
"""A corpus-wide table: the terms one document contributes (the table is their union over the index)."""
SplitEmbed = Callable[[Iterable[Document], Embedder, int], Iterator[tuple[list[Sentence], np.ndarray]]]
"""Splits and embeds documents elsewhere (``ray_split_embed`` on a cluster): their sentences and vectors, in order.
It reads the documents as it needs them (they are let go as their results are written)."""


def embed_by_length(writer: SegmentWriter, embedder: Embedder, dim: int,
                    progress: Callable[[int, int], None] | None) -> None:
    """Embed the writer's sentences shortest first, ``EMBED_CHUNK`` a call, each vector to its row.

    Raises:
        IndexStoreError: The embedder's vectors are not ``dim``-dimensional.
        EmbeddingModelError: The embedder fails or returns malformed vectors.
    """
    total, done = writer.sentences, 0
    if progress is not None:
        progress(0, total)
    for rows, texts in writer.texts_by_length(EMBED_CHUNK):
        found = check_vectors(embedder.embed(texts), len(texts), embedder.name)
        if found.shape[1] != dim:
            raise IndexStoreError(f"embedder {embedder.name} returned {found.shape[1]}-d vectors, the index at "
                                  f"{writer.folder.parent} holds {dim}-d vectors; delete it and build again")
        writer.put_vectors(rows, found)
        done += len(rows)
        if progress is not None:
            progress(done, total)


def write_segment(out: Path, fresh: Iterable[tuple[Document, int]], base: int, dim: int | None, dtype: str,
                  embedder: Embedder, tables: Mapping[str, TermTable],
                  progress: Callable[[int, int], None] | None,
                  split_embed: SplitEmbed | None) -> tuple[SegmentWriter, SegmentInfo]:
    """Split, embed and write the fresh documents as one new segment in ``out`` (removed again on failure).

    Args:
        out: The index folder.
        fresh: Each document with its position among its file's documents: a list (emptied as they are
            written), or an iterator that reads them as they are written (``index.ingest.read.stream_corpus``),
            so no more than a file's documents are held (with ``split_embed``, an iterator is read into a
            list first). The embedder is used only once every document is in.
        base: The segment's first global row.
        dim: The index's vector size; None takes the embedder's.
        dtype: ``float32`` or ``float16`` on disk.
        embedder: Embeds the sentences here (unless ``split_embed`` does).
        tables: Corpus-wide tables to store the documents' terms in.
        progress: Called with sentences embedded and their total (documents with ``split_embed``).
        split_embed: Splits and embeds elsewhere; None does both here.

    Returns:
        The finished writer and the segment's manifest entry.
    """
    writer = SegmentWriter(out / new_segment_name(), dim, dtype)

    def terms(document: Document) -> dict[str, Iterable[str]]:
        return {name: table(document) for name, table in tables.items()}

    try:
        if split_embed is not None:
            fresh = fresh if isinstance(fresh, list) else list(fresh)
            writer.dim = dim = dim if dim is not None else int(embedder.dim)
            results = split_embed((d for d, _ in fresh), embedder, dim)  # read as the results come back
            for done, (sentences, vectors) in enumerate(results, start=1):
                (document, position), fresh[done - 1] = fresh[done - 1], None  # let go once written
                writer.add_document(document, position, sentences, terms(document))
                writer.add_vectors(vectors)
                if progress is not None:
                    progress(done, len(fresh))
            fresh.clear()
            return writer, writer.finish(base, list(tables))
        for document, position in fresh:
            writer.add_document(document, position, split_document(document), terms(document))
        if isinstance(fresh, list):
            fresh.clear()  # the texts are in SQLite now: embedding (and the ANN build after it) needs none in memory
        writer.dim = dim = dim if dim is not None else int(embedder.dim)  # loads the model: every document is in
        embed_by_length(writer, embedder, dim, progress)
        return writer, writer.finish(base, list(tables))
    except BaseException:
        writer.abort()
        raise
