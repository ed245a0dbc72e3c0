"""Split and embed documents on a Ray cluster (``python -m index build --ray ADDRESS``).

The driver reads the corpus and plans the update as a local build does; only the new
and changed documents travel, ``RAY_CHUNK`` at a time, each chunk a Ray Data dataset whose ``map_batches`` splits each
document and embeds its sentences on the cluster's workers (the embedder is pickled to
them; the bundled model loads from each worker's own install). Results stream back in
document order and the driver writes the same segment a local build would.
"""

from __future__ import annotations

import itertools
import json
import logging
import socket
from collections.abc import Iterable, Iterator

import numpy as np

from index.embed import Embedder, check_vectors
from index.errors import IndexStoreError
from index.models import Document, Sentence
from index.split.document import split_document

__all__ = ["RAY_BATCH", "RAY_CHUNK", "OneJob", "connect", "ray_split_embed"]

LOG = logging.getLogger(__name__)

RAY_BATCH = 16
"""Documents per Ray Data batch."""
RAY_CHUNK = 4096
"""Documents per Ray Data job: the driver holds one chunk's JSON at a time. Each job starts its workers (and
their embedders) afresh, so a chunk is large enough that embedding it outlasts that start."""
CONNECT_TIMEOUT_S = 5.0
"""How long the cluster's address may take to accept a connection."""


class _SplitEmbed:
    """A Ray Data batch function: documents in, their sentences and vectors out."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def __call__(self, batch: dict) -> dict:
        sentences, vectors = [], []
        for raw in batch["document"]:
            split = split_document(Document.model_validate_json(raw))
            embedded = self._embedder.embed([s.text for s in split])
            sentences.append(json.dumps([s.model_dump() for s in split]))
            vectors.append(np.ascontiguousarray(embedded, dtype=np.float32).tobytes())
        return {"order": batch["order"], "sentences": sentences, "vectors": vectors}


def _check_reachable(address: str, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    """Fail fast, in one line, when ``host:port`` does not answer (ray.init would retry for minutes).

    Raises:
        IndexStoreError: Nothing listens there, or the address is not ``[ray://]host:port``.
    """
    if address == "auto":
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise IndexStoreError(f"Ray address {address!r} is not host:port, ray://host:port or auto")
    try:
        socket.create_connection((host, int(port)), timeout=timeout_s).close()
    except OSError as exc:
        raise IndexStoreError(f"cannot reach the Ray cluster at {address}: {exc.strerror or exc}") from exc


def connect(address: str) -> None:
    """Attach this process to a Ray cluster (a no-op when it already is).

    Raises:
        IndexStoreError: The cluster cannot be reached.
    """
    import ray  # optional and heavy: imported only for --ray

    if ray.is_initialized():
        return
    _check_reachable(address)
    try:
        ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise IndexStoreError(f"cannot reach the Ray cluster at {address}: {reason}") from exc


def _chunks(documents: Iterable[Document], size: int) -> Iterator[list[dict]]:
    """The documents as Ray Data items (their order and JSON), ``size`` at a time, read as they are asked for."""
    documents, order = iter(documents), 0
    while chunk := list(itertools.islice(documents, size)):
        yield [{"order": order + n, "document": d.model_dump_json()} for n, d in enumerate(chunk)]
        order += len(chunk)


def ray_split_embed(address: str, documents: Iterable[Document], embedder: Embedder,
                    dim: int) -> Iterator[tuple[list[Sentence], np.ndarray]]:
    """Split and embed documents on a Ray cluster, ``RAY_CHUNK`` documents a Ray Data job.

    The documents are read (and turned into JSON) a chunk at a time, as the results are taken,
    so the driver holds one chunk's JSON besides the documents it was given.

    Args:
        address: The cluster (``ray://host:10001``, ``host:6379`` or ``auto``); a
            process that already called ``ray.init`` uses that cluster.
        documents: The documents, in the order their results are wanted (read lazily).
        embedder: Embeds the sentences on the workers (pickled to them).
        dim: Expected vector dimension.

    Yields:
        Each document's sentences and their vectors, in ``documents`` order.

    Raises:
        IndexStoreError: The cluster cannot be reached.
        EmbeddingModelError: A worker's embedder returned malformed vectors.
    """
    connect(address)
    import ray

    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    expected = 0
    for items in _chunks(documents, RAY_CHUNK):
        dataset = ray.data.from_items(items).map_batches(
            _SplitEmbed, fn_constructor_args=(embedder,), batch_size=RAY_BATCH, concurrency=(1, 64),
            batch_format="numpy")
        del items  # the dataset holds them now
        for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
            for order, raw, data in zip(batch["order"], batch["sentences"], batch["vectors"]):
                if int(order) != expected:
                    raise IndexStoreError(f"the Ray cluster returned document {order} where {expected} was due")
                sentences = [Sentence.model_validate(s) for s in json.loads(raw)]
                if len(data) != len(sentences) * dim * 4:
                    raise IndexStoreError(f"embedder {embedder.name} on the Ray cluster did not return "
                                          f"{dim}-d vectors; delete the index and build again")
                vectors = np.frombuffer(data, dtype=np.float32).reshape(len(sentences), dim)
                yield sentences, check_vectors(vectors, len(sentences), embedder.name)
                expected += 1


class OneJob:
    """Every shard's new documents split and embedded by one Ray Data job (not one job per shard).

    The results stream back in the order of ``documents`` (the shards' new documents, in the order
    the shards are written), and each shard's write, called as a ``SplitEmbed``, takes as many
    results as it has documents. ``documents`` is read as the job needs it.
    """

    def __init__(self, address: str, documents: Iterable[Document], embedder: Embedder, dim: int) -> None:
        self._results = ray_split_embed(address, documents, embedder, dim)  # starts on the first read

    def __call__(self, documents: Iterable[Document], embedder: Embedder, dim: int) -> Iterator:
        for _ in documents:
            yield from itertools.islice(self._results, 1)
