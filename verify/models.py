"""The records a check produces (the CLI's JSON contract and the Python API)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Label = Literal["supports", "contradicts", "neutral"]
Stance = Literal["supports", "contradicts", "mixed", "none"]
Verdict = Literal["supported", "contradicted", "conflicting", "not_enough_evidence"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Probabilities(_Strict):
    supports: float = Field(ge=0, le=1)
    contradicts: float = Field(ge=0, le=1)
    neutral: float = Field(ge=0, le=1)


class Judgement(_Strict):
    """The verifier's reading of one (claim, passage) pair."""

    label: Label
    probabilities: Probabilities
    reasons: list[str] = Field(default_factory=list, description="why the pair got its label, in words")


class Span(_Strict):
    """A stretch of text found by a detector (offsets into that text)."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Mismatch(_Strict):
    """A slot on which the claim and the passage disagree (or, for ``agrees``, match)."""

    kind: Literal["number", "date", "place", "title", "entity", "negation", "antonym", "modality", "first_only",
                  "broader_place", "speaker", "namesake", "role", "order", "direction", "neighbour",
                  "occasion", "planned"]
    claim: Span
    passage: Span | None = None
    detail: str


class Passage(_Strict):
    """One retrieved sentence of a source and how it bears on the claim."""

    text: str
    start: int = Field(ge=0, description="character offset into the source's text")
    end: int = Field(ge=0)
    label: Label
    probabilities: Probabilities
    similarity: float
    context: str | None = Field(default=None, description="neighbouring sentences the judge saw")
    kind: str = "body"
    mismatches: list[Mismatch] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list, description="why the passage got its label, in words")


class StanceFeatures(_Strict):
    """What the verifier knows of one listed source when it assembles its verdict."""

    confidence: float = Field(ge=0, le=1, description="the raw stance confidence (best side's probability; "
                                                       "for 'none', 1 - the best of either side)")
    kind: Literal["none", "sided", "mixed"]
    passages: int = Field(ge=0, description="judged passages of the source (0: nothing on topic retrieved)")
    similarity: float = Field(default=0.0, description="retrieval similarity of the best passage for the stance")
    coverage: float = Field(default=0.0, ge=0, le=1, description="share of the claim's content words the best "
                                                                 "passage holds")
    opposite: float = Field(default=0.0, ge=0, le=1, description="the best probability of the other side (for "
                                                                 "'none', the weaker of the two sides)")
    alone: bool = Field(default=False, description="the best passage reaches the stance read without its "
                                                   "neighbouring sentences")
    unread: bool = Field(default=False, description="'none' only: every passage was set aside unread (it shares "
                                                    "none of the claim's words), so the judge read none of them")


class SourceVerdict(_Strict):
    source_id: str
    title: str | None = None
    stance: Stance
    confidence: float = Field(ge=0, le=1)
    passages: list[Passage] = Field(default_factory=list)
    publisher: str | None = None
    date: str | None = Field(default=None, description="ISO date of the source when known")
    url: str | None = Field(default=None, description="where the source was published, when the index knows")
    group: int | None = Field(default=None, description="index into Report.groups; None when it takes no side")
    features: StanceFeatures | None = Field(
        default=None, description="what the shown confidence was computed from (verify.scoring.confidence)")


class Report(_Strict):
    claim: str
    verdict: Verdict
    confidence: float = Field(ge=0, le=1)
    sources: list[SourceVerdict] = Field(
        default_factory=list,
        description="the sources with a judged passage; every source checked when all sources were asked for, "
                    "or when at most settings.list_chosen (36) sources were chosen")
    sources_without_evidence: int = Field(
        default=0, ge=0, description="sources checked (the chosen ones, or every source of the index) that had no "
                                     "passage similar enough to judge, whether listed in `sources` or not; they "
                                     "take no side")
    groups: list[list[str]] = Field(
        default_factory=list,
        description="source ids of the sources that take a side, grouped when their evidence is a near-copy "
                    "(one origin); the verdict counts each group once")
