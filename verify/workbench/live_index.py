"""The index the workbench checks against, and its update in the background.

A :class:`LiveIndex` holds one :class:`~verify.verifier.Verifier`. Adding or removing a corpus
file does not stop checking: the page keeps checking against the index as it was built, says
how the corpus differs, and :meth:`LiveIndex.start_update` brings the index up to date in a
thread (``index.build.update.build_index``, incremental). When the new index is written it is loaded
and swapped in; the old one is dropped (the NLI judge and the embedder are shared, so the
swap holds two copies of the index only, never two models). Every report can name the index
it came from (:class:`IndexStamp`).

No streamlit here: the page caches one LiveIndex per index folder and polls :attr:`state`.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from index.build.update import build_index
from index.embed import Embedder
from index.errors import CrosscheckError
from index.ingest.corpus import corpus_files
from index.models import FileChanges
from index.store.claim_index import MANIFEST, ClaimIndex
from verify.errors import AnalysisStoreError, ModelError
from verify.evidence.stored import fill
from verify.settings import Settings
from verify.verifier import Verifier

__all__ = ["UPDATE_THREAD", "IndexStamp", "LiveIndex", "SerialEmbedder", "UpdateState", "local_time"]

LOG = logging.getLogger(__name__)
UPDATE_THREAD = "crosscheck-index-update"
"""The name of the thread that updates an index (tests wait for it)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def local_time(iso: str, with_date: bool = True) -> str:
    """An ISO time (UTC or with an offset) in this machine's time zone, to the minute.

    A string that is no ISO time comes back as it is.
    """
    try:
        when = dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone().strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")


class IndexStamp(_Strict):
    """Which index a result came from."""

    built_at: str = Field(description="ISO time, UTC, from the index manifest")
    sources: int = Field(ge=0)
    sentences: int = Field(ge=0)

    @classmethod
    def of(cls, index: ClaimIndex) -> IndexStamp:
        manifest = index.manifest
        return cls(built_at=manifest.built_at, sources=manifest.sources, sentences=manifest.sentences)

    def describe(self) -> str:
        """``index of 2026-11-26 02:14 (5 sources, 79 sentences)``, in local time."""
        def n(count: int, noun: str) -> str:
            return f"{count:,} {noun}" + ("" if count == 1 else "s")
        return f"index of {local_time(self.built_at)} ({n(self.sources, 'source')}, {n(self.sentences, 'sentence')})"


class UpdateState(_Strict):
    """Where the background update stands."""

    running: bool = False
    done: int = Field(default=0, ge=0, description="sentences embedded so far")
    total: int = Field(default=0, ge=0, description="sentences to embed")
    error: str | None = Field(default=None, description="why the last update failed; None when it did not")
    finished: str | None = Field(default=None, description="what the last update did, in words")
    generation: int = Field(default=0, ge=0, description="counts the indexes swapped in")

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


