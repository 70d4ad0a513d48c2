"""The foundation's commands: rule sets, scoring, round set-up, values, audit, backup, demo."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from cff_desktop import __version__
from cff_desktop.common.text import format_points
from cff_desktop.rules.model import CATEGORIES, SECTOR_LABELS
from cff_desktop.rules.report import result_to_json, result_to_text

T = TypeVar("T")


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def _local(iso: str | None) -> str:
    """A stored UTC instant as Vietnam's wall clock, offset included (``…T01:30:00+07:00``)."""
    from cff_desktop.common.localtime import to_local

    return to_local(iso).isoformat(timespec="seconds") if iso else ""


def _ws(args: argparse.Namespace, create: bool = False):
    from cff_desktop.services.workspace import open_workspace

    return open_workspace(args.db, create=create)


# --- shared by the feature modules' commands: kept in this module, which every command loads anyway,
# so that a new helper costs no extra import at start-up (see tests/test_startup.py) -------------

def print_result(args: argparse.Namespace, data: T, lines: Callable[[T], object]) -> int:
    """End a command: ``data`` as JSON under ``--json``, else the command's own text lines; exit code 0.

    Every listing command ends this way, so ``--json`` output is printed the same everywhere and
    a command body keeps only what is its own: how the data reads as lines.
    """
    if args.json:
        _print_json(data)
    else:
        lines(data)
    return 0


Arg = tuple[tuple[str, ...], dict[str, Any]]


def arg(*flags: str, **options: Any) -> Arg:
    """One ``add_argument`` call written down as data, for :func:`add_command`."""
    return flags, options


def add_command(sub: argparse._SubParsersAction, name: str, help: str | None,
                func: Callable[[argparse.Namespace], int], *arguments: Arg, json: bool = False,
                **parser_options: Any) -> argparse.ArgumentParser:
    """Register a sub-command: its parser, its arguments in order, ``--json`` last when asked, its function.

    The registration blocks of every feature module had this same shape; with one helper each command
    reads as one row. ``help=None`` leaves the command out of its parent's list of commands, as a call to
    ``add_parser`` without ``help`` does; ``parser_options`` (``description``, ``epilog``…) go to it as given.
    """
    if help is not None:
        parser_options["help"] = help
    x = sub.add_parser(name, **parser_options)
    for flags, options in arguments:
        x.add_argument(*flags, **options)
    if json:
        x.add_argument("--json", action="store_true")
    x.set_defaults(func=func)
    return x


# --- PINs: never on the command line ---------------------------------------------------------

PIN_ENV = "CFF_PIN"
_PROMPT = object()  # `--pin` given without a value: ask (or read CFF_PIN)


def _read_pin(what: str, *, confirm: bool = False) -> str | None:
    """A PIN from ``CFF_PIN`` or typed at a hidden prompt; None when neither is possible.

    A PIN on the command line would sit in the shell history and in every process listing,
    so ``--pin`` only says "this command needs a PIN"; the value comes from here.
    """
    pin = os.environ.get(PIN_ENV)
    if pin:
        return pin
    if not sys.stdin.isatty():
        return None
    pin = getpass.getpass(f"Mã PIN {what}: ")
    if confirm and getpass.getpass("Nhập lại mã PIN: ") != pin:
        from cff_desktop.common.errors import BadInput

        raise BadInput("hai lần nhập mã PIN không khớp; chạy lại lệnh.", "--pin")
    return pin


def _pin_arg(value: Any, what: str) -> str | None:
    """``--pin`` as given: absent → None; bare → read it; with a value → refused (it would leak)."""
    from cff_desktop.common.errors import BadInput

    if value is None:
        return None
    if value is not _PROMPT:
        raise BadInput(f"không ghi mã PIN trên dòng lệnh (lộ trong lịch sử lệnh). Dùng --pin rồi gõ PIN khi được "
                       f"hỏi, hoặc đặt biến môi trường {PIN_ENV}.", "--pin")
    pin = _read_pin(what, confirm=True)
    if pin is None:
        raise BadInput(f"cần mã PIN {what}: chạy trong cửa sổ lệnh để được hỏi, hoặc đặt biến môi trường {PIN_ENV}.",
                       "--pin")
    return pin


