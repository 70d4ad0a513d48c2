"""The budget of child work: lines by activity, planned and spent, by source, per round.

Every source plan speaks of it (the plan's "III. Kinh phí", the report outline's funding by source
and how far it met the need, indicator 1.4 scores it), so the app keeps it as figures rather than a
sentence: the plan, the report and the evidence of 1.4 then print the same totals. Amounts are whole
đồng (no đồng is divided), never negative and at most 10^13 (ten thousand billion: any commune's
budget fits, a typing slip of extra zeros does not). A spent amount above the plan is allowed (a
supplementary allocation happens) but warned about, so the officer checks it.

The Excel sheet is the way offices already keep it: importing replaces the round's lines, all or
nothing, and a bad row is refused by its row number in the sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cff_desktop.common.errors import BadInput, NotFound
from cff_desktop.common.text import clean_name, clean_note, format_dong, nfc
from cff_desktop.services.rounds import ADMIN, RoundInfo, get_round
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso

#: source code → how the papers name it (seed 003: ngân sách trung ương, tỉnh, xã; nguồn vận động)
SOURCES: dict[str, str] = {
    "central": "Ngân sách trung ương",
    "provincial": "Ngân sách tỉnh",
    "commune": "Ngân sách xã",
    "mobilised": "Nguồn vận động",
}
MAX_AMOUNT = 10**13
ACTIVITY_MAX = 300
HEADER = ["TT", "Hoạt động", "Nguồn kinh phí", "Dự toán (đồng)", "Đã chi (đồng)", "Ghi chú"]
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


@dataclass(frozen=True)
class BudgetLine:
    id: int
    activity: str
    source: str
    planned: int
    spent: int
    note: str = ""

    @property
    def over(self) -> bool:
        return self.spent > self.planned

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "activity": self.activity, "source": self.source,
                "source_label": SOURCES[self.source], "planned": self.planned, "spent": self.spent,
                "note": self.note}


def parse_amount(value: object, where: str) -> int:
    """Whole đồng from what a person types or a sheet holds: 3690000000, "3.690.000.000", "3 690 000 000".

    Refused, naming ``where``: a fraction of a đồng, a negative amount, anything above 10^13, text.
    """
    if isinstance(value, bool):
        raise BadInput("số tiền phải là số đồng, không phải đúng/sai", where)
    if isinstance(value, int):
        n = value
    elif isinstance(value, float):
        if value != value or not value.is_integer():
            raise BadInput(f"số tiền {value} không phải số đồng tròn; ghi số nguyên (ví dụ 3.690.000.000)", where)
        n = int(value)
    elif value is None:
        return 0
    else:
        shown = nfc(str(value)).strip()[:30]
        text = nfc(str(value)).strip().replace(" ", "").replace("\u00a0", "")
        text = text.removesuffix("đồng").removesuffix("đ").strip()
        if not text:
            return 0
        neg = text.startswith("-")
        body = text.lstrip("-+")
        if _GROUPED.match(body):
            body = body.replace(".", "")
        if not body.isdigit():
            if re.fullmatch(r"\d+[.,]\d+", body):
                raise BadInput(f"số tiền '{shown}' có phần lẻ; ghi số đồng tròn (ví dụ 3.690.000.000)", where)
            raise BadInput(f"số tiền '{shown}' không phải một số; ghi số đồng (ví dụ 3.690.000.000)", where)
        if len(body) > 16:
            raise BadInput(f"số tiền vượt quá {format_dong(MAX_AMOUNT)}; kiểm tra lại số chữ số 0", where)
        n = -int(body) if neg else int(body)
    if n < 0:
        raise BadInput("số tiền không được âm; ghi số đồng từ 0 trở lên", where)
    if n > MAX_AMOUNT:
        raise BadInput(f"số tiền vượt quá {format_dong(MAX_AMOUNT)}; kiểm tra lại số chữ số 0", where)
    return n


def check_source(value: object, where: str) -> str:
    """A source by its code or its Vietnamese name ("Ngân sách xã", "xã", "commune")."""
    text = nfc(str(value or "")).strip()
    low = text.lower()
    for code, label in SOURCES.items():
        if low in (code, label.lower(), label.lower().removeprefix("ngân sách ").removeprefix("nguồn ")):
            return code
    choices = "; ".join(f"{c} ({label})" for c, label in SOURCES.items())
    raise BadInput(f"nguồn kinh phí '{text[:40]}' không hợp lệ. Chọn: {choices}", where)


def _clean(activity: str, source: object, planned: object, spent: object, note: str,
           where: str = "") -> tuple[str, str, int, int, str]:
    return (clean_name(activity, f"{where}, cột Hoạt động" if where else "--activity",
                       what="tên hoạt động", max_len=ACTIVITY_MAX),
            check_source(source, f"{where}, cột Nguồn kinh phí" if where else "--source"),
            parse_amount(planned, f"{where}, cột Dự toán" if where else "--planned"),
            parse_amount(spent, f"{where}, cột Đã chi" if where else "--spent"),
            clean_note(note or "", f"{where}, cột Ghi chú" if where else "--note", max_len=500))


def lines(ws: Workspace, year: int | None = None) -> list[BudgetLine]:
    rnd = get_round(ws, year)
    return _lines_of(ws, rnd)


def _lines_of(ws: Workspace, rnd: RoundInfo) -> list[BudgetLine]:
    rows = ws.store.query("SELECT id, activity, source, planned, spent, note FROM budget_line"
                          " WHERE round_id = ? ORDER BY id", (rnd.id,))
    return [BudgetLine(r["id"], r["activity"], r["source"], r["planned"], r["spent"], r["note"]) for r in rows]


def warnings_of(items: list[BudgetLine]) -> list[str]:
    """Spent above the plan: allowed, named so the officer checks it."""
    return [f"Hoạt động '{b.activity}': đã chi {format_dong(b.spent)}, vượt dự toán {format_dong(b.planned)}; "
            "kiểm tra lại số liệu hoặc ghi rõ nguồn bổ sung ở cột Ghi chú." for b in items if b.over]


def summary(items: list[BudgetLine]) -> dict[str, Any]:
    """Totals planned and spent, overall and by source (every source listed, zero when none)."""
    planned_by = {s: sum(b.planned for b in items if b.source == s) for s in SOURCES}
    spent_by = {s: sum(b.spent for b in items if b.source == s) for s in SOURCES}
    by = {s: {"source": s, "label": SOURCES[s], "planned": planned_by[s], "spent": spent_by[s]} for s in SOURCES}
    planned = sum(b.planned for b in items)
    spent = sum(b.spent for b in items)
    return {"planned": planned, "spent": spent, "by_source": list(by.values()),
            "met_percent": round(spent * 100 / planned) if planned else None}


def budget_view(ws: Workspace, year: int | None = None) -> dict[str, Any]:
    """The round's budget as the window, the CLI and the papers read it."""
    rnd = get_round(ws, year)
    items = _lines_of(ws, rnd)
    return {"year": rnd.year, "lines": [b.to_json() for b in items], "summary": summary(items),
            "warnings": warnings_of(items)}


