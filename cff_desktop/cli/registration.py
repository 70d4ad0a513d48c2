"""``cff registration``: the commune's registration for the year (intends to reach the standard; the
criteria it targets), as the report and the registration paper read it."""

from __future__ import annotations

import argparse

from cff_desktop.cli.core import _ws, add_command, arg, print_result


def _print(view: dict) -> None:
    reg = view["registration"]
    if not reg:
        print(f"Vòng năm {view['year']}: chưa ghi đăng ký đầu năm.")
        return
    from cff_desktop.common.dates import vn

    print(f"Vòng năm {view['year']}: đăng ký ngày {vn(reg['registered_on'])}, "
          f"{'phấn đấu đạt chuẩn' if reg['intends'] else 'chưa phấn đấu đạt chuẩn'}; "
          f"tiêu chí phấn đấu: {', '.join(reg['criteria'])}")
    for w in view["warnings"]:
        print(f"Cảnh báo: {w}")


def cmd_show(args: argparse.Namespace) -> int:
    from cff_desktop.services.registration import registration_view

    with _ws(args) as ws:
        view = registration_view(ws, args.round)
    return print_result(args, view, _print)


def cmd_set(args: argparse.Namespace) -> int:
    from cff_desktop.common.errors import BadInput
    from cff_desktop.services.registration import register

    answer = args.intends.strip().lower()
    if answer not in ("yes", "no", "có", "không"):
        raise BadInput(f"--intends phải là yes hoặc no, không phải '{args.intends[:20]}'", "--intends")
    with _ws(args) as ws:
        reg, warnings = register(ws, intends=answer in ("yes", "có"), criteria=args.criteria,
                                 registered_on=args.date, note=args.note, year=args.round)
    print(f"Đã ghi đăng ký đầu năm: {len(reg['criteria'])} tiêu chí phấn đấu.")
    for w in warnings:
        print(f"Cảnh báo: {w}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``cff registration`` to ``cff``."""
    r = sub.add_parser("registration", help="đăng ký phấn đấu đầu năm: có phấn đấu đạt chuẩn, các tiêu chí"
                       ).add_subparsers(dest="sub", required=True)
    add_command(r, "show", "đăng ký của vòng", cmd_show, json=True)
    add_command(r, "set", "ghi (hoặc sửa) đăng ký của vòng", cmd_set,
                arg("--intends", required=True, help="yes | no: phấn đấu đạt chuẩn trong năm"),
                arg("--criteria", default="all", help="các tiêu chí phấn đấu, ví dụ 1,2,5 (mặc định: all)"),
                arg("--date", required=True, help="ngày đăng ký, dd/mm/yyyy"),
                arg("--note", default="", help="ghi chú, cam kết thêm"))
