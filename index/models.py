"""Records that cross the index boundary: documents, sentences, the manifest."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SentenceKind = Literal["title", "body", "caption", "dateline", "byline"]
FORMAT_VERSION = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Document(_Strict):
    """One source: a cleaned article.

    ``text`` is the cleaned text every sentence offset points into.
    """

    source_id: str
    title: str | None = None
    url: str | None = None
    date: str | None = Field(default=None, description="ISO date (YYYY-MM-DD) when known")
    publisher: str | None = None
    path: str = Field(description="file the document came from, relative to the corpus root")
    sha256: str = Field(description="hash of the file bytes (of the jsonl line for jsonl documents)")
    text: str


class Sentence(_Strict):
    """One sentence of a document: the unit retrieved and judged (a 'claim' of the corpus)."""

    id: str = Field(description="content hash of source id, offsets and text: stable across rebuilds")
    source_id: str
    position: int = Field(ge=0, description="index of the sentence within its document")
    text: str
    start: int = Field(ge=0, description="character offset into Document.text")
    end: int = Field(ge=0)
    kind: SentenceKind = "body"
    paragraph: int = Field(ge=0, description="index of the paragraph that holds the sentence")


class Manifest(_Strict):
    """What an index was built from; checked before an index is used."""

    format_version: int = FORMAT_VERSION
    embedding_model: str
    embedding_dim: int
    corpus_root: str
    files: dict[str, str] = Field(description="corpus file (relative path) -> sha256 of its bytes")
    sentences: int
    sources: int
    built_at: str
    skipped: dict[str, str] = Field(default_factory=dict, description="corpus file -> why it was not indexed")


class Hit(_Strict):
    """One sentence found by a search, with its cosine similarity to the query."""

    sentence: int = Field(ge=0, description="row of the sentence in ClaimIndex.sentences")
    source_id: str
    similarity: float


class SourceSummary(_Strict):
    """What ``python -m index info`` and the app list for each source of an index."""

    source_id: str
    title: str | None = None
    date: str | None = None
    publisher: str | None = None
    path: str
    sentences: int = Field(ge=0)


class FileChanges(_Strict):
    """How the corpus files on disk differ from those an index was built from."""

    added: list[str] = Field(default_factory=list)
    changed: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        """True when at least one file was added, changed or removed."""
        return bool(self.added or self.changed or self.removed)

    def describe(self) -> str:
        """One-line count of the differences, e.g. ``1 changed, 1 added, 0 removed``."""
        return f"{len(self.changed)} changed, {len(self.added)} added, {len(self.removed)} removed"


class BuildResult(_Strict):
    """What ``build_index`` did, counted in corpus files."""

    out: str = Field(description="the index directory")
    added: int = Field(ge=0)
    changed: int = Field(ge=0)
    removed: int = Field(ge=0)
    unchanged: int = Field(ge=0)
    sources: int = Field(ge=0)
    sentences: int = Field(ge=0)
    up_to_date: bool = Field(description="nothing changed, so nothing was written")
    skipped: dict[str, str] = Field(default_factory=dict, description="corpus file -> why it was not indexed")
