"""``cff report-text``: the report's narrative sections of a round (seed 003's outline).

The same service as the window's "Nội dung báo cáo" page: a round without its own text shows the
latest earlier round's as its starting point; ``set`` writes all the sections given or none.
"""

from __future__ import annotations

import argparse

from cff_desktop.cli.core import _ws, add_command, arg, print_result


def _print(view: dict) -> None:
    from cff_desktop.services.report_texts import labels

    names = labels()
    for key, item in view.items():
        origin = "" if item["from"] is None else f" (năm {item['from']})"
        print(f"{key:<22} {names[key]}{origin}")
        print(f"    {item['value'] or '-'}")


def cmd_show(args: argparse.Namespace) -> int:
    from cff_desktop.services.report_texts import round_texts
    from cff_desktop.services.rounds import get_round

    with _ws(args) as ws:
        view = round_texts(ws, get_round(ws, args.round))
    return print_result(args, view, _print)


def cmd_set(args: argparse.Namespace) -> int:
    from cff_desktop.cli.profile import _pairs
    from cff_desktop.services.report_texts import set_texts

    changes = _pairs(args.pairs)
    with _ws(args) as ws:
        set_texts(ws, changes, year=args.round)
    print(f"Đã lưu {len(changes)} mục báo cáo cho vòng đánh giá.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``cff report-text`` to ``cff``."""
    rt = sub.add_parser("report-text", help="nội dung tự viết của báo cáo (theo đề cương), theo từng vòng"
                        ).add_subparsers(dest="sub", required=True)
    add_command(rt, "show", "các mục và nội dung hiện tại (kể cả nội dung mang sang từ năm trước)", cmd_show,
                json=True)
    add_command(rt, "set", "đặt một hoặc nhiều mục: KHÓA=NỘI_DUNG (ghi tất cả hoặc không ghi gì)", cmd_set,
                arg("pairs", nargs="+", metavar="KEY=TEXT"))
