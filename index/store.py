"""``ClaimIndex``: the sentences of a corpus, their vectors, and the manifest, on disk.

Layout of an index directory::

    manifest.json     Manifest: model, corpus root, file hashes, counts
    documents.jsonl   one Document per line
    sentences.jsonl   one Sentence per line; a source's sentences are contiguous
    vectors.faiss     faiss IndexFlatIP, row i = unit vector of sentence i
"""

from __future__ import annotations

import json
import logging
import shlex
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np
from pydantic import BaseModel, ValidationError

from index.corpus import diff_files, file_hashes
from index.embed import DEFAULT_MODEL_NAME
from index.errors import IndexStoreError, MissingIndexError, StaleIndexError
from index.models import FORMAT_VERSION, Document, FileChanges, Hit, Manifest, Sentence, SourceSummary
from index.search import per_source_search
from index.split import context_for, paragraph_spans

__all__ = ["INDEX_FILES", "ClaimIndex", "build_command"]

LOG = logging.getLogger(__name__)

MANIFEST, DOCUMENTS, SENTENCES, VECTORS = "manifest.json", "documents.jsonl", "sentences.jsonl", "vectors.faiss"
INDEX_FILES = (MANIFEST, DOCUMENTS, SENTENCES, VECTORS)


def build_command(corpus: str, out: Path, model: str | None = None) -> str:
    """The shell command that (re)builds an index, for error messages."""
    command = f"python -m index build --corpus {shlex.quote(corpus)} --out {shlex.quote(str(out))}"
    return command if model in (None, DEFAULT_MODEL_NAME) else f"{command} --model {shlex.quote(model)}"


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    location = ".".join(str(part) for part in error["loc"])
    return f"{location}: {error['msg']}" if location else error["msg"]


class _CorruptFile(Exception):
    """A stored file does not parse; the message says where."""


def _read_jsonl(path: Path, model: type[BaseModel]) -> list:
    records = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                records.append(model.model_validate_json(line))
            except ValidationError as exc:
                raise _CorruptFile(f"{path.name} line {number}: {_first_error(exc)}") from exc
    return records


