"""What the HTTP API takes and returns, and its size limits.

Responses reuse the records of :mod:`verify.models` (a ``POST /check`` answer is what
``verify check --format json`` prints). Requests are checked here, before any model loads:
a bad one is answered 422 with one line saying what was wrong.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from verify.errors import InvalidClaimError
from verify.inputs import MAX_CLAIM_CHARS, MAX_PASSAGE_CHARS, validate_claim
from verify.workbench.checked import CheckedStatement
from verify.workbench.draft import MAX_DRAFT_SENTENCES

__all__ = [
    "MAX_BODY_BYTES", "MAX_CLAIMS", "MAX_EXPORT_STATEMENTS", "MAX_PASSAGES", "MAX_PASSAGE_CHARS", "MAX_SOURCES",
    "CheckRequest",
    "ExportFormat", "ExportRequest", "Health", "JudgeRequest", "SourceInfo",
]

MAX_CLAIMS = 100
"""Claims one ``POST /check`` may hold (each at most ``MAX_CLAIM_CHARS`` characters)."""
MAX_SOURCES = 10_000
"""Source ids one ``POST /check`` may name as its ``sources`` filter."""
MAX_PASSAGES = 100
"""Passages one ``POST /judge`` may hold."""
MAX_EXPORT_STATEMENTS = MAX_DRAFT_SENTENCES
"""Checked statements one ``POST /export`` may hold: a whole draft."""
MAX_BODY_BYTES = 16 * 2**20
"""Bytes of one request body (an export of a long draft against a large corpus stays well under)."""

ExportFormat = Literal["json", "csv", "md", "claimreview"]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _checked_claim(claim: str) -> str:
    try:
        return validate_claim(claim)
    except InvalidClaimError as exc:  # pydantic reports ValueErrors as validation errors (422)
        raise ValueError(str(exc)) from None


class CheckRequest(_Request):
    """One claim (``claim``) or several (``claims``), not both."""

    claim: str | None = Field(default=None, description=f"a statement, at most {MAX_CLAIM_CHARS} characters",
                              examples=["Lavrov plans to visit Pyongyang in October"])
    claims: list[str] | None = Field(default=None, min_length=1, max_length=MAX_CLAIMS,
                                     description=f"several statements, at most {MAX_CLAIMS}")
    sources: list[str] | None = Field(
        default=None, min_length=1, max_length=MAX_SOURCES,
        description="check against these source ids only (GET /sources lists them). Of at most 36 (settings "
                    "list_chosen) each is listed, those with no relevant passage too; of more, as for every source: "
                    "those with a judged passage, the others counted in sources_without_evidence. Default: every "
                    "source")
    all_sources: bool = Field(default=False, description="list every source checked (every chosen one, with "
                                                         "sources), those with no relevant passage too (by "
                                                         "default they are only counted)")

    @field_validator("claim")
    @classmethod
    def _claim(cls, value: str | None) -> str | None:
        return None if value is None else _checked_claim(value)

    @field_validator("claims")
    @classmethod
    def _claims(cls, values: list[str] | None) -> list[str] | None:
        if values is None:
            return None
        checked = []
        for n, claim in enumerate(values, 1):
            try:
                checked.append(_checked_claim(claim))
            except ValueError as exc:
                raise ValueError(f"claim {n}: {exc}") from None
        return checked

    @model_validator(mode="after")
    def _one_of(self) -> CheckRequest:
        if (self.claim is None) == (self.claims is None):
            raise ValueError('give either "claim" (one statement) or "claims" (a list), not both or neither')
        return self

    @property
    def all_claims(self) -> list[str]:
        """The claims to check, in order."""
        return [self.claim] if self.claim is not None else list(self.claims or [])


class JudgeRequest(_Request):
    """A claim and the passages to read it against (as ``verify judge`` takes them, one claim at a time)."""

    claim: str = Field(description=f"a statement, at most {MAX_CLAIM_CHARS} characters",
                       examples=["Kim met Putin."])
    passages: list[str] = Field(min_length=1, max_length=MAX_PASSAGES,
                                description=f"at most {MAX_PASSAGES}, each 1 to {MAX_PASSAGE_CHARS} characters",
                                examples=[["Kim Jong Un met Vladimir Putin in Vostochny."]])

    @field_validator("claim")
    @classmethod
    def _claim(cls, value: str) -> str:
        return _checked_claim(value)

    @field_validator("passages")
    @classmethod
    def _passages(cls, values: list[str]) -> list[str]:
        for n, text in enumerate(values, 1):
            if not text.strip():
                raise ValueError(f"passage {n} is empty")
            if len(text) > MAX_PASSAGE_CHARS:
                raise ValueError(f"passage {n} is {len(text)} characters long; at most {MAX_PASSAGE_CHARS}")
        return values


class ExportRequest(_Request):
    """Checked statements (``POST /check``'s reports, optionally with review, sentence and position) to export."""

    statements: list[CheckedStatement] = Field(min_length=1, max_length=MAX_EXPORT_STATEMENTS)
    title: str = Field(default="Fact-check memo", max_length=200, description="the memo's heading (md)")
    author: str = Field(default="Crosscheck user", max_length=200,
                        description="the fact-checking organisation (claimreview)")
    appearance: str | None = Field(default=None, max_length=2000,
                                   description="where the statements appeared: a draft's name or URL (claimreview)")
    url: str | None = Field(default=None, max_length=2000,
                            description="where the review will be published (claimreview)")


class SourceInfo(BaseModel):
    """One source of the index."""

    source_id: str
    title: str | None = None
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    sentences: int = Field(ge=0)


class Health(BaseModel):
    """What the server serves."""

    status: Literal["ok"] = "ok"
    index: str = Field(description="the index directory")
    built_at: str
    sources: int = Field(ge=0)
    sentences: int = Field(ge=0)
    embedding_model: str
    verifier_model: str = Field(description="the judge's model directory")
    verifier_found: bool = Field(description="whether that directory exists (its weights load on first use)")
