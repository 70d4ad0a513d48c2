"""``cff district ...``: the upper level's own work (area, units, received dossiers, appraisal, report).

Not to be confused with the ``cff-district`` script (:mod:`cff_desktop.cli.inbox_server`), which runs
the inbox server; these commands work on this installation's database, like the upper-level
screens of the app, and can read the inbox server's data folder (``cff district import --inbox``).

    cff district init --name "Huyện Cao Lộc" --level district [--province "Lạng Sơn"] [--inbox-data DIR]
    cff district units import CSV [--good-rows]
    cff district import PATH [--trust-fingerprint FP ...]   # a package or a folder (USB)
    cff district import --inbox [--inbox-data DIR]
    cff district list [--round YEAR] [--json]
    cff district show CODE [--json]
    cff district appraise REF INDICATOR agree|disagree [--comment ...] [--corrected ...]
    cff district return REF --comment "7: ..."
    cff district council REF | --all-appraised [--round YEAR]
    cff district decide REF --recognized | --not-recognized --reason ...
    cff district decide --recognized --all-passing [--round YEAR]
    cff district decision --round YEAR --number 12/QĐ-UBND --date 05/12/2025
    cff district report --round YEAR [--json]
    cff district export-xlsx FILE --round YEAR
    cff district print KIND --round YEAR --out DIR     # council-minutes | decision | report | correction
    cff district target --round YEAR --rate 85
    cff district deadline list | edit KIND DD/MM [--label ...] [--level district|province] | delete KIND
    cff district reviewer add --name "Nguyễn Văn An" --pin | reviewer list   # --pin asks (or reads CFF_PIN)
    cff district keys add|list|revoke ...           # see cli/unit_keys.py

Changes are made by a signed-in reviewer once the area has any: ``--as HỌ_TÊN`` with the PIN in
the environment variable ``CFF_PIN`` (never on the command line, where other users could see it).
Dates are read as dd/mm/yyyy (05/12/2025) or ISO (2025-12-05).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cff_desktop.cli.core import _PROMPT, _pin_arg, _print_json, _ws, add_command, arg, print_result
from cff_desktop.cli.remedies import cli_hint
from cff_desktop.common.dates import vn
from cff_desktop.common.text import format_number, format_points


def _actor(args: argparse.Namespace, ws) -> str:
    """Who the audit names: the reviewer signed in with ``--as`` and ``CFF_PIN`` (see the module doc)."""
    from cff_desktop.services.reviewers import require_actor

    return require_actor(ws, getattr(args, "as_reviewer", None), os.environ.get("CFF_PIN"))


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("Đạt" if ok else "Không đạt")


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
    from cff_desktop.services.district import LEVELS, area_ruleset, init_area

    with _ws(args, create=True) as ws:
        a = init_area(ws, name=args.name, level=args.level, province=args.province or "",
                      ruleset_id=args.ruleset, inbox_data=args.inbox_data or "", signer_name=args.signer or "")
        rs = area_ruleset(ws)
        print(f"Máy này làm việc ở cấp trên: {a['name']} ({LEVELS[a['level']]}), bộ tiêu chí {rs.id} phiên bản "
              f"{rs.version}, dữ liệu tại {ws.paths.db}")
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
            out = import_path(ws, Path(args.path), trust_fingerprints=args.trust_fingerprint or [],
                              **_identity_args(args))
    if args.json:
        _print_json([r.to_json() for r in out])
    elif len(out) == 1 and out[0].status == "refused" and not args.inbox and Path(args.path).is_file():
        print(f"cff: lỗi: {out[0].path}: {out[0].reason}{cli_hint(out[0].remedy)}",
              file=sys.stderr)  # one package: one line
        return 2
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
        refused = sum(r.status == "refused" for r in out)
        print(f"Tổng cộng: {sum(r.status == 'imported' for r in out)} gói đã nhập, "
              f"{sum(r.status == 'duplicate' for r in out)} gói đã có, {refused} gói bị từ chối.")
    return 2 if out and all(r.status == "refused" for r in out) else 0


def cmd_list(args: argparse.Namespace) -> int:
    from cff_desktop.services.district_report import inbox_rows

    with _ws(args) as ws:
        rows = inbox_rows(ws, getattr(args, "round", None))
    return print_result(args, rows, _print_inbox_rows)


def _print_inbox_rows(rows: list[dict]) -> None:
    print(f"{'Mã':<7} {'Đơn vị':<28} {'Tự đánh giá':<21} {'Thẩm định':<21}  {'Trạng thái':<18} "
          f"{'Ngày nhận':<10}  Lưu ý")
    for r in rows:
        tot = f"{format_points(r['total'])}/{format_points(r['threshold'])}" if r["total"] is not None else "—"
        app = (f"{format_points(r['appraised_total'])}/{format_points(r['appraised_threshold'])}"
               if r["appraised_total"] is not None else "—")
        notes = (["gửi muộn" if r["assessed"] else "quá hạn"] if r["late"] else []) + (
            ["khác loại danh sách"] if r["warnings"] else []) + (["có gói đến sau quyết định"]
                                                                 if r["held_after_decision"] else [])
        if r["reason"]:
            notes.append(f"lý do: {r['reason']}")
        print(f"{r['code']:<7} {r['name'][:28]:<28} {tot:>11} {_verdict(r['passing'] if r['assessed'] else None):<9} "
              f"{app:>11} {_verdict(r['appraised_passing'] if r['assessed'] else None):<9}  {r['state_label']:<18} "
              f"{vn(r['received_at']):<10}  {'; '.join(notes)}")


def cmd_show(args: argparse.Namespace) -> int:
    from cff_desktop.services.district_report import unit_history

    with _ws(args) as ws:
        d = unit_history(ws, args.code)
    return print_result(args, d, _print_unit_history)


def _print_unit_history(d: dict) -> None:
    from cff_desktop.services.district import STATES

    u = d["unit"]
    print(f"{u['name']} ({u['code']})")
    if d["predecessor_names"]:
        print("  Sáp nhập từ: " + ", ".join(f"{n} ({c})" for c, n in d["predecessor_names"].items()))
    for r in d["rounds"]:
        whose = "" if r["unit_code"] == u["code"] else f" [{r['unit_name']}]"
        print(f"  {r['year']}{whose}: tự đánh giá {format_points(r['total'])}/{format_points(r['threshold'])} — "
              f"{STATES.get(r['state'], r['state'])}")
    cur = d.get("current")
    if cur:
        a = cur["appraised"]
        print(f"  Thẩm định {cur['year']}: {format_points(a['total'])}/{format_points(a['threshold'])} — "
              f"{_verdict(a['passing'])}" + (f" ({'; '.join(a['reasons'])})" if a["reasons"] else ""))
        for w in cur["warnings"]:
            print(f"  Lưu ý: {w}")
    for h in d["held"]:
        print(f"  Gói đến sau quyết định: {h['uuid']} (năm {h['year']}), chưa xem xét.")
    for k in d["corrections"]:
        print(f"  Quyết định {k['number']} ngày {vn(k['signed_on'])} "
              f"{'thu hồi' if k['kind'] == 'revoke' else 'sửa'}: {k['reason']}")


def cmd_appraise(args: argparse.Namespace) -> int:
    from cff_desktop.services.district import appraise

    if args.indicator == "all":
        return _agree_all(args)
    with _ws(args) as ws:
        a = appraise(ws, args.ref, args.indicator, args.verdict, comment=args.comment or "",
                     corrected=args.corrected, actor=_actor(args, ws))
    print(f"Đã ghi thẩm định chỉ số {args.indicator}: {'đồng ý' if a['verdict'] == 'agree' else 'không đồng ý'}.")
    return 0


def _agree_all(args: argparse.Namespace) -> int:
    """``appraise REF all agree``: "Thống nhất số liệu" for every indicator not appraised yet."""
    from cff_desktop.common.errors import BadInput
    from cff_desktop.services.district_decisions import agree_all

    if args.verdict != "agree" or args.corrected or args.comment:
        raise BadInput("`all` chỉ dùng với agree (thống nhất cả hồ sơ); không đồng ý thì ghi từng chỉ số.",
                       "INDICATOR")
    with _ws(args) as ws:
        n = agree_all(ws, args.ref, actor=_actor(args, ws))
    print(f"Đã ghi đồng ý {n} chỉ số còn lại của hồ sơ {args.ref}.")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from cff_desktop.services.district_decisions import revoke_decision

    with _ws(args) as ws:
        r = revoke_decision(ws, args.ref, reason=args.reason or "", number=args.number or "",
                            signed_on=args.date or "", actor=_actor(args, ws))
    print(f"Đã thu hồi quyết định của đơn vị {r['unit']} năm {r['year']} bằng Quyết định số {r['number']}; "
          "hồ sơ trở lại trước Hội đồng xét duyệt. In: cff district print correction --round "
          f"{r['year']} --out THƯ_MỤC")
    return 0


def cmd_correct(args: argparse.Namespace) -> int:
    from cff_desktop.services.district_decisions import correct_decision

    with _ws(args) as ws:
        r = correct_decision(ws, args.ref, args.recognized, reason=args.reason or "", number=args.number or "",
                             signed_on=args.date or "", actor=_actor(args, ws))
    print(f"Đã sửa quyết định của đơn vị {r['unit']} năm {r['year']} thành "
          f"{'công nhận' if r['recognized'] else 'không công nhận'} (Quyết định số {r['number']}).")
    return 0


def cmd_held(args: argparse.Namespace) -> int:
    from cff_desktop.services.district_decisions import act_on_held, held_packages

    with _ws(args) as ws:
        if args.action == "list":
            rows = held_packages(ws, getattr(args, "round", None))
            if args.json:
                _print_json(rows)
                return 0
            for h in rows:
                print(f"{h['unit_code']:<7} {h['name']:<28} năm {h['year']}  nhận {vn(h['received_at'])}  {h['uuid']}")
            return 0
        if not args.ref:
            from cff_desktop.common.errors import BadInput

            raise BadInput("cho biết MÃ_GÓI của gói đến sau quyết định (xem `cff district held list`).", "REF")
        r = act_on_held(ws, args.ref, args.action == "accept", reason=args.reason or "", actor=_actor(args, ws))
    print(f"Gói {r['uuid']} của đơn vị {r['unit']}: {'đã nhận thay gói cũ' if r['accepted'] else 'bỏ qua, lưu lại'}.")
    return 0


def cmd_return(args: argparse.Namespace) -> int:
    from cff_desktop.services.district import return_package

    with _ws(args) as ws:
        r = return_package(ws, args.ref, args.comment or [], actor=_actor(args, ws))
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


def _print_batch(out, done_text: str, as_json: bool) -> int:
    if as_json:
        _print_json(out.to_json())
        return 0
    for d in out.done:
        print(f"{done_text}: {d['name']} ({d['code']})")
    for d in out.skipped:
        print(f"Để nguyên: {d['name']} ({d['code']}) — {d['reason']}")
    print(f"Tổng cộng: {len(out.done)} đơn vị {done_text.lower()}; {len(out.skipped)} đơn vị để nguyên.")
    return 0


def _one_or_all(args: argparse.Namespace, flag: str) -> bool:
    """True for the round-wide form; refuses both or neither of REF and the flag."""
    from cff_desktop.common.errors import BadInput

    wide = bool(getattr(args, flag))
    if wide == bool(args.ref):
        raise BadInput(f"cho biết MÃ_GÓI (một hồ sơ) hoặc --{flag.replace('_', '-')} (cả vòng), không cả hai.",
                       "REF")
    return wide


def cmd_council(args: argparse.Namespace) -> int:
    from cff_desktop.services.district import pass_to_council
    from cff_desktop.services.district_batch import council_all_appraised

    wide = _one_or_all(args, "all_appraised")
    with _ws(args) as ws:
        actor = _actor(args, ws)
        if wide:
            return _print_batch(council_all_appraised(ws, _year(args, ws), actor=actor), "Đã trình Hội đồng",
                                args.json)
        r = pass_to_council(ws, args.ref, actor=actor)
    print(f"Đã trình Hội đồng xét duyệt hồ sơ {r['uuid']}.")
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    from cff_desktop.common.errors import BadInput
    from cff_desktop.services.district import decide
    from cff_desktop.services.district_batch import decide_all_passing

    wide = _one_or_all(args, "all_passing")
    if wide and not args.recognized:
        raise BadInput("--all-passing chỉ dùng với --recognized; không công nhận thì quyết định từng hồ sơ với "
                       "lý do.", "--all-passing")
    with _ws(args) as ws:
        actor = _actor(args, ws)
        if wide:
            return _print_batch(decide_all_passing(ws, _year(args, ws), actor=actor), "Đã công nhận", args.json)
        r = decide(ws, args.ref, args.recognized, reason=args.reason or "", actor=actor)
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
    from cff_desktop.common.dates import parse_date

    signed = parse_date(args.date, "--date").isoformat()

    from cff_desktop.cli.printing import review_meeting

    council |= review_meeting(args)  # time, place, absent, votes: printed in the review minutes
    with _ws(args) as ws:
        r = set_decision(ws, _year(args, ws), number=args.number, signed_on=signed, council=council,
                         actor=_actor(args, ws))
    print(f"Quyết định số {r['number']} ngày {vn(r['signed_on'])} cho năm {r['year']}.")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from cff_desktop.services.district_report import report

    with _ws(args) as ws:
        r = report(ws, _year(args, ws))
    return print_result(args, r, _print_report)


def _print_report(r: dict) -> None:
    print(f"{r['area']}, năm {r['round']}: {r['units']} đơn vị; {r['assessed']} có hồ sơ; {r['passing']} tự đánh "
          f"giá đạt; {r['appraised_passing']} đạt theo thẩm định; {r['recognized']} được công nhận "
          f"({format_number(r['rate'], 2)} %).")
    if r["target"] is None:
        print(f"Chỉ tiêu năm {r['round']}: chưa đặt (cff district target --round {r['round']} --rate 85).")
    else:
        print(f"Chỉ tiêu năm {r['round']}: {format_number(r['target'], 1)} % — "
              f"{'đạt' if r['meets_target'] else 'chưa đạt'}.")
    for b in r["by_category"].values():
        print(f"  {b['label'][:60]}: {b['recognized']}/{b['units']}")
    print(f"Chưa gửi hồ sơ: {len(r['missing'])}; gửi muộn hoặc quá hạn: {len(r['late'])}.")
    for c in r["not_recognized"]:
        print(f"  Không công nhận {c['name']} ({c['code']}): {c['reason']}")
    for k in r["corrections"]:
        what = "thu hồi" if k["kind"] == "revoke" else "sửa"
        print(f"  Quyết định {k['number']} {what} kết quả {k['name']} ({k['unit_code']}): {k['reason']}")
    for c in r["category_warnings"]:
        print(f"  Lưu ý {c['name']} ({c['code']}): {'; '.join(c['warnings'])}")
    for c in r["held_after_decision"]:
        print(f"  {c['name']} ({c['code']}): có gói đến sau quyết định, chưa xem xét.")
    print(f"Công nhận 3 năm liên tiếp: {len(r['recognized_3_in_a_row'])}; 5 năm: {len(r['recognized_5_in_a_row'])}")


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
    from cff_desktop.common.errors import BadInput
    from cff_desktop.services.district_report import set_target

    if not getattr(args, "round", None):
        raise BadInput("cho biết năm của chỉ tiêu: --round NĂM (ví dụ --round 2026).", "--round")
    with _ws(args) as ws:
        set_target(ws, int(args.round), args.rate, actor=_actor(args, ws))
    print(f"Chỉ tiêu năm {args.round}: {format_number(args.rate, 1)} % đơn vị được công nhận.")
    return 0


def cmd_deadline_list(args: argparse.Namespace) -> int:
    from cff_desktop.services.district_report import list_deadlines

    with _ws(args) as ws:
        rows = list_deadlines(ws)
    return print_result(args, rows, _print_deadlines)


def _print_deadlines(rows: list[dict]) -> None:
    for r in rows:
        mark = "" if r["applies"] else "  (không áp dụng cho cấp của địa bàn này)"
        print(f"{r['kind']:<10} {r['day']:02d}/{r['month']:02d}  {r['level_label']:<9} {r['label']}{mark}")


def cmd_deadline_edit(args: argparse.Namespace) -> int:
    from cff_desktop.services.district_report import list_deadlines, set_deadline

    with _ws(args) as ws:
        set_deadline(ws, args.kind, args.day_month, label=args.label or "", level=args.level,
                     actor=_actor(args, ws))
        r = next(d for d in list_deadlines(ws) if d["kind"] == args.kind)
    print(f"Hạn {r['kind']} ({r['label']}, {r['level_label']}): {r['day']:02d}/{r['month']:02d} hằng năm.")
    return 0


def cmd_deadline_delete(args: argparse.Namespace) -> int:
    from cff_desktop.services.district_report import delete_deadline

    with _ws(args) as ws:
        delete_deadline(ws, args.kind, actor=_actor(args, ws))
    print(f"Đã xóa hạn {args.kind}.")
    return 0


def cmd_reviewer_add(args: argparse.Namespace) -> int:
    from cff_desktop.services.reviewers import add_reviewer, label

    pin = os.environ.get(args.pin_env) if args.pin_env else _pin_arg(args.pin, "của cán bộ thẩm định mới")
    with _ws(args) as ws:
        r = add_reviewer(ws, name=args.name, pin=pin or "", position=args.position or "", actor=_actor(args, ws))
    print(f"Đã thêm cán bộ thẩm định {label(r)}.")
    return 0


def cmd_reviewer_list(args: argparse.Namespace) -> int:
    from cff_desktop.services.reviewers import list_reviewers

    with _ws(args) as ws:
        rows = [{"id": r["id"], "name": r["name"], "position": r["position"]} for r in list_reviewers(ws)]
    return print_result(args, rows, _print_reviewers)


def _print_reviewers(rows: list[dict]) -> None:
    for r in rows:
        print(f"#{r['id']:<3} {r['name']:<28} {r['position']}")


def _round(x: argparse.ArgumentParser) -> None:
    """``--round`` after the sub-command too (``cff district report --round 2024``), as well as before it."""
    x.add_argument("--round", type=int, default=argparse.SUPPRESS, help="năm của vòng đánh giá")


def _as(x: argparse.ArgumentParser) -> None:
    x.add_argument("--as", dest="as_reviewer", help="họ tên cán bộ thẩm định (mã PIN trong biến CFF_PIN)")


class _RemovedTrust(argparse.Action):
    """``cff district import --trust`` trusted every signer at once; it was removed (trust is per unit now).

    Without this, argparse reads ``--trust`` as ``--trust-fingerprint`` and asks for a value, which
    hides why the flag no longer works and what replaces it.
    """

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        parser.error("--trust đã bỏ (không còn tin mọi máy cùng lúc): so dấu vân tay với xã qua điện thoại, "
                     "rồi nhập lại với --trust-fingerprint DẤU_VÂN_TAY.")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``cff district`` to ``cff``."""
    d = sub.add_parser("district", help="cấp trên (huyện/tỉnh): nhận, thẩm định, công nhận, báo cáo").add_subparsers(
        dest="sub", required=True)
    add_command(d, "init", "đặt máy này làm việc ở cấp trên cho một địa bàn", cmd_init,
                arg("--name", required=True),
                arg("--level", required=True, choices=["district", "province"]),
                arg("--province"),
                arg("--ruleset", help="bộ tiêu chí của địa bàn: MÃ (phiên bản mới nhất) hoặc MÃ@PHIÊN_BẢN, ví dụ "
                                      "qd06-2019@2019.1; bỏ trống thì giữ bộ đang dùng. Hồ sơ chấm theo phiên bản "
                                      "khác của cùng bộ mà máy có vẫn được nhận và chấm lại theo đúng phiên bản đó"),
                arg("--inbox-data", dest="inbox_data", help="thư mục dữ liệu của máy chủ nhận hồ sơ (cff-district)"),
                arg("--signer", help="họ tên người ký quyết định"))
    u = d.add_parser("units", help="danh sách đơn vị của địa bàn").add_subparsers(dest="sub2", required=True)
    add_command(u, "import", "nhập từ CSV: code,name,category[,predecessors]", cmd_units_import,
                arg("csv"),
                arg("--good-rows", dest="good_rows", action="store_true", help="nhập các dòng đúng, bỏ dòng sai"),
                json=True)
    add_command(d, "import", "nhập hồ sơ: một gói, một thư mục (USB), hoặc --inbox", cmd_import,
                arg("path", nargs="?"),
                arg("--inbox", action="store_true", help="lấy các gói máy chủ nhận hồ sơ đã nhận"),
                arg("--inbox-data", dest="inbox_data"),
                arg("--trust-fingerprint", dest="trust_fingerprint", action="append", metavar="DẤU_VÂN_TAY",
                    help="tin máy có dấu vân tay này cho đơn vị mà gói ghi (sau khi đã so qua điện thoại); "
                         "lặp lại được"),
                # the old trust-everyone flag: named, so argparse does not take it for an abbreviation of
                # --trust-fingerprint
                arg("--trust", action=_RemovedTrust, nargs=0, help=argparse.SUPPRESS),
                arg("--identity", help="tệp khóa bí mật của cấp trên (nếu không để trong kho khóa)"),
                arg("--passphrase-env", dest="passphrase_env"), json=True)
    x = d.add_parser("list", help="hộp thư: mỗi đơn vị với hồ sơ của vòng")
    _round(x)
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=cmd_list)
    add_command(d, "show", "một đơn vị: các vòng, minh chứng, thẩm định", cmd_show, arg("code"), json=True)
    x = d.add_parser("appraise", help="thẩm định một chỉ số: agree | disagree")
    x.add_argument("ref", help="MÃ_GÓI (UUID hoặc SHA-256) hoặc MÃ_XÃ/NĂM")
    x.add_argument("indicator", help="mã chỉ số, hoặc all (thống nhất mọi chỉ số còn lại)")
    x.add_argument("verdict", choices=["agree", "disagree"])
    x.add_argument("--comment")
    x.add_argument("--corrected", help="số liệu đúng, ví dụ 97/100")
    _as(x)
    x.set_defaults(func=cmd_appraise)
    x = d.add_parser("return", help="trả lại hồ sơ với nhận xét")
    x.add_argument("ref")
    x.add_argument("--comment", action="append")
    _as(x)
    x.set_defaults(func=cmd_return)
    add_command(d, "receipt", "giấy báo (trả lại hoặc quyết định) ra USB cho xã không có mạng", cmd_receipt,
                arg("ref"),
                arg("--to", required=True))
    x = d.add_parser("council", help="trình Hội đồng xét duyệt (một hồ sơ, hoặc --all-appraised)")
    x.add_argument("ref", nargs="?")
    x.add_argument("--all-appraised", dest="all_appraised", action="store_true",
                   help="mọi hồ sơ của vòng đã thẩm định")
    _round(x)
    x.add_argument("--json", action="store_true")
    _as(x)
    x.set_defaults(func=cmd_council)
    x = d.add_parser("decide", help="kết luận của Hội đồng: công nhận hay không (hoặc --recognized --all-passing)")
    x.add_argument("ref", nargs="?")
    g = x.add_mutually_exclusive_group(required=True)
    g.add_argument("--recognized", dest="recognized", action="store_true")
    g.add_argument("--not-recognized", dest="recognized", action="store_false")
    x.add_argument("--reason")
    x.add_argument("--all-passing", dest="all_passing", action="store_true",
                   help="công nhận mọi hồ sơ đã trình Hội đồng có kết quả thẩm định đạt")
    _round(x)
    x.add_argument("--json", action="store_true")
    _as(x)
    x.set_defaults(func=cmd_decide)
    for name, func, hlp in (("revoke", cmd_revoke, "thu hồi quyết định của một đơn vị (quyết định có số riêng)"),
                            ("correct", cmd_correct, "sửa quyết định của một đơn vị (quyết định có số riêng)")):
        x = d.add_parser(name, help=hlp)
        x.add_argument("ref")
        if name == "correct":
            g = x.add_mutually_exclusive_group(required=True)
            g.add_argument("--recognized", dest="recognized", action="store_true")
            g.add_argument("--not-recognized", dest="recognized", action="store_false")
        x.add_argument("--reason", required=True)
        x.add_argument("--number", required=True, help="số của quyết định điều chỉnh, ví dụ 140/QĐ-UBND")
        x.add_argument("--date", required=True, help="ngày ký, ví dụ 20/12/2026")
        _as(x)
        x.set_defaults(func=func)
    x = d.add_parser("held", help="gói đến sau quyết định: list | accept REF | dismiss REF")
    x.add_argument("action", choices=["list", "accept", "dismiss"])
    x.add_argument("ref", nargs="?")
    x.add_argument("--reason")
    _round(x)
    x.add_argument("--json", action="store_true")
    _as(x)
    x.set_defaults(func=cmd_held)
    x = d.add_parser("decision", help="số, ngày Quyết định công nhận và thành phần Hội đồng xét duyệt")
    _round(x)
    x.add_argument("--number", required=True)
    x.add_argument("--date", required=True)
    x.add_argument("--chair")
    x.add_argument("--secretary")
    x.add_argument("--members", help="họ tên, chức vụ; cách nhau bằng dấu chấm phẩy")
    _as(x)
    from cff_desktop.cli.printing import add_review_meeting_args

    add_review_meeting_args(x)
    x.set_defaults(func=cmd_decision)
    x = d.add_parser("report", help="số liệu tổng hợp của một vòng")
    _round(x)
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=cmd_report)
    x = d.add_parser("export-xlsx", help="xuất bảng ra Excel (.xlsx)")
    _round(x)
    x.add_argument("file")
    x.set_defaults(func=cmd_export_xlsx)
    x = d.add_parser("print", help="in: council-minutes | decision | report | correction")
    _round(x)
    x.add_argument("kind", choices=["council-minutes", "decision", "report", "correction"])
    x.add_argument("--out", required=True)
    x.set_defaults(func=cmd_print)
    x = d.add_parser("target", help="chỉ tiêu của năm (%% đơn vị được công nhận)")
    _round(x)
    x.add_argument("--rate", type=float, required=True)
    _as(x)
    x.set_defaults(func=cmd_target)
    dl = d.add_parser("deadline", help="các hạn: commune (xã gửi hồ sơ) | district | province | half_year"
                      ).add_subparsers(dest="sub2", required=True)
    add_command(dl, "list", "các hạn và cấp áp dụng", cmd_deadline_list, json=True)
    x = dl.add_parser("edit", help="đặt hoặc sửa một hạn (ngày/tháng hằng năm)")
    x.add_argument("kind")
    x.add_argument("day_month", metavar="DD/MM")
    x.add_argument("--label")
    x.add_argument("--level", choices=["district", "province", ""], help="cấp áp dụng (để trống: mọi cấp)")
    _as(x)
    x.set_defaults(func=cmd_deadline_edit)
    x = dl.add_parser("delete", help="xóa một hạn không áp dụng")
    x.add_argument("kind")
    _as(x)
    x.set_defaults(func=cmd_deadline_delete)
    rv = d.add_parser("reviewer", help="cán bộ thẩm định của cấp trên (họ tên + mã PIN)").add_subparsers(
        dest="sub2", required=True)
    x = rv.add_parser("add")
    x.add_argument("--name", required=True)
    x.add_argument("--pin", nargs="?", const=_PROMPT, help="mã PIN 4–8 chữ số: hỏi khi chạy, hoặc đọc biến CFF_PIN")
    x.add_argument("--pin-env", dest="pin_env", help="đọc mã PIN của người mới từ biến môi trường này")
    x.add_argument("--position", help="chức vụ")
    _as(x)
    x.set_defaults(func=cmd_reviewer_add)
    add_command(rv, "list", None, cmd_reviewer_list, json=True)
    from cff_desktop.cli.unit_keys import register as register_keys

    register_keys(d)
