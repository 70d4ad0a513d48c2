"""``cff district ...``: the upper level's own work (area, units, received dossiers, appraisal, report).

Not to be confused with the ``cff-district`` script (:mod:`cff_desktop.cli.inbox_server`), which runs
the inbox server; these commands work on this installation's database, like the upper-level
screens of the app, and can read the inbox server's data folder (``cff district import --inbox``).

    cff district init --name "Huyện Cao Lộc" --level district [--province "Lạng Sơn"] [--inbox-data DIR]
    cff district units import CSV [--good-rows]
    cff district import PATH [--trust]          # a package or a folder (USB)
    cff district import --inbox [--inbox-data DIR]
    cff district list [--round YEAR] [--json]
    cff district show CODE [--json]
    cff district appraise REF INDICATOR agree|disagree [--comment ...] [--corrected ...]
    cff district return REF --comment "7: ..."
    cff district council REF
    cff district decide REF --recognized | --not-recognized --reason ...
    cff district decision --round YEAR --number 12/QĐ-UBND --date 2025-12-05
    cff district report --round YEAR [--json]
    cff district export-xlsx FILE --round YEAR
    cff district print KIND --round YEAR --out DIR     # council-minutes | decision | report
    cff district target --round YEAR --rate 85
    cff district deadline KIND DD/MM
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cff_desktop.cli.core import _print_json, _ws
from cff_desktop.cli.remedies import cli_hint
from cff_desktop.common import localtime
from cff_desktop.common.text import format_number, format_points


def _year(args: argparse.Namespace, ws) -> int:
    if args.round:
        return int(args.round)
    from cff_desktop.common.errors import BadInput
    from cff_desktop.services.district import latest_year

    year = latest_year(ws)
    if year is None:
        raise BadInput("chưa có hồ sơ nào; cho biết năm bằng --round NĂM.", "--round")
    return year


def cmd_init(args: argparse.Namespace) -> int:
    from cff_desktop.services.district import LEVELS, init_area

    with _ws(args, create=True) as ws:
        a = init_area(ws, name=args.name, level=args.level, province=args.province or "",
                      ruleset_id=args.ruleset, inbox_data=args.inbox_data or "", signer_name=args.signer or "")
        print(f"Máy này làm việc ở cấp trên: {a['name']} ({LEVELS[a['level']]}), dữ liệu tại {ws.paths.db}")
    return 0


def cmd_units_import(args: argparse.Namespace) -> int:
    from cff_desktop.services.district import import_units

    with _ws(args) as ws:
        r = import_units(ws, Path(args.csv), good_rows=args.good_rows)
    if args.json:
        _print_json(r.to_json())
        return 0
    print(f"Đã nhập {r.imported} đơn vị.")
    for b in r.bad:
        print(f"  Bỏ qua dòng {b['line']}: {'; '.join(b['problems'])}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from cff_desktop.cli.package import _identity_args
    from cff_desktop.services.district import import_inbox, import_path

    with _ws(args) as ws:
        if args.inbox:
            out = import_inbox(ws, args.inbox_data)
        else:
            if not args.path:
                from cff_desktop.common.errors import BadInput

                raise BadInput("cho biết tệp gói hoặc thư mục (USB), hoặc --inbox.", "PATH")
            out = import_path(ws, Path(args.path), trust=args.trust, **_identity_args(args))
    if args.json:
        _print_json([r.to_json() for r in out])
    else:
        for r in out:
            if r.status == "imported":
                extra = " (gói cũ hơn gói đã có: giữ lại, đánh dấu đã bị thay)" if r.kept_older else (
                    " (thay gói trước)" if r.superseded else "")
                print(f"Đã nhập: {r.unit} ({r.code}) năm {r.year}{extra}")
                if r.warning:
                    print(f"  Lưu ý: {r.warning}")
            elif r.status == "duplicate":
                print(f"Đã có: {Path(r.path).name}")
            else:
                print(f"Không nhập {Path(r.path).name}: {r.reason}{cli_hint(r.remedy)}")
    return 2 if out and all(r.status == "refused" for r in out) else 0


def cmd_list(args: argparse.Namespace) -> int:
    from cff_desktop.services.district import inbox

    with _ws(args) as ws:
        rows = inbox(ws, args.round)
    if args.json:
        _print_json(rows)
        return 0
    for r in rows:
        tot = f"{format_points(r['total'])}/{format_points(r['threshold'])}" if r["total"] is not None else "—"
        when = localtime.date_text(r["received_at"])
        print(f"{r['code']:<7} {r['name']:<28} {tot:>11}  {r['state_label']:<18} {when}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from cff_desktop.services.district import unit_detail

    with _ws(args) as ws:
        d = unit_detail(ws, args.code)
    if args.json:
        _print_json(d)
        return 0
    print(f"{d['unit']['name']} ({d['unit']['code']})")
    for r in d["rounds"]:
        print(f"  {r['year']}: {format_points(r['total'])}/{format_points(r['threshold'])} — {r['state']}")
    return 0


def cmd_appraise(args: argparse.Namespace) -> int:
    from cff_desktop.services.district import appraise

    with _ws(args) as ws:
        a = appraise(ws, args.ref, args.indicator, args.verdict, comment=args.comment or "",
                     corrected=args.corrected)
    print(f"Đã ghi thẩm định chỉ số {args.indicator}: {'đồng ý' if a['verdict'] == 'agree' else 'không đồng ý'}.")
    return 0


def cmd_return(args: argparse.Namespace) -> int:
    from cff_desktop.services.district import return_package

    with _ws(args) as ws:
        r = return_package(ws, args.ref, args.comment or [])
    how = ("xã nhận được ở lần đồng bộ tới" if r["delivery"] == "inbox"
           else "gói đến bằng USB: ghi giấy báo ra USB cho xã (cff district receipt MÃ --to Ổ_USB)")
    print(f"Đã trả lại hồ sơ {r['uuid']} với {len(r['comments'])} nhận xét; {how}.")
    return 0


def cmd_receipt(args: argparse.Namespace) -> int:
    from cff_desktop.services.receipts import export_receipt

    with _ws(args) as ws:
        path = export_receipt(ws, args.ref, args.to)
    print(path)
    print("Đưa USB cho xã; xã nhập bằng `cff package import TỆP` (lần đầu thêm --trust sau khi đối chiếu dấu vân tay).")
    return 0


def cmd_council(args: argparse.Namespace) -> int:
    from cff_desktop.services.district import pass_to_council

    with _ws(args) as ws:
        r = pass_to_council(ws, args.ref)
    print(f"Đã trình Hội đồng xét duyệt hồ sơ {r['uuid']}.")
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    from cff_desktop.services.district import decide

    with _ws(args) as ws:
        r = decide(ws, args.ref, args.recognized, reason=args.reason or "")
    print(f"Đơn vị {r['unit']} năm {r['year']}: {'công nhận' if r['recognized'] else 'không công nhận'}.")
    return 0


def cmd_decision(args: argparse.Namespace) -> int:
    from cff_desktop.services.district import set_decision

    council = {}
    if args.chair:
        council["chair"] = args.chair
    if args.secretary:
        council["secretary"] = args.secretary
    if args.members:
        council["members"] = [m.strip() for m in args.members.split(";") if m.strip()]
    with _ws(args) as ws:
        r = set_decision(ws, _year(args, ws), number=args.number, signed_on=args.date, council=council)
    print(f"Quyết định số {r['number']} ngày {r['signed_on']} cho năm {r['year']}.")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from cff_desktop.services.district_report import report

    with _ws(args) as ws:
        r = report(ws, _year(args, ws))
    if args.json:
        _print_json(r)
        return 0
    print(f"{r['area']}, năm {r['round']}: {r['units']} đơn vị; {r['assessed']} có hồ sơ; {r['passing']} tự đánh "
          f"giá đạt; {r['recognized']} được công nhận ({format_number(r['rate'], 2)} %).")
    for b in r["by_category"].values():
        print(f"  {b['label'][:60]}: {b['recognized']}/{b['units']}")
    print(f"Công nhận 3 năm liên tiếp: {len(r['recognized_3_in_a_row'])}; 5 năm: {len(r['recognized_5_in_a_row'])}")
    return 0


def cmd_export_xlsx(args: argparse.Namespace) -> int:
    from cff_desktop.services.district_report import export_xlsx

    with _ws(args) as ws:
        out = export_xlsx(ws, Path(args.file), _year(args, ws))
    print(out)
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    from cff_desktop.services.district_print import render

    with _ws(args) as ws:
        out = render(ws, args.kind, Path(args.out), _year(args, ws))
    print(out)
    return 0


def cmd_target(args: argparse.Namespace) -> int:
    from cff_desktop.services.district_report import set_target

    with _ws(args) as ws:
        set_target(ws, _year(args, ws), args.rate)
    print(f"Chỉ tiêu năm {args.round or ''}: {format_number(args.rate, 1)} % đơn vị được công nhận.")
    return 0


def cmd_deadline(args: argparse.Namespace) -> int:
    from cff_desktop.services.district_report import set_deadline

    with _ws(args) as ws:
        set_deadline(ws, args.kind, args.day_month, label=args.label or "")
    print(f"Hạn báo cáo {args.kind}: {args.day_month}.")
    return 0


def _round(x: argparse.ArgumentParser) -> None:
    """``--round`` after the sub-command too (``cff district report --round 2024``), as well as before it."""
    x.add_argument("--round", type=int, default=argparse.SUPPRESS, help="năm của vòng đánh giá")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``cff district`` to ``cff``."""
    d = sub.add_parser("district", help="cấp trên (huyện/tỉnh): nhận, thẩm định, công nhận, báo cáo").add_subparsers(
        dest="sub", required=True)
    x = d.add_parser("init", help="đặt máy này làm việc ở cấp trên cho một địa bàn")
    x.add_argument("--name", required=True)
    x.add_argument("--level", required=True, choices=["district", "province"])
    x.add_argument("--province")
    x.add_argument("--ruleset")
    x.add_argument("--inbox-data", dest="inbox_data", help="thư mục dữ liệu của máy chủ nhận hồ sơ (cff-district)")
    x.add_argument("--signer", help="họ tên người ký quyết định")
    x.set_defaults(func=cmd_init)
    u = d.add_parser("units", help="danh sách đơn vị của địa bàn").add_subparsers(dest="sub2", required=True)
    x = u.add_parser("import", help="nhập từ CSV: code,name,category[,predecessors]")
    x.add_argument("csv")
    x.add_argument("--good-rows", dest="good_rows", action="store_true", help="nhập các dòng đúng, bỏ dòng sai")
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=cmd_units_import)
    x = d.add_parser("import", help="nhập hồ sơ: một gói, một thư mục (USB), hoặc --inbox")
    x.add_argument("path", nargs="?")
    x.add_argument("--inbox", action="store_true", help="lấy các gói máy chủ nhận hồ sơ đã nhận")
    x.add_argument("--inbox-data", dest="inbox_data")
    x.add_argument("--trust", action="store_true", help="tin máy ký các gói này (sau khi đã so dấu vân tay)")
    x.add_argument("--identity", help="tệp khóa bí mật của cấp trên (nếu không để trong kho khóa)")
    x.add_argument("--passphrase-env", dest="passphrase_env")
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=cmd_import)
    x = d.add_parser("list", help="hộp thư: mỗi đơn vị với hồ sơ của vòng")
    _round(x)
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=cmd_list)
    x = d.add_parser("show", help="một đơn vị: các vòng, minh chứng, thẩm định")
    x.add_argument("code")
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=cmd_show)
    x = d.add_parser("appraise", help="thẩm định một chỉ số: agree | disagree")
    x.add_argument("ref", help="MÃ_GÓI (UUID hoặc SHA-256) hoặc MÃ_XÃ/NĂM")
    x.add_argument("indicator")
    x.add_argument("verdict", choices=["agree", "disagree"])
    x.add_argument("--comment")
    x.add_argument("--corrected", help="số liệu đúng, ví dụ 97/100")
    x.set_defaults(func=cmd_appraise)
    x = d.add_parser("return", help="trả lại hồ sơ với nhận xét")
    x.add_argument("ref")
    x.add_argument("--comment", action="append")
    x.set_defaults(func=cmd_return)
    x = d.add_parser("receipt", help="giấy báo (trả lại hoặc quyết định) ra USB cho xã không có mạng")
    x.add_argument("ref")
    x.add_argument("--to", required=True)
    x.set_defaults(func=cmd_receipt)
    x = d.add_parser("council", help="trình Hội đồng xét duyệt")
    x.add_argument("ref")
    x.set_defaults(func=cmd_council)
    x = d.add_parser("decide", help="kết luận của Hội đồng: công nhận hay không")
    x.add_argument("ref")
    g = x.add_mutually_exclusive_group(required=True)
    g.add_argument("--recognized", dest="recognized", action="store_true")
    g.add_argument("--not-recognized", dest="recognized", action="store_false")
    x.add_argument("--reason")
    x.set_defaults(func=cmd_decide)
    x = d.add_parser("decision", help="số, ngày Quyết định công nhận và thành phần Hội đồng xét duyệt")
    _round(x)
    x.add_argument("--number", required=True)
    x.add_argument("--date", required=True)
    x.add_argument("--chair")
    x.add_argument("--secretary")
    x.add_argument("--members", help="họ tên, chức vụ; cách nhau bằng dấu chấm phẩy")
    x.set_defaults(func=cmd_decision)
    x = d.add_parser("report", help="số liệu tổng hợp của một vòng")
    _round(x)
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=cmd_report)
    x = d.add_parser("export-xlsx", help="xuất bảng ra Excel (.xlsx)")
    _round(x)
    x.add_argument("file")
    x.set_defaults(func=cmd_export_xlsx)
    x = d.add_parser("print", help="in: council-minutes | decision | report")
    _round(x)
    x.add_argument("kind", choices=["council-minutes", "decision", "report"])
    x.add_argument("--out", required=True)
    x.set_defaults(func=cmd_print)
    x = d.add_parser("target", help="chỉ tiêu của năm (%% đơn vị được công nhận)")
    _round(x)
    x.add_argument("--rate", type=float, required=True)
    x.set_defaults(func=cmd_target)
    x = d.add_parser("deadline", help="hạn báo cáo: district | province | half_year")
    x.add_argument("kind")
    x.add_argument("day_month", metavar="DD/MM")
    x.add_argument("--label")
    x.set_defaults(func=cmd_deadline)
