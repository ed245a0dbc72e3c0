"""A sharded build's full corpus read, each document spooled to its shard's file as it is read.

A build that must read the whole corpus (a new index, ``--strict``, a shard that cannot be
read) streams it once (``stream_corpus``) and appends each document, as JSON, to the spool file
of the shard ``shard_of`` names; each shard is then written from its own file. The build holds
one corpus file's documents and the spool's write buffer, not the corpus. The spool lives in
the index's ``shards`` folder (the same disk as the index), and the build removes it; a killed
build's spool is removed by the next build with the other folders no manifest names.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

from index.build.plan import Snapshot
from index.ingest.read import stream_corpus
from index.models import Document
from index.shards.layout import shard_of

__all__ = ["SPOOL_BUFFER", "SPOOL_PREFIX", "Spool", "spool_corpus"]

SPOOL_PREFIX = "spool-"
"""Name of a spool's folder in the index's ``shards`` folder, before the build's version."""
SPOOL_BUFFER = 8 * 1024 * 1024
"""Characters of JSON held across all shards before they are appended to their files."""


class Spool:
    """Per-shard files of documents, one JSON line each, written in corpus order.

    Args:
        folder: Where the files go (created; ``remove`` deletes it).
        shards: Number of shards.
        buffer: Characters held before every shard's lines are appended. Defaults to ``SPOOL_BUFFER``.
    """

    def __init__(self, folder: Path, shards: int, buffer: int = SPOOL_BUFFER) -> None:
        self.folder = folder
        self.counts = [0] * shards
        self._lines: list[list[str]] = [[] for _ in range(shards)]
        self._held, self._buffer = 0, buffer
        folder.mkdir(parents=True)

    def _file(self, number: int) -> Path:
        return self.folder / f"{number:03d}.jsonl"

    def add(self, number: int, document: Document) -> None:
        """Spool ``document`` for shard ``number``."""
        line = document.model_dump_json()
        self._lines[number].append(line)
        self.counts[number] += 1
        self._held += len(line)
        if self._held >= self._buffer:
            self.flush()

    def flush(self) -> None:
        """Append every shard's held lines to its file (a file is opened only while it is written)."""
        for number, lines in enumerate(self._lines):
            if lines:
                with self._file(number).open("a", encoding="utf-8") as spool:
                    spool.write("\n".join(lines) + "\n")
                lines.clear()
        self._held = 0

    def documents(self, number: int) -> Iterator[Document]:
        """Shard ``number``'s documents in corpus order, read back one at a time (after ``flush``)."""
        if not self.counts[number]:
            return
        with self._file(number).open(encoding="utf-8") as spool:
            for line in spool:
                yield Document.model_validate_json(line)

    def remove(self) -> None:
        """Delete the spool's folder."""
        shutil.rmtree(self.folder, ignore_errors=True)


def spool_corpus(root: Path, folder: Path, shards: int, strict: bool) -> tuple[Snapshot, list[Snapshot], Spool]:
    """Read the whole corpus into a spool of ``shards`` files.

    Args:
        root: The corpus folder or file.
        folder: The spool's folder (must not exist).
        shards: Number of shards.
        strict: Fail on the first bad file (see ``read_corpus``).

    Returns:
        The corpus's snapshot (no documents held), each shard's part of it (the files its documents
        come from; no documents held) and the spool (removed again if reading fails).

    Raises:
        IngestError: What ``read_corpus`` raises.
    """
    corpus, documents = stream_corpus(root, strict)
    spool = Spool(folder, shards)
    names: list[dict[str, None]] = [{} for _ in range(shards)]  # each shard's files, in corpus order
    try:
        for document in documents:
            number = shard_of(document.source_id, shards)
            spool.add(number, document)
            names[number][document.path] = None
        spool.flush()
    except BaseException:
        spool.remove()
        raise
    snapshot = Snapshot.of(corpus)
    # a document's file is hashed before it is read, so each name is in files (not K passes over it)
    parts = [Snapshot(root=snapshot.root, files={n: snapshot.files[n] for n in held}, documents=[])
             for held in names]
    return snapshot, parts, spool