def _as_officer(ws: Any, ref: str) -> dict[str, Any]:
    """The officer named by ``--as``, after their PIN (when they have one) was given."""
    from cff_desktop.services.officers import get_officer
    from cff_desktop.services.signin import confirm_pin

    off = get_officer(ws, ref)
    pin = _read_pin(f"của {off['name']}") if off["pin_hash"] else None
    return confirm_pin(ws, ref, pin)


# --- rule sets -------------------------------------------------------------------------------

def _library(args: argparse.Namespace):
    from cff_desktop.services.library import RuleLibrary
    from cff_desktop.services.workspace import data_paths

    return RuleLibrary(data_paths(args.db).rulesets)


def cmd_rulesets_list(args: argparse.Namespace) -> int:
    lib = _library(args)
    rows = [
        {"id": r.id, "version": r.version, "title": r.title, "sha256": r.sha256,
         "criteria": len(r.criteria), "max_total": int(r.max_total),
         "status": r.raw.get("status", "confirmed"),
         "source": "bundled" if lib.is_bundled(r) else "imported",
         "superseded": any(x.id == r.id and x.version_key > r.version_key for x in lib.all())}
        for r in lib.all()
    ]
    return print_result(args, rows, _print_rulesets)


def _print_rulesets(rows: list[dict]) -> None:
    for r in rows:
        mark = " (thang điểm tạm)" if r["status"] == "provisional" else ""
        src = "có sẵn" if r["source"] == "bundled" else "đã nhập"
        mark += " (đã có bản mới hơn)" if r["superseded"] else ""
        print(f"{r['id']:<12} {r['version']:<8} {r['criteria']:>2} tiêu chí  {src:<8} "
              f"{r['title']}{mark}")


def cmd_rulesets_show(args: argparse.Namespace) -> int:
    from cff_desktop.rules.basis import indicator_basis

    rs = _library(args).get(args.id, args.version)
    if args.json:
        _print_json(rs.raw)
        return 0
    print(f"{rs.title}\n{rs.legal_basis}\nMã: {rs.id}  phiên bản: {rs.version}  SHA-256: {rs.sha256}")
    for cat, th in rs.thresholds.items():
        prov = " (tạm)" if th.status == "provisional" else ""
        print(f"  Ngưỡng {cat}: {format_points(th.min_total)}{prov}")
    for c in rs.criteria:
        prov = {"confirmed": "", "inferred": "  *có điểm suy ra", "provisional": "  *thang điểm tạm"}[c.basis]
        print(f"Tiêu chí {c.id}: {c.name} — tối đa {format_points(c.max)}{prov}")
        for i in c.indicators:
            b = indicator_basis(i)
            kind = "tỷ suất" if i.is_rate else i.kind
            print(f"    {i.id} [{kind}] {i.label} — tối đa {format_points(i.max)} ({b.label.lower()})")
            if b.status != "confirmed":
                print(f"        {b.text}")
            if b.source:
                print(f"        Nguồn: {b.source}")
    return 0


def cmd_rulesets_import(args: argparse.Namespace) -> int:
    from cff_desktop.services.rulesets import import_file

    rs, new = import_file(_library(args), Path(args.file), rid=args.id, version=args.version)
    if new:
        print(f"Đã nhập bộ tiêu chí {rs.id} phiên bản {rs.version} (SHA-256 {rs.sha256[:12]}…). "
              "Các vòng đánh giá đã có vẫn giữ bộ tiêu chí cũ.")
    else:
        print(f"Bộ tiêu chí {rs.id} phiên bản {rs.version} đã có sẵn, không thay đổi gì.")
    return 0


def cmd_rulesets_template(args: argparse.Namespace) -> int:
    from cff_desktop.services.rulesets import write_template

    rs = write_template(_library(args), args.id, Path(args.out))
    print(f"Đã ghi bảng tính bộ tiêu chí {rs.id} {rs.version} vào {args.out}. Sửa theo văn bản chính thức, "
          "đổi Phiên bản, rồi nhập lại bằng `cff rulesets import`.")
    return 0


