"""The error boundary every entry point shares: any failure becomes one line, its traceback a log entry.

``python -m index``, ``python -m verify`` and the app call :func:`describe` (or :func:`run_cli`)
around all their work. A :class:`~index.errors.CrosscheckError` already says what went wrong
and what to do, so it is shown as it is. Anything else (``OSError``, ``UnicodeError``,
``RecursionError``, ``MemoryError``, a pydantic ``ValidationError``, a bug) is shown as one
line naming the log file, and its full traceback is appended to that file for a bug report:
``var/log/crosscheck-errors.log``, or ``CROSSCHECK_ERROR_LOG``.

Neither this module nor its callers in ``index`` import ``verify`` or streamlit.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sys
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from index.errors import CrosscheckError, UsageError

__all__ = [
    "ERROR_LOG_ENV",
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_USAGE",
    "Failure",
    "OneLineParser",
    "configure_logging",
    "describe",
    "error_log_path",
    "one_line",
    "quiet_libraries",
    "run_cli",
    "start_cli",
]

LOG = logging.getLogger(__name__)
ERROR_LOG_ENV = "CROSSCHECK_ERROR_LOG"
DEFAULT_ERROR_LOG = Path(__file__).resolve().parent.parent / "var" / "log" / "crosscheck-errors.log"
MAX_LOG_BYTES = 1_000_000
"""The log is rotated to ``.1`` past this size, so it never grows without bound."""
MAX_MESSAGE_CHARS = 400
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
OUR_LOGGERS = ("index", "verify", "app", "__main__")
"""Loggers whose warnings a user reads on stderr; library warnings go to the log file only."""
QUIET_ENV = {
    "HF_HUB_OFFLINE": "1",                      # models load from local folders only
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",        # transformers' "Loading weights" bar, hub downloads
    "TQDM_DISABLE": "1",                        # any other tqdm bar (read when tqdm is imported)
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    "TOKENIZERS_PARALLELISM": "false",          # its fork warning
}


class Failure(BaseModel):
    """What an entry point shows for one failure."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    message: str
    exit_code: int
    log: Path | None = None


def error_log_path() -> Path:
    """Where tracebacks go: ``CROSSCHECK_ERROR_LOG`` or ``var/log/crosscheck-errors.log``."""
    return Path(os.environ.get(ERROR_LOG_ENV) or DEFAULT_ERROR_LOG)


def quiet_libraries() -> None:
    """Turn library progress bars and advisory chatter off, unless the user set the variable.

    Call it before the model libraries are imported (they read these variables at import):
    every entry point does, first thing. ``HF_HUB_DISABLE_PROGRESS_BARS=0 TQDM_DISABLE=0``
    brings the bars back.
    """
    for name, value in QUIET_ENV.items():
        os.environ.setdefault(name, value)


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return one_line(f"{record.levelname.lower()}: {record.getMessage()}")


def _ours(record: logging.LogRecord) -> bool:
    return record.name.split(".")[0] in OUR_LOGGERS


class _LibraryLog(logging.FileHandler):
    """Library warnings into the error log: the folder is made on the first record, and a log that
    cannot be written loses the record quietly (never a "Logging error" dump on stderr)."""

    def __init__(self) -> None:
        super().__init__(error_log_path(), encoding="utf-8", delay=True)
        self.setLevel(logging.WARNING)
        self.addFilter(lambda record: not _ours(record))
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is None and not _ensure_log_folder():
            return
        super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:  # logging's hook: stay quiet
        pass


def configure_logging(verbose: bool = False) -> None:
    """Crosscheck's warnings to stderr as ``warning: ...`` lines; library warnings to the log file.

    Does nothing when the root logger already has handlers.

    Args:
        verbose: Also show Crosscheck's INFO messages. Defaults to False.
    """
    if logging.getLogger().handlers:  # a host (a test runner, an embedding program) set logging up
        return
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setFormatter(_Formatter())
    stderr.addFilter(_ours)
    logging.captureWarnings(True)  # warnings.warn from libraries: into logging, so into the file
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[stderr, _LibraryLog()])


def start_cli(parser: argparse.ArgumentParser, argv: list[str] | None = None) -> argparse.Namespace:
    """What every command line does before its work: quiet the model libraries (before any of them
    is imported), read the arguments, and set logging up at the parser's ``--verbose`` level.

    Args:
        parser: The entry point's parser; it defines ``-v``/``--verbose``.
        argv: Arguments without the program name. Defaults to None: ``sys.argv[1:]``.

    Returns:
        The parsed arguments.
    """
    quiet_libraries()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    return args


def _ensure_log_folder() -> bool:
    try:
        error_log_path().parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return True


