"""One typed settings object for a verification run; defaults live here only."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VERIFIER = PACKAGE_ROOT / "models" / "verifier"
DEFAULT_INDEX = PACKAGE_ROOT / "var" / "index"
DEFAULT_CORPUS = PACKAGE_ROOT / "data" / "corpus"
DEFAULT_NOTES = PACKAGE_ROOT / "var" / "notes.sqlite3"
DEFAULT_STANCE_CALIBRATION = PACKAGE_ROOT / "models" / "stance_calibration.json"
ENV = {  # environment variable -> field
    "CROSSCHECK_VERIFIER": "verifier_path",
    "CROSSCHECK_EMBEDDER": "embedding_model",
    "CROSSCHECK_INDEX": "index_dir",
    "CROSSCHECK_CORPUS": "corpus_dir",
    "CROSSCHECK_QUANTIZE": "quantize",
    "CROSSCHECK_BACKEND": "backend",
    "CROSSCHECK_NOTES": "notes_db",
    "CROSSCHECK_STANCE_CALIBRATION": "stance_calibration",
}


class Settings(BaseModel):
    """Knobs of retrieval, judging and aggregation.

    Build it at the edge (CLI, app, API caller) and pass it down. ``from_env``
    is the one place environment variables are read.
    """

    model_config = ConfigDict(extra="forbid")

    index_dir: Path = Field(default=DEFAULT_INDEX, description="where the app keeps its index")
    corpus_dir: Path = Field(default=DEFAULT_CORPUS, description="the corpus the app indexes")
    verifier_path: Path = Field(default=DEFAULT_VERIFIER, description="delta dir or HF NLI model dir")
    embedding_model: str | None = Field(default=None, description="None = the bundled all-MiniLM-L6-v2")
    k_per_source: int = Field(default=6, ge=1, le=50, description="candidates judged per source, at most")
    min_similarity: float = Field(default=0.2, ge=-1, le=1, description="candidates below are not judged")
    candidate_pool: int = Field(
        default=256, ge=1, le=100_000,
        description="sentences nearest the claim over the whole index that a check chooses from: the pool of "
                    "rows the per-source search used before; one top-N search, whatever the number of sources")
    keyword_pool: int = Field(
        default=32, ge=0, le=1000,
        description="sentences of the keyword search over the claim's rarest words (names, figures) a check also "
                    "chooses from, so a rare name the similarity search ranks low is not missed; 0 = no keyword "
                    "search")
    max_passages: int = Field(
        default=30, ge=1, le=1000,
        description="passages judged per claim from the similarity search, at most, whatever the corpus size: 30 is "
                    "5 sources x k_per_source 6, so the 5-source sample keeps every candidate it had")
    keyword_passages: int = Field(
        default=6, ge=0, le=1000,
        description="passages judged per claim from the keyword search beyond max_passages, at most (one source's "
                    "worth at k_per_source 6)")
    passages_shown: int = Field(default=3, ge=1, le=20, description="passages kept per source in a report")
    stance_threshold: float = Field(default=0.5, ge=0, le=1, description="probability to take a side")
    judge_context: bool = Field(default=True, description="also judge each passage with its neighbours")
    recheck_contradictions: bool = Field(
        default=True, description="re-read each pair judged a contradiction the other way round (contradiction "
                                  "is symmetric): fewer one-way false contradictions, one more NLI call over them")
    batch_size: int = Field(default=32, ge=1)
    quantize: bool = Field(default=False, description="int8 dynamic quantisation of the judge (faster)")
    backend: Literal["torch", "onnx"] = Field(
        default="torch", description="the judge's runtime: torch, or ONNX Runtime on a cached export (with "
                                     "quantize: int8 per channel, ~2.2x the pairs/s for ~0.5 point of dev_3way)")
    threads: int | None = Field(default=None, ge=1, description="torch threads; None = torch default")
    notes_db: Path = Field(default=DEFAULT_NOTES, description="SQLite file of the app's reviews and check history")
    stance_calibration: Path | None = Field(
        default=DEFAULT_STANCE_CALIBRATION,
        description="JSON map of source confidence to probability (python -m verify.training.calibrate --stance); "
                    "None or a missing file = raw confidences")

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """Defaults, then the ``CROSSCHECK_*`` variables of :data:`ENV`, then ``overrides``."""
        env = {field: os.environ[var] for var, field in ENV.items() if os.environ.get(var)}
        env.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**env)