def cmd_rulesets_diff(args: argparse.Namespace) -> int:
    from cff_desktop.services.rulesets import compare

    a, b, changes = compare(_library(args), args.a, args.b)
    if args.json:
        _print_json({"from": {"id": a.id, "version": a.version, "sha256": a.sha256},
                     "to": {"id": b.id, "version": b.version, "sha256": b.sha256},
                     "changes": [c.to_json() for c in changes]})
        return 0
    print(f"{a.id} {a.version} → {b.id} {b.version}: {len(changes)} thay đổi")
    for c in changes:
        print(f"  {c.text()}")
    return 0


def cmd_rulesets_switch(args: argparse.Namespace) -> int:
    from cff_desktop.services.rulesets import resolve, switch

    with _ws(args) as ws:
        r = switch(ws, resolve(ws.library, args.target), reason=args.reason or "", year=args.round,
                   clear_unfit=args.clear_unfit)
    cleared = f" Đã xóa để nhập lại: {', '.join(r.cleared)}." if r.cleared else ""
    print(f"Vòng đánh giá năm {r.round} chuyển từ {r.from_set} sang {r.to_set}; đã ghi nhật ký.{cleared}")
    return 0


def cmd_rulesets_publish(args: argparse.Namespace) -> int:
    from cff_desktop.services.ruleset_package import export_ruleset_package, publish_to_inbox
    from cff_desktop.services.rulesets import resolve

    if not args.to and not args.inbox:
        from cff_desktop.common.errors import BadInput

        raise BadInput("chọn nơi phát hành: --to Ổ_USB (gói có chữ ký) và/hoặc --inbox THƯ_MỤC_HỘP_THƯ", "--to/--inbox")
    with _ws(args) as ws:
        rs = resolve(ws.library, args.id)
        if args.to:
            path = export_ruleset_package(ws, rs, args.to)
            print(f"Đã ghi gói bộ tiêu chí {rs.id} {rs.version} có chữ ký của máy này: {path}. "
                  "Xã nhập bằng `cff package import TỆP` sau khi so dấu vân tay.")
    if args.inbox:
        body = publish_to_inbox(rs, args.inbox)
        print(f"Đã phát hành {rs.id} {rs.version} trên hộp thư (SHA-256 {body['ruleset']['sha256'][:12]}…); "
              "các xã nhận khi đồng bộ.")
    return 0


# --- scoring -----------------------------------------------------------------------------------

def cmd_score(args: argparse.Namespace) -> int:
    from cff_desktop.services.scoring import score_file, score_round

    if args.ruleset:
        return _score_preview(args)
    if args.values:
        res, rs = score_file(_library(args), Path(args.values))
    else:
        with _ws(args) as ws:
            res, rnd = score_round(ws, args.round)
            rs = rnd.ruleset
    if args.json:
        _print_json(result_to_json(res, rs))
    else:
        print(result_to_text(res, rs))
    return 0


def _score_preview(args: argparse.Namespace) -> int:
    """The open round (or a values file) under another rule set; nothing is written."""
    from cff_desktop.rules.report import num
    from cff_desktop.services.rulesets import preview, resolve, score_values_file

    if args.values:
        res, rs = score_values_file(_library(args), Path(args.values), args.ruleset)
        unfit: list[dict[str, str]] = []
        before = None
    else:
        with _ws(args) as ws:
            rs = resolve(ws.library, args.ruleset)
            before, res, carried = preview(ws, rs, args.round)
            unfit = [u.as_json() for u in carried.unfit]
    if args.json:
        out = result_to_json(res, rs)
        out["preview"] = {"unchanged_round": True, "unfit": unfit,
                          "total_now": num(before.total) if before is not None else None}
        _print_json(out)
        return 0
    print("XEM TRƯỚC (không thay đổi vòng đánh giá)")
    print(result_to_text(res, rs))
    if before is not None:
        print(f"Tổng điểm hiện tại: {format_points(before.total)} theo {before.ruleset_id} {before.ruleset_version}; "
              f"theo bộ mới: {format_points(res.total)}.")
    for u in unfit:
        print(f"  ! {u['id']}: {u['reason']} — cần nhập lại nếu đổi sang bộ này")
    return 0