class ClaimIndex:
    """Sentences of a corpus with their unit vectors, searchable per source.

    Build one with ``build_index`` and open it with ``ClaimIndex.load``.

    Args:
        manifest: What the index was built from.
        documents: The documents, in the order their sentences appear.
        sentences: All sentences; each source's sentences are contiguous.
        vectors: Inner-product faiss index, row i holding sentence i.
        path: Directory the index was loaded from, if any.

    Raises:
        IndexStoreError: The parts do not fit together.
    """

    def __init__(
        self,
        manifest: Manifest,
        documents: Sequence[Document],
        sentences: Sequence[Sentence],
        vectors: faiss.Index,
        path: Path | None = None,
    ) -> None:
        self._manifest = manifest
        self._documents = {d.source_id: d for d in documents}
        self._sentences = list(sentences)
        self._vectors = vectors
        self._path = path
        self._paragraphs: dict[str, list[tuple[int, int]]] = {}
        self._ranges: dict[str, tuple[int, int]] = {}
        self._check()
        self._source_ids = list(self._ranges)
        self._range_list = [self._ranges[s] for s in self._source_ids]

    def _check(self) -> None:
        def fail(detail: str) -> None:
            hint = f"; delete it and build again with: {build_command('PATH', self._path)}" if self._path else ""
            raise IndexStoreError(f"index at {self._path or '(memory)'} is corrupt: {detail}{hint}")

        if self._vectors.ntotal != len(self._sentences):
            fail(f"{VECTORS} holds {self._vectors.ntotal} vectors for {len(self._sentences)} sentences")
        if self._vectors.d != self._manifest.embedding_dim:
            fail(f"{VECTORS} has dimension {self._vectors.d}, the manifest says {self._manifest.embedding_dim}")
        if self._manifest.sentences != len(self._sentences) or self._manifest.sources != len(self._documents):
            fail("manifest counts do not match the stored documents and sentences")
        for row, sentence in enumerate(self._sentences):
            document = self._documents.get(sentence.source_id)
            if document is None:
                fail(f"sentence {row} belongs to unknown source {sentence.source_id!r}")
            if document.text[sentence.start:sentence.end] != sentence.text:
                fail(f"sentence {row} does not match the text of {sentence.source_id!r}")
            start, _ = self._ranges.get(sentence.source_id, (row, row))
            if start != row and self._sentences[row - 1].source_id != sentence.source_id:
                fail(f"sentences of {sentence.source_id!r} are not contiguous")
            self._ranges[sentence.source_id] = (start, row + 1)
        if empty := [s for s in self._documents if s not in self._ranges]:
            fail(f"source {empty[0]!r} has no sentences")

    # ------------------------------------------------------------ load / save

    @classmethod
    def load(cls, path: Path, corpus_check: bool = True, embedder_name: str | None = None) -> ClaimIndex:
        """Open an index directory.

        Args:
            path: The index directory.
            corpus_check: Compare the corpus files on disk with those the index was
                built from. Defaults to True. Skipped (with a warning) when the
                corpus root no longer exists.
            embedder_name: Name of the embedder this run will query with; refused
                when it differs from the index's. Defaults to no check.

        Returns:
            The index.

        Raises:
            IndexStoreError: No index there, a corrupt one, or one built with another
                format or model.
            StaleIndexError: The corpus changed since the index was built.
        """
        path = Path(path)
        missing = [name for name in INDEX_FILES if not (path / name).is_file()]
        if missing:
            nothing = len(missing) == len(INDEX_FILES)
            detail = "" if nothing else f" (missing {', '.join(missing)})"
            raise (MissingIndexError if nothing else IndexStoreError)(
                f"no index at {path}{detail}; build one with: {build_command('PATH', path)}"
            )
        corrupt = f"index at {path} is corrupt:"
        hint = f"; delete it and build again with: {build_command('PATH', path)}"
        try:
            raw = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
            version = raw.get("format_version") if isinstance(raw, dict) else None
            if version != FORMAT_VERSION:
                raise IndexStoreError(
                    f"index at {path} has format version {version}, this Crosscheck reads version "
                    f"{FORMAT_VERSION}; rebuild it with: {build_command(str(raw.get('corpus_root', 'PATH')), path)}"
                )
            manifest = Manifest.model_validate(raw)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise IndexStoreError(f"{corrupt} {MANIFEST} is not valid JSON{hint}") from exc
        except ValidationError as exc:
            raise IndexStoreError(f"{corrupt} {MANIFEST} {_first_error(exc)}{hint}") from exc
        if embedder_name is not None and embedder_name != manifest.embedding_model:
            raise IndexStoreError(
                f"index at {path} was built with model {manifest.embedding_model}, this run uses "
                f"{embedder_name}; use that model or build a new index with this one"
            )
        try:
            documents = _read_jsonl(path / DOCUMENTS, Document)
            sentences = _read_jsonl(path / SENTENCES, Sentence)
            vectors = faiss.read_index(str(path / VECTORS))
        except (OSError, UnicodeDecodeError, RuntimeError, _CorruptFile) as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise IndexStoreError(f"{corrupt} {reason}{hint}") from exc
        index = cls(manifest, documents, sentences, vectors, path=path)
        if corpus_check:
            index.check_corpus()
        return index

    def corpus_changes(self) -> FileChanges | None:
        """How the corpus on disk differs from the files the index was built from.

        Returns:
            The differences, or None when the corpus root no longer exists.

        Raises:
            IngestError: A corpus file cannot be read.
        """
        root = Path(self._manifest.corpus_root)
        if not root.exists():
            return None
        return diff_files(self._manifest.files, file_hashes(root))

    def check_corpus(self) -> None:
        """Refuse an index whose corpus changed; warn when the corpus is gone.

        Raises:
            StaleIndexError: A corpus file was added, changed or removed.
        """
        changes = self.corpus_changes()
        root = self._manifest.corpus_root
        if changes is None:
            LOG.warning("corpus %s of index %s is gone; using the index as built", root, self._path)
        elif changes.has_changes:
            raise StaleIndexError(
                f"index at {self._path} is stale: {changes.describe()} corpus files since it was built; "
                f"rebuild with: {build_command(root, self._path or Path('DIR'), self._manifest.embedding_model)}"
            )

    def save(self, path: Path) -> None:
        """Write the index files into a directory (created if needed). Not atomic: see ``build_index``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with (path / DOCUMENTS).open("w", encoding="utf-8") as out:
            out.writelines(d.model_dump_json() + "\n" for d in self._documents.values())
        with (path / SENTENCES).open("w", encoding="utf-8") as out:
            out.writelines(s.model_dump_json() + "\n" for s in self._sentences)
        faiss.write_index(self._vectors, str(path / VECTORS))
        (path / MANIFEST).write_text(self._manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")

    # ------------------------------------------------------------ accessors

    @property
    def manifest(self) -> Manifest:
        """What the index was built from."""
        return self._manifest

    @property
    def documents(self) -> dict[str, Document]:
        """Documents by source id, in index order."""
        return self._documents

    @property
    def sentences(self) -> list[Sentence]:
        """All sentences; ``Hit.sentence`` indexes this list."""
        return self._sentences

    @property
    def path(self) -> Path | None:
        """Directory the index was loaded from."""
        return self._path

    @property
    def dim(self) -> int:
        """Embedding dimension."""
        return self._vectors.d

    def source_range(self, source_id: str) -> tuple[int, int]:
        """``(start, end)`` rows of a source's sentences. Raises KeyError for an unknown source."""
        return self._ranges[source_id]

    def vectors_of(self, source_id: str) -> np.ndarray:
        """The stored unit vectors of a source's sentences, shape ``(count, dim)``."""
        start, end = self._ranges[source_id]
        return self._vectors.reconstruct_n(start, end - start)

    def vector(self, i: int) -> np.ndarray:
        """The stored unit vector of sentence ``i``, shape ``(dim,)``."""
        return self._vectors.reconstruct(int(i))

    def sentence_at(self, source_id: str, start: int) -> int | None:
        """Row of the sentence of ``source_id`` that starts at character ``start``; None when there is none."""
        first, end = self._ranges.get(source_id, (0, 0))
        return next((row for row in range(first, end) if self._sentences[row].start == start), None)

    def context(self, i: int, window: int = 1) -> str:
        """Sentence ``i`` with its neighbours in the running text (see ``split.context_for``)."""
        return context_for(self._sentences, i, window)

    def paragraph_text(self, i: int) -> str:
        """The whole paragraph that holds sentence ``i``."""
        sentence = self._sentences[i]
        text = self._documents[sentence.source_id].text
        if sentence.source_id not in self._paragraphs:
            self._paragraphs[sentence.source_id] = paragraph_spans(text)
        start, end = self._paragraphs[sentence.source_id][sentence.paragraph]
        return text[start:end]

    def source_summaries(self) -> list[SourceSummary]:
        """One summary per source, in index order."""
        return [
            SourceSummary(
                source_id=d.source_id, title=d.title, date=d.date, publisher=d.publisher, path=d.path,
                sentences=self._ranges[d.source_id][1] - self._ranges[d.source_id][0],
            )
            for d in self._documents.values()
        ]

    # ------------------------------------------------------------ search

    def search(self, query: np.ndarray, k_per_source: int, candidate_pool: int = 256) -> list[Hit]:
        """Each candidate source's ``k_per_source`` sentences nearest to one query.

        Args:
            query: Unit vector of shape ``(dim,)``.
            k_per_source: Sentences per source.
            candidate_pool: Rows of the global search whose sources are searched.
                Defaults to 256.

        Returns:
            Hits sorted by similarity, highest first.

        Raises:
            ValueError: Wrong query shape or a count below 1.
        """
        query = np.asarray(query, dtype=np.float32)
        if query.shape != (self.dim,):
            raise ValueError(f"query must have shape ({self.dim},), got {query.shape}")
        return self.search_batch(query[None, :], k_per_source, candidate_pool)[0]

    def search_batch(self, queries: np.ndarray, k_per_source: int, candidate_pool: int = 256) -> list[list[Hit]]:
        """``search`` for several queries at once (shape ``(n, dim)``); one hit list per query."""
        return per_source_search(
            self._vectors, self._range_list, self._source_ids, queries, k_per_source, candidate_pool
        )
