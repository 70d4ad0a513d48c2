"""``cff evidence``: attach, list and remove the files that back a criterion's figures.

The same service calls the evidence page of the window makes: the officer must be assigned the
criterion (or be the clerk), photos are downscaled unless ``--keep-original``, removal keeps the
file and the audit trail.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cff_desktop.cli.core import _as_officer, _ws, add_command, arg, print_result
from cff_desktop.common.text import format_number


def cmd_attach(args: argparse.Namespace) -> int:
    from cff_desktop.services.evidence import attach, check_source

    files = [Path(f) for f in args.files]
    with _ws(args) as ws:
        _as_officer(ws, args.as_officer)  # the officer's PIN, when one is set
        for f in files:  # every file checked first: a bad third file leaves none attached
            check_source(f)
        rows = [attach(ws, args.criterion, f, args.as_officer, keep_original=args.keep_original,
                       year=args.round) for f in files]
    for r in rows:
        print(f"Đã đính kèm minh chứng #{r['id']} {r['filename']} "
              f"({format_number(r['size'])} byte) vào tiêu chí {r['criterion_id']}.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from cff_desktop.services.evidence import list_evidence

    with _ws(args) as ws:
        rows = list_evidence(ws, args.criterion, year=args.round)
    out = [{"id": r["id"], "criterion": r["criterion_id"], "filename": r["filename"], "size": r["size"],
            "mime": r["mime"], "sha256": r["sha256"], "officer": r["officer"], "added_at": r["added_at"]}
           for r in rows]
    return print_result(args, out, _print_evidence)


def _print_evidence(out: list[dict]) -> None:
    from cff_desktop.common.localtime import date_text

    for r in out:
        print(f"#{r['id']:<4} tiêu chí {r['criterion']:<3} {r['filename']:<40} "
              f"{format_number(r['size']):>12} byte  {r['officer'] or ''}  {date_text(r['added_at'])}")
    if not out:
        print("Chưa có minh chứng nào.")


def cmd_remove(args: argparse.Namespace) -> int:
    from cff_desktop.common.errors import BadInput
    from cff_desktop.services.evidence import remove

    ref = args.evidence.strip().lstrip("#")
    if not (ref.isdigit() and len(ref) <= 12):
        raise BadInput(f"mã minh chứng phải là số (xem `cff evidence list`), không phải '{args.evidence[:20]}'",
                       "EVIDENCE")
    with _ws(args) as ws:
        _as_officer(ws, args.as_officer)
        remove(ws, int(ref), args.as_officer, year=args.round)
    print(f"Đã gỡ minh chứng #{ref} (tệp và nhật ký vẫn được giữ).")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``cff evidence`` to ``cff``."""
    ev = sub.add_parser("evidence", help="minh chứng: đính kèm, xem, gỡ").add_subparsers(
        dest="sub", required=True)
    add_command(ev, "attach", "đính kèm một hoặc nhiều tệp vào một tiêu chí", cmd_attach,
                arg("criterion", help="mã tiêu chí, ví dụ 7"),
                arg("files", nargs="+", metavar="FILE"),
                arg("--as", dest="as_officer", required=True, help="cán bộ đính kèm (tên hoặc số)"),
                arg("--keep-original", dest="keep_original", action="store_true",
                    help="giữ ảnh gốc, không thu nhỏ"))
    add_command(ev, "list", "các minh chứng của vòng (hoặc của một tiêu chí)", cmd_list,
                arg("criterion", nargs="?"), json=True)
    add_command(ev, "remove", "gỡ một minh chứng", cmd_remove,
                arg("evidence", help="mã minh chứng (xem `cff evidence list`)"),
                arg("--as", dest="as_officer", required=True))