# --- round set-up ------------------------------------------------------------------------------

def cmd_init(args: argparse.Namespace) -> int:
    from cff_desktop.services.profile import check_commune, update_commune
    from cff_desktop.services.rounds import init_round

    extra = {k: v for k, v in (("code", args.code), ("unit_type", args.unit_type)) if v is not None}
    extra = check_commune(extra)  # before anything is created
    with _ws(args, create=True) as ws:
        rnd = init_round(ws, commune=args.commune, province=args.province, category=args.category,
                         year=args.round, ruleset_id=args.ruleset, upper_level=args.upper_level or "",
                         district=args.district or "")
        if extra:
            update_commune(ws, extra)
        print(f"Đã tạo vòng đánh giá năm {rnd.year} cho {rnd.commune['name']} "
              f"({rnd.ruleset.id} {rnd.ruleset.version}) tại {ws.paths.db}")
    return 0


def cmd_officer_add(args: argparse.Namespace) -> int:
    from cff_desktop.services.officers import add_officer, assignments
    from cff_desktop.services.rounds import get_round

    with _ws(args) as ws:
        off = add_officer(ws, name=args.name, sector=args.sector, role=args.role,
                          position=args.position or "", pin=_pin_arg(args.pin, f"cho {args.name}"))
        mine = sorted((c for c, o in assignments(ws, get_round(ws)).items() if o == off["id"]), key=int)
        crit = f"; được giao tiêu chí {', '.join(mine)}" if mine else ""
        print(f"Đã thêm cán bộ #{off['id']} {off['name']}{crit}")
    return 0


def cmd_officer_list(args: argparse.Namespace) -> int:
    from cff_desktop.services.officers import assignments, list_officers
    from cff_desktop.services.rounds import get_round

    with _ws(args) as ws:
        asg = assignments(ws, get_round(ws, args.round))
        rows = [{"id": o["id"], "name": o["name"], "position": o["position"], "sector": o["sector"],
                 "role": o["role"],
                 "criteria": sorted((c for c, oid in asg.items() if oid == o["id"]), key=int)}
                for o in list_officers(ws)]
    return print_result(args, rows, _print_officers)


def _print_officers(rows: list[dict]) -> None:
    for r in rows:
        print(f"#{r['id']:<3} {r['name']:<24} {SECTOR_LABELS.get(r['sector'], r['sector']):<30} "
              f"tiêu chí: {', '.join(r['criteria']) or '-'}")


def cmd_officer_pin(args: argparse.Namespace) -> int:
    from cff_desktop.services.officers import set_pin

    with _ws(args) as ws:
        set_pin(ws, args.officer, _pin_arg(args.pin, "mới") or "")
    print("Đã đặt lại mã PIN.")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    from cff_desktop.services.officers import assign, get_officer

    with _ws(args) as ws:
        assign(ws, args.criterion, args.officer)
        print(f"Đã giao tiêu chí {args.criterion} cho {get_officer(ws, args.officer)['name']}.")
    return 0


def cmd_commune_set(args: argparse.Namespace) -> int:
    """``cff commune set`` is another name for ``cff profile set``: one parser of pairs, one service
    (services/profile.py ``apply_profile``, through ``require_unlocked``), one output, so the two
    can never judge or lock a field differently."""
    from cff_desktop.cli.profile import cmd_set

    return cmd_set(args)


# --- values ------------------------------------------------------------------------------------

def cmd_values_set(args: argparse.Namespace) -> int:
    from cff_desktop.services.values import set_value

    with _ws(args) as ws:
        _as_officer(ws, args.as_officer)
        r = set_value(ws, args.indicator, args.value, as_officer=args.as_officer,
                      note=args.note or "", year=args.round)
    print(f"Đã ghi chỉ số {r.id}: {format_points(r.points)}/{format_points(r.max)} điểm")
    return 0


