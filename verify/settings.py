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
DEFAULT_CONTEXT_GATE = PACKAGE_ROOT / "models" / "context_gate.json"
ENV = {  # environment variable -> field
    "CROSSCHECK_VERIFIER": "verifier_path",
    "CROSSCHECK_EMBEDDER": "embedding_model",
    "CROSSCHECK_INDEX": "index_dir",
    "CROSSCHECK_CORPUS": "corpus_dir",
    "CROSSCHECK_QUANTIZE": "quantize",
    "CROSSCHECK_BACKEND": "backend",
    "CROSSCHECK_ONNX_CACHE": "onnx_cache",
    "CROSSCHECK_QUANTIZE_SCHEME": "quantize_scheme",
    "CROSSCHECK_NOTES": "notes_db",
    "CROSSCHECK_STANCE_CALIBRATION": "stance_calibration",
    "CROSSCHECK_JUDGE_CACHE": "judge_cache_pairs",
}


class EvidenceSettings(BaseModel):
    """Hand-set thresholds of the detectors (``verify.evidence``), each with why it has its value.

    ``verify.evidence.detectors.detect`` takes one (``settings``); the default is :data:`EVIDENCE_DEFAULTS`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_alignment: float = Field(
        default=0.65, ge=0, le=1,
        description="share of the claim's other content words a passage must hold before a date, number or place "
                    "difference counts as a contradiction rather than a different topic")
    counted_alignment: float = Field(
        default=0.34, ge=0, le=1,
        description="the lower share a number mismatch needs when both numbers count the same thing ('under 8,000 "
                    "coronavirus cases' / '8,030 confirmed cases'): a third of the claim's words, not two thirds")
    fuzzy_name_length: int = Field(
        default=7, ge=1,
        description="name tokens this long or longer count as mentioned when the passage spells them within a "
                    "letter or two (the corpus writes 'Blagoveschensk' for 'Blagoveshchensk')")
    fuzzy_name_score: float = Field(
        default=90, ge=0, le=100,
        description="rapidfuzz ratio at which such a token is the same name: 'Blagoveschensk' / 'Blagoveshchensk' "
                    "pass, 'Austria' / 'Australia' (88) is another name")
    name_mentions_read: int = Field(
        default=50, ge=1,
        description="sentences (best keyword match first) read to tell whether the corpus writes a word in lower case "
                    "('the leader' beside 'Supreme Leader'), for a claim whose letter case says nothing: such a word is "
                    "no name there")
    occasion_years: int = Field(
        default=2, ge=1,
        description="years apart at which two dates of a repeatable event (a visit, a meeting) are two occasions, "
                    "not a disagreement ('visited Pyongyang in 2024' / 'in 2000'); one year apart is read as a slip")
    sequence_gap_factor: float = Field(
        default=3.0, ge=1,
        description="how many times further apart or closer than a claim's stated gap ('a month after') the dates of "
                    "its two events must be before the gap is wrong: 'a year after' against 'a month earlier' is, "
                    "'roughly two months' against dates a month apart at a month's precision is not "
                    "(verify.evidence.order)")
    speaker_share: float = Field(
        default=0.6, ge=0, le=1,
        description="share of a claim's reported words ('Kim warned that ...') a passage clause must hold before "
                    "its speaker is compared with the claim's: most of them, so a clause on something else is not "
                    "read as the same words (verify.evidence.speakers)")
    min_city_population: int = Field(
        default=100_000, ge=0,
        description="gazetteer cities smaller than this are left out: their names collide with other words and "
                    "places ('Amur region' is not Amur, India); a claim about a small town is then not compared, "
                    "never wrongly")


class ScoringSettings(BaseModel):
    """Hand-set weights of the probability adjustments and the source stance (``verify.scoring.aggregate``),
    each with why it has its value. Its functions take one (``settings``); the default is
    :data:`SCORING_DEFAULTS`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    soft_block: dict[str, float] = Field(
        default_factory=lambda: {"modality": 0.9, "first_only": 0.9, "broader_place": 0.9, "speaker": 0.9,
                                 "namesake": 0.9, "direction": 0.9, "neighbour": 0.9, "occasion": 0.9,
                                 "entity": 0.4},
        description="share of the 'supports' mass a soft mismatch moves to 'neutral'; a name the passage never "
                    "mentions is weaker evidence (the passage may say 'the capital' for 'Pyongyang'); a passage "
                    "that says less than the claim (a plan, no 'first', only the country of the claim's city, "
                    "the claim's words from another speaker, another person or place of the claim's name, an invitation "
                    "told the other way round, a neighbouring sentence that gives a slot otherwise, a date or figure of "
                    "another occasion of the event) cannot confirm it")
    entity_trusted_support: float = Field(
        default=0.8, ge=0, le=1,
        description="a model at least this sure of 'supports' has read who the passage is about ('the film' for "
                    "'Book Club'): a missing name then moves only entity_trusted_share of the mass")
    entity_trusted_share: float = Field(
        default=0.2, ge=0, le=1,
        description="the share of 'supports' a missing name moves when the model is that sure (else soft_block's)")
    support_gate: float = Field(
        default=0.2, ge=0, le=1,
        description="share of the claim's content words below which a retrieved passage that confirms none of its "
                    "dates or numbers loses 'supports' (linearly, all of it at 0): the false supports came from "
                    "passages sharing one word (set on dev_claims, 0.940 -> 0.970 stance accuracy)")
    unnamed_contradiction_share: float = Field(
        default=0.5, ge=0, le=1,
        description="share of a retrieved passage's 'contradicts' moved to neutral when it never names one of the "
                    "claim's names (without a hard mismatch): a passage that never names the subject is about "
                    "something else")
    floor_alignment: float = Field(
        default=0.8, ge=0, le=1,
        description="share of the claim's content words a passage must hold (with every date and number "
                    "confirmed) for the 'supports' floor")
    slotless_floor_alignment: float = Field(
        default=0.85, ge=0, le=1,
        description="a retrieved passage holding this share of a claim with no date or number gets the floor too; "
                    "not a bare pair: on dev_3way it cost 0.5 point, on the dev claims it gained a stance and two "
                    "quotes")
    mixed_margin: float = Field(
        default=0.25, ge=0, le=1,
        description="a source is 'mixed' only when both sides are strong and within this margin; otherwise the "
                    "stronger side wins (one noisy passage should not split a source)")
    pair_entity_share: float = Field(
        default=0.1, ge=0, le=1,
        description="share of 'supports' a missing name moves in a bare pair (verify judge): the caller chose the "
                    "passage for the claim, and an article's sentence need not repeat its subject's name")
    coverage_weight: float = Field(
        default=0.2, ge=0,
        description="in ordering evidence, how much the share of the claim's words a passage holds adds to its "
                    "probability: of two quotes that show the stance, the one saying more of the claim comes first "
                    "(a 0.05 difference in the model's probability is noise)")


