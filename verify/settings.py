"""One typed settings object for a verification run; defaults live here only."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VERIFIER = PACKAGE_ROOT / "models" / "verifier"


class Settings(BaseModel):
    """Knobs of retrieval, judging and aggregation.

    Build it at the edge (CLI, app, API caller) and pass it down. ``from_env``
    is the one place environment variables are read.
    """

    model_config = ConfigDict(extra="forbid")

    verifier_path: Path = Field(default=DEFAULT_VERIFIER, description="delta dir or HF NLI model dir")
    embedding_model: str | None = Field(default=None, description="None = the bundled all-MiniLM-L6-v2")
    k_per_source: int = Field(default=6, ge=1, le=50, description="candidates judged per source")
    min_similarity: float = Field(default=0.2, ge=-1, le=1, description="candidates below are not judged")
    passages_shown: int = Field(default=3, ge=1, le=20, description="passages kept per source in a report")
    stance_threshold: float = Field(default=0.5, ge=0, le=1, description="probability to take a side")
    batch_size: int = Field(default=32, ge=1)
    threads: int | None = Field(default=None, ge=1, description="torch threads; None = torch default")

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Defaults, then ``CROSSCHECK_VERIFIER`` / ``CROSSCHECK_EMBEDDER``, then ``overrides``."""
        env = {}
        if os.environ.get("CROSSCHECK_VERIFIER"):
            env["verifier_path"] = Path(os.environ["CROSSCHECK_VERIFIER"])
        if os.environ.get("CROSSCHECK_EMBEDDER"):
            env["embedding_model"] = os.environ["CROSSCHECK_EMBEDDER"]
        env.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**env)