def cmd_values_clear(args: argparse.Namespace) -> int:
    from cff_desktop.services.values import clear_value

    with _ws(args) as ws:
        gone = clear_value(ws, args.indicator, as_officer=args.as_officer, year=args.round)
    print(f"Đã xóa số liệu chỉ số {args.indicator}; chỉ số này trở lại chưa nhập." if gone
          else f"Chỉ số {args.indicator} chưa có số liệu; không có gì để xóa.")
    return 0


def cmd_values_import(args: argparse.Namespace) -> int:
    from cff_desktop.services.values import import_values

    with _ws(args) as ws:
        _as_officer(ws, args.as_officer)
        n = import_values(ws, Path(args.file), as_officer=args.as_officer, year=args.round)
    print(f"Đã ghi {n} chỉ số.")
    return 0


def cmd_values_list(args: argparse.Namespace) -> int:
    from cff_desktop.rules.kinds import show
    from cff_desktop.services.rounds import get_round
    from cff_desktop.services.values import value_rows

    with _ws(args) as ws:
        rnd = get_round(ws, args.round)
        rows = value_rows(ws, rnd)
    inds = rnd.ruleset.indicators
    for r in rows:
        r["value"] = json.loads(r["value"])
        # the figure as people write it, in the indicator kind's words (3/1.450 (2,07‰), có)
        ind = inds.get(r["indicator_id"])
        r["text"] = show(ind, r["value"]) if ind else json.dumps(r["value"], ensure_ascii=False)
    return print_result(args, rows, _print_values)


def _print_values(rows: list[dict]) -> None:
    for r in rows:
        print(f"{r['indicator_id']:<6} {r['text']:<40} {r['officer'] or ''}  {_local(r['entered_at'])}")


# --- audit, backup -----------------------------------------------------------------------------