EVIDENCE_DEFAULTS = EvidenceSettings()
"""The detectors' thresholds when no settings are passed."""
SCORING_DEFAULTS = ScoringSettings()
"""The scoring weights when no settings are passed."""


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
    list_chosen: int = Field(
        default=36, ge=0, le=100_000,
        description="a check of at most this many chosen sources lists each of them, those with no judged passage "
                    "too (a few sources picked by name: the fact-checker asked about each); of more, a report lists "
                    "those with a judged passage and counts the others, as an unfiltered check does. 36 = "
                    "max_passages + keyword_passages, the most sources a check can judge a passage of, so a report "
                    "lists at most 36 sources either way")
    passages_shown: int = Field(default=3, ge=1, le=20, description="passages kept per source in a report")
    stance_threshold: float = Field(default=0.5, ge=0, le=1, description="probability to take a side")
    judge_context: bool = Field(default=True, description="also judge each passage with its neighbours")
    recheck_contradictions: bool = Field(
        default=True, description="re-read each pair judged a contradiction the other way round (contradiction "
                                  "is symmetric): fewer one-way false contradictions, one more NLI call over them")
    context_gate: float | None = Field(
        default=None, ge=0, le=1,
        description="judge a context window only where the fitted gate (context_gate_path) puts the chance that its "
                    "reading is kept at least this high (verify.judge.context_gate): fewer judge pairs, approximate; "
                    "None = every window the sentence's own reading leaves undecided (exact)")
    context_gate_path: Path = Field(default=DEFAULT_CONTEXT_GATE,
                                    description="the context gate's fitted coefficients (used when context_gate is set)")
    batch_size: int = Field(default=32, ge=1)
    quantize: bool = Field(default=False, description="int8 dynamic quantisation of the judge (faster)")
    backend: Literal["auto", "torch", "onnx"] = Field(
        default="auto", description="the judge's runtime: auto = ONNX Runtime on a cached export (fp32: torch's "
                                    "probabilities within 1e-5 at ~1.8x the pairs/s), falling back to torch with "
                                    "one warning where it cannot run; onnx = ONNX Runtime or an error; torch. With "
                                    "quantize, onnx is int8 by quantize_scheme (~3x the pairs/s, ~0.5 point of "
                                    "dev_3way)")
    onnx_cache: Path | None = Field(
        default=None, description="folder for the judge's ONNX export, tried before ~/.cache/crosscheck/onnx; "
                                  "None = var/onnx")
    quantize_scheme: Literal["per-channel", "inner-layers"] = Field(
        default="per-channel", description="the onnx backend's int8 weights with quantize: per-channel (all of them) "
                                           "or inner-layers (the first and last encoder layers and the embeddings "
                                           "kept fp32; verify.judge.onnx_backend)")
    threads: int | None = Field(default=None, ge=1, description="torch threads; None = torch default")
    judge_cache_pairs: int = Field(
        default=20_000, ge=0,
        description="(passage, claim) readings the judge keeps in memory (~1 KB each), so a statement re-checked "
                    "or a draft re-checked after an edit judges only new pairs (verify.judge.cache); 0: off, as "
                    "the benchmarks of cold checks and the evaluation's throughput need")
    notes_db: Path = Field(default=DEFAULT_NOTES, description="SQLite file of the app's reviews and check history")
    evidence: EvidenceSettings = Field(default_factory=EvidenceSettings,
                                       description="the detectors' hand-set thresholds (verify.evidence)")
    scoring: ScoringSettings = Field(default_factory=ScoringSettings,
                                     description="the hand-set weights of verify.scoring.aggregate")
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
