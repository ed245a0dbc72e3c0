"""Reading the CLI's inputs, bounded: a claims file and ``judge``'s JSON lines.

Everything is read and checked before a model loads, so a bad line 9,000 fails in a
second, not after an hour of checking. The limits (README, "Limits and failure behaviour"):

* an input file or stdin: at most :data:`MAX_INPUT_BYTES`; UTF-8, or UTF-16 with a byte-order
  mark, decoded as corpus files are (:func:`index.ingest.decode.decode_text`): UTF-16 without
  a byte-order mark, binary and invalid bytes are refused in one line;
* at most :data:`MAX_ITEMS` claims, or claim/passage pairs, per run;
* a claim at most :data:`MAX_CLAIM_CHARS` characters, a ``judge``
  passage at most :data:`MAX_PASSAGE_CHARS`.
"""

from __future__ import annotations

import json
import sys

from index.errors import CrosscheckError, IngestError
from index.ingest.decode import ENCODINGS, decode_text
from verify.errors import InvalidClaimError

__all__ = ["MAX_CLAIM_CHARS", "MAX_INPUT_BYTES", "MAX_ITEMS", "MAX_PASSAGE_CHARS", "read_claims", "read_pairs",
           "read_text", "validate_claim", "validate_passage"]

MAX_INPUT_BYTES = 8 * 1024 * 1024
"""8 MiB: 10,000 claims of 800 characters."""
MAX_ITEMS = 10_000
MAX_CLAIM_CHARS = 2000
"""One statement, whatever the entry point (CLI, app, API, a draft's sentences)."""
MAX_PASSAGE_CHARS = 4000
"""Far more than the judge reads of a pair (the shipped model: 160 tokens), room for a paragraph;
the detectors' cost grows faster than a passage's length, so an unbounded passage could stall a run."""


def read_text(path: str, max_bytes: int | None = None) -> str:
    """The text of ``path`` (``-``: stdin), decoded and checked.

    Args:
        path: A file, or ``-`` for standard input.
        max_bytes: Refuse more than this. Defaults to None: :data:`MAX_INPUT_BYTES`.

    Raises:
        CrosscheckError: Missing, unreadable, over the limit, UTF-16 without a byte-order mark,
            binary, or not valid UTF-8 / UTF-16.
    """
    name = "stdin" if path == "-" else path
    max_bytes = MAX_INPUT_BYTES if max_bytes is None else max_bytes
    try:
        if path == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise CrosscheckError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise CrosscheckError(f"{path} is a folder, not a file") from None
    except OSError as exc:
        raise CrosscheckError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise CrosscheckError(f"{name} is over the {max_bytes / 2**20:g} MiB limit; split it into smaller files")
    try:  # the rule corpus files and uploads follow, in the CLI's error class
        return decode_text(name, data, accepted=ENCODINGS)
    except IngestError as exc:
        raise CrosscheckError(str(exc)) from None


def validate_claim(claim: str) -> str:
    """The claim, stripped; raises InvalidClaimError when it cannot be checked."""
    if not isinstance(claim, str) or not claim.strip():
        raise InvalidClaimError("the claim is empty; type a statement to check")
    claim = " ".join(claim.split())
    if len(claim) > MAX_CLAIM_CHARS:
        raise InvalidClaimError(f"the claim is {len(claim)} characters long; check one statement "
                                f"(at most {MAX_CLAIM_CHARS} characters) at a time")
    return claim


CLOSING_MARKS = ".!;:,"
"""Marks that may close a claim and say nothing about it (a question mark and an ellipsis do)."""


def as_statement(claim: str) -> str:
    """The claim as the models read it: one final full stop, whatever closed it ("... in Moscow", "... in
    Moscow!" and "... in Moscow." are one claim; the judge read a final full stop as 0.07 more support).
    A question or a trailing ellipsis is left as it is."""
    if claim.endswith(("?", "...", "…")):
        return claim
    return claim.rstrip(CLOSING_MARKS + " ") + "."