class SerialEmbedder:
    """One embedder shared by checks and a background build, one call at a time.

    Tokenizers and models are not safe to call from two threads at once; builds embed in
    chunks (``index.build.new_segment.EMBED_CHUNK``), so a check waits for one chunk at most.
    """

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._embedder.name

    @property
    def dim(self) -> int:
        with self._lock:
            return self._embedder.dim

    def embed(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return self._embedder.embed(texts)


class LiveIndex:
    """The verifier of one index folder, kept current without stopping the checks.

    Args:
        settings: Where the index and the corpus are, and the verifier's knobs.
        embedder: The embedder of checks.
        judge: The NLI judge. Defaults to the verifier's own, made on first use and kept
            across swaps.
        build_embedder: The embedder of index updates: a second instance of the same model lets
            checks run while an update embeds (one model's memory more). Defaults to
            ``embedder`` (then wrap it in :class:`SerialEmbedder`: checks wait for one chunk).
    """

    def __init__(self, settings: Settings, embedder: Embedder, judge=None, build_embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.build_embedder = build_embedder or embedder
        self._judge = judge
        self._verifier: Verifier | None = None
        self._loaded_mtime: int | None = None
        self._filled_mtime: int | None = None  # the index (manifest mtime) whose analyses this process stored
        self._lock = threading.RLock()
        self._state = UpdateState()
        self._thread: threading.Thread | None = None
        self._changes_key: tuple | None = None
        self._changes: FileChanges | None = None

    # -- the verifier in use ----------------------------------------------------------------
    def _manifest_mtime(self) -> int | None:
        try:
            return (Path(self.settings.index_dir) / MANIFEST).stat().st_mtime_ns
        except OSError:
            return None

    def _shared_judge(self, verifier: Verifier | None):
        if self._judge is None and verifier is not None:
            try:
                self._judge = verifier.nli  # made once (it loads its model on first use), shared by the next
            except ModelError:
                return None
        return self._judge

    def _load(self) -> Verifier:
        index = ClaimIndex.load(Path(self.settings.index_dir), corpus_check=False, embedder_name=self.embedder.name)
        return Verifier(index, self.settings, self.embedder, judge=self._shared_judge(self._verifier))

    def verifier(self) -> Verifier:
        """The verifier of the index as built (stale or not: see :meth:`changes`).

        An index rebuilt meanwhile by someone else (``python -m index build``) is loaded again.

        Raises:
            MissingIndexError: There is no index yet (see :meth:`build`).
            IndexStoreError: The index is corrupt or was built with another embedding model.
        """
        with self._lock:
            mtime = self._manifest_mtime()
            if self._verifier is None or (mtime != self._loaded_mtime and not self._state.running):
                verifier = self._load()
                self._swap(verifier, mtime)
            return self._verifier

    def _swap(self, verifier: Verifier, mtime: int | None) -> None:
        with self._lock:
            old, self._verifier, self._loaded_mtime = self._verifier, verifier, mtime
            self._changes_key = None
            if old is not None:
                self._state = self._state.model_copy(update={"generation": self._state.generation + 1})
                LOG.info("index swapped in: %s", IndexStamp.of(verifier.index).describe())

    @property
    def current(self) -> Verifier | None:
        """The verifier in use, or None before one loaded; never loads."""
        return self._verifier

    def stamp(self) -> IndexStamp | None:
        """Which index the checks run against now."""
        return IndexStamp.of(self._verifier.index) if self._verifier is not None else None

    def changes(self) -> FileChanges | None:
        """How the corpus differs from the index in use; None when there is no index or no corpus.

        The files are hashed again only when their names, sizes or times changed.

        Raises:
            IngestError: A corpus file cannot be read.
        """
        verifier = self._verifier
        if verifier is None:
            return None
        try:
            files = corpus_files(Path(self.settings.corpus_dir), warn=False)
        except CrosscheckError:
            return None
        key = (id(verifier), tuple((str(p), s.st_size, s.st_mtime_ns) for p in files if (s := p.stat())))
        if key != self._changes_key:
            self._changes, self._changes_key = verifier.index.corpus_changes(), key
        return self._changes

    # -- updating ---------------------------------------------------------------------------
    @property
    def state(self) -> UpdateState:
        """A copy of the update's state."""
        with self._lock:
            return self._state.model_copy()

    def _progress(self, done: int, total: int) -> None:
        with self._lock:
            self._state = self._state.model_copy(update={"done": done, "total": total})

    def build(self) -> str:
        """Bring the index up to date now (in this thread), swap it in, and store the analyses of its new
        passages (:func:`verify.evidence.stored.fill`).

        Returns:
            What the update did, in words.

        Raises:
            CrosscheckError: The corpus cannot be read or the index cannot be written; the
                index in use stays.
        """
        result = build_index(Path(self.settings.corpus_dir), Path(self.settings.index_dir), self.build_embedder,
                             self._progress)
        mtime = self._manifest_mtime()
        if result.up_to_date and self._verifier is not None:
            if mtime != self._filled_mtime:  # an index opened as it was: its analyses may be missing
                self._store_analyses(self._verifier, mtime)
            return "The index was already up to date."
        verifier = self._load()
        self._swap(verifier, mtime)
        self._store_analyses(verifier, mtime)
        return (f"Index updated: {result.added} added, {result.changed} changed, {result.removed} removed files; "
                f"{result.sources} sources, {result.sentences:,} sentences.")

    def _store_analyses(self, verifier: Verifier, mtime: int | None) -> None:
        """Parse and store the analyses of the passages that have none (``python -m verify analyse``), so that
        checks read them; the index is in use meanwhile, and a failure costs a warning, never the update.
        A later no-op build of the same index (``mtime``) does not look again."""
        try:
            result = fill(verifier.index, self.settings.evidence)
        except AnalysisStoreError as exc:
            LOG.warning("%s; checks parse the passages instead", exc)
            return
        self._filled_mtime = mtime
        LOG.info("%d passage analyses stored, %d were current", result.analysed, result.current)

    def _run(self) -> None:
        try:
            finished, error = self.build(), None
        except CrosscheckError as exc:
            finished, error = None, str(exc)
            LOG.warning("index update failed: %s", exc)
        except Exception as exc:  # a thread must report, not die silently
            finished, error = None, f"{type(exc).__name__}: {exc}"
            LOG.exception("index update failed")
        with self._lock:
            self._state = self._state.model_copy(update={"running": False, "finished": finished, "error": error})

    def start_update(self) -> bool:
        """Start updating the index in a background thread; False when an update is running already."""
        with self._lock:
            if self._state.running:
                return False
            self._state = UpdateState(running=True, generation=self._state.generation)
            self._thread = threading.Thread(target=self._run, name=UPDATE_THREAD, daemon=True)
            self._thread.start()
            return True

    def wait(self, timeout: float | None = None) -> UpdateState:
        """Wait for a running update to end (for tests and scripts); returns the state."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.state