def cmd_audit(args: argparse.Namespace) -> int:
    from cff_desktop.services.audit import audit_rows, verify_audit

    with _ws(args) as ws:
        if args.verify:
            rep = verify_audit(ws)
            if not rep.ok:
                print(f"cff: lỗi: nhật ký: {'; '.join(rep.problems)}. Khôi phục từ bản sao lưu (`cff restore`) và "
                      "báo cho cấp trên.", file=sys.stderr)
                return 2
            for n in rep.notes:
                print(f"Lưu ý: {n}")
            print("Nhật ký nguyên vẹn: chuỗi băm khớp từ đầu đến cuối, khớp điểm neo đã ký, mọi số liệu có dòng "
                  "nhật ký giải thích.")
            return 0
        rows = audit_rows(ws, args.limit)
    if args.json:
        for r in rows:
            r["old"] = json.loads(r["old"]) if r["old"] else None
            r["new"] = json.loads(r["new"]) if r["new"] else None
        _print_json(rows)
    else:
        for r in rows:
            print(f"{r['seq']:>6} {_local(r['at'])} {r['actor']:<28} {r['action']:<18} {r['entity']} "
                  f"{r['old'] or ''} → {r['new'] or ''}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from cff_desktop.services.maintenance import backup_now

    with _ws(args) as ws:
        print(backup_now(ws))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from cff_desktop.services.maintenance import restore_backup

    with _ws(args) as ws:
        safety = restore_backup(ws, Path(args.file))
    print(f"Đã khôi phục từ {args.file}. Bản trước khi khôi phục được giữ tại {safety}")
    return 0


def cmd_demo_create(args: argparse.Namespace) -> int:
    from cff_desktop.services.demo import DEMO_CODE, DEMO_PIN, create_demo
    from cff_desktop.services.profile import check_commune

    code = DEMO_CODE if args.code is None else args.code  # a sample code: dossiers need one to be exported
    check_commune({"code": code, **({"unit_type": args.unit_type} if args.unit_type else {})})  # before the file
    with _ws(args, create=True) as ws:
        r = create_demo(ws, commune=args.commune, category=args.category, seed=args.seed,
                        year=args.round or 2024, province=args.province, code=code,
                        unit_type=args.unit_type)
        print(f"Đã tạo dữ liệu mẫu: {r.commune}, năm {r.year}, {r.officers} cán bộ (PIN {DEMO_PIN}), "
              f"{r.values} chỉ số, tại {ws.paths.db}")
    return 0


# --- parser ------------------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, as the contract says
        self.exit(2, f"{self.prog}: lỗi cú pháp: {message}\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole ``cff`` parser, or (with ``command``) the parser needed to run that one command.

    Building the ~70 sub-parsers of every feature costs a noticeable part of a command's start-up,
    and a run only ever uses one; ``--help`` and unknown commands get everything.
    """
    p = _Parser(prog="cff", description="Đánh giá xã, phường, thị trấn phù hợp với trẻ em.")
    p.add_argument("--version", action="version", version=f"cff {__version__}")
    p.add_argument("--db", help="tệp cơ sở dữ liệu (mặc định: thư mục dữ liệu của người dùng)")
    p.add_argument("--round", type=int, help="năm của vòng đánh giá (mặc định: vòng mới nhất)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    rs = sub.add_parser("rulesets", help="bộ tiêu chí").add_subparsers(dest="sub", required=True)
    add_command(rs, "list", None, cmd_rulesets_list, json=True)
    add_command(rs, "show", None, cmd_rulesets_show, arg("id"), arg("--version", dest="version"), json=True)
    add_command(rs, "import", "nhập bộ tiêu chí từ tệp .json hoặc bảng tính .xlsx", cmd_rulesets_import,
                arg("file"),
                arg("--id", help="đặt mã bộ tiêu chí (thay mã trong tệp)"),
                arg("--version", help="đặt phiên bản (thay phiên bản trong tệp)"))
    add_command(rs, "template", "ghi bộ tiêu chí ra bảng tính Excel để sửa theo văn bản", cmd_rulesets_template,
                arg("id", help="mã bộ tiêu chí, có thể kèm @phiên_bản"),
                arg("--out", required=True, help="tệp .xlsx sẽ ghi"))
    add_command(rs, "diff", "so sánh hai bộ tiêu chí", cmd_rulesets_diff,
                arg("a", help="mã[@phiên_bản] hoặc tệp .json/.xlsx"),
                arg("b", help="mã[@phiên_bản] hoặc tệp .json/.xlsx"), json=True)
    add_command(rs, "publish", "phát hành bộ tiêu chí đã cài cho các xã (USB có chữ ký, hộp thư)", cmd_rulesets_publish,
                arg("id", help="mã[@phiên_bản] của bộ tiêu chí đã cài"),
                arg("--to", help="thư mục (USB) để ghi gói bộ tiêu chí có chữ ký"),
                arg("--inbox", help="thư mục dữ liệu hộp thư của cấp trên (cff-district serve --data)"))
    add_command(rs, "switch", "chuyển vòng đánh giá đang mở sang bộ tiêu chí khác (có ghi nhật ký)",
                cmd_rulesets_switch,
                arg("target", help="mã[@phiên_bản] của bộ tiêu chí đã cài"),
                arg("--reason", required=True, help="lý do (ví dụ: số, ngày văn bản của tỉnh)"),
                arg("--clear-unfit", action="store_true",
                    help="xóa các số liệu không hợp với bộ mới để nhập lại"))

    add_command(sub, "score", "tính điểm", cmd_score,
                arg("--values", help="tệp JSON số liệu (không dùng cơ sở dữ liệu)"),
                arg("--ruleset", help="xem trước điểm theo bộ tiêu chí khác (mã[@phiên_bản]); không ghi gì"), json=True)

    add_command(sub, "init", "tạo xã và vòng đánh giá", cmd_init,
                arg("--commune", required=True),
                arg("--province", required=True),
                arg("--category", required=True, help=" | ".join(CATEGORIES)),
                arg("--round", dest="round", type=int, required=True),
                arg("--ruleset"),
                arg("--upper-level", dest="upper_level"),
                arg("--district"),
                arg("--code", help="mã đơn vị hành chính, ví dụ 01234"),
                arg("--unit-type", dest="unit_type", help="xa | phuong | thi_tran | dac_khu"))

    off = sub.add_parser("officer", help="cán bộ").add_subparsers(dest="sub", required=True)
    add_command(off, "add", None, cmd_officer_add,
                arg("--name", required=True),
                arg("--sector", required=True, help=" | ".join(SECTOR_LABELS)),
                arg("--role", default="officer", help="clerk | officer"),
                arg("--position"),
                arg("--pin", nargs="?", const=_PROMPT, help="đặt mã PIN: hỏi khi chạy, hoặc đọc biến CFF_PIN"))
    add_command(off, "list", None, cmd_officer_list, json=True)
    add_command(off, "pin", None, cmd_officer_pin,
                arg("officer"),
                arg("--pin", nargs="?", const=_PROMPT, default=_PROMPT,
                    help="mã PIN mới: hỏi khi chạy, hoặc đọc biến CFF_PIN"))

    add_command(sub, "assign", "giao tiêu chí cho cán bộ", cmd_assign, arg("criterion"), arg("officer"))

    com = sub.add_parser("commune", help="hồ sơ xã").add_subparsers(dest="sub", required=True)
    add_command(com, "set", "tên khác của `cff profile set` (sửa hồ sơ xã: name=… code=… "
                            "unit_type=xa|phuong|thi_tran|dac_khu category=… chair_name=…)", cmd_commune_set,
                arg("pairs", nargs="+", metavar="KEY=VALUE"))

    val = sub.add_parser("values", help="số liệu").add_subparsers(dest="sub", required=True)
    add_command(val, "set", None, cmd_values_set,
                arg("indicator"),
                arg("value"),
                arg("--as", dest="as_officer", required=True),
                arg("--note"))
    add_command(val, "clear", "xóa số liệu một chỉ số (trở lại chưa nhập)", cmd_values_clear,
                arg("indicator"),
                arg("--as", dest="as_officer", required=True))
    add_command(val, "import", None, cmd_values_import, arg("file"), arg("--as", dest="as_officer", required=True))
    add_command(val, "list", None, cmd_values_list, json=True)

    add_command(sub, "audit", "nhật ký thay đổi", cmd_audit,
                arg("--json", action="store_true"),
                arg("--limit", type=int),
                arg("--verify", action="store_true"))

    add_command(sub, "backup", "sao lưu cơ sở dữ liệu", cmd_backup)
    add_command(sub, "restore", "khôi phục từ bản sao lưu", cmd_restore, arg("file"))

    demo = sub.add_parser("demo", help="dữ liệu mẫu").add_subparsers(dest="sub", required=True)
    add_command(demo, "create", None, cmd_demo_create,
                arg("--commune", default="Xã Hoàng Đồng"),
                arg("--category", default="mountain_island_disadvantaged"),
                arg("--seed", type=int, default=0),
                arg("--round", dest="round", type=int, help="năm của vòng mẫu (mặc định 2024)"),
                arg("--province", default="Lạng Sơn"),
                arg("--code", help="mã đơn vị hành chính (mặc định mã mẫu 99001)"),
                arg("--unit-type", dest="unit_type",
                    help="xa | phuong | thi_tran | dac_khu (mặc định theo tên: \"Phường …\" là phuong)"))

    # Feature modules add their own sub-commands (one module per feature keeps them apart).
    import importlib

    wanted = [f for f, cmds in FEATURES.items() if command in cmds] if command else []
    if command in sub.choices:
        wanted = []
    elif not wanted:
        wanted = list(FEATURES)
    for name in wanted:
        importlib.import_module(f"cff_desktop.cli.{name}").register(sub)
    return p


# Feature module → the top-level commands it registers (so one command loads only its module).
FEATURES = {"council": ["council"], "printing": ["print"], "package": ["package", "keys"],
            "sync": ["submit", "sync"], "upper": ["district"], "profile": ["profile"],
            "evidence": ["evidence"], "budget": ["budget"], "report_texts": ["report-text"],
            "registration": ["registration"], "child_report": ["child-report"]}