def _checked_claim(claim: str, where: str) -> str:
    try:
        claim.encode("utf-8")
    except UnicodeEncodeError:  # argv that was not UTF-8 arrives with lone surrogates
        raise InvalidClaimError(f"{where} is not valid UTF-8 text") from None
    if not claim.strip():
        raise InvalidClaimError(f"{where} is empty")
    try:
        return validate_claim(claim)
    except InvalidClaimError as exc:
        raise InvalidClaimError(f"{where}: {exc}") from None


def _too_many(count: int, what: str) -> CrosscheckError:
    return CrosscheckError(f"{count:,} {what} in one run; at most {MAX_ITEMS:,} (split the file)")


def read_claims(claims: list[str], path: str | None) -> list[str]:
    """The claims to check: ``claims`` (from the command line), then the lines of ``path``.

    Args:
        claims: Claims given as arguments.
        path: A file of claims, one per line (``-``: stdin; blank lines skipped), or None.

    Returns:
        The claims, whitespace-normalised, all validated.

    Raises:
        InvalidClaimError: A claim is empty, too long or not UTF-8, or there is none.
        CrosscheckError: The file cannot be read (see :func:`read_text`) or holds too many claims.
    """
    checked = [_checked_claim(c, f"claim {n}") for n, c in enumerate(claims, 1)]
    if path:
        name = "stdin" if path == "-" else path
        lines = [(n, line) for n, line in enumerate(read_text(path).splitlines(), 1) if line.strip()]
        if not lines:
            raise InvalidClaimError(f"{name} holds no claims (one per line)")
        if len(checked) + len(lines) > MAX_ITEMS:
            raise _too_many(len(checked) + len(lines), "claims")
        checked.extend(_checked_claim(line, f"{name} line {n}") for n, line in lines)
    if not checked:
        raise InvalidClaimError("no claim given; pass claims as arguments or --file FILE (- for stdin)")
    if len(checked) > MAX_ITEMS:
        raise _too_many(len(checked), "claims")
    return checked


def validate_passage(passage: str, where: str = "the passage") -> str:
    """``passage`` unchanged; raises CrosscheckError when it is over :data:`MAX_PASSAGE_CHARS`."""
    if len(passage) > MAX_PASSAGE_CHARS:
        raise CrosscheckError(f"{where} is {len(passage):,} characters long; at most {MAX_PASSAGE_CHARS:,} "
                              "(judge a sentence or a paragraph, not a document)")
    return passage


def read_pairs(path: str) -> list[tuple[str, str]]:
    """``(claim, passage)`` pairs from JSON lines ``{"claim": str, "passage": str}``.

    Args:
        path: The file (``-``: stdin).

    Raises:
        CrosscheckError: A line is not such an object, a claim or passage breaks its limit,
            or the input is unreadable, too big or empty.
    """
    name = "stdin" if path == "-" else path
    rows = []
    for n, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        if len(rows) == MAX_ITEMS:
            raise _too_many(len(rows) + 1, "pairs")
        where = f"{name} line {n}"
        try:
            obj = json.loads(line)
        except RecursionError:
            raise CrosscheckError(f"{where}: JSON nested too deeply") from None
        except ValueError:  # JSONDecodeError, and an integer of over 4,300 digits
            raise CrosscheckError(f"{where}: not valid JSON") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("claim"), str) \
                or not isinstance(obj.get("passage"), str):
            raise CrosscheckError(f'{where}: expected {{"claim": str, "passage": str}}')
        claim = _checked_claim(obj["claim"], f"{where}: the claim")
        passage = obj["passage"]
        try:
            passage.encode("utf-8")
        except UnicodeEncodeError:  # "\ud800" escapes decode to lone surrogates
            raise CrosscheckError(f"{where}: the passage is not valid UTF-8 text") from None
        rows.append((claim, validate_passage(passage, f"{where}: the passage")))
    if not rows:
        raise CrosscheckError(f"{name} holds no pairs")
    return rows

