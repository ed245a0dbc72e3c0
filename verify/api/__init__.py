"""The local HTTP API (``python -m verify serve``): FastAPI routes over one index, and their request models."""

from verify.api.schemas import (
    MAX_BODY_BYTES,
    MAX_CLAIMS,
    MAX_EXPORT_STATEMENTS,
    MAX_PASSAGE_CHARS,
    MAX_PASSAGES,
    CheckRequest,
    ExportRequest,
    Health,
    JudgeRequest,
    SourceInfo,
)
from verify.api.server import create_app, serve

__all__ = [
    "MAX_BODY_BYTES", "MAX_CLAIMS", "MAX_EXPORT_STATEMENTS", "MAX_PASSAGES", "MAX_PASSAGE_CHARS", "CheckRequest",
    "ExportRequest", "Health", "JudgeRequest", "SourceInfo", "create_app", "serve",
]
