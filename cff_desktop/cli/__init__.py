"""``cff``: the command line over the services (the same calls the windows make).

Each feature's commands live in their own module here and register themselves with
:func:`build_parser`; ``main`` maps errors to exit codes: 0 success; 2 bad input, usage or a refusal,
with one line on stderr saying what is wrong and where; 1 an unexpected error (a bug).
"""

from __future__ import annotations

import os
import sys
import traceback

from cff_desktop.cli.core import _Parser, build_parser
from cff_desktop.cli.remedies import cli_error_line
from cff_desktop.common.errors import CffError

__all__ = ["_Parser", "build_parser", "main", "run"]


def run(prog: str, parser, argv: list[str] | None = None) -> int:
    """Parse, run the chosen command, and turn failures into exit codes and one-line messages."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CffError as e:
        print(f"{prog}: lỗi: {cli_error_line(e)}", file=sys.stderr)
        return e.exit_code
    except OSError as e:
        where = f"{e.filename}: " if e.filename else ""
        print(f"{prog}: lỗi: {where}không đọc/ghi được ({e.strerror or e})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug: say so plainly, details only on request
        print(f"{prog}: lỗi không mong đợi: {type(e).__name__}: {e}. "
              "Đặt CFF_DEBUG=1 để xem chi tiết và báo cho nhóm phát triển.", file=sys.stderr)
        if os.environ.get("CFF_DEBUG"):
            traceback.print_exc()
        return 1


def main(argv: list[str] | None = None) -> int:
    return run("cff", build_parser(), argv)
