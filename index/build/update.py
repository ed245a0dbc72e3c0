"""Build or incrementally update an index directory from a corpus.

The corpus is read and validated before the embedding model loads. Under the
folder's build lock, documents that are unchanged stay where they are; new and
changed documents are split, embedded and written into one new segment; documents
that changed or left are marked removed in the manifest. The new manifest replaces
the old one in one atomic rename, so a failure, Ctrl-C or kill -9 at any point leaves
the previous index usable; the next build removes what the killed one left behind.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np

from index.build.folder import check_out, collect_garbage
from index.build.new_segment import SplitEmbed, TermTable, write_segment
from index.build.plan import (
    Plan,
    Snapshot,
    file_stats,
    numbered,
    read_changed,
    read_planned,
    stamp_of,
    unchanged_on_disk,
)
from index.embed import Embedder
from index.errors import IndexStoreError
from index.ingest.corpus import corpus_files
from index.ingest.read import stream_corpus
from index.models import AnnInfo, BuildResult, Document, Manifest, SegmentInfo
from index.search import ann as ann_module
from index.search.ann_file import write_ivf
from index.shards.distributed import connect, ray_split_embed
from index.store.claim_index import MANIFEST, ClaimIndex, read_manifest
from index.store.durable import build_lock, fsync_dir, fsync_file, remove_path, write_atomic
from index.store.text_tables import DEFAULT_TABLES

__all__ = ["build_index"]

LOG = logging.getLogger(__name__)

ANN_STALE = 0.1
"""The ANN file is rebuilt when rows outside it (or removed rows inside it) pass this share of its rows."""


def _write_ann(out: Path, manifest: Manifest, previous: AnnInfo | None, live: dict[str, int]) -> AnnInfo | None:
    """The ANN entry for ``manifest``: kept, rebuilt (a new file), or None below ``EXACT_BELOW`` rows.

    ``live`` gives each segment's rows that are still in the index.
    """
    if manifest.sentences < ann_module.EXACT_BELOW:
        return None
    covered = {s.name for s in manifest.segments} & set(previous.segments if previous else [])
    inside = sum(s.sentences for s in manifest.segments if s.name in covered)
    outside = sum(s.sentences for s in manifest.segments if s.name not in covered)
    dead = inside - sum(live.get(name, 0) for name in covered)
    if previous and covered == set(previous.segments) and outside + dead <= ANN_STALE * inside:
        return previous
    blocks = [np.load(out / s.name / "vectors.npy", mmap_mode="r") for s in manifest.segments]
    ids = [np.arange(s.base, s.base + s.sentences, dtype=np.int64) for s in manifest.segments]
    name = f"ann-{uuid.uuid4().hex[:12]}.faiss"
    kind, nprobe = write_ivf(out / name, blocks, ids)  # its lists streamed, never all in memory
    fsync_file(out / name)
    fsync_dir(out)
    return AnnInfo(name=name, kind=kind, segments=[s.name for s in manifest.segments], nprobe=nprobe)


def build_index(
    corpus: Path,
    out: Path,
    embedder: Embedder,
    progress: Callable[[int, int], None] | None = None,
    *,
    vector_dtype: str = "float32",
    tables: Mapping[str, TermTable] | None = None,
    wait_s: float = 0.0,
    ray_address: str | None = None,
    strict: bool = False,
    shards: int | None = None,
) -> BuildResult:
    """Build the index of a corpus, or bring an existing one up to date.

    Args:
        corpus: Corpus folder or file (see ``load_corpus``).
        out: Index directory. It may be missing, empty, or hold an index built with
            the same embedder, which is updated incrementally (one of an older format
            is rebuilt).
        embedder: Embeds the sentences; its ``name`` is recorded in the manifest.
            The model is only used when some document needs embedding.
        progress: Called as ``progress(done, total)`` with counts of sentences
            embedded so far. Defaults to None.
        vector_dtype: ``float32`` or ``float16`` vectors on disk (new indexes only).
            Defaults to float32.
        tables: Corpus-wide tables to store with the index, by name (see
            ``ClaimIndex.table``), besides ``index.store.text_tables.DEFAULT_TABLES`` (the
            corpus's names), which every build stores. Defaults to none.
        wait_s: Seconds to wait for another build of ``out`` to finish. Defaults to 0.
        ray_address: Split and embed the new documents on this Ray cluster (see
            ``index.shards.distributed``); progress then counts documents. Defaults to None (here).
        strict: Fail on the first bad corpus file instead of skipping it (see
            ``read_corpus``). Defaults to False.
        shards: Write a sharded index of this many shards (see ``index.shards.build``).
            Defaults to None: one index.

    Returns:
        File counts (added, changed, removed, unchanged), totals, and whether the
        index was already up to date (then nothing is written).

    Raises:
        IngestError: The corpus is missing or holds a bad file (nothing is written).
        IndexStoreError: ``out`` holds something else (a file, a folder that is not an
            index, an index of another model), another build holds its lock, or the Ray
            cluster cannot be reached.
        EmbeddingModelError: The embedder fails or returns malformed vectors.
    """
    out, root = Path(out), Path(corpus)
    if shards is not None:
        from index.shards.build import build_sharded  # it builds each shard with this module

        return build_sharded(root, out, embedder, shards, progress, vector_dtype=vector_dtype, tables=tables,
                             wait_s=wait_s, ray_address=ray_address, strict=strict)
    updatable = check_out(out, embedder.name)
    check_before_lock(root, ray_address)
    with build_lock(out, wait_s):
        updatable = check_out(out, embedder.name)  # again: another build may have finished meanwhile
        old = read_manifest(out) if updatable else None
        collect_garbage(out, old)
        checked_ns = time.time_ns()
        stats = file_stats(root) if root.exists() else {}
        if old is not None and not (strict and old.skipped) and unchanged_on_disk(old, root, stats) \
                and opens(out, embedder):
            LOG.info("index at %s is up to date (no corpus file changed size or time)", out)
            return BuildResult(out=str(out), added=0, changed=0, removed=0, unchanged=len(stats),
                               sources=old.sources, sentences=old.sentences, up_to_date=True,
                               skipped=old.skipped)
        previous = previous_index(out, old, embedder, str(root.resolve()))
        tables = {**DEFAULT_TABLES, **(tables or {})}
        if previous is None and ray_address is None:  # every document is new: written as it is read
            corpus, documents = stream_corpus(root, strict)
            return write_streamed(out, Snapshot.of(corpus), documents, stats, checked_ns, embedder, progress,
                                  vector_dtype, tables)
        try:
            # strict: every file is read again, so none that an earlier build skipped slips through
            snapshot = read_changed(root, previous, stats) if previous is not None and not strict else None
            snapshot, plan = (snapshot, Plan(snapshot, previous)) if snapshot is not None \
                else read_planned(root, previous, strict)
        finally:
            if previous is not None:
                previous.close()
        return write_update(out, plan, snapshot, stamp_of(snapshot.files, stats, checked_ns), embedder, progress,
                            vector_dtype, tables, previous,
                            None if ray_address is None else functools.partial(ray_split_embed, ray_address))


def check_before_lock(root: Path, ray_address: str | None) -> None:
    """The checks a build makes before its lock creates ``out``, each failing in one line.

    Args:
        root: The corpus folder or file.
        ray_address: The Ray cluster to split and embed on, or None (here).

    Raises:
        IngestError: The corpus is missing.
        IndexStoreError: The Ray cluster cannot be reached (before any model loads).
    """
    if not root.exists():
        corpus_files(root)  # raises the missing corpus's own error
    if ray_address is not None:
        connect(ray_address)


def opens(out: Path, embedder: Embedder) -> bool:
    """Whether the index in ``out`` opens and passes its checksums (else it is built again)."""
    try:
        ClaimIndex.load(out, corpus_check=False, embedder_name=embedder.name).close()
    except IndexStoreError as exc:
        LOG.warning("%s; building it again from scratch", exc)
        return False
    return True


def previous_index(out: Path, old: Manifest | None, embedder: Embedder, root: str) -> ClaimIndex | None:
    if old is None:
        return None
    if old.corpus_root != root:
        LOG.warning("index at %s was built from %s; rebuilding it from %s", out, old.corpus_root, root)
        return None
    try:
        return ClaimIndex.load(out, corpus_check=False, embedder_name=embedder.name)
    except IndexStoreError as exc:
        LOG.warning("%s; building it again from scratch", exc)
        return None


def _committed(out: Path, name: str) -> bool:
    """Whether the manifest now in ``out`` names ``name`` (then it must not be removed)."""
    try:
        return name in (out / MANIFEST).read_text(encoding="utf-8")
    except OSError:
        return False


def write_update(out: Path, plan: Plan, snapshot: Snapshot, stamp: dict, embedder: Embedder, progress,
                 vector_dtype: str, tables: Mapping[str, TermTable], previous: ClaimIndex | None,
                 split_embed: SplitEmbed | None) -> BuildResult:
    """Carry out ``plan`` in the index folder ``out`` (its lock held): a new segment, then the manifest swap.

    ``split_embed`` splits and embeds the new documents elsewhere (a Ray job); None does it here.
    The new documents are let go once they are in the segment (``snapshot.documents`` and
    ``plan.fresh`` are emptied), so embedding and the ANN build do not hold the corpus's text.
    """
    if previous is not None and not plan.fresh and not plan.dropped:
        # no document changed: remember the files' new times, and files added or fixed that hold none
        # (a skipped file is a corpus file too, or the index would read as stale)
        update = {**stamp, "files": snapshot.files, "skipped": snapshot.skipped}
        if any(getattr(previous.manifest, key) != value for key, value in update.items()):
            write_atomic(out / MANIFEST, previous.manifest.model_copy(update=update)
                         .model_dump_json(indent=2).encode("utf-8"))
        LOG.info("index at %s is up to date", out)
        return _result(out, plan, snapshot, up_to_date=True)

    segments = plan.kept_segments(previous)
    dim = previous.dim if previous is not None else None
    dtype = previous.manifest.vector_dtype if previous is not None else vector_dtype
    new_parts: list[str] = []
    if plan.fresh:
        base = max((s.base + s.sentences for s in previous.manifest.segments), default=0) if previous else 0
        snapshot.documents.clear()  # plan.fresh holds the new ones, which write_segment lets go
        writer, info = write_segment(out, plan.fresh, base, dim, dtype, embedder, tables, progress, split_embed)
        new_parts.append(writer.folder.name)
        segments.append(info)
        plan.live[info.name] = info.sentences
        dim = writer.dim
    return _commit(out, plan, snapshot, stamp, embedder, segments, dim, dtype, previous, new_parts)


def write_streamed(out: Path, snapshot: Snapshot, documents: Iterable[Document], stats: dict[str, tuple[int, int]],
                   checked_ns: int, embedder: Embedder, progress, vector_dtype: str,
                   tables: Mapping[str, TermTable]) -> BuildResult:
    """A build with nothing to keep (a fresh folder, or one rebuilt from scratch), its documents streamed.

    Each corpus file's documents go to the new segment as the file is read (``stream_corpus``,
    or a sharded build's spool), so the build holds one file's documents, not the corpus's; the
    embedder is used once every document is in, so a bad file (``strict``) still fails before the
    model loads, and the half-written segment is removed. ``snapshot.files`` and ``skipped`` are
    read once ``documents`` is spent.
    """
    writer, info = write_segment(out, numbered(documents), 0, None, vector_dtype, embedder, tables, progress, None)
    plan = Plan(snapshot, None)  # every file added; the documents are in the segment, not in the snapshot
    plan.sources, plan.live = info.documents, {info.name: info.sentences}
    return _commit(out, plan, snapshot, stamp_of(snapshot.files, stats, checked_ns), embedder, [info], writer.dim,
                   vector_dtype, None, [writer.folder.name])


def _commit(out: Path, plan: Plan, snapshot: Snapshot, stamp: dict, embedder: Embedder, segments: list[SegmentInfo],
            dim: int | None, dtype: str, previous: ClaimIndex | None, new_parts: list[str]) -> BuildResult:
    """Write the ANN file if it is due and the manifest naming ``segments``; on failure remove ``new_parts``."""
    total = sum(plan.live.values())
    try:
        manifest = Manifest(
            embedding_model=embedder.name, embedding_dim=dim, vector_dtype=dtype, corpus_root=snapshot.root,
            files=snapshot.files, **stamp, sentences=total, sources=plan.sources,
            built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), segments=segments,
            skipped=snapshot.skipped,
        )
        manifest.ann = _write_ann(out, manifest, previous.manifest.ann if previous else None, plan.live)
        if manifest.ann is not None:
            new_parts.append(manifest.ann.name)
        write_atomic(out / MANIFEST, manifest.model_dump_json(indent=2).encode("utf-8"))
    except BaseException:
        for name in new_parts:
            if not _committed(out, name) and (previous is None or previous.manifest.ann is None
                                              or previous.manifest.ann.name != name):
                remove_path(out / name)
        raise
    collect_garbage(out, manifest)
    LOG.info("wrote index of %d sources, %d sentences to %s", manifest.sources, total, out)
    return _result(out, plan, snapshot, up_to_date=False)


def _result(out: Path, plan: Plan, snapshot: Snapshot, up_to_date: bool) -> BuildResult:
    changes = plan.changes
    return BuildResult(out=str(out), added=len(changes.added), changed=len(changes.changed),
                       removed=len(changes.removed), unchanged=len(changes.unchanged), sources=plan.sources,
                       sentences=sum(plan.live.values()), up_to_date=up_to_date, skipped=snapshot.skipped)