def add_line(ws: Workspace, *, activity: str, source: str, planned: object, spent: object = 0,
             note: str = "", year: int | None = None, actor: str = ADMIN) -> tuple[BudgetLine, list[str]]:
    """Add one line; returns it and its warnings (spent above plan)."""
    act, src, pl, sp, nt = _clean(activity, source, planned, spent, note)
    rnd = get_round(ws, year)
    with ws.store.transaction() as conn:
        cur = conn.execute("INSERT INTO budget_line (round_id, activity, source, planned, spent, note, created_at)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?)", (rnd.id, act, src, pl, sp, nt, now_iso()))
        line = BudgetLine(int(cur.lastrowid or 0), act, src, pl, sp, nt)
        ws.store.audit(actor, "budget.add", f"budget_line:{line.id}", None, line.to_json())
    return line, warnings_of([line])


def update_line(ws: Workspace, line_id: int, *, activity: str, source: str, planned: object, spent: object,
                note: str = "", year: int | None = None, actor: str = ADMIN) -> tuple[BudgetLine, list[str]]:
    act, src, pl, sp, nt = _clean(activity, source, planned, spent, note)
    rnd = get_round(ws, year)
    old = _one(ws, rnd, line_id)
    line = BudgetLine(line_id, act, src, pl, sp, nt)
    with ws.store.transaction() as conn:
        conn.execute("UPDATE budget_line SET activity = ?, source = ?, planned = ?, spent = ?, note = ? WHERE id = ?",
                     (act, src, pl, sp, nt, line_id))
        ws.store.audit(actor, "budget.update", f"budget_line:{line_id}", old.to_json(), line.to_json())
    return line, warnings_of([line])


def _one(ws: Workspace, rnd: RoundInfo, line_id: int) -> BudgetLine:
    found = next((b for b in _lines_of(ws, rnd) if b.id == line_id), None)
    if found is None:
        raise NotFound(f"vòng năm {rnd.year} không có dòng kinh phí số {line_id}; xem danh sách kinh phí", "ID")
    return found


