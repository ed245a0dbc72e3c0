"""A user's text file as text: one rule for corpus files, workbench uploads and the CLI's inputs.

Read: UTF-8 (a byte-order mark is dropped), and UTF-16 little- or big-endian *with* a
byte-order mark (what Windows Notepad saves as "Unicode"): the mark makes it unambiguous.
Refused, each in one ``IngestError`` line naming the file and what is accepted: UTF-16
without a byte-order mark (it can only be guessed), UTF-32, binary files (a NUL byte, or a
NUL character after decoding), and bytes that are not valid UTF-8 (or UTF-16), naming the
byte and its offset.
"""

from __future__ import annotations

import codecs

from index.errors import IngestError
from index.ingest.corpus import ACCEPTED

__all__ = ["ENCODINGS", "decode_text"]

ENCODINGS = "UTF-8, or UTF-16 with a byte-order mark"
"""The encodings read, for messages that name no file types (the CLI's inputs)."""

_UTF16_BOMS = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)  # FF FE 00 00 also starts like UTF-16 LE: test it first


def _looks_utf16(data: bytes) -> bool:
    """Whether NUL-laden bytes are UTF-16 text: it decodes, and holds no NUL or control characters."""
    sample = data[:4096] if len(data) % 2 == 0 else b""
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text and all(c.isprintable() or c in "\n\r\t" for c in text):
            return True
    return False


def _binary(name: str, accepted: str) -> IngestError:
    return IngestError(f"{name} is a binary file, not text; accepted: {accepted}")


def _utf16(name: str, data: bytes, bom: bytes, encoding: str, accepted: str) -> str:
    body = data[len(bom):]
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:  # an odd byte count, or a lone surrogate
        raise IngestError(f"{name} is not valid UTF-16 text ({exc.reason} at offset {exc.start + len(bom)}); "
                          "save it as UTF-8") from exc
    if "\x00" in text:
        raise _binary(name, accepted)
    return text


def decode_text(name: str, data: bytes, accepted: str = ACCEPTED) -> str:
    """``data`` as text: UTF-8 (a byte-order mark dropped) or UTF-16 with a byte-order mark.

    Args:
        name: The file as messages name it (``stdin``, a path, an upload's base name).
        data: Its bytes.
        accepted: What a refusal names as accepted. Defaults to the corpus's file types.

    Returns:
        The text, line ends as the file has them.

    Raises:
        IngestError: UTF-16 without a byte-order mark, UTF-32, binary (a NUL), or not valid
            UTF-8 / UTF-16, in one line naming ``name`` and what is ``accepted``.
    """
    if data.startswith(_UTF32_BOMS):
        raise IngestError(f"{name} is UTF-32 text; save it as UTF-8 (accepted: {accepted})")
    for bom, encoding in _UTF16_BOMS:
        if data.startswith(bom):
            return _utf16(name, data, bom, encoding, accepted)
    if b"\x00" in data:
        if _looks_utf16(data):
            raise IngestError(f"{name} is UTF-16 text (without a byte-order mark); save it as UTF-8, or as UTF-16 "
                              f"with a byte-order mark (accepted: {accepted})")
        raise _binary(name, accepted)
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    try:
        return data[len(bom):].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + len(bom)  # of the file, mark included
        raise IngestError(f"{name} is not UTF-8 text (byte 0x{data[offset]:02x} at offset {offset}); "
                          "save it as UTF-8") from exc
