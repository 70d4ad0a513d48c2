"""``cff print KIND --out DIR``: the round's papers as PDF, laid out per Nghị định 30/2020;
``cff numbers``: the document counters, to follow the office's register (sổ văn bản đi)."""

from __future__ import annotations

import argparse
from datetime import date

from cff_desktop.cli.core import _print_json, _ws, add_command, arg, print_result
from cff_desktop.common.errors import BadInput
from cff_desktop.services.kinds import DOCX_KINDS, KINDS

# Which options mean something for which kinds; any other combination is refused, never ignored.
NUMBERED_KINDS = ("council_decision", "plan", "minutes", "notice", "posting_end", "report", "proposal")
POSTING_KINDS = ("notice", "posting_end", "proposal", "dossier", "all")  # the notice is printed first for these


def _date(text: str | None, flag: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"ngày '{text}' không đúng dạng YYYY-MM-DD", flag) from None


def _check_options(args: argparse.Namespace) -> None:
    """Every option is honoured or refused with what to do instead."""
    kind = args.kind
    if args.format != "pdf" and kind not in DOCX_KINDS:
        raise BadInput("hồ sơ (dossier) chỉ in ra PDF (gộp các văn bản, đánh số trang liên tục); "
                       "bản Word có cho từng văn bản: in riêng từng loại với --format docx.", "--format")
    if args.include_evidence and kind not in ("dossier", "all"):
        raise BadInput("--include-evidence chỉ dùng khi in hồ sơ (dossier) hoặc all", "--include-evidence")
    if (args.posting_start or args.posting_days is not None) and kind not in POSTING_KINDS:
        raise BadInput("--posting-start/--posting-days là thời gian niêm yết của thông báo: chỉ dùng khi in "
                       "notice, proposal, dossier hoặc all", "--posting-start")
    if kind == "all" and args.date:
        raise BadInput("--date là ngày ký của một văn bản: in từng loại một với --date (mỗi văn bản có ngày "
                       "ký riêng)", "--date")
    if args.number is not None and kind not in NUMBERED_KINDS:
        raise BadInput("--number là số trong sổ văn bản đi của một văn bản có số: chỉ dùng khi in "
                       + ", ".join(NUMBERED_KINDS), "--number")


def cmd_print(args: argparse.Namespace) -> int:
    from cff_desktop.services.printing import render_all, render_printed

    _check_options(args)
    posting_start = _date(args.posting_start, "--posting-start")
    with _ws(args) as ws:
        if args.kind == "all":
            done, skipped = render_all(ws, args.out, year=args.round, include_evidence=args.include_evidence,
                                       posting_start=posting_start, posting_days=args.posting_days)
        else:
            p = render_printed(ws, args.kind, args.out, year=args.round,
                               include_evidence=args.include_evidence,
                               doc_date=_date(args.date, "--date"),
                               posting_start=posting_start,
                               posting_days=args.posting_days, fmt=args.format, number=args.number)
            done = [*p.also, p]
            skipped = []
    if args.json:
        _print_json({"printed": [{"kind": p.kind, "path": str(p.path), "number": p.number,
                                  "date": p.doc_date.isoformat(), "sha256": p.sha256, "draft": p.draft}
                                 for p in done],
                     "skipped": [{"kind": k, "reason": r} for k, r in skipped]})
        return 0
    for p in done:
        print(p.path)
    if any(p.draft for p in done):
        print("(DỰ THẢO: Hội đồng chưa kết thúc họp; văn bản chưa có số, mỗi trang ghi DỰ THẢO.)")
    if args.kind != "all" and len(done) > 1:
        print("(Đã in trước các văn bản được dẫn số: " + ", ".join(f"{KINDS[p.kind].lower()} {p.number}"
                                                              for p in done[:-1]) + ".)")
    for kind, reason in skipped:
        print(f"(không in {KINDS[kind].lower()}: {reason})")
    return 0


