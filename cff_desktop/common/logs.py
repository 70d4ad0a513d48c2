"""The log: one rotating file in the data folder, for what went wrong and where.

A window's action that fails with a bug shows a short message; the traceback that explains it
goes here (``logs/cff.log`` beside the database, 1 MB × 5 files), so a support call can ask for
the file instead of a screenshot. ``CFF_DEBUG=1`` also prints every record to the console.

What is written never holds secrets: every line (tracebacks included) passes through
:func:`redact`, which masks PINs, passphrases, tokens, enrolment codes, age and PEM private keys,
whatever code wrote them. The file is opened only when the first record arrives, so a command that
runs cleanly leaves no trace in the data folder.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

LOG_NAME = "cff.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"

_SECRETS = [
    # private keys: age identities and PEM blocks
    (re.compile(r"AGE-SECRET-KEY-1[0-9A-Z]+", re.IGNORECASE), "AGE-SECRET-KEY-***"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", re.DOTALL),
     "-----PRIVATE KEY ***-----"),
    # HTTP credentials
    (re.compile(r"(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE), r"\1 ***"),
    # a PIN is digits: "pin=1234", "--pin 1234", "mã PIN 1234", "clerk_pin: '1234'"
    (re.compile(r"""(?i)(\b(?:clerk_)?pin\b["']?\s*(?:[=:]|\s)\s*["']?)\d+"""), r"\1***"),
    # key=value, key: value, "key": "value", --key value, for words that name secrets
    (re.compile(r"""(?ix)
        (["']?\b(?:pin_hash|passphrase|password|passwd|secret|token|api[_-]?key|private[_-]?key|
               identity|code|authorization|mật\ khẩu)\b["']?
         \s*(?:[=:]|\s)\s*)
        (["']?)[^\s"',;)}\]]+\2"""), r"\1\2***\2"),
]


def redact(text: str) -> str:
    """``text`` with every secret the product handles masked (``***``)."""
    for pattern, repl in _SECRETS:
        text = pattern.sub(repl, text)
    return text


class RedactingFormatter(logging.Formatter):
    """Formats as usual, UTC timestamps, then masks secrets in the whole text (traceback included)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        t = time.gmtime(record.created)
        return time.strftime("%Y-%m-%dT%H:%M:%S", t) + f".{int(record.msecs):03d}Z"


class _LazyRotatingFile(logging.handlers.RotatingFileHandler):
    """Creates the log folder with the file, at the first record (never for a clean run)."""

    def _open(self):
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()


_state: dict[str, Any] = {}


def debug_enabled() -> bool:
    return os.environ.get("CFF_DEBUG", "").strip() not in ("", "0")


def setup_logging(folder: Path, *, level: int = logging.INFO) -> Path:
    """Send the product's log records to ``folder/cff.log`` (rotating); idempotent per folder.

    With ``CFF_DEBUG=1`` records of every level also go to stderr. Returns the log file's path.
    """
    path = Path(folder) / LOG_NAME
    root = logging.getLogger("cff")
    if _state.get("path") == path:
        return path
    for h in _state.get("handlers", []):
        root.removeHandler(h)
        h.close()
    logging.raiseExceptions = False  # a full or read-only disk must not turn logging into a crash
    fmt = RedactingFormatter(_FORMAT)
    handlers: list[logging.Handler] = []
    fh = _LazyRotatingFile(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
    fh.setFormatter(fmt)
    fh.setLevel(logging.DEBUG if debug_enabled() else level)
    handlers.append(fh)
    if debug_enabled():
        ch = logging.StreamHandler(sys.stderr)
        ch.setFormatter(fmt)
        ch.setLevel(logging.DEBUG)
        handlers.append(ch)
    for h in handlers:
        root.addHandler(h)
    root.setLevel(logging.DEBUG)
    root.propagate = False
    _state.update(path=path, handlers=handlers)
    return path


def install_excepthook() -> None:
    """Uncaught exceptions (also those raised in Qt slots) are logged with their traceback first."""
    if _state.get("hooked"):
        return
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            logging.getLogger("cff.uncaught").critical("lỗi không mong đợi", exc_info=(kind, exc, tb))
        previous(kind, exc, tb)

    sys.excepthook = hook
    _state["hooked"] = True


def log_file() -> Path | None:
    """Where records go now (None before :func:`setup_logging`)."""
    return _state.get("path")
