"""The upper level's figures: the summary report of a round, commendation lists, targets, deadlines, Excel.

Definitions (the ones provincial plans ask for), all over the area's units and the current
(not superseded) package of each unit for the round:

* ``units`` — the area's units alive that year (``valid_from`` ≤ year ≤ ``valid_to``): a unit
  dissolved or merged into another stops counting the year after it ended;
* ``assessed`` — units with a package for the round;
* ``passing`` — those whose verified self-assessment meets the standard (the snapshot's verdict);
* ``appraised_passing`` — those whose appraised result passes: the commune's values with the
  reviewers' corrections, re-scored with the pinned rule set for the category of the area's list
  (:mod:`cff_desktop.services.district_appraised`);
* ``recognized`` — those recognised by decision (a revoked decision no longer counts);
* ``rate`` — recognised ÷ units of the area, in percent (what a plan's "85–90 % of units" means),
  compared with the year's ``target`` when one is set.

A merged unit (2025 reform) carries its predecessors' history: a year counts as recognised for
the unit when the unit or any of its predecessors was recognised that year.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from cff_desktop.common import localtime
from cff_desktop.common.dates import parse_day_month, vn
from cff_desktop.common.errors import BadInput
from cff_desktop.common.files import atomic_file
from cff_desktop.rules.model import CATEGORIES, CATEGORY_LABELS
from cff_desktop.services.district import STATES, get_area
from cff_desktop.services.rounds import ADMIN
from cff_desktop.services.workspace import Workspace


def _pct(a: int, b: int) -> float:
    return round(100.0 * a / b, 2) if b else 0.0


def alive_clause(alias: str = "") -> str:
    """SQL condition: the unit existed in the year bound as ``?`` twice (valid_from ≤ year ≤ valid_to)."""
    a = f"{alias}." if alias else ""
    return (f"({a}valid_from IS NULL OR {a}valid_from <= ?) AND ({a}valid_to IS NULL OR {a}valid_to >= ?)")


def alive_units(ws: Workspace, year: int) -> list[dict[str, Any]]:
    """The area's units that existed in ``year`` (a dissolved or merged-away unit stops counting)."""
    return ws.store.query(f"SELECT * FROM area_unit WHERE {alive_clause()} ORDER BY code", (year, year))


def submission_deadline(ws: Workspace, year: int) -> date | None:
    """The day communes had to send their dossier for ``year`` (deadline kind ``commune``), if set."""
    r = ws.store.one("SELECT month, day FROM report_deadline WHERE kind = 'commune'")
    if r is None:
        return None
    return date(year, r["month"], min(r["day"], 28 if r["month"] == 2 else r["day"]))


def _comments(ws: Workspace, shas: list[str]) -> dict[str, list[str]]:
    """Every return comment written for each package (oldest first)."""
    out: dict[str, list[str]] = {}
    for i in range(0, len(shas), 500):
        part = shas[i:i + 500]
        for r in ws.store.query(
                "SELECT package_sha256, comments FROM package_action WHERE action = 'returned' AND package_sha256 IN"
                f" ({','.join('?' * len(part))}) ORDER BY id", part):
            out.setdefault(r["package_sha256"], []).extend(c.get("text", "") for c in json.loads(r["comments"]))
    return out