def cmd_numbers_show(args: argparse.Namespace) -> int:
    from cff_desktop.services.printing import number_counters

    year = args.year or date.today().year
    with _ws(args) as ws:
        rows = number_counters(ws, year)
    return print_result(args, {"year": year, "types": rows}, _print_numbers)


def _print_numbers(counters: dict) -> None:
    for r in counters["types"]:
        issued = ", ".join(r["issued"]) or "chưa cấp số nào"
        print(f"{r['type']:<4} số tiếp theo: {r['next']:<14} đã cấp năm {counters['year']}: {issued}")


def cmd_numbers_set(args: argparse.Namespace) -> int:
    from cff_desktop.services.printing import set_next_number

    year = args.year or date.today().year
    with _ws(args) as ws:
        nxt = set_next_number(ws, args.type, args.next, year)
    code = nxt.split("/", 1)[1].removesuffix("-UBND")
    return print_result(args, {"type": code, "year": year, "next": nxt},
                        lambda d: print(f"Số tiếp theo của loại {d['type']} năm {d['year']}: {d['next']}"))


def cmd_print_settings_show(args: argparse.Namespace) -> int:
    from cff_desktop.services.profile import print_settings

    with _ws(args) as ws:
        values = print_settings(ws)
    return print_result(args, values, _print_print_settings)


def _print_print_settings(values: dict[str, str]) -> None:
    from cff_desktop.services.profile import PRINT_SETTINGS

    for key, label in PRINT_SETTINGS.items():
        shown = values[key].replace("\n", "; ") or "(mặc định của văn bản)"
        print(f"{key}: {shown}\n    {label}")


def cmd_print_settings_set(args: argparse.Namespace) -> int:
    from cff_desktop.services.profile import set_print_setting

    with _ws(args) as ws:
        value = set_print_setting(ws, args.key, args.value)
    return print_result(args, {args.key: value},
                        lambda _: print(f"{args.key}: {value.replace(chr(10), '; ') or '(mặc định của văn bản)'}"))


def register(sub: argparse._SubParsersAction) -> None:
    """Add this feature's sub-commands to ``cff``."""
    add_command(sub, "print", "in văn bản (PDF) theo Nghị định 30/2020", cmd_print,
                arg("kind", choices=[*KINDS, "all"], metavar="KIND",
                    help=" | ".join([*KINDS, "all"])),
                arg("--out", required=True, help="thư mục lưu tệp PDF"),
                arg("--include-evidence", action="store_true",
                    help="in kèm ảnh minh chứng trong hồ sơ (dossier)"),
                arg("--date", help="ngày ký văn bản YYYY-MM-DD (mặc định: hôm nay; biên bản: ngày họp)"),
                arg("--posting-start", dest="posting_start", help="ngày bắt đầu niêm yết YYYY-MM-DD (notice)"),
                arg("--posting-days", dest="posting_days", type=int, help="số ngày làm việc niêm yết (mặc định 5)"),
                arg("--number", type=int,
                    help="số văn bản lấy theo sổ văn bản đi (minutes, report, proposal, notice); "
                         "mặc định: số tiếp theo của bộ đếm"),
                arg("--format", default="pdf", choices=["pdf", "docx"],
                    help="docx: bản Word để chỉnh sửa câu chữ (mọi văn bản trừ hồ sơ gộp); PDF là bản chuẩn"),
                json=True,
                description="Loại văn bản: " + "; ".join(f"{k} = {v}" for k, v in KINDS.items()) + "; all = tất cả.")

    n = sub.add_parser("numbers", help="số văn bản: xem và đặt số tiếp theo theo sổ văn bản đi")
    nsub = n.add_subparsers(dest="numbers_cmd", required=True, metavar="show | set")
    add_command(nsub, "show", "số tiếp theo và các số đã cấp của từng loại trong năm", cmd_numbers_show,
                arg("--year", type=int, help="năm (mặc định: năm nay)"), json=True)
    add_command(nsub, "set", "đặt số tiếp theo của một loại văn bản (ví dụ: numbers set TTr 15 --year 2024)",
                cmd_numbers_set,
                arg("type", metavar="TYPE", help="BB | BC | KH | QĐ | TB | TTr"),
                arg("next", type=int, metavar="NUMBER", help="số sẽ cấp cho văn bản tiếp theo"),
                arg("--year", type=int, help="năm (mặc định: năm nay)"), json=True)

    ps = sub.add_parser("print-settings", help="thiết lập văn bản in: nơi nhận từng loại, ngày nghỉ thêm")
    psub = ps.add_subparsers(dest="print_settings_cmd", required=True, metavar="show | set")
    add_command(psub, "show", "các thiết lập hiện tại", cmd_print_settings_show, json=True)
    add_command(psub, "set", "đặt một thiết lập, ví dụ: print-settings set recipients.report "
                             "\"UBND tỉnh Lạng Sơn; Thường trực Đảng ủy; Lưu: VT, VHXH\"", cmd_print_settings_set,
                arg("key", metavar="KEY", help="recipients.report | recipients.proposal | recipients.notice | "
                                               "extra_days_off"),
                arg("value", metavar="VALUE", help="nơi nhận cách nhau bởi dấu ';' (để trống = mặc định); "
                                                   "ngày nghỉ YYYY-MM-DD cách nhau bởi dấu ','"), json=True)


