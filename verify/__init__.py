"""Judging claims: retrieval per source, NLI, mismatch detectors, aggregation; and the workbench's helpers.

The workbench modules (``checked``, ``draft``, ``highlight``, ``independence``, ``export``,
``notes``, ``corpus_admin``) are pure or file-level helpers the app renders; none imports streamlit.

The names below are imported on first use (PEP 562), not with the package, so that ``python -m verify
check`` loads only what a check runs, not the workbench's helpers (README, "Cold start").
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from verify.errors import InvalidClaimError, ModelError
    from verify.judge.backends import Judge, NLIJudge
    from verify.models import (
        Judgement,
        Mismatch,
        Passage,
        Probabilities,
        Report,
        SourceVerdict,
        Span,
        StanceFeatures,
    )
    from verify.scoring.independence import group_sources, independent_stances, summary_line
    from verify.settings import Settings
    from verify.verifier import Verifier, judge_pairs
    from verify.workbench.checked import CheckedStatement, checked_statements
    from verify.workbench.corpus_admin import (
        CorpusEntry,
        UploadError,
        corpus_listing,
        remove_file,
        safe_name,
        save_upload,
    )
    from verify.workbench.draft import DraftError, DraftSentence, read_draft, split_draft
    from verify.workbench.export import claim_review, reports_csv, reports_json, reports_markdown
    from verify.workbench.highlight import Highlights, Mark, highlights
    from verify.workbench.notes import CheckRecord, NotesError, NotesStore, Review, claim_key
    from verify.workbench.worthiness import check_worthiness

_HOMES = {
    "verify.errors": ["InvalidClaimError", "ModelError"],
    "verify.judge.backends": ["Judge", "NLIJudge"],
    "verify.models": ["Judgement", "Mismatch", "Passage", "Probabilities", "Report", "SourceVerdict", "Span",
                      "StanceFeatures"],
    "verify.scoring.independence": ["group_sources", "independent_stances", "summary_line"],
    "verify.settings": ["Settings"],
    "verify.verifier": ["Verifier", "judge_pairs"],
    "verify.workbench.checked": ["CheckedStatement", "checked_statements"],
    "verify.workbench.corpus_admin": ["CorpusEntry", "UploadError", "corpus_listing", "remove_file", "safe_name",
                                      "save_upload"],
    "verify.workbench.draft": ["DraftError", "DraftSentence", "read_draft", "split_draft"],
    "verify.workbench.export": ["claim_review", "reports_csv", "reports_json", "reports_markdown"],
    "verify.workbench.highlight": ["Highlights", "Mark", "highlights"],
    "verify.workbench.notes": ["CheckRecord", "NotesError", "NotesStore", "Review", "claim_key"],
    "verify.workbench.worthiness": ["check_worthiness"],
}
"""Module -> the public names it defines."""
_HOME = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "CheckRecord", "CheckedStatement", "CorpusEntry", "DraftError", "DraftSentence", "Highlights",
    "InvalidClaimError", "Judge", "Judgement", "Mark", "Mismatch", "ModelError", "NLIJudge", "NotesError",
    "NotesStore", "Passage", "Probabilities", "Report", "Review", "Settings", "SourceVerdict", "Span",
    "StanceFeatures", "UploadError", "Verifier", "check_worthiness", "checked_statements", "claim_key",
    "claim_review", "corpus_listing", "group_sources", "highlights", "independent_stances", "judge_pairs", "read_draft",
    "remove_file", "reports_csv", "reports_json", "reports_markdown", "safe_name", "save_upload", "split_draft",
    "summary_line",
]


def __getattr__(name: str) -> object:
    """A public name, imported from its module on first use."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