def _figures(ws: Workspace, year: int, today: date | None = None) -> dict[str, Any]:
    from cff_desktop.services.district_appraised import appraised_many

    units = alive_units(ws, year)
    pkgs = ws.store.query(
        "SELECT sha256, uuid, unit_code, total, threshold, passing, state, received_at, source, snapshot"
        " FROM received_package"
        " WHERE year = ? AND superseded_by IS NULL", (year,))
    pk = {r["unit_code"]: r for r in pkgs}
    appraised = appraised_many(ws, pkgs, categories={u["code"]: u["category"] for u in units}) if pkgs else {}
    rec = {r["unit_code"]: r for r in ws.store.query(
        "SELECT unit_code, recognized, reason FROM recognition WHERE year = ?", (year,))}
    warnings: dict[str, list[str]] = {}
    for r in ws.store.query("SELECT w.package_sha256, w.kind, w.text FROM package_warning w JOIN received_package p"
                            " ON p.sha256 = w.package_sha256 WHERE p.year = ? ORDER BY w.kind", (year,)):
        warnings.setdefault(r["package_sha256"], []).append(r["text"])
    held = {}
    for r in ws.store.query("SELECT unit_code, uuid, received_at FROM received_package WHERE year = ?"
                            " AND held_after_decision = 1", (year,)):
        held[r["unit_code"]] = r
    comments = _comments(ws, [p["sha256"] for p in pkgs])
    due = submission_deadline(ws, year)
    today = today or localtime.today()
    by_cat: dict[str, dict[str, Any]] = {
        c: {"label": CATEGORY_LABELS[c], "units": 0, "assessed": 0, "passing": 0, "appraised_passing": 0,
            "recognized": 0, "rate": 0.0} for c in CATEGORIES}
    communes = []
    for u in units:
        p: dict[str, Any] | None = pk.get(u["code"])
        a = appraised.get(p["sha256"]) if p else None
        rc = rec.get(u["code"])
        b = by_cat[u["category"]]
        b["units"] += 1
        got = localtime.local_date(p["received_at"]) if p is not None else None
        late = bool(due and ((got is not None and got > due) or (p is None and today > due)))
        row = {"code": u["code"], "name": u["name"], "category": u["category"], "assessed": p is not None,
               "total": p["total"] if p else None, "threshold": p["threshold"] if p else None,
               "passing": bool(p and p["passing"]),
               "appraised_total": a["total"] if a else None, "appraised_threshold": a["threshold"] if a else None,
               "appraised_passing": bool(a and a["passing"]), "appraised": bool(a and a["appraised"]),
               "agreed": bool(a and a["agreed"]), "failing_reasons": a["reasons"] if a else [],
               "corrected": a["corrected"] if a else [],
               "recognized": bool(rc and rc["recognized"]), "decided": rc is not None,
               "reason": (rc["reason"] if rc and not rc["recognized"] else ""),
               "return_comments": comments.get(p["sha256"], []) if p else [],
               "warnings": warnings.get(p["sha256"], []) if p else [],
               "late": late, "received_at": p["received_at"] if p else "",
               "held_after_decision": held[u["code"]]["uuid"] if u["code"] in held else "",
               "state": p["state"] if p else "", "state_label": STATES[p["state"]] if p else "Chưa nhận",
               "sha256": p["sha256"] if p else "", "uuid": p["uuid"] if p else "", "source": p["source"] if p else "",
               "year": year}
        communes.append(row)
        b["assessed"] += row["assessed"]
        b["passing"] += row["passing"]
        b["appraised_passing"] += row["appraised_passing"]
        b["recognized"] += row["recognized"]
    for b in by_cat.values():
        b["rate"] = _pct(b["recognized"], b["units"])
    n = len(units)
    recognized = sum(c["recognized"] for c in communes)
    corrections = [dict(r) for r in ws.store.query(
        "SELECT c.*, u.name FROM decision_correction c JOIN area_unit u ON u.code = c.unit_code WHERE c.year = ?"
        " ORDER BY c.id", (year,))]
    return {"units": n, "assessed": sum(c["assessed"] for c in communes),
            "passing": sum(c["passing"] for c in communes),
            "appraised_passing": sum(c["appraised_passing"] for c in communes),
            "recognized": recognized, "rate": _pct(recognized, n), "by_category": by_cat, "communes": communes,
            "not_recognized": [c for c in communes if c["decided"] and not c["recognized"]],
            "missing": [c["code"] for c in communes if not c["assessed"]],
            "late": [c["code"] for c in communes if c["late"]],
            "category_warnings": [c for c in communes if c["warnings"]],
            "held_after_decision": [c for c in communes if c["held_after_decision"]],
            "corrections": corrections, "submission_deadline": due.isoformat() if due else None}


