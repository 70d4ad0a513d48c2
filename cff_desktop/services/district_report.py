"""The upper level's figures: the summary report of a round, commendation lists, targets, deadlines, Excel.

Definitions (the ones provincial plans ask for), all over the area's units and the current
(not superseded) package of each unit for the round:

* ``assessed`` — units with a package for the round;
* ``passing`` — those whose verified self-assessment meets the standard (the snapshot's verdict);
* ``recognized`` — those recognised by decision;
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
from cff_desktop.common.errors import BadInput
from cff_desktop.common.files import atomic_file
from cff_desktop.rules.model import CATEGORIES, CATEGORY_LABELS
from cff_desktop.services.district import STATES, get_area
from cff_desktop.services.rounds import ADMIN
from cff_desktop.services.workspace import Workspace


def _pct(a: int, b: int) -> float:
    return round(100.0 * a / b, 2) if b else 0.0


def _figures(ws: Workspace, year: int) -> dict[str, Any]:
    units = ws.store.query("SELECT code, name, category FROM area_unit ORDER BY code")
    pk = {r["unit_code"]: r for r in ws.store.query(
        "SELECT unit_code, total, threshold, passing, state, received_at FROM received_package"
        " WHERE year = ? AND superseded_by IS NULL", (year,))}
    rec = {r["unit_code"]: bool(r["recognized"]) for r in ws.store.query(
        "SELECT unit_code, recognized FROM recognition WHERE year = ?", (year,))}
    by_cat: dict[str, dict[str, Any]]
    by_cat = {c: {"label": CATEGORY_LABELS[c], "units": 0, "assessed": 0, "passing": 0, "recognized": 0, "rate": 0.0}
              for c in CATEGORIES}
    communes = []
    for u in units:
        p = pk.get(u["code"])
        b = by_cat[u["category"]]
        b["units"] += 1
        row = {"code": u["code"], "name": u["name"], "category": u["category"], "assessed": p is not None,
               "total": p["total"] if p else None, "threshold": p["threshold"] if p else None,
               "passing": bool(p and p["passing"]), "recognized": rec.get(u["code"], False),
               "state": p["state"] if p else "", "state_label": STATES[p["state"]] if p else "Chưa nhận"}
        communes.append(row)
        b["assessed"] += row["assessed"]
        b["passing"] += row["passing"]
        b["recognized"] += row["recognized"]
    for b in by_cat.values():
        b["rate"] = _pct(b["recognized"], b["units"])
    n = len(units)
    assessed = sum(c["assessed"] for c in communes)
    passing = sum(c["passing"] for c in communes)
    recognized = sum(c["recognized"] for c in communes)
    return {"units": n, "assessed": assessed, "passing": passing, "recognized": recognized,
            "rate": _pct(recognized, n), "by_category": by_cat, "communes": communes}


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
    names = {u["code"]: u["name"] for u in ws.store.query("SELECT code, name FROM area_unit")}
    out: dict[str, list[dict[str, Any]]] = {"3": [], "5": []}
    for code, years in sorted(recognized_years(ws).items()):
        run = 0
        while year - run in years:
            run += 1
        for k in (3, 5):
            if run >= k:
                out[str(k)].append({"code": code, "name": names[code], "consecutive": run,
                                    "years": list(range(year - run + 1, year + 1))})
    return out


def report(ws: Workspace, year: int) -> dict[str, Any]:
    """The summary of a round with the change from the previous round and the commendation lists."""
    area = get_area(ws)
    cur = _figures(ws, year)
    earlier = [y for y in _years(ws) if y < year]
    prev_year = earlier[-1] if earlier else None
    change = None
    if prev_year is not None:
        prev = _figures(ws, prev_year)
        change = {"previous_round": prev_year,
                  **{k: round(cur[k] - prev[k], 2) for k in ("assessed", "passing", "recognized", "rate")}}
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


def set_deadline(ws: Workspace, kind: str, day_month: str, *, label: str = "", actor: str = ADMIN) -> None:
    """Change a reporting deadline ("30/11"); the plans differ between provinces."""
    get_area(ws)
    try:
        d, m = (int(x) for x in day_month.split("/"))
        date(2024, m, d)
    except ValueError:
        raise BadInput("hạn báo cáo viết dạng ngày/tháng, ví dụ 30/11.", day_month) from None
    with ws.store.transaction() as conn:
        conn.execute("INSERT INTO report_deadline (kind, label, month, day) VALUES (?, ?, ?, ?)"
                     " ON CONFLICT(kind) DO UPDATE SET month = excluded.month, day = excluded.day,"
                     " label = CASE WHEN ? = '' THEN label ELSE ? END", (kind, label or kind, m, d, label, label))
        ws.store.audit(actor, "district.deadline", f"deadline:{kind}", None, {"day": d, "month": m})


def reminders(ws: Workspace, today: date | None = None, within_days: int = 45) -> list[dict[str, Any]]:
    """The reporting deadlines due within ``within_days`` (for the dashboard), soonest first."""
    today = today or localtime.today()
    out = []
    for r in ws.store.query("SELECT * FROM report_deadline"):
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
        ["Số đơn vị của địa bàn", rep["units"], None],
        ["Số đơn vị tự đánh giá (có hồ sơ)", rep["assessed"], ch.get("assessed")],
        ["Số đơn vị tự đánh giá đạt chuẩn", rep["passing"], ch.get("passing")],
        ["Số đơn vị được công nhận", rep["recognized"], ch.get("recognized")],
        ["Tỷ lệ công nhận (%)", rep["rate"], ch.get("rate")],
        ["Chỉ tiêu kế hoạch (%)", rep["target"], None],
    ], first=True)
    sheet("Danh sách", ["Mã", "Tên đơn vị", "Loại", "Tổng điểm", "Điểm chuẩn", "Tự đánh giá đạt", "Công nhận",
                        "Trạng thái"],
          [[c["code"], c["name"], CATEGORY_LABELS[c["category"]], c["total"], c["threshold"],
            "Đạt" if c["passing"] else ("Không đạt" if c["assessed"] else ""),
            "Có" if c["recognized"] else "", c["state_label"]] for c in rep["communes"]])
    sheet("Theo loại", ["Loại đơn vị", "Số đơn vị", "Có hồ sơ", "Tự đánh giá đạt", "Được công nhận", "Tỷ lệ (%)"],
          [[b["label"], b["units"], b["assessed"], b["passing"], b["recognized"], b["rate"]]
           for b in rep["by_category"].values()])
    sheet("Khen thưởng", ["Mã", "Tên đơn vị", "Số năm liên tiếp được công nhận", "Các năm"],
          [[s["code"], s["name"], s["consecutive"], ", ".join(map(str, s["years"]))]
           for s in rep["recognized_3_in_a_row"]])
    target = Path(out)
    with atomic_file(target) as fh:
        wb.save(fh)
    return target
