"""``cff budget``: the round's budget of child work, line by line or as an Excel sheet.

The same service calls as the window's budget page (services/budget.py): amounts in whole đồng,
a spent amount above the plan printed as a warning, an import replacing the round's lines all or
nothing.
"""

from __future__ import annotations

import argparse

from cff_desktop.cli.core import _ws, add_command, arg, print_result
from cff_desktop.common.text import format_dong


def _print_view(view: dict) -> None:
    print(f"Kinh phí công tác trẻ em, vòng năm {view['year']}")
    for i, b in enumerate(view["lines"], start=1):
        print(f"#{b['id']:<4} {i:>2}. {b['activity'][:48]:<48} {b['source_label']:<20} "
              f"dự toán {format_dong(b['planned']):>24}  đã chi {format_dong(b['spent']):>24}")
    if not view["lines"]:
        print("Chưa có dòng kinh phí nào.")
    s = view["summary"]
    for src in s["by_source"]:
        if src["planned"] or src["spent"]:
            print(f"  {src['label']:<22} dự toán {format_dong(src['planned'])}, đã chi {format_dong(src['spent'])}")
    print(f"Tổng dự toán {format_dong(s['planned'])}; đã chi {format_dong(s['spent'])}")
    for w in view["warnings"]:
        print(f"Cảnh báo: {w}")


def cmd_list(args: argparse.Namespace) -> int:
    from cff_desktop.services.budget import budget_view

    with _ws(args) as ws:
        view = budget_view(ws, args.round)
    return print_result(args, view, _print_view)


def _line_id(text: str) -> int:
    from cff_desktop.common.errors import BadInput

    ref = text.strip().lstrip("#")
    if not (ref.isdigit() and len(ref) <= 12):
        raise BadInput(f"mã dòng kinh phí phải là số (xem `cff budget list`), không phải '{text[:20]}'", "ID")
    return int(ref)


def _warn(warnings: list[str]) -> None:
    for w in warnings:
        print(f"Cảnh báo: {w}")


def cmd_add(args: argparse.Namespace) -> int:
    from cff_desktop.services.budget import add_line

    with _ws(args) as ws:
        line, warnings = add_line(ws, activity=args.activity, source=args.source, planned=args.planned,
                                  spent=args.spent, note=args.note, year=args.round)
    print(f"Đã thêm dòng kinh phí #{line.id}: {line.activity}, dự toán {format_dong(line.planned)}, "
          f"đã chi {format_dong(line.spent)}.")
    _warn(warnings)
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    from cff_desktop.services.budget import update_line

    with _ws(args) as ws:
        line, warnings = update_line(ws, _line_id(args.id), activity=args.activity, source=args.source,
                                     planned=args.planned, spent=args.spent, note=args.note, year=args.round)
    print(f"Đã sửa dòng kinh phí #{line.id}: dự toán {format_dong(line.planned)}, đã chi {format_dong(line.spent)}.")
    _warn(warnings)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from cff_desktop.services.budget import remove_line

    with _ws(args) as ws:
        old = remove_line(ws, _line_id(args.id), year=args.round)
    print(f"Đã xóa dòng kinh phí #{old.id}: {old.activity}.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from cff_desktop.services.budget import import_xlsx

    with _ws(args) as ws:
        view = import_xlsx(ws, args.file, year=args.round)
    print(f"Đã nhập {len(view['lines'])} dòng kinh phí (thay cho các dòng cũ của vòng năm {view['year']}).")
    _warn(view["warnings"])
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from cff_desktop.services.budget import export_xlsx

    with _ws(args) as ws:
        out = export_xlsx(ws, args.out, year=args.round)
    print(f"Đã xuất bảng kinh phí: {out}")
    return 0


def _line_args(required: bool) -> list:
    return [arg("--activity", required=True, help="tên hoạt động"),
            arg("--source", required=True, help="central | provincial | commune | mobilised"),
            arg("--planned", required=True, help="dự toán, số đồng (ví dụ 3.690.000.000)"),
            arg("--spent", default="0" if not required else None, required=required, help="đã chi, số đồng"),
            arg("--note", default="", help="ghi chú")]


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``cff budget`` to ``cff``."""
    b = sub.add_parser("budget", help="kinh phí công tác trẻ em của vòng: xem, thêm, sửa, nhập/xuất Excel"
                       ).add_subparsers(dest="sub", required=True)
    add_command(b, "list", "các dòng kinh phí và tổng theo nguồn", cmd_list, json=True)
    add_command(b, "add", "thêm một dòng kinh phí", cmd_add, *_line_args(False))
    add_command(b, "update", "sửa một dòng kinh phí", cmd_update, arg("id", metavar="ID"), *_line_args(True))
    add_command(b, "remove", "xóa một dòng kinh phí", cmd_remove, arg("id", metavar="ID"))
    add_command(b, "import", "nhập bảng kinh phí từ tệp Excel (thay các dòng của vòng; tất cả hoặc không)",
                cmd_import, arg("file", metavar="FILE.xlsx"))
    add_command(b, "export", "xuất bảng kinh phí ra tệp Excel", cmd_export, arg("out", metavar="FILE.xlsx"))