def inbox_rows(ws: Workspace, year: int | None = None, today: date | None = None) -> list[dict[str, Any]]:
    """The inbox of a round (latest by default): every unit alive that year, self-assessed and appraised
    side by side, reasons, warnings, late and held packages — what the window and ``district list`` show."""
    if year is None:
        r = ws.store.one("SELECT MAX(year) AS y FROM received_package")
        year = int(r["y"]) if r and r["y"] else localtime.today().year
    return _figures(ws, year, today)["communes"]


def unit_history(ws: Workspace, code: str) -> dict[str, Any]:
    """The unit page's data: :func:`district.unit_detail` plus what deciding on the truth needs.

    Adds its lifetime, its predecessors' rounds (a merged unit carries their history; each round
    says whose it was), the current dossier's appraised result beside the self-assessment, its
    stored warnings, packages held after the decision, and revoked or corrected decisions.
    """
    from cff_desktop.services.district import unit_detail
    from cff_desktop.services.district_appraised import appraised_of

    d = unit_detail(ws, code)
    u = d["unit"]
    row = ws.store.one("SELECT valid_from, valid_to FROM area_unit WHERE code = ?", (u["code"],)) or {}
    d["unit"] = dict(u) | {"valid_from": row.get("valid_from"), "valid_to": row.get("valid_to")}
    for r in d["rounds"]:
        r.setdefault("unit_code", u["code"])
        r.setdefault("unit_name", u["name"])
    names: dict[str, str] = {}
    for pred in u["predecessors"]:
        p_unit = ws.store.one("SELECT name FROM area_unit WHERE code = ?", (pred,))
        names[pred] = p_unit["name"] if p_unit else pred
        for p in ws.store.query("SELECT * FROM received_package WHERE unit_code = ? AND superseded_by IS NULL"
                                " AND held_after_decision = 0 ORDER BY year", (pred,)):
            snap = json.loads(p["snapshot"])
            d["rounds"].append({"year": p["year"], "total": p["total"], "threshold": p["threshold"],
                                "passing": bool(p["passing"]), "state": p["state"], "sha256": p["sha256"],
                                "criteria": {c["id"]: c["points"] for c in snap.get("score", {}).get("criteria", [])},
                                "values": snap.get("values", {}), "unit_code": pred, "unit_name": names[pred]})
    d["rounds"].sort(key=lambda r: (r["year"], r["unit_code"] != u["code"], r["unit_code"]))
    d["predecessor_names"] = names
    cur = d.get("current")
    if cur:
        cur["appraised"] = appraised_of(ws, cur["sha256"])
        cur["warnings"] = [r["text"] for r in ws.store.query(
            "SELECT text FROM package_warning WHERE package_sha256 = ? ORDER BY kind", (cur["sha256"],))]
    d["held"] = ws.store.query("SELECT sha256, uuid, year, received_at, total FROM received_package"
                               " WHERE unit_code = ? AND held_after_decision = 1 ORDER BY received_at", (u["code"],))
    d["corrections"] = [dict(r) for r in ws.store.query(
        "SELECT * FROM decision_correction WHERE unit_code = ? ORDER BY id", (u["code"],))]
    return d


def _years(ws: Workspace) -> list[int]:
    return [r["year"] for r in ws.store.query("SELECT DISTINCT year FROM received_package ORDER BY year")]


def recognized_years(ws: Workspace) -> dict[str, set[int]]:
    """Years each unit was recognised, its predecessors' years included (merged units keep history)."""
    own: dict[str, set[int]] = {}
    for r in ws.store.query("SELECT unit_code, year FROM recognition WHERE recognized = 1"):
        own.setdefault(r["unit_code"], set()).add(r["year"])
    out: dict[str, set[int]] = {}
    for u in ws.store.query("SELECT code, predecessors FROM area_unit"):
        years = set(own.get(u["code"], set()))
        for p in json.loads(u["predecessors"]):
            years |= own.get(p, set())
        out[u["code"]] = years
    return out


