"""``cff council ...``: the council meeting from the command line."""

from __future__ import annotations

import argparse

from cff_desktop.cli.core import _print_json, _ws
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
    if args.json:
        _print_json(rec)
    else:
        print(f"Địa điểm: {rec['place']}  bắt đầu: {rec['started_at']}  kết thúc: {rec['ended_at']}")
        for m in rec["members"]:
            mark = "có mặt" if m["present"] else "vắng"
            print(f"  #{m['id']:<3} {m['name']:<24} {m['position']:<36} {m['council_role']:<10} {mark}")
    return 0


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
    x = c.add_parser("meeting", help="địa điểm, thời gian, thảo luận")
    x.add_argument("--place")
    x.add_argument("--start", dest="started_at")
    x.add_argument("--end", dest="ended_at", help="giờ kết thúc YYYY-MM-DDTHH:MM")
    x.add_argument("--discussion")
    x.add_argument("--conclusion", help="kết luận của chủ tọa")
    x.set_defaults(func=cmd_meeting)
    x = c.add_parser("member", help="thêm thành viên")
    x.add_argument("--name", required=True)
    x.add_argument("--position")
    x.add_argument("--role", default="member", help="chair | vice_chair | standing | secretary | member")
    x.add_argument("--absent", action="store_true")
    x.set_defaults(func=cmd_member_add)
    x = c.add_parser("presence", help="có mặt / vắng")
    x.add_argument("member", type=int)
    x.add_argument("present", choices=["yes", "no"])
    x.set_defaults(func=cmd_member_presence)
    x = c.add_parser("show")
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=cmd_show)
    x = c.add_parser("override", help="hội đồng điều chỉnh điểm một tiêu chí")
    x.add_argument("criterion")
    x.add_argument("--points")
    x.add_argument("--remove", action="store_true", help="bỏ điểm hội đồng đã ghi (cần --reason)")
    x.add_argument("--reason", required=True)
    x.set_defaults(func=cmd_override)
    x = c.add_parser("vote", help="kết quả biểu quyết")
    x.add_argument("--for", dest="votes_for", type=int, required=True)
    x.add_argument("--against", dest="votes_against", type=int, default=0)
    x.add_argument("--abstain", dest="votes_abstain", type=int, default=0)
    x.set_defaults(func=cmd_vote)
    x = c.add_parser("close", help="kết thúc họp, khóa số liệu")
    x.add_argument("--conclusion")
    x.add_argument("--ended-at", dest="ended_at",
                   help="giờ kết thúc YYYY-MM-DDTHH:MM, sau giờ bắt đầu (mặc định: giờ đã ghi, hoặc bây giờ)")
    x.set_defaults(func=cmd_close)
    x = c.add_parser("reopen", help="mở lại vòng đánh giá để sửa (ghi lý do)")
    x.add_argument("--reason", required=True)
    x.set_defaults(func=cmd_reopen)
