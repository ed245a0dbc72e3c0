"""Per-source benchmarks: scoring checked claims source by source, and small corpora built from labelled pairs."""

__all__ = ["corpora", "healthver", "per_source"]