def streaks(ws: Workspace, year: int) -> dict[str, list[dict[str, Any]]]:
    """Units recognised in ``year`` and the years right before it: 3 and 5 in a row (commendation)."""
    names = {u["code"]: u["name"] for u in alive_units(ws, year)}
    out: dict[str, list[dict[str, Any]]] = {"3": [], "5": []}
    for code, years in sorted(recognized_years(ws).items()):
        if code not in names:  # dissolved or merged away before this round: its years live on in its successor
            continue
        run = 0
        while year - run in years:
            run += 1
        for k in (3, 5):
            if run >= k:
                out[str(k)].append({"code": code, "name": names[code], "consecutive": run,
                                    "years": list(range(year - run + 1, year + 1))})
    return out


def report(ws: Workspace, year: int, today: date | None = None) -> dict[str, Any]:
    """The summary of a round with the change from the previous round and the commendation lists."""
    area = get_area(ws)
    cur = _figures(ws, year, today)
    earlier = [y for y in _years(ws) if y < year]
    prev_year = earlier[-1] if earlier else None
    change = None
    if prev_year is not None:
        prev = _figures(ws, prev_year, today)
        change = {"previous_round": prev_year,
                  **{k: round(cur[k] - prev[k], 2)
                     for k in ("assessed", "passing", "appraised_passing", "recognized", "rate")}}
    t = ws.store.one("SELECT rate FROM area_target WHERE year = ?", (year,))
    target = t["rate"] if t else None
    s = streaks(ws, year)
    return {"area": area["name"], "level": area["level"], "round": year, **cur,
            "target": target, "meets_target": (cur["rate"] >= target) if target is not None else None,
            "change": change, "recognized_3_in_a_row": s["3"], "recognized_5_in_a_row": s["5"]}


# --- targets and deadlines ------------------------------------------------------------------------

def set_target(ws: Workspace, year: int, rate: float, *, actor: str = ADMIN) -> None:
    """The plan's target for a year, in percent of units recognised (e.g. 85)."""
    get_area(ws)
    if not 0 <= rate <= 100:
        raise BadInput("chỉ tiêu là phần trăm từ 0 đến 100, ví dụ 85.", "--rate")
    with ws.store.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO area_target (year, rate) VALUES (?, ?)", (year, rate))
        ws.store.audit(actor, "district.target", f"target:{year}", None, {"rate": rate})


DEADLINE_LEVELS = {"": "mọi cấp", "district": "cấp huyện", "province": "cấp tỉnh"}
_KNOWN_LABELS = {"commune": "Hạn xã gửi hồ sơ đề nghị công nhận"}


def _level_of(row: dict[str, Any]) -> str:
    """A deadline's level; rows written before levels existed take it from their kind."""
    return row.get("level") or (row["kind"] if row["kind"] in ("district", "province") else "")


def list_deadlines(ws: Workspace) -> list[dict[str, Any]]:
    """Every deadline with its level; ``applies`` says whether it concerns this area's level."""
    area = get_area(ws)
    out = []
    for r in ws.store.query("SELECT * FROM report_deadline ORDER BY month, day, kind"):
        lv = _level_of(r)
        out.append({"kind": r["kind"], "label": r["label"], "day": r["day"], "month": r["month"], "level": lv,
                    "level_label": DEADLINE_LEVELS.get(lv, lv), "applies": lv in ("", area["level"])})
    return out


