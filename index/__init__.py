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

import importlib
from typing import TYPE_CHECKING

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
_HOME = {name: module for module, names in _HOMES.items() for name in names}

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


def __getattr__(name: str) -> object:
    """A public name, imported from its module on first use."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
