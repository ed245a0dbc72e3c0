"""Batch checks: read a CSV or text file of claims, and sum up the reports as a table.

Pure functions; the page checks the claims with ``Verifier.check_many`` and exports the reports
with ``verify.workbench.export``.
"""

from __future__ import annotations

import csv
import io

from pydantic import BaseModel, ConfigDict, Field

from index.errors import CrosscheckError
from verify.models import Report
from verify.workbench.upload import UploadRules, check_upload, upload_text

__all__ = ["BATCH_EXTENSIONS", "CLAIM_COLUMNS", "MAX_BATCH_BYTES", "MAX_BATCH_CLAIMS", "BatchError", "BatchRow",
           "batch_rows", "read_claims"]

BATCH_EXTENSIONS = (".csv", ".txt")
MAX_BATCH_BYTES = 2 * 1024 * 1024
MAX_BATCH_CLAIMS = 500
CLAIM_COLUMNS = ("claim", "statement", "claims", "text", "sentence")
"""Header names (any case) of the column that holds the claims; without one, the first column is read."""


class BatchError(CrosscheckError):
    """A file of claims cannot be read: wrong type, too large, not text, no claims, too many."""


_UPLOAD = UploadRules(extensions=BATCH_EXTENSIONS, max_bytes=MAX_BATCH_BYTES, error=BatchError,
                      allowed=f"claims can be read from {' or '.join(BATCH_EXTENSIONS)} files",
                      each="a file of claims", accepted="UTF-8 or UTF-16 .csv or .txt")


def read_claims(name: str, data: bytes) -> list[str]:
    """The claims of an uploaded file, in order.

    ``.txt``: one claim per non-blank line. ``.csv``: the column headed ``claim`` (or
    ``statement``, ``text``, ...; see :data:`CLAIM_COLUMNS`), else the first column of every row;
    blank cells are skipped.

    Raises:
        BatchError: Another type, over :data:`MAX_BATCH_BYTES`, not UTF-8 text, a broken CSV,
            no claims, or more than :data:`MAX_BATCH_CLAIMS`.
    """
    upload = check_upload(name, data, _UPLOAD)
    base, text = upload.name, upload_text(upload, _UPLOAD)
    if upload.suffix == ".txt":
        claims = [line.strip() for line in text.splitlines()]
    else:
        try:
            rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
        except csv.Error as exc:
            raise BatchError(f"{base} is not a readable CSV file: {exc}") from exc
        header = [cell.strip().casefold() for cell in rows[0]] if rows else []
        column = next((header.index(c) for c in CLAIM_COLUMNS if c in header), None)
        body = rows[1:] if column is not None else rows
        claims = [row[column or 0].strip() if len(row) > (column or 0) else "" for row in body]
    claims = [" ".join(c.split()) for c in claims if c.strip()]
    if not claims:
        raise BatchError(f"{base} holds no claims (one per line, or a CSV column headed 'claim')")
    if len(claims) > MAX_BATCH_CLAIMS:
        raise BatchError(f"{base} holds {len(claims)} claims; check at most {MAX_BATCH_CLAIMS} at a time")
    return claims


class BatchRow(BaseModel):
    """One line of the batch result table."""

    model_config = ConfigDict(extra="forbid")

    number: int = Field(ge=1)
    claim: str
    verdict: str
    confidence: float = Field(ge=0, le=1)
    supporting: int = Field(ge=0, description="sources that support it")
    contradicting: int = Field(ge=0, description="sources that contradict it (mixed ones count as both)")
    best_source: str = Field(description="the first source that takes a side, by display name; '' when none does")


def batch_rows(reports: list[Report], names: dict[str, str] | None = None) -> list[BatchRow]:
    """One row per report: verdict, confidence, how many sources support or contradict, the lead source."""
    rows = []
    for number, report in enumerate(reports, 1):
        sided = [s for s in report.sources if s.stance != "none"]
        lead = (names or {}).get(sided[0].source_id) or sided[0].title or sided[0].source_id if sided else ""
        rows.append(BatchRow(number=number, claim=report.claim, verdict=report.verdict, confidence=report.confidence,
                             supporting=sum(s.stance in ("supports", "mixed") for s in report.sources),
                             contradicting=sum(s.stance in ("contradicts", "mixed") for s in report.sources),
                             best_source=lead))
    return rows