def remove_line(ws: Workspace, line_id: int, *, year: int | None = None, actor: str = ADMIN) -> BudgetLine:
    rnd = get_round(ws, year)
    old = _one(ws, rnd, line_id)
    with ws.store.transaction() as conn:
        conn.execute("DELETE FROM budget_line WHERE id = ?", (line_id,))
        ws.store.audit(actor, "budget.remove", f"budget_line:{line_id}", old.to_json(), None)
    return old


# --- Excel ----------------------------------------------------------------------------------------

def read_xlsx(path: str | Path) -> list[tuple[str, str, int, int, str]]:
    """The lines of a budget sheet, every row checked before anything is written.

    The first row is the header (the columns of :data:`HEADER`, as exported); empty rows are skipped;
    a bad row is refused as "dòng N" of the sheet, the number Excel shows.
    """
    from openpyxl import load_workbook

    p = Path(path)
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except FileNotFoundError:
        raise NotFound(f"không có tệp '{p.name}'", str(p)) from None
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise BadInput(f"tệp '{p.name}' không phải bảng tính Excel (.xlsx) đọc được ({type(e).__name__}); "
                       "lưu lại bằng Excel dạng .xlsx rồi nhập lại", str(p)) from None
    try:
        sh = wb.worksheets[0]
        rows = list(sh.iter_rows(values_only=True))
    finally:
        wb.close()
    if not rows:
        raise BadInput(f"tệp '{p.name}' trống; cần dòng tiêu đề {', '.join(HEADER)}", str(p))
    head = [nfc(str(c or "")).strip() for c in rows[0]]
    if [h.lower() for h in head[1:5]] != [h.lower() for h in HEADER[1:5]]:
        raise BadInput(f"dòng 1 phải là tiêu đề: {' | '.join(HEADER)} (xuất một bảng mẫu để xem); nhận "
                       f"'{' | '.join(head[:6])[:120]}'", f"{p.name} dòng 1")
    out: list[tuple[str, str, int, int, str]] = []
    for n, row in enumerate(rows[1:], start=2):
        cells = list(row) + [None] * 6
        if all(c is None or str(c).strip() == "" for c in cells[1:6]):
            continue
        where = f"{p.name} dòng {n}"
        try:
            out.append(_clean(str(cells[1] or ""), cells[2], cells[3], cells[4], str(cells[5] or ""), where))
        except BadInput as e:
            raise BadInput(f"dòng {n}: {e.message}", e.where) from None
    return out


def import_xlsx(ws: Workspace, path: str | Path, *, year: int | None = None,
                actor: str = ADMIN) -> dict[str, Any]:
    """Replace the round's budget lines with a sheet's, all or nothing."""
    items = read_xlsx(path)
    rnd = get_round(ws, year)
    old = [b.to_json() for b in _lines_of(ws, rnd)]
    with ws.store.transaction() as conn:
        conn.execute("DELETE FROM budget_line WHERE round_id = ?", (rnd.id,))
        at = now_iso()
        for act, src, pl, sp, nt in items:
            conn.execute("INSERT INTO budget_line (round_id, activity, source, planned, spent, note, created_at)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?)", (rnd.id, act, src, pl, sp, nt, at))
        ws.store.audit(actor, "budget.import", f"round:{rnd.id}", {"lines": len(old)},
                       {"lines": len(items), "file": Path(path).name})
    return budget_view(ws, rnd.year)


def export_xlsx(ws: Workspace, out: str | Path, *, year: int | None = None) -> Path:
    """The round's budget as a sheet that :func:`import_xlsx` reads back unchanged."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from cff_desktop.common.files import write_atomic

    view = budget_view(ws, year)
    wb = Workbook()
    sh = wb.active
    sh.title = f"Kinh phí {view['year']}"
    sh.append(HEADER)
    for c in sh[1]:
        c.font = Font(bold=True)
    for i, b in enumerate(view["lines"], start=1):
        sh.append([i, b["activity"], b["source_label"], b["planned"], b["spent"], b["note"]])
    for col, width in zip("ABCDEF", (5, 50, 22, 18, 18, 30), strict=True):
        sh.column_dimensions[col].width = width
    for row in sh.iter_rows(min_row=2, min_col=4, max_col=5):
        for c in row:
            c.number_format = "#,##0"
    import io

    buf = io.BytesIO()
    wb.save(buf)
    p = Path(out)
    write_atomic(p, buf.getvalue())
    return p


def for_paper(ws: Workspace, rnd: RoundInfo) -> list[dict[str, Any]]:
    """The lines as the papers freeze them with their number."""
    return [b.to_json() for b in _lines_of(ws, rnd)]