def set_deadline(ws: Workspace, kind: str, day_month: str, *, label: str = "", level: str | None = None,
                 actor: str = ADMIN) -> None:
    """Add or change a deadline ("30/11"); the plans differ between provinces and levels."""
    get_area(ws)
    kind = (kind or "").strip()
    if not kind:
        raise BadInput("cho biết loại hạn, ví dụ commune (xã gửi hồ sơ) hoặc district.", "KIND")
    if level is not None and level not in DEADLINE_LEVELS:
        raise BadInput(f"cấp '{level}' không hợp lệ. Chọn: district | province (để trống: mọi cấp).", "--level")
    d, m = parse_day_month(day_month, "DD/MM")
    old = ws.store.one("SELECT * FROM report_deadline WHERE kind = ?", (kind,))
    lv = level if level is not None else (_level_of(old) if old else ("" if kind not in ("district", "province")
                                                                        else kind))
    with ws.store.transaction() as conn:
        conn.execute("INSERT INTO report_deadline (kind, label, month, day, level) VALUES (?, ?, ?, ?, ?)"
                     " ON CONFLICT(kind) DO UPDATE SET month = excluded.month, day = excluded.day,"
                     " level = excluded.level, label = CASE WHEN ? = '' THEN label ELSE ? END",
                     (kind, label or _KNOWN_LABELS.get(kind, kind), m, d, lv, label, label))
        ws.store.audit(actor, "district.deadline", f"deadline:{kind}", dict(old) if old else None,
                       {"day": d, "month": m, "level": lv, "label": label or None})


def delete_deadline(ws: Workspace, kind: str, *, actor: str = ADMIN) -> None:
    """Remove a deadline that does not concern this area (e.g. the district's after 2025)."""
    get_area(ws)
    old = ws.store.one("SELECT * FROM report_deadline WHERE kind = ?", (kind,))
    if old is None:
        raise BadInput(f"không có hạn '{kind}'. Xem `cff district deadline list`.", kind)
    with ws.store.transaction() as conn:
        conn.execute("DELETE FROM report_deadline WHERE kind = ?", (kind,))
        ws.store.audit(actor, "district.deadline.delete", f"deadline:{kind}", dict(old), None)


def reminders(ws: Workspace, today: date | None = None, within_days: int = 45) -> list[dict[str, Any]]:
    """The deadlines of this area's level due within ``within_days`` (for the inbox), soonest first."""
    today = today or localtime.today()
    level = get_area(ws)["level"]
    out = []
    for r in ws.store.query("SELECT * FROM report_deadline"):
        if _level_of(r) not in ("", level):
            continue
        due = date(today.year, r["month"], min(r["day"], 28 if r["month"] == 2 else r["day"]))
        if due < today:
            due = due.replace(year=today.year + 1)
        left = (due - today).days
        if left <= within_days:
            out.append({"kind": r["kind"], "label": r["label"], "due": due.isoformat(), "days_left": left})
    return sorted(out, key=lambda r: r["days_left"])


# --- Excel ------------------------------------------------------------------------------------------

