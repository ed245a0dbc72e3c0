"""Build or update a sharded index (``python -m index build --shards K [--ray ADDRESS]``).

The corpus is read once (only the changed files, when the index exists), and each
document goes to the shard ``shard_of`` its source id names. A read of the whole corpus
(a new index, ``--strict``) is spooled to one file per shard (``index.shards.spool``), so
the build holds a file's documents and each shard's new ones, not the corpus; a new shard
is written as its spool is read back. Each shard is an ordinary
index folder, planned and written by the same code as a one-folder build (``Plan``,
``write_update``; with ``--ray`` its new documents are split and embedded on the
cluster). A shard that gains, loses or changes no document is not touched. A shard that
does is written into a new version folder (``index.shards.folders``), never into the folder
the index uses; the top manifest, naming each shard's folder and checksum, is swapped in
last, and the folders it no longer names are removed after it.

A build that fails or is killed at any point before that swap leaves the previous index
as it was (it opens and answers the same); the next build removes what it left.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from index.build.plan import Plan, Snapshot, file_stats, read_changed, stamp_of, unchanged_on_disk
from index.build.update import TermTable, check_before_lock, write_streamed, write_update
from index.embed import Embedder
from index.errors import IndexStoreError, UsageError
from index.ingest.corpus import diff_files
from index.models import BuildResult, Document, Manifest
from index.shards.distributed import OneJob
from index.shards.folders import new_version, remove_if_bare, remove_unlisted, start_from
from index.shards.layout import (
    SHARDS_FOLDER,
    SHARDS_MANIFEST,
    ShardInfo,
    ShardManifest,
    manifest_digest,
    shard_folder,
    shard_of,
    shard_path,
)
from index.shards.previous import Joined, check_out_sharded, current, previous_shards
from index.shards.spool import SPOOL_PREFIX, Spool, spool_corpus
from index.store.claim_index import ClaimIndex
from index.store.durable import build_lock, write_atomic
from index.store.manifest_file import MANIFEST, read_manifest
from index.store.text_tables import DEFAULT_TABLES

__all__ = ["MAX_SHARDS", "build_sharded"]

LOG = logging.getLogger(__name__)

MAX_SHARDS = 999
"""Shard folders are named 000..999."""


def _shard_snapshots(snapshot: Snapshot, previous: list[ClaimIndex | None]) -> list[Snapshot]:
    """The part of ``snapshot`` each shard holds: its documents, and the files they come from.

    One pass over the documents and the files (not one per shard): a shard holds the kept files
    its previous version names and the files of its new documents.
    """
    shards = len(previous)
    documents: list[list[Document]] = [[] for _ in range(shards)]
    holders: dict[str, set[int]] = {}
    for number, before in enumerate(previous):
        for name in before.manifest.files if before is not None else ():
            if name in snapshot.kept_paths:
                holders.setdefault(name, set()).add(number)
    for document in snapshot.documents:
        number = shard_of(document.source_id, shards)
        documents[number].append(document)
        holders.setdefault(document.path, set()).add(number)
    files: list[dict[str, str]] = [{} for _ in range(shards)]
    for name, digest in snapshot.files.items():
        for number in holders.get(name, ()):
            files[number][name] = digest
    return [Snapshot(root=snapshot.root, files=files[n], documents=documents[n], kept_paths=snapshot.kept_paths)
            for n in range(shards)]


def _empty_shard(folder: Path, embedder: Embedder, vector_dtype: str, root: str) -> None:
    """The manifest of a shard that holds no document (a small corpus over many shards)."""
    manifest = Manifest(embedding_model=embedder.name, embedding_dim=int(embedder.dim), vector_dtype=vector_dtype,
                        corpus_root=root, files={}, sentences=0, sources=0, segments=[],
                        built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    write_atomic(folder / MANIFEST, manifest.model_dump_json(indent=2).encode("utf-8"))


def build_sharded(corpus: Path, out: Path, embedder: Embedder, shards: int,
                  progress: Callable[[int, int], None] | None = None, *, vector_dtype: str = "float32",
                  tables: Mapping[str, TermTable] | None = None, wait_s: float = 0.0,
                  ray_address: str | None = None, strict: bool = False) -> BuildResult:
    """Build the sharded index of a corpus, or bring an existing one up to date.

    Args:
        corpus: Corpus folder or file.
        out: Index directory: missing, empty, or a sharded index of this model and shard count.
        embedder: Embeds the sentences.
        shards: Number of shards (1 to ``MAX_SHARDS``); fixed for the life of the index.
        progress: Called as ``progress(done, total)`` per shard (see ``build_index``). Defaults to None.
        vector_dtype: ``float32`` or ``float16`` vectors on disk (new shards only). Defaults to float32.
        tables: Corpus-wide tables to store with each shard, besides ``DEFAULT_TABLES``. Defaults to none.
        wait_s: Seconds to wait for another build of ``out``. Defaults to 0.
        ray_address: Split and embed on this Ray cluster. Defaults to None (here).
        strict: Fail on the first bad corpus file. Defaults to False.

    Returns:
        File counts and totals over all shards; ``up_to_date`` when no shard changed.

    Raises:
        UsageError: A shard count out of range, or a new index of more shards than documents.
        IngestError: The corpus is missing or holds a bad file (nothing is written).
        IndexStoreError: ``out`` holds something else, another build holds its lock, or the
            Ray cluster cannot be reached.
        EmbeddingModelError: The embedder fails or returns malformed vectors.
    """
    if not 1 <= shards <= MAX_SHARDS:
        raise UsageError(f"--shards must be between 1 and {MAX_SHARDS}, got {shards}")
    out, root = Path(out), Path(corpus)
    check_out_sharded(out, embedder.name, shards)
    check_before_lock(root, ray_address)
    created = not out.exists()
    try:
        with build_lock(out, wait_s):
            return _build_locked(root, out, embedder, shards, progress, vector_dtype, tables, ray_address, strict)
    except BaseException:
        if created:  # a first build that failed leaves no folder behind, only when it holds nothing
            remove_if_bare(out)
        raise


def _build_locked(root: Path, out: Path, embedder: Embedder, shards: int, progress, vector_dtype: str,
                  tables: Mapping[str, TermTable] | None, ray_address: str | None, strict: bool) -> BuildResult:
    """``build_sharded`` with the build lock of ``out`` held."""
    old = check_out_sharded(out, embedder.name, shards)
    for leftover in out.glob(SHARDS_MANIFEST + ".tmp-*"):  # a killed build's half-written top manifest
        leftover.unlink(missing_ok=True)
    remove_unlisted(out, old)  # folders a killed build left, versions a finished one retired
    checked_ns = time.time_ns()
    stats = file_stats(root) if root.exists() else {}
    if old is not None and not (strict and old.skipped) and unchanged_on_disk(old, root, stats) \
            and current(out, old, embedder):
        LOG.info("index at %s is up to date (no corpus file changed size or time)", out)
        return BuildResult(out=str(out), added=0, changed=0, removed=0, unchanged=len(stats), sources=old.sources,
                           sentences=old.sentences, up_to_date=True, skipped=old.skipped)
    previous = previous_shards(out, old, embedder, shards, str(root.resolve()))
    version = new_version()
    spool = None
    try:
        try:
            joined = Joined(old, previous) if old is not None and all(previous) and not strict else None
            snapshot = read_changed(root, joined, stats) if joined is not None else None
            if snapshot is not None:
                parts = _shard_snapshots(snapshot, previous)
                plans = [Plan(part, before) for part, before in zip(parts, previous)]
            else:  # the whole corpus: spooled by shard, so no more than a file's documents are held
                snapshot, parts, spool = spool_corpus(root, out / SHARDS_FOLDER / f"{SPOOL_PREFIX}{version}",
                                                      shards, strict)
                if old is None and shards > sum(spool.counts):
                    count = sum(spool.counts)
                    raise UsageError(f"--shards {shards} is more than the {count} documents of {root}: a shard "
                                     f"would hold none; pass --shards {max(count, 1)} or fewer")
                # a shard with a previous version (or all, for Ray's one job) holds only its new documents
                plans = [Plan(part, before, spool.documents(n) if before is not None or ray_address else [])
                         for n, (part, before) in enumerate(zip(parts, previous))]
        finally:
            for before in previous:
                if before is not None:
                    before.close()
        touched, versions = _write_shards(out, version, old, snapshot, parts, plans, previous, spool, stats,
                                          checked_ns, embedder, progress, vector_dtype, tables, ray_address)
        top = _top_manifest(out, snapshot, stats, checked_ns, versions)
    except BaseException:
        for number in range(shards):  # the index is still the previous one: drop this build's folders
            shutil.rmtree(shard_path(out, number, version), ignore_errors=True)
        raise
    finally:
        if spool is not None:
            spool.remove()
    write_atomic(out / SHARDS_MANIFEST, top.model_dump_json(indent=2).encode("utf-8"))  # the one step
    remove_unlisted(out, top)
    changes = diff_files(old.files if old is not None and old.corpus_root == snapshot.root else {}, snapshot.files)
    LOG.info("wrote %d of %d shards (%d sources, %d sentences) to %s", touched, shards, top.sources, top.sentences,
             out)
    return BuildResult(out=str(out), added=len(changes.added), changed=len(changes.changed),
                       removed=len(changes.removed), unchanged=len(changes.unchanged), sources=top.sources,
                       sentences=top.sentences, up_to_date=touched == 0, skipped=snapshot.skipped)


def _write_shards(out: Path, version: str, old: ShardManifest | None, snapshot: Snapshot, parts: list[Snapshot],
                  plans: list[Plan], previous: list[ClaimIndex | None], spool: Spool | None,
                  stats: dict[str, tuple[int, int]], checked_ns: int, embedder: Embedder, progress,
                  vector_dtype: str, tables: Mapping[str, TermTable] | None,
                  ray_address: str | None) -> tuple[int, list[str]]:
    """Write each shard that changed into its new version folder; the number written and every shard's version.

    A new shard of a spooled read (``spool``, not Ray) is written as its documents are read back.
    """
    versions = [info.version for info in old.shards] if old is not None else [version] * len(plans)
    job = None
    if ray_address is not None:  # the shards' new documents, read as the job asks (each write lets go of its own)
        dim = next((p.dim for p in previous if p is not None), None) or int(embedder.dim)
        job = OneJob(ray_address, (d for plan in plans for d, _ in plan.fresh), embedder, dim)
    tables = {**DEFAULT_TABLES, **(tables or {})}
    touched = 0
    for number, (part, plan, before) in enumerate(zip(parts, plans, previous)):
        if before is not None and not plan.fresh and not plan.dropped:
            continue  # no document of this shard changed: it is not touched
        touched += 1
        versions[number] = version
        folder = shard_path(out, number, version)
        if before is not None:
            start_from(shard_folder(out, old.shards[number]), before.manifest, folder)
        else:
            folder.mkdir(parents=True)
        streamed = before is None and job is None and spool is not None
        if before is None and not (spool.counts[number] if streamed else plan.fresh):
            _empty_shard(folder, embedder, vector_dtype, snapshot.root)
        elif streamed:
            LOG.info("shard %03d: %d documents to index", number, spool.counts[number])
            write_streamed(folder, part, spool.documents(number), stats, checked_ns, embedder, progress,
                           vector_dtype, tables)
        else:
            LOG.info("shard %03d: %d documents to index, %d to drop", number, len(plan.fresh), plan.dropped)
            write_update(folder, plan, part, stamp_of(part.files, stats, checked_ns), embedder, progress,
                         vector_dtype, tables, before, job)
    return touched, versions


def _top_manifest(out: Path, snapshot: Snapshot, stats: dict[str, tuple[int, int]], checked_ns: int,
                  versions: list[str]) -> ShardManifest:
    """The new top manifest: each shard's folder (``versions``), checksum and counts as they are now."""
    infos, dims, models = [], set(), set()
    for number, version in enumerate(versions):
        folder = shard_path(out, number, version)
        manifest = read_manifest(folder)
        dims.add(manifest.embedding_dim)
        models.add(manifest.embedding_model)
        infos.append(ShardInfo(name=f"{number:03d}", version=version, manifest_sha256=manifest_digest(folder),
                               sources=manifest.sources, sentences=manifest.sentences))
    if len(dims) != 1:
        raise IndexStoreError(f"the shards of {out} hold vectors of dimensions {sorted(dims)}; delete it and "
                              f"build again")
    return ShardManifest(embedding_model=models.pop(), embedding_dim=dims.pop(), corpus_root=snapshot.root,
                         files=snapshot.files, **stamp_of(snapshot.files, stats, checked_ns),
                         sentences=sum(i.sentences for i in infos), sources=sum(i.sources for i in infos),
                         built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), skipped=snapshot.skipped,
                         shards=infos)
