"""Judging claims: retrieval per source, NLI, mismatch detectors, aggregation; and the workbench's helpers.

The workbench modules (``checked``, ``draft``, ``highlight``, ``independence``, ``export``,
``notes``, ``corpus_admin``) are pure or file-level helpers the app renders; none imports streamlit.

The names below are imported on first use (PEP 562), not with the package, so that ``python -m verify
check`` loads only what a check runs, not the workbench's helpers (README, "Cold start").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.lazy_names import lazy_names

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

__all__ = [
    "CheckRecord", "CheckedStatement", "CorpusEntry", "DraftError", "DraftSentence", "Highlights",
    "InvalidClaimError", "Judge", "Judgement", "Mark", "Mismatch", "ModelError", "NLIJudge", "NotesError",
    "NotesStore", "Passage", "Probabilities", "Report", "Review", "Settings", "SourceVerdict", "Span",
    "StanceFeatures", "UploadError", "Verifier", "check_worthiness", "checked_statements", "claim_key",
    "claim_review", "corpus_listing", "group_sources", "highlights", "independent_stances", "judge_pairs", "read_draft",
    "remove_file", "reports_csv", "reports_json", "reports_markdown", "safe_name", "save_upload", "split_draft",
    "summary_line",
]


__getattr__, __dir__ = lazy_names(__name__, _HOMES, globals())
