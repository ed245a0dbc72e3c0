"""A checked statement: the one record every export reads (report, review, the sentence as written, its place).

A :class:`CheckedStatement` is a :class:`~verify.models.Report` with three more fields, so the
JSON of ``verify check --format json`` (or of the API's ``POST /check``) is a valid checked
statement as it is, and the JSON export is that contract plus the review and the draft position.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import Field

from verify.models import Report, SourceVerdict
from verify.workbench.notes import Review, claim_key

__all__ = ["CheckedStatement", "checked_statements"]


class CheckedStatement(Report):
    """A report with what a person and the draft add to it."""

    review: Review | None = Field(default=None, description="the review in force; None while unreviewed")
    sentence: str | None = Field(
        default=None, description="the statement as the draft writes it (an attributed sentence is checked for "
                                  "what it reports, so it can differ from the claim); None = the claim")
    position: int | None = Field(default=None, ge=1,
                                 description="1-based number of the sentence in its draft; None when checked alone")

    @property
    def written(self) -> str:
        """The statement as written: the draft's sentence, or the claim when there is none."""
        return self.sentence if self.sentence is not None else self.claim

    @property
    def rejected(self) -> frozenset[str]:
        """Source ids the reviewer rejected as evidence."""
        return frozenset(self.review.rejected_sources) if self.review else frozenset()

    @property
    def cited(self) -> list[SourceVerdict]:
        """The sources that take a side and that the reviewer did not reject: what a publication may cite."""
        return [s for s in self.sources if s.stance != "none" and s.source_id not in self.rejected]


def checked_statements(reports: Sequence[Report], reviews: Mapping[str, Review] | None = None,
                       as_written: Sequence[str | None] | None = None,
                       positions: Sequence[int | None] | None = None) -> list[CheckedStatement]:
    """Checked statements from reports and what is known about them.

    A report that already is a :class:`CheckedStatement` keeps its fields; ``reviews``,
    ``as_written`` and ``positions`` only fill those it lacks.

    Args:
        reports: The reports (plain or checked statements).
        reviews: ``claim_key -> review`` (see ``NotesStore.latest_reviews``). Defaults to none.
        as_written: Each statement as the draft writes it, in the order of ``reports``. Defaults to none.
        positions: Each statement's 1-based sentence number in its draft. Defaults to none.

    Returns:
        One checked statement per report, in order.

    Raises:
        ValueError: ``as_written`` or ``positions`` does not have one entry per report.
    """
    for name, values in (("as_written", as_written), ("positions", positions)):
        if values is not None and len(values) != len(reports):
            raise ValueError(f"{name} has {len(values)} entries for {len(reports)} reports")
    return [_checked(report, reviews or {}, as_written[n] if as_written else None,
                     positions[n] if positions else None) for n, report in enumerate(reports)]


def _checked(report: Report, reviews: Mapping[str, Review], sentence: str | None,
             position: int | None) -> CheckedStatement:
    if isinstance(report, CheckedStatement):
        review, sentence, position = (report.review, report.sentence if report.sentence is not None else sentence,
                                      report.position if report.position is not None else position)
    else:
        review = None
    fields = {name: getattr(report, name) for name in Report.model_fields}
    return CheckedStatement(**fields, review=review or reviews.get(claim_key(report.claim)), sentence=sentence,
                            position=position)
