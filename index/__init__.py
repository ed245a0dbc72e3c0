"""Crosscheck's corpus index: read a corpus, split it into sentences, embed and search them.

Typical use::

    from index import ClaimIndex, SentenceTransformerEmbedder, build_index

    embedder = SentenceTransformerEmbedder()
    build_index(Path("data/corpus"), Path("var/index"), embedder)
    index = ClaimIndex.load(Path("var/index"), embedder_name=embedder.name)
    hits = index.search(embedder.embed(["Lavrov will visit Pyongyang"])[0], k_per_source=3)

The names below are imported on first use (PEP 562), not with the package: every entry point imports
``index`` (``index.boundary``, ``index.errors``), and ``python -m verify check`` never needs the build,
ingest or shard modules they pull in (markdown-it, the cleaning tables; README, "Cold start").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.lazy_names import lazy_names

if TYPE_CHECKING:
    from index.build.update import build_index
    from index.embed import DEFAULT_MODEL_NAME, Embedder, SentenceTransformerEmbedder
    from index.errors import (
        CrosscheckError,
        EmbeddingModelError,
        EmptyDocumentError,
        IndexStoreError,
        IngestError,
        MissingIndexError,
        StaleIndexError,
    )
    from index.ingest.read import load_corpus, load_document_bytes, read_corpus
    from index.models import BuildResult, Document, FileChanges, Hit, KeywordHit, Manifest, Sentence, SourceSummary
    from index.shards.sharded_index import ShardedIndex
    from index.split.document import context_for, split_document
    from index.store.claim_index import ClaimIndex

_HOMES = {
    "index.build.update": ["build_index"],
    "index.embed": ["DEFAULT_MODEL_NAME", "Embedder", "SentenceTransformerEmbedder"],
    "index.errors": ["CrosscheckError", "EmbeddingModelError", "EmptyDocumentError", "IndexStoreError", "IngestError",
                     "MissingIndexError", "StaleIndexError"],
    "index.ingest.read": ["load_corpus", "load_document_bytes", "read_corpus"],
    "index.models": ["BuildResult", "Document", "FileChanges", "Hit", "KeywordHit", "Manifest", "Sentence",
                     "SourceSummary"],
    "index.shards.sharded_index": ["ShardedIndex"],
    "index.split.document": ["context_for", "split_document"],
    "index.store.claim_index": ["ClaimIndex"],
}
"""Module -> the public names it defines."""

__all__ = [
    "DEFAULT_MODEL_NAME",
    "BuildResult",
    "ClaimIndex",
    "CrosscheckError",
    "Document",
    "Embedder",
    "EmbeddingModelError",
    "EmptyDocumentError",
    "FileChanges",
    "Hit",
    "IndexStoreError",
    "IngestError",
    "KeywordHit",
    "Manifest",
    "MissingIndexError",
    "Sentence",
    "SentenceTransformerEmbedder",
    "ShardedIndex",
    "SourceSummary",
    "StaleIndexError",
    "build_index",
    "context_for",
    "load_corpus",
    "load_document_bytes",
    "read_corpus",
    "split_document",
]


__getattr__, __dir__ = lazy_names(__name__, _HOMES, globals())