# --- the review council's meeting, for its minutes (used by `cff district decision`) ---------------

def add_review_meeting_args(x: argparse.ArgumentParser) -> None:
    """Options recording the review council's meeting, printed in its minutes (else dotted blanks)."""
    x.add_argument("--place", help="địa điểm họp Hội đồng xét duyệt")
    x.add_argument("--started-at", dest="started_at", help="giờ bắt đầu họp YYYY-MM-DDTHH:MM")
    x.add_argument("--ended-at", dest="ended_at", help="giờ kết thúc họp YYYY-MM-DDTHH:MM")
    x.add_argument("--absent", help="thành viên vắng mặt; cách nhau bằng dấu chấm phẩy")
    x.add_argument("--vote", action="append", default=[], metavar="MÃ_ĐƠN_VỊ=SỐ",
                   help="số thành viên đồng ý với kết luận về một đơn vị (lặp lại cho từng đơn vị)")


def review_meeting(args: argparse.Namespace) -> dict[str, object]:
    """The meeting's details from the options, checked; nothing is written when one is wrong."""
    from datetime import datetime

    out: dict[str, object] = {}
    if getattr(args, "place", None):
        out["place"] = " ".join(args.place.split())
    for key, flag in (("started_at", "--started-at"), ("ended_at", "--ended-at")):
        text = getattr(args, key, None)
        if text:
            try:
                out[key] = datetime.fromisoformat(text).isoformat(timespec="minutes")
            except ValueError:
                raise BadInput(f"giờ '{text}' không đúng dạng YYYY-MM-DDTHH:MM (ví dụ 2024-12-02T08:00)",
                               flag) from None
    if out.get("started_at") and out.get("ended_at") and str(out["ended_at"]) < str(out["started_at"]):
        raise BadInput("giờ kết thúc họp phải sau giờ bắt đầu", "--ended-at")
    if getattr(args, "absent", None):
        out["absent"] = [m.strip() for m in args.absent.split(";") if m.strip()]
    votes: dict[str, int] = {}
    for item in getattr(args, "vote", None) or []:
        code, _, n = item.partition("=")
        if not code.strip() or not n.strip().isdigit():
            raise BadInput(f"biểu quyết '{item}' không đúng dạng MÃ_ĐƠN_VỊ=SỐ (ví dụ 01234=7)", "--vote")
        votes[code.strip()] = int(n)
    if votes:
        out["votes"] = votes
    return out

