"""Checks every command's parsed arguments share, before any command runs.

Kept in one place so a new command gets them for free: an empty path (``--out ""``) would
otherwise mean "the current folder" and scatter files where nobody looks, and a number no
command can use (``--round 99999999999999999999``) would otherwise reach SQLite and crash.
"""

from __future__ import annotations

import argparse
import math


def skip_argparse_catalogues() -> None:
    """Stop argparse looking for translations of its own words on every call.

    argparse passes each of its strings through gettext, and each call searches the disk for an
    ``argparse.mo`` catalogue; Python ships none (and ``cff`` words its messages in Vietnamese
    itself), so the ~200 searches made while building the parser of ``cff`` all fail, and cost
    a fifth of a command's start-up. The identity functions give exactly the same text.
    """
    argparse._ = lambda message: message  # type: ignore[attr-defined]
    argparse.ngettext = lambda singular, plural, n: singular if n == 1 else plural  # type: ignore[attr-defined]

# Arguments that name a file or folder, by their ``dest``.
PATH_ARGS = ("out", "to", "file", "files", "path", "db", "values", "data", "inbox_data",
             "identity", "private_file", "cert", "key", "csv", "source")
YEAR_ARGS = ("round",)
YEAR_RANGE = (2000, 2100)
INT_LIMIT = 10**9


def _flag(dest: str) -> str:
    return "--" + dest.replace("_", "-")


def check(args: argparse.Namespace) -> str | None:
    """The first problem found, as one line (without the program's name), or None."""
    for dest, val in sorted(vars(args).items()):
        if dest in PATH_ARGS:
            for v in val if isinstance(val, list) else [val]:
                if isinstance(v, str) and not v.strip():
                    return f"{_flag(dest)}: đường dẫn trống; hãy ghi rõ tệp hoặc thư mục"
        if isinstance(val, bool):
            continue
        if dest in YEAR_ARGS and isinstance(val, int):
            lo, hi = YEAR_RANGE
            if not lo <= val <= hi:
                return f"{_flag(dest)}: năm {str(val)[:12]} không hợp lệ; hãy ghi năm từ {lo} đến {hi}"
        elif isinstance(val, int) and abs(val) > INT_LIMIT:
            return f"{_flag(dest)}: số {str(val)[:12]}… quá lớn"
        elif isinstance(val, float) and not math.isfinite(val):
            return f"{_flag(dest)}: '{val}' không phải là số hữu hạn"
    return None
