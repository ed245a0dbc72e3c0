"""Errors of the verification layer (all are CrosscheckErrors, so callers catch one type)."""

from index.errors import CrosscheckError


class InvalidClaimError(CrosscheckError):
    """A claim is empty, whitespace, or too long to check."""


class ModelError(CrosscheckError):
    """The verifier or embedding model cannot be loaded."""
