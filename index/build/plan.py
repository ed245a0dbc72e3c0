"""What an index update must do, read from the corpus in time proportional to the change.

A corpus file whose size and mtime match the manifest (and were not taken within 2 s of
its write, see ``RACY_NS``) is not read at all; a file with a new time but the same
bytes is read and hashed, not parsed; only files with new bytes are parsed. Their
documents are compared with the stored ones by content digest, so an unchanged line of
a changed .jsonl file keeps its vectors.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import EmptyDocumentError, IngestError
from index.ingest.corpus import corpus_entries, corpus_files, diff_files, relative_name, sha256
from index.ingest.read import Corpus, load_document_bytes, stream_corpus
from index.models import Document, FileStat, Manifest, SegmentInfo
from index.shards.layout import ShardManifest
from index.store.claim_index import ClaimIndex
from index.store.segment import document_digest

__all__ = ["RACY_NS", "Plan", "Snapshot", "file_stats", "numbered", "read_changed", "read_planned", "stamp_of",
           "unchanged_on_disk"]

LOG = logging.getLogger(__name__)

RACY_NS = 2_000_000_000
"""A file modified this close to when its stats were taken is read again next time."""


@dataclass
class Snapshot:
    """The corpus as this update sees it.

    ``documents`` are those of the files that were parsed; the stored documents of
    ``kept_paths`` stay as they are without being read.
    """

    root: str
    files: dict[str, str]
    documents: list[Document]
    kept_paths: set[str] = field(default_factory=set)
    skipped: dict[str, str] = field(default_factory=dict)
    """Corpus files not indexed, and why (see ``index.ingest.read.read_corpus``)."""

    @classmethod
    def of(cls, corpus: Corpus) -> Snapshot:
        """A snapshot of a fully read corpus."""
        return cls(root=corpus.root, files=corpus.files, documents=corpus.documents, skipped=corpus.skipped)


def read_changed(root: Path, previous: ClaimIndex, stats: dict[str, tuple[int, int]]) -> Snapshot | None:
    """Read only the corpus files that changed since ``previous`` was built.

    Args:
        root: The corpus folder.
        previous: The index being updated (built from ``root``).
        stats: ``{relative name: (size, mtime_ns)}`` of the corpus files now.

    Returns:
        The snapshot, or None when the whole corpus must be read (a single-file corpus,
        or a changed file that does not read cleanly or clashes with another's ids: the
        full read reports it as it always does).
    """
    if root.is_file():
        return None
    manifest = previous.manifest
    files: dict[str, str] = {}
    kept: set[str] = set()
    documents: list[Document] = []
    empty: set[str] = set()
    for name, (size, mtime) in stats.items():
        old = manifest.file_stats.get(name)
        if old and (old.size, old.mtime_ns) == (size, mtime) and mtime < manifest.checked_ns - RACY_NS:
            files[name] = old.sha256
            kept.add(name)
            continue
        try:
            data = (root / name).read_bytes()  # read once: hashed, and parsed if its bytes changed
            files[name] = sha256(data)
            if old and old.sha256 == files[name]:
                kept.add(name)
                continue
            parsed = load_document_bytes(name, data)
        except EmptyDocumentError:
            parsed, empty = [], empty | {name}  # an empty file in a folder is skipped, as a full read does
        except (IngestError, OSError):  # the full read reports it (or skips it) as it always does
            return None
        documents += [d.model_copy(update={"path": name}) for d in parsed]
    owners = {row.source_id: row.path for row in previous.doc_rows().values() if row.path in kept}
    for document in documents:
        if owners.setdefault(document.source_id, document.path) != document.path:
            return None
    # files the folder holds but never reads (type, name, links) and unchanged files an earlier build skipped
    _, skipped = corpus_entries(root)
    skipped.update({name: why for name, why in manifest.skipped.items() if name in kept})
    skipped.update(dict.fromkeys(empty, "empty file"))
    LOG.info("read %d changed of %d corpus files", len(stats) - len(kept), len(stats))
    return Snapshot(root=str(root.resolve()), files=files, documents=documents, kept_paths=kept, skipped=skipped)


class Plan:
    """What an update does: documents kept in place, documents to (re)index, file counts.

    Args:
        snapshot: The corpus now.
        previous: The index being updated, or None for a fresh build.
        documents: The snapshot's documents as they are read (``index.ingest.read.stream_corpus``), in
            place of ``snapshot.documents``: only the new and changed ones are held (in ``fresh``), and
            ``snapshot.files`` and ``skipped`` are read once the stream is spent. Defaults to
            ``snapshot.documents``.
    """

    def __init__(self, snapshot: Snapshot, previous: ClaimIndex | None,
                 documents: Iterable[Document] | None = None) -> None:
        rows = previous.doc_rows() if previous is not None else {}
        self.fresh: list[tuple[Document, int]] = []
        self.keep = {(r.segment, r.ordinal) for r in rows.values() if r.path in snapshot.kept_paths}
        for document, position in numbered(snapshot.documents if documents is None else documents):
            row = rows.get(document.source_id)
            if row is not None and (row.path, row.file_pos, row.digest) == (
                    document.path, position, document_digest(document)):
                self.keep.add((row.segment, row.ordinal))
            else:
                self.fresh.append((document, position))
        self.changes = diff_files(previous.manifest.files if previous else {}, snapshot.files)
        # A file whose bytes are unchanged but whose documents differ (cleaning rules changed) counts as changed.
        redone = {document.path for document, _ in self.fresh} & set(self.changes.unchanged)
        self.changes.changed = sorted(set(self.changes.changed) | redone)
        self.changes.unchanged = sorted(set(self.changes.unchanged) - redone)
        self.dropped = len(rows) - len(self.keep)
        self.sources = len(self.keep) + len(self.fresh)
        self.live: dict[str, int] = {}  # segment name -> rows of kept documents
        for row in rows.values():
            if (row.segment, row.ordinal) in self.keep:
                name = previous.manifest.segments[row.segment].name
                self.live[name] = self.live.get(name, 0) + row.count

    def kept_segments(self, previous: ClaimIndex | None) -> list[SegmentInfo]:
        """The previous segments that still hold a live document, with their removed documents marked."""
        segments = []
        for number, info in enumerate(previous.manifest.segments if previous else []):
            removed = [o for o in range(info.documents) if (number, o) not in self.keep]
            if len(removed) < info.documents:
                segments.append(info.model_copy(update={"removed": removed}))
        return segments


def read_planned(root: Path, previous: ClaimIndex | None, strict: bool = False) -> tuple[Snapshot, Plan]:
    """Read every corpus file and plan the update, holding only the new and changed documents.

    The corpus is streamed (``stream_corpus``) through ``Plan``, so a document that is already in
    ``previous`` as it is now is let go as soon as it is compared; a bad file (``strict``) raises
    before anything is written.

    Args:
        root: The corpus folder or file.
        previous: The index being updated, or None.
        strict: Fail on the first bad file (see ``read_corpus``). Defaults to False.

    Returns:
        The snapshot (its ``documents`` empty: the new ones are in ``Plan.fresh``) and the plan.
    """
    corpus, documents = stream_corpus(root, strict)
    snapshot = Snapshot.of(corpus)  # its files and skipped are the corpus's, filled in as the stream is read
    return snapshot, Plan(snapshot, previous, documents)


def numbered(documents: Iterable[Document]) -> Iterator[tuple[Document, int]]:
    """Each document with its position among its file's documents (documents come file by file)."""
    file_pos: dict[str, int] = {}
    for document in documents:
        position = file_pos[document.path] = file_pos.get(document.path, -1) + 1
        yield document, position


