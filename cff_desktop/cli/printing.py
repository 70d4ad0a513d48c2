"""``cff print KIND --out DIR``: the round's papers as PDF, laid out per Nghị định 30/2020."""

from __future__ import annotations

import argparse
from datetime import date

from cff_desktop.cli.core import _print_json, _ws
from cff_desktop.common.errors import BadInput
from cff_desktop.services.kinds import KINDS


def _date(text: str | None, flag: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"ngày '{text}' không đúng dạng YYYY-MM-DD", flag) from None


def cmd_print(args: argparse.Namespace) -> int:
    from cff_desktop.services.printing import render_all, render_printed

    with _ws(args) as ws:
        if args.kind == "all":
            if args.format != "pdf":
                from cff_desktop.common.errors import BadInput

                raise BadInput("bản Word chỉ có cho biên bản (minutes) và báo cáo (report); in từng loại một",
                               "--format")
            done, skipped = render_all(ws, args.out, year=args.round, include_evidence=args.include_evidence)
        else:
            done = [render_printed(ws, args.kind, args.out, year=args.round,
                                   include_evidence=args.include_evidence,
                                   doc_date=_date(args.date, "--date"),
                                   posting_start=_date(args.posting_start, "--posting-start"),
                                   posting_days=args.posting_days, fmt=args.format)]
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
    for kind, reason in skipped:
        print(f"(không in {KINDS[kind].lower()}: {reason})")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add this feature's sub-commands to ``cff``."""
    x = sub.add_parser("print", help="in văn bản (PDF) theo Nghị định 30/2020",
                       description="Loại văn bản: " + "; ".join(f"{k} = {v}" for k, v in KINDS.items())
                       + "; all = tất cả.")
    x.add_argument("kind", choices=[*KINDS, "all"], metavar="KIND",
                   help=" | ".join([*KINDS, "all"]))
    x.add_argument("--out", required=True, help="thư mục lưu tệp PDF")
    x.add_argument("--include-evidence", action="store_true",
                   help="in kèm ảnh minh chứng trong hồ sơ (dossier)")
    x.add_argument("--date", help="ngày ký văn bản YYYY-MM-DD (mặc định: hôm nay; biên bản: ngày họp)")
    x.add_argument("--posting-start", dest="posting_start", help="ngày bắt đầu niêm yết YYYY-MM-DD (notice)")
    x.add_argument("--posting-days", dest="posting_days", type=int, help="số ngày làm việc niêm yết (mặc định 5)")
    x.add_argument("--format", default="pdf", choices=["pdf", "docx"],
                   help="docx: bản Word để chỉnh sửa câu chữ (chỉ biên bản và báo cáo); PDF là bản chuẩn")
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=cmd_print)