def one_line(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` as one printable line: whitespace runs become one space, control characters and
    lone surrogates are escaped (a terminal never interprets them), and the middle of an
    over-long text is cut."""
    text = " ".join(str(text).split())
    text = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    if len(text) > limit:
        half = (limit - 5) // 2
        text = f"{text[:half]} ... {text[-half:]}"
    return text


def _log_traceback(exc: BaseException, where: str) -> Path | None:
    """Append ``exc``'s traceback to the error log; the log's path, or None when it cannot be written."""
    path = error_log_path()
    if not _ensure_log_folder():
        return None
    try:
        if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
            path.replace(path.with_name(path.name + ".1"))
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        argv = " ".join(ascii(a) for a in sys.argv)
        text = "".join(traceback.format_exception(exc))
        with path.open("a", encoding="utf-8", errors="backslashreplace") as fh:
            fh.write(f"--- {stamp} {where} argv: {argv}\n{text}\n")
    except (OSError, RecursionError):
        return None
    return path


def _validation_text(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False)[:3]:
        field = ".".join(str(part) for part in err.get("loc", ())) or exc.title
        parts.append(f"{field}: {err.get('msg', 'invalid')} (got {err.get('input')!r:.80})")
    return "invalid value for " + "; ".join(parts)


def _text(exc: BaseException) -> str:
    """One sentence for an exception that is not a CrosscheckError."""
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply to read (RecursionError)"
    if isinstance(exc, MemoryError):
        return "out of memory; try a smaller input (MemoryError)"
    if isinstance(exc, ValidationError):
        return _validation_text(exc)
    if isinstance(exc, UnicodeError):
        return f"text that is not valid UTF-8 ({type(exc).__name__}: {exc})"
    if isinstance(exc, OSError):
        name = f": {exc.filename}" if exc.filename is not None else ""
        return f"{exc.strerror or exc}{name} ({type(exc).__name__})"
    return f"unexpected {type(exc).__name__}: {exc}; this is a bug, please report it"


def describe(exc: BaseException, where: str = "crosscheck") -> Failure:
    """The one-line message and exit code for ``exc``; logs its traceback unless it is a domain error.

    Args:
        exc: The exception that ended the work.
        where: The entry point, written into the log entry. Defaults to ``"crosscheck"``.

    Returns:
        A :class:`Failure`: the message (without the ``error:`` prefix), the exit code
        (1, 2 for a :class:`~index.errors.UsageError`, 130 for an interrupt) and the log
        file when a traceback was written there.
    """
    if isinstance(exc, KeyboardInterrupt):
        return Failure(message="interrupted", exit_code=EXIT_INTERRUPTED)
    if isinstance(exc, CrosscheckError):
        code = EXIT_USAGE if isinstance(exc, UsageError) else EXIT_ERROR
        return Failure(message=one_line(str(exc)), exit_code=code)
    try:
        text = _text(exc)
    except Exception:  # noqa: BLE001 - a __str__ that fails must not hide the failure
        text = f"unexpected {type(exc).__name__}"
    log = _log_traceback(exc, where)
    detail = f" (details in {log})" if log else ""
    return Failure(message=one_line(text) + detail, exit_code=EXIT_ERROR, log=log)


def run_cli(command: Callable[[], int], where: str, interrupted: str | Callable[[], str] = "interrupted",
            explain: Callable[[BaseException, str], Failure] | None = None) -> int:
    """Run ``command`` behind the boundary: a failure is ``error: ...`` on stderr and an exit code.

    Args:
        command: The work; returns the exit code.
        where: The entry point's name, for the log.
        interrupted: The message after Ctrl-C, or a function that says it (how far the work
            got). Defaults to ``"interrupted"``.
        explain: Turns an exception into a :class:`Failure`. Defaults to None: :func:`describe`.

    Returns:
        ``command``'s exit code, or the failure's.
    """
    try:
        return command()
    except BrokenPipeError:
        # the reader went away (``| head``): stop quietly, and keep Python from failing on the final flush
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    except BaseException as exc:  # the one place every failure becomes one line
        if isinstance(exc, SystemExit | GeneratorExit):
            raise
        failure = (explain or describe)(exc, where)
        message = failure.message
        if isinstance(exc, KeyboardInterrupt):
            message = interrupted() if callable(interrupted) else interrupted
        _flush_stdout()
        print(f"error: {message}", file=sys.stderr, flush=True)
        return failure.exit_code


def _flush_stdout() -> None:
    """Flush what was printed before the error line, so the two never interleave."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass


class OneLineParser(argparse.ArgumentParser):
    """argparse with one-line usage errors: ``error: MESSAGE (see PROG --help)``, exit 2."""

    def error(self, message: str):  # argparse's hook for every usage error
        print(f"error: {one_line(message)} (see {self.prog} --help)", file=sys.stderr, flush=True)
        raise SystemExit(EXIT_USAGE)