def file_stats(root: Path) -> dict[str, tuple[int, int]]:
    """``{relative name: (size, mtime_ns)}`` of the corpus files, taken before they are read."""
    stats = {}
    for path in corpus_files(root, warn=False):
        st = path.stat()
        stats[relative_name(root, path)] = (st.st_size, st.st_mtime_ns)
    return stats


def unchanged_on_disk(manifest: Manifest | ShardManifest, root: Path, stats: dict[str, tuple[int, int]]) -> bool:
    """Whether every corpus file has the size and mtime the manifest (an index's or a sharded index's) recorded.

    A file whose mtime was within 2 s of when the stats were taken is not trusted (a
    later write could keep its size and land in the same mtime tick): it is read again.
    """
    return manifest.corpus_root == str(root.resolve()) and set(stats) == set(manifest.file_stats) and all(
        stats[n] == (manifest.file_stats[n].size, manifest.file_stats[n].mtime_ns)
        and stats[n][1] < manifest.checked_ns - RACY_NS for n in stats)


def stamp_of(files: Mapping[str, str], stats: dict[str, tuple[int, int]], checked_ns: int) -> dict:
    """The manifest fields that let the next build skip reading unchanged files."""
    return {"file_stats": {n: FileStat(sha256=files[n], size=stats[n][0], mtime_ns=stats[n][1])
                           for n in files if n in stats}, "checked_ns": checked_ns}
