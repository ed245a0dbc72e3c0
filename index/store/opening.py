"""What opening an index checks: the model it was built with against this run's (``ClaimIndex`` and
``ShardedIndex``), and the segments and the ANN file of one index against its manifest.

The corpus it was built from is checked by ``IndexBase.check_corpus`` (``index.store.base``).
"""

from __future__ import annotations

from pathlib import Path

import faiss

from index.errors import IndexStoreError
from index.models import Manifest
from index.store.segment import Segment, SegmentCorrupt

__all__ = ["check_model", "open_parts"]


def check_model(path: Path, built_with: str, embedder_name: str | None) -> None:
    """Refuse an index built with another embedding model than this run's.

    Args:
        path: The index directory.
        built_with: The model the index was built with.
        embedder_name: The model this run queries with; None skips the check.

    Raises:
        IndexStoreError: The two differ.
    """
    if embedder_name is not None and embedder_name != built_with:
        raise IndexStoreError(f"index at {path} was built with model {built_with}, this run uses "
                              f"{embedder_name}; use that model or build a new index with this one")


def open_parts(path: Path, manifest: Manifest, verify: bool) -> tuple[list[Segment], faiss.Index | None]:
    """Open the segments and the ANN file a manifest names (all closed again on failure).

    Raises:
        SegmentCorrupt, RuntimeError, OSError: A part is missing or does not match the manifest.
    """
    segments: list[Segment] = []
    try:
        for info in manifest.segments:
            segments.append(Segment(path / info.name, info, manifest.embedding_dim, manifest.vector_dtype, verify))
        if manifest.ann is None:
            return segments, None
        ann = faiss.read_index(str(path / manifest.ann.name), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
        faiss.extract_index_ivf(ann).nprobe = manifest.ann.nprobe
        covered = sum(s.sentences for s in manifest.segments if s.name in manifest.ann.segments)
        if ann.ntotal != covered or ann.d != manifest.embedding_dim:
            raise SegmentCorrupt(f"{manifest.ann.name} holds {ann.ntotal} vectors of dimension {ann.d}; "
                                 f"expected {covered} of {manifest.embedding_dim}")
        return segments, ann
    except BaseException:
        for segment in segments:
            segment.close()
        raise