def export_xlsx(ws: Workspace, out: str | Path, year: int) -> Path:
    """The round's tables as .xlsx (summary, communes, by category, commendation) for the province's sheets."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rep = report(ws, year)
    wb = Workbook()
    bold = Font(bold=True)

    def sheet(title: str, header: list[str], rows: list[list[Any]], first: bool = False) -> None:
        sh = wb.active if first else wb.create_sheet()
        sh.title = title
        sh.append(header)
        for c in sh[1]:
            c.font = bold
            c.alignment = Alignment(wrap_text=True, vertical="top")
        for r in rows:
            sh.append(r)
        for i, h in enumerate(header):
            width = max([len(str(h))] + [len(str(r[i])) for r in rows if r[i] is not None]) + 2
            sh.column_dimensions[sh.cell(1, i + 1).column_letter].width = min(width, 60)
        sh.freeze_panes = "A2"

    ch = rep["change"] or {}
    sheet("Tổng hợp", ["Chỉ số", f"Năm {year}", "Thay đổi so với kỳ trước"], [
        ["Số đơn vị của địa bàn (còn tồn tại trong năm)", rep["units"], None],
        ["Số đơn vị tự đánh giá (có hồ sơ)", rep["assessed"], ch.get("assessed")],
        ["Số đơn vị tự đánh giá đạt chuẩn", rep["passing"], ch.get("passing")],
        ["Số đơn vị đạt chuẩn theo kết quả thẩm định", rep["appraised_passing"], ch.get("appraised_passing")],
        ["Số đơn vị được công nhận", rep["recognized"], ch.get("recognized")],
        ["Tỷ lệ công nhận (%)", rep["rate"], ch.get("rate")],
        ["Chỉ tiêu kế hoạch (%)", rep["target"], None],
        ["Đạt chỉ tiêu", None if rep["meets_target"] is None else ("Có" if rep["meets_target"] else "Không"), None],
        ["Số đơn vị chưa gửi hồ sơ", len(rep["missing"]), None],
        ["Số đơn vị gửi muộn hoặc quá hạn", len(rep["late"]), None],
    ], first=True)

    def verdict(ok: bool, has: bool) -> str:
        return ("Đạt" if ok else "Không đạt") if has else ""

    sheet("Danh sách", ["Mã", "Tên đơn vị", "Loại (theo danh sách địa bàn)", "Tự đánh giá: tổng điểm",
                        "Tự đánh giá: điểm chuẩn", "Tự đánh giá", "Thẩm định: tổng điểm", "Thẩm định: điểm chuẩn",
                        "Kết quả thẩm định", "Công nhận", "Lý do / nhận xét", "Cảnh báo", "Gửi muộn", "Trạng thái"],
          [[c["code"], c["name"], CATEGORY_LABELS[c["category"]], c["total"], c["threshold"],
            verdict(c["passing"], c["assessed"]), c["appraised_total"], c["appraised_threshold"],
            verdict(c["appraised_passing"], c["assessed"]),
            ("Có" if c["recognized"] else "Không") if c["decided"] else "",
            "; ".join(([c["reason"]] if c["reason"] else []) + c["return_comments"]
                      + ([] if c["appraised_passing"] or not c["assessed"] else c["failing_reasons"])) or None,
            "; ".join(c["warnings"] + ([f"Có gói đến sau quyết định ({c['held_after_decision']})"]
                                       if c["held_after_decision"] else [])) or None,
            "Có" if c["late"] else "", c["state_label"]] for c in rep["communes"]])
    sheet("Theo loại", ["Loại đơn vị", "Số đơn vị", "Có hồ sơ", "Tự đánh giá đạt", "Thẩm định đạt",
                        "Được công nhận", "Tỷ lệ (%)"],
          [[b["label"], b["units"], b["assessed"], b["passing"], b["appraised_passing"], b["recognized"], b["rate"]]
           for b in rep["by_category"].values()])
    sheet("Số liệu sửa", ["Mã", "Tên đơn vị", "Chỉ số", "Xã báo cáo", "Số liệu thẩm định", "Nhận xét"],
          [[c["code"], c["name"], f["indicator"], f["before"], f["after"], f["comment"]]
           for c in rep["communes"] for f in c["corrected"]])
    sheet("Điều chỉnh quyết định", ["Mã", "Tên đơn vị", "Việc", "Trước", "Sau", "Lý do", "Số quyết định",
                                    "Ngày ký", "Người thực hiện"],
          [[k["unit_code"], k["name"], "Thu hồi" if k["kind"] == "revoke" else "Sửa",
            "Công nhận" if k["was_recognized"] else "Không công nhận",
            "" if k["now_recognized"] is None else ("Công nhận" if k["now_recognized"] else "Không công nhận"),
            k["reason"], k["number"], vn(k["signed_on"]), k["actor"]] for k in rep["corrections"]])
    sheet("Khen thưởng", ["Mã", "Tên đơn vị", "Số năm liên tiếp được công nhận", "Các năm"],
          [[s["code"], s["name"], s["consecutive"], ", ".join(map(str, s["years"]))]
           for s in rep["recognized_3_in_a_row"]])
    target = Path(out)
    with atomic_file(target) as fh:
        wb.save(fh)
    return target
