"""``cff child-report``: the half-year and year child-work reports' statistics and deadlines.

The statistics the assessment holds come from the round's figures; ``figures`` types the others
(children working early, children at risk); ``deadline`` moves a period's date as the upper level
sets it. The papers print with ``cff print child_work_half|child_work_year``.
"""

from __future__ import annotations

import argparse

from cff_desktop.cli.core import _ws, add_command, arg, print_result


def _print(view: dict) -> None:
    from cff_desktop.common.dates import vn
    from cff_desktop.common.text import format_number

    print(f"Báo cáo công tác trẻ em {view['period_words']} {view['year']} · hạn {vn(view['deadline'])}")
    for r in view["statistics"]:
        shown = format_number(r["value"]) if r["value"] is not None else "-"
        print(f"{r['key']:<16} {shown:>10}  {r['label']} ({r['source']})")


def _view(ws, period: str, year: int | None) -> dict:
    from cff_desktop.services.child_report import PERIODS, check_period, deadline, statistics
    from cff_desktop.services.rounds import get_round

    rnd = get_round(ws, year)
    check_period(period)
    return {"year": rnd.year, "period": period, "period_words": PERIODS[period][0],
            "deadline": deadline(ws, rnd, period).isoformat(), "statistics": statistics(ws, rnd, period)}


def cmd_show(args: argparse.Namespace) -> int:
    with _ws(args) as ws:
        view = _view(ws, args.period, args.round)
    return print_result(args, view, _print)


def cmd_figures(args: argparse.Namespace) -> int:
    from cff_desktop.cli.profile import _pairs
    from cff_desktop.services.child_report import set_figures

    changes = _pairs(args.pairs)
    with _ws(args) as ws:
        set_figures(ws, args.period, dict(changes), year=args.round)
        view = _view(ws, args.period, args.round)
    _print(view)
    return 0


def cmd_deadline(args: argparse.Namespace) -> int:
    from cff_desktop.services.child_report import set_deadline

    with _ws(args) as ws:
        value = set_deadline(ws, args.period, args.date)
    print(f"Hạn báo cáo ({args.period}): {value}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``cff child-report`` to ``cff``."""
    c = sub.add_parser("child-report", help="báo cáo công tác trẻ em 6 tháng và năm: số liệu, hạn"
                       ).add_subparsers(dest="sub", required=True)
    period = arg("--period", required=True, help="half (6 tháng, hạn 25/5) | year (năm, hạn 20/11)")
    add_command(c, "show", "bảng số liệu thống kê của kỳ báo cáo", cmd_show, period, json=True)
    add_command(c, "figures", "nhập số liệu không có trong bộ tiêu chí: working=…, at_risk=…", cmd_figures, period,
                arg("pairs", nargs="+", metavar="KEY=N"))
    add_command(c, "deadline", "đặt hạn gửi báo cáo của kỳ (dd/mm)", cmd_deadline, period, arg("date", metavar="DD/MM"))
