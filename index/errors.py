"""Domain exceptions. The CLIs and the app turn them into one-line messages."""


class CrosscheckError(Exception):
    """Base class for every error Crosscheck reports to a user."""


class IngestError(CrosscheckError):
    """A corpus file or folder cannot be read (missing, empty, binary, malformed)."""


class IndexStoreError(CrosscheckError):
    """An index is missing, corrupt, or was built with another model or format."""


class MissingIndexError(IndexStoreError):
    """There is no index at all in the directory (nothing to lose by building one)."""


class StaleIndexError(IndexStoreError):
    """The corpus on disk changed since the index was built."""


class EmptyDocumentError(IngestError):
    """A file holds no text. Skipped inside a folder, an error when it is the whole corpus."""


class EmbeddingModelError(CrosscheckError):
    """The embedding model cannot be loaded or returned vectors of the wrong shape."""


class UsageError(CrosscheckError):
    """The command line or a setting asks for something impossible (a CLI exits 2, like argparse)."""
