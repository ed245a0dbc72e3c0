"""An uploaded file a user gave us: its base name, checked against the allowed types and a byte limit,
and its bytes read as text.

The draft page (:mod:`verify.workbench.draft`) and the batch page (:mod:`verify.workbench.batch`)
read uploads the same way; each names its own types, limit, error class and wording in an
:class:`UploadRules`, so every refusal is one line in that page's own words.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from index.errors import CrosscheckError, IngestError
from index.ingest.decode import decode_text

__all__ = ["Upload", "UploadRules", "check_upload", "upload_text"]


@dataclass(frozen=True)
class UploadRules:
    """What a page accepts as an upload, and how it words a refusal.

    Attributes:
        extensions: The allowed extensions, lower case with their dot (``".txt"``).
        max_bytes: The most bytes a file may hold.
        error: The exception class raised for every refusal (the page's own).
        allowed: Which types are allowed, as the refusal says it after ``"<name>: "``,
            e.g. ``"drafts can be .txt, .md files"``.
        each: What one file is, in ``"... may be at most 2 MB"``, e.g. ``"a draft"``.
        accepted: What the refusal of a file that is not UTF-8 text names as accepted.
    """

    extensions: tuple[str, ...]
    max_bytes: int
    error: type[CrosscheckError]
    allowed: str
    each: str
    accepted: str


@dataclass(frozen=True)
class Upload:
    """An upload that passed :func:`check_upload`."""

    name: str
    """The file's base name (any folders the browser sent dropped)."""
    suffix: str
    """Its extension, lower case, one of the rules' extensions."""
    data: bytes


def check_upload(name: str, data: bytes, rules: UploadRules) -> Upload:
    """Check an upload's type and size, before anything reads it.

    Args:
        name: The name the browser sent (``/`` or ``\\`` folders are dropped).
        data: The file's bytes.
        rules: The page's types, limit and wording.

    Returns:
        The upload, with its base name and lower-case extension.

    Raises:
        CrosscheckError: ``rules.error``: the extension is not one of ``rules.extensions`` (or
            there is none), or ``data`` is over ``rules.max_bytes``.
    """
    base = PurePath(name.replace("\\", "/")).name
    suffix = PurePath(base).suffix.lower()
    if suffix not in rules.extensions:
        raise rules.error(f"{base}: {rules.allowed}, not {suffix or 'files without an extension'}")
    if len(data) > rules.max_bytes:
        raise rules.error(f"{base} is {len(data) / 1024 / 1024:.1f} MB; {rules.each} may be at most "
                          f"{rules.max_bytes // 1024 // 1024} MB")
    return Upload(name=base, suffix=suffix, data=data)


def upload_text(upload: Upload, rules: UploadRules) -> str:
    """The upload's bytes as text: UTF-8 (a byte-order mark dropped), or UTF-16 with a byte-order mark.

    Args:
        upload: A checked upload.
        rules: The page's wording and error class.

    Returns:
        The text, line ends as the file has them.

    Raises:
        CrosscheckError: ``rules.error``: UTF-16 without a byte-order mark, binary, or not valid
            UTF-8 / UTF-16 (the message of :func:`index.ingest.decode.decode_text`, naming
            ``rules.accepted``).
    """
    try:
        return decode_text(upload.name, upload.data, accepted=rules.accepted)
    except IngestError as exc:
        raise rules.error(str(exc)) from exc
