"""Errors of the verification layer (all are CrosscheckErrors, so callers catch one type)."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from index.boundary import Failure, describe
from index.errors import CrosscheckError, UsageError
from verify.settings import ENV, Settings


class InvalidClaimError(CrosscheckError):
    """A claim is empty, whitespace, or too long to check."""


class ModelError(CrosscheckError):
    """The verifier or embedding model cannot be loaded."""


class AnalysisStoreError(CrosscheckError):
    """The index's stored passage analyses (``analyses.sqlite``) cannot be written."""


def settings_error(exc: ValidationError, flags: Mapping[str, str] | None = None) -> CrosscheckError:
    """One line for settings that fail validation, naming where each bad value came from.

    Args:
        exc: The ``ValidationError`` of :class:`~verify.settings.Settings`.
        flags: Field -> the command-line flag that set it (``{"k_per_source": "-k"}``), for
            the fields a command line gave. Defaults to None.

    Returns:
        A :class:`~index.errors.UsageError` (exit 2) when a flag was wrong, else a
        CrosscheckError naming the ``CROSSCHECK_*`` variable.
    """
    flags = flags or {}
    variables = {field: var for var, field in ENV.items()}
    parts, by_flag = [], False
    for err in exc.errors(include_url=False)[:3]:
        field = str(err["loc"][0]) if err.get("loc") else "settings"
        if field in flags:
            where, by_flag = flags[field], True
        else:
            where = variables.get(field, field)
        parts.append(f"{where}={err.get('input')!s:.60}: {err.get('msg', 'invalid')}")
    message = "invalid setting " + "; ".join(parts)
    return UsageError(message) if by_flag else CrosscheckError(message)


def failure(exc: BaseException, where: str) -> Failure:
    """:func:`index.boundary.describe`, with invalid settings named by their ``CROSSCHECK_*`` variable.

    Args:
        exc: What ended the work.
        where: The entry point, for the error log.

    Returns:
        The one-line message and exit code (the traceback logged when ``exc`` is unexpected).
    """
    if isinstance(exc, ValidationError) and exc.title == Settings.__name__:
        exc = settings_error(exc)
    return describe(exc, where)
