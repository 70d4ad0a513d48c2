"""``cff council ...``: the council meeting from the command line."""

from __future__ import annotations

import argparse

from cff_desktop.cli.core import _ws, add_command, arg, print_result
from cff_desktop.common.text import format_points


def cmd_meeting(args: argparse.Namespace) -> int:
    from cff_desktop.services.council import set_meeting

    with _ws(args) as ws:
        rec = set_meeting(ws, place=args.place, started_at=args.started_at, ended_at=args.ended_at,
                          discussion=args.discussion, conclusion=args.conclusion, year=args.round)
    print(f"Đã ghi cuộc họp: {rec['place']} lúc {rec['started_at']}")
    return 0


def cmd_member_add(args: argparse.Namespace) -> int:
    from cff_desktop.services.council import add_member

    with _ws(args) as ws:
        m = add_member(ws, name=args.name, position=args.position or "", role=args.role,
                       present=not args.absent, year=args.round)
    print(f"Đã thêm thành viên #{m['id']} {m['name']}")
    return 0


def cmd_member_presence(args: argparse.Namespace) -> int:
    from cff_desktop.services.council import set_presence

    with _ws(args) as ws:
        set_presence(ws, args.member, args.present == "yes", year=args.round)
    print("Đã ghi.")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from cff_desktop.services.council import council_record
    from cff_desktop.services.rounds import get_round

    with _ws(args) as ws:
        rec = council_record(ws, get_round(ws, args.round))
    return print_result(args, rec, _print_council)


def _print_council(rec: dict) -> None:
    print(f"Địa điểm: {rec['place']}  bắt đầu: {rec['started_at']}  kết thúc: {rec['ended_at']}")
    for m in rec["members"]:
        mark = "có mặt" if m["present"] else "vắng"
        print(f"  #{m['id']:<3} {m['name']:<24} {m['position']:<36} {m['council_role']:<10} {mark}")


def cmd_override(args: argparse.Namespace) -> int:
    from cff_desktop.common.errors import BadInput
    from cff_desktop.services.council import remove_override
    from cff_desktop.services.scoring import set_override

    if args.remove:
        if args.points is not None:
            raise BadInput("--remove bỏ điểm hội đồng, không đi cùng --points", "--points")
        with _ws(args) as ws:
            remove_override(ws, args.criterion, args.reason, year=args.round)
        print(f"Đã bỏ điểm hội đồng của tiêu chí {args.criterion}; điểm tính theo số liệu được dùng lại.")
        return 0
    if args.points is None:
        raise BadInput("thiếu --points (điểm hội đồng chấm), hoặc dùng --remove để bỏ điểm đã ghi",
                       "--points")
    with _ws(args) as ws:
        set_override(ws, args.criterion, args.points, args.reason, year=args.round)
    print(f"Đã ghi điểm hội đồng cho tiêu chí {args.criterion}: {args.points}")
    return 0


def cmd_vote(args: argparse.Namespace) -> int:
    from cff_desktop.services.council import record_vote

    with _ws(args) as ws:
        record_vote(ws, votes_for=args.votes_for, votes_against=args.votes_against,
                    votes_abstain=args.votes_abstain, year=args.round)
    print("Đã ghi kết quả biểu quyết.")
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    from cff_desktop.services.council import close_meeting

    with _ws(args) as ws:
        snap = close_meeting(ws, conclusion=args.conclusion, ended_at=args.ended_at, year=args.round)
    s = snap["score"]
    verdict = "ĐẠT" if s["recognized"] else "KHÔNG ĐẠT"
    print(f"Đã kết thúc họp: tổng {format_points(s['total'])}/{format_points(s['max_total'])}, "
          f"ngưỡng {format_points(s['threshold'])}, {verdict}. Số liệu đã khóa.")
    return 0


def cmd_reopen(args: argparse.Namespace) -> int:
    from cff_desktop.services.council import reopen_round

    with _ws(args) as ws:
        reopen_round(ws, args.reason, year=args.round)
    print("Đã mở lại vòng đánh giá.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("council", help="hội đồng đánh giá").add_subparsers(dest="sub", required=True)
    add_command(c, "meeting", "địa điểm, thời gian, thảo luận", cmd_meeting,
                arg("--place"),
                arg("--start", dest="started_at"),
                arg("--end", dest="ended_at", help="giờ kết thúc YYYY-MM-DDTHH:MM"),
                arg("--discussion"),
                arg("--conclusion", help="kết luận của chủ tọa"))
    add_command(c, "member", "thêm thành viên", cmd_member_add,
                arg("--name", required=True),
                arg("--position"),
                arg("--role", default="member", help="chair | vice_chair | standing | secretary | member"),
                arg("--absent", action="store_true"))
    add_command(c, "presence", "có mặt / vắng", cmd_member_presence,
                arg("member", type=int),
                arg("present", choices=["yes", "no"]))
    add_command(c, "show", None, cmd_show, json=True)
    add_command(c, "override", "hội đồng điều chỉnh điểm một tiêu chí", cmd_override,
                arg("criterion"),
                arg("--points"),
                arg("--remove", action="store_true", help="bỏ điểm hội đồng đã ghi (cần --reason)"),
                arg("--reason", required=True))
    add_command(c, "vote", "kết quả biểu quyết", cmd_vote,
                arg("--for", dest="votes_for", type=int, required=True),
                arg("--against", dest="votes_against", type=int, default=0),
                arg("--abstain", dest="votes_abstain", type=int, default=0))
    add_command(c, "close", "kết thúc họp, khóa số liệu", cmd_close,
                arg("--conclusion"),
                arg("--ended-at", dest="ended_at",
                    help="giờ kết thúc YYYY-MM-DDTHH:MM, sau giờ bắt đầu (mặc định: giờ đã ghi, hoặc bây giờ)"))
    add_command(c, "reopen", "mở lại vòng đánh giá để sửa (ghi lý do)", cmd_reopen, arg("--reason", required=True))
