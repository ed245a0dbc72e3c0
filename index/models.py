"""Records that cross the index boundary: documents, sentences, the manifest."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SentenceKind = Literal["title", "body", "caption", "dateline", "byline"]
FORMAT_VERSION = 2
"""Version of the on-disk layout; an index of another version is reported, never misread.

1: manifest.json + documents.jsonl + sentences.jsonl + vectors.faiss, swapped as a folder.
2: manifest.json pointing at immutable segments (vectors.npy + rows.sqlite) and an ANN file.
"""


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


class FileStat(_Strict):
    """A corpus file as last indexed: its hash, and the size and mtime that let a rebuild skip reading it."""

    sha256: str
    size: int = Field(ge=0)
    mtime_ns: int


class SegmentInfo(_Strict):
    """One immutable segment folder: some documents with their sentences and vectors."""

    name: str = Field(pattern=r"^seg-[0-9a-f]{12}$", description="folder name inside the index")
    base: int = Field(ge=0, description="physical id of the segment's row 0 (ids are never reused)")
    documents: int = Field(ge=0)
    sentences: int = Field(ge=0)
    vectors_crc32: int = Field(description="zlib.crc32 of vectors.npy")
    rows_digest: str = Field(description="sha256 over the document and sentence rows, in order")
    removed: list[int] = Field(default_factory=list, description="ordinals of documents no longer in the index")
    tables: list[str] = Field(default_factory=list, description="corpus-wide tables its documents contributed to")


class AnnInfo(_Strict):
    """The approximate-search file and the segments whose vectors it holds."""

    name: str = Field(pattern=r"^ann-[0-9a-f]{12}\.faiss$")
    kind: str = Field(description="faiss factory string, e.g. IVF1024,SQ8")
    segments: list[str]
    nprobe: int = Field(ge=1)


class Manifest(_Strict):
    """What an index was built from and where its parts are; checked before an index is used."""

    format_version: int = FORMAT_VERSION
    embedding_model: str
    embedding_dim: int
    vector_dtype: Literal["float32", "float16"] = "float32"
    corpus_root: str
    files: dict[str, str] = Field(description="corpus file (relative path) -> sha256 of its bytes")
    file_stats: dict[str, FileStat] = Field(default_factory=dict)
    checked_ns: int = Field(default=0, description="when file_stats were taken (time.time_ns)")
    sentences: int
    sources: int
    built_at: str
    segments: list[SegmentInfo] = Field(default_factory=list)
    ann: AnnInfo | None = None
    skipped: dict[str, str] = Field(default_factory=dict, description="corpus file -> why it was not indexed")


class Hit(_Strict):
    """One sentence found by a search, with its cosine similarity to the query."""

    sentence: int = Field(ge=0, description="row of the sentence in ClaimIndex.sentences")
    source_id: str
    similarity: float


class KeywordHit(_Strict):
    """One sentence found by a keyword search, with its BM25 score (higher is better; not a similarity)."""

    sentence: int = Field(ge=0, description="row of the sentence in ClaimIndex.sentences")
    source_id: str
    score: float


class SourceSummary(_Strict):
    """What ``python -m index info`` and the app list for each source of an index."""

    source_id: str
    title: str | None = None
    date: str | None = None
    publisher: str | None = None
    url: str | None = None
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
