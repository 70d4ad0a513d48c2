"""``cff``: the command line over the services (the same calls the windows make).

Each feature's commands live in their own module here and register themselves with
:func:`build_parser`; ``main`` maps errors to exit codes: 0 success; 2 bad input, usage or a refusal,
with one line on stderr saying what is wrong and where; 1 an unexpected error (a bug).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cff_desktop.cli import guard
from cff_desktop.cli.core import _Parser, build_parser
from cff_desktop.cli.remedies import cli_error_line
from cff_desktop.common.errors import CffError

if TYPE_CHECKING:
    import logging

__all__ = ["_Parser", "build_parser", "main", "run"]

guard.skip_argparse_catalogues()


def run(prog: str, parser, argv: list[str] | None = None) -> int:
    """Parse, run the chosen command, and turn failures into exit codes and one-line messages."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    args = parser.parse_args(argv)
    problem = guard.check(args)
    if problem:
        print(f"{prog}: lỗi: {problem}", file=sys.stderr)
        return 2
    command = " ".join([prog, *_command_words(args)])
    db = getattr(args, "db", None)
    if debug_enabled():  # otherwise the log is set up only when there is an error to write
        _start_log(db)[0].debug("%s", command)
    try:
        rc = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, while we can still handle it
        return rc
    except BrokenPipeError:
        return _reader_went_away()
    except CffError as e:
        if debug_enabled():
            _start_log(db)[0].debug("%s: từ chối: %s", command, e)
        print(f"{prog}: lỗi: {cli_error_line(e)}", file=sys.stderr)
        return e.exit_code
    except OSError as e:
        where = f"{e.filename}: " if e.filename else ""
        print(f"{prog}: lỗi: {where}không đọc/ghi được ({e.strerror or e})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug: say so plainly; the traceback goes to the log
        log, log_path = _start_log(db)
        log.exception("%s: lỗi không mong đợi", command)
        print(f"{prog}: lỗi không mong đợi: {type(e).__name__}: {e}. Chi tiết trong {log_path}; "
              "gửi tệp này cho nhóm phát triển.", file=sys.stderr)
        return 1


def debug_enabled() -> bool:
    return os.environ.get("CFF_DEBUG", "").strip() not in ("", "0")


def _start_log(db: str | None) -> tuple[logging.Logger, Path]:
    """Set up the log file; only when there is something to write (it costs start-up time)."""
    import logging

    from cff_desktop.services.diagnostics import start_logging

    path = start_logging(db)
    return logging.getLogger("cff.cli"), path


def _command_words(args: argparse.Namespace) -> list[str]:
    """The sub-command path (``values set``), never the values typed: those may be PINs or codes."""
    order = ("command", "sub", "sync_cmd", "sub2")
    return [str(getattr(args, k)) for k in order if isinstance(getattr(args, k, None), str)]


def _reader_went_away() -> int:
    """``cff … | head``: the reader stopped; that is not an error, so exit quietly with 0.

    Python would otherwise complain again when it flushes stdout at exit, so stdout is pointed at
    the null device first.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (tests capturing output)
        pass
    return 0


def command_of(argv: list[str]) -> str | None:
    """The command word of ``argv`` (after ``--db X``/``--round X``), or None for help and version."""
    it = iter(argv)
    for token in it:
        if token in ("--db", "--round"):
            next(it, None)
        elif token.startswith("-"):
            if token in ("-h", "--help", "--version"):
                return None
        else:
            return token
    return None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    return run("cff", build_parser(command_of(args)), args)
