"""Judging claims: retrieval per source, NLI, mismatch detectors, aggregation."""

from verify.errors import InvalidClaimError, ModelError
from verify.judge import Judge, NLIJudge
from verify.models import Judgement, Mismatch, Passage, Probabilities, Report, SourceVerdict, Span
from verify.settings import Settings
from verify.verifier import Verifier, judge_pairs

__all__ = [
    "InvalidClaimError", "Judge", "Judgement", "Mismatch", "ModelError", "NLIJudge", "Passage",
    "Probabilities", "Report", "Settings", "SourceVerdict", "Span", "Verifier", "judge_pairs",
]
