"""A rule set as an Excel workbook, so the people who hold the official table can enter it.

The official scoring table of Quyết định 06/QĐ-TTg was not obtainable when the rule sets were
written; a province or the upper level may have it on paper. Editing JSON is not a job for a
provincial officer, a spreadsheet is: :func:`template_bytes` lays a rule set out as sheets with
Vietnamese headers and guidance (one row per band), and :func:`read_workbook` turns an edited
workbook back into rule set JSON. Every problem is reported with the sheet, row and column the
officer must correct, before anything is installed; the loader's own checks then run on the result
as the last line of defence.

Pure: no Qt, no database, no files other than the workbook itself.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from cff_desktop.common.errors import BadInput
from cff_desktop.common.text import nfc
from cff_desktop.rules.kinds import KINDS as IND_KINDS
from cff_desktop.rules.kinds import raw_kind
from cff_desktop.rules.model import CATEGORIES, CATEGORY_LABELS, SECTOR_LABELS, RuleSet

SHEET_GUIDE = "Hướng dẫn"
SHEET_INFO = "Thông tin chung"
SHEET_THRESHOLDS = "Ngưỡng công nhận"
SHEET_CRITERIA = "Tiêu chí"
SHEET_BANDS = "Chỉ số và mức điểm"
REQUIRED_SHEETS = (SHEET_INFO, SHEET_THRESHOLDS, SHEET_CRITERIA, SHEET_BANDS)

KINDS = {k.words: k.key for k in IND_KINDS.values()}
DIRECTIONS = {"cao hơn là tốt hơn": "higher_better", "thấp hơn là tốt hơn": "lower_better"}
STATUSES = {"đã đối chiếu": "confirmed", "suy ra": "inferred", "tạm": "provisional"}
ZERO_RULES = {"đủ điểm": "full", "0 điểm": "zero", "không áp dụng": "not_applicable"}
# How a band's bound reads: "từ 98" (≥), "trên 98" (>), "đến 2" (≤), "dưới 2" (<).
BOUND_WORDS = {"từ": ("at_least", False), "trên": ("at_least", True), "đến": ("at_most", False),
               "dưới": ("at_most", True)}

INFO_ROWS = [  # (label in column A, key)
    ("Mã bộ tiêu chí", "id"), ("Phiên bản", "version"), ("Tên bộ tiêu chí", "title"),
    ("Căn cứ pháp lý", "legal_basis"), ("Tổng điểm tối đa", "max_total"), ("Trạng thái chung", "status"),
    ("Ghi chú", "notes"), ("Nguồn: địa chỉ", "source.url"), ("Nguồn: tên văn bản, trang", "source.title"),
    ("Nguồn: trích dẫn", "source.quote"), ("Nguồn: ghi chú", "source.note"),
]
SOURCE_COLS = [("Nguồn: địa chỉ", "url"), ("Nguồn: tên văn bản, trang", "title"),
               ("Nguồn: trích dẫn", "quote"), ("Nguồn: ghi chú", "note")]
THRESHOLD_COLS = ["Mã nhóm", "Nhóm đơn vị", "Điểm tối thiểu để công nhận", "Trạng thái",
                  *[c for c, _ in SOURCE_COLS]]
CRITERIA_COLS = ["Mã tiêu chí", "Tên tiêu chí", "Lĩnh vực phụ trách", "Điểm tối đa", "Trạng thái", "Mô tả",
                 *[c for c, _ in SOURCE_COLS]]
BAND_COLS = ["Mã tiêu chí", "Mã chỉ số", "Nội dung chỉ số", "Loại chỉ số", "Chiều đánh giá",
             "Cơ số tỷ suất (trên … trẻ em)", "Điểm tối đa chỉ số", "Trạng thái chỉ số",
             "Ngưỡng: từ / trên / đến / dưới", "Ngưỡng (số)", "Điểm của mức", "Trạng thái mức",
             "Tử số / số ca", "Mẫu số / số trẻ em", "Khi mẫu số bằng 0", "Giải thích khi mẫu số bằng 0",
             "Hướng dẫn chấm", *[c for c, _ in SOURCE_COLS]]
# The indicator's own columns: read from its first row; later rows leave them empty or repeat them.
IND_COLS = ("Nội dung chỉ số", "Loại chỉ số", "Chiều đánh giá", "Cơ số tỷ suất (trên … trẻ em)",
            "Điểm tối đa chỉ số", "Trạng thái chỉ số", "Tử số / số ca", "Mẫu số / số trẻ em",
            "Khi mẫu số bằng 0", "Giải thích khi mẫu số bằng 0", "Hướng dẫn chấm")

GUIDE = [
    "Bảng này là một bộ tiêu chí đánh giá xã, phường, thị trấn phù hợp với trẻ em, để cán bộ có văn bản "
    "chính thức sửa thang điểm cho đúng rồi nhập lại vào phần mềm.",
    "1. Trang 'Thông tin chung': đổi 'Phiên bản' (ví dụ 2019.3) mỗi khi sửa; giữ 'Mã bộ tiêu chí' nếu là "
    "cùng quyết định. Có thể đổi khi nhập: cff rulesets import bang.xlsx --version 2019.3.",
    "2. Trang 'Ngưỡng công nhận': điểm tối thiểu của từng nhóm đơn vị.",
    "3. Trang 'Tiêu chí': mỗi dòng một tiêu chí; tổng 'Điểm tối đa' các tiêu chí phải bằng 'Tổng điểm tối đa'.",
    "4. Trang 'Chỉ số và mức điểm': mỗi dòng một mức điểm. Các dòng của cùng một chỉ số đứng liền nhau; "
    "nội dung, loại, điểm tối đa của chỉ số ghi ở dòng đầu (các dòng sau để trống hoặc ghi giống hệt). "
    "Chỉ số có/không và hội đồng chấm chỉ có một dòng, không có ngưỡng.",
    "   Mức điểm xếp từ mức tốt nhất xuống: 'từ 98' nghĩa là ≥ 98 %, 'trên' là >, 'đến 2' là ≤ 2, 'dưới 2' là < 2. "
    "Tỷ lệ ghi theo phần trăm (98 nghĩa là 98 %); tỷ suất ghi số trường hợp trên cơ số trẻ em (ví dụ 1,5 trên 1.000).",
    "   Tổng 'Điểm tối đa chỉ số' của một tiêu chí phải bằng điểm tối đa của tiêu chí đó.",
    "5. Trạng thái: 'đã đối chiếu' (có văn bản, ghi nguồn), 'suy ra' (tính ra từ số đã đối chiếu, ghi cách tính "
    "ở 'Nguồn: ghi chú'), 'tạm' (chưa có văn bản). Số có dấu thập phân dùng dấu phẩy hoặc ô số của Excel.",
    "Loại chỉ số: " + "; ".join(KINDS) + ". Chiều đánh giá: " + "; ".join(DIRECTIONS)
    + ". Khi mẫu số bằng 0: " + "; ".join(ZERO_RULES) + ". Lĩnh vực: " + "; ".join(SECTOR_LABELS) + ".",
    "Phần mềm kiểm tra toàn bộ bảng trước khi cài; nếu có lỗi, thông báo ghi rõ trang, dòng, cột cần sửa "
    "và không cài gì. Các vòng đánh giá đã có vẫn giữ bộ tiêu chí cũ.",
]


def _rev(d: dict[str, str]) -> dict[str, str]:
    return {v: k for k, v in d.items()}


# --- writing -------------------------------------------------------------------------------------

def _src_cells(src: dict[str, str] | None) -> list[str]:
    return [(src or {}).get(k, "") for _, k in SOURCE_COLS]


def _num(x: Any) -> Any:
    """A JSON number as Excel should hold it: 50 not 50.0."""
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x


def template_bytes(rs: RuleSet) -> bytes:
    """``rs`` as an editable .xlsx workbook (the caller writes it where the officer asked)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    raw = rs.raw
    wb = Workbook()
    guide = wb.active
    guide.title = SHEET_GUIDE
    guide.append([f"Bộ tiêu chí {rs.id} phiên bản {rs.version}: {rs.title}"])
    guide["A1"].font = Font(bold=True, size=13)
    for line in GUIDE:
        guide.append([line])
    guide.column_dimensions["A"].width = 140
    for row in guide.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")

    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")

    def sheet(title: str, cols: list[str], widths: dict[int, int] | None = None):
        ws = wb.create_sheet(title)
        ws.append(cols)
        for cell in ws[1]:
            cell.font, cell.fill = head_font, head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
        for i in range(1, len(cols) + 1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = (widths or {}).get(i, 16)
        return ws

    def choose(ws, values: list[str], col: int) -> None:
        letter = ws.cell(1, col).column_letter
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        dv.add(f"{letter}2:{letter}1000")
        ws.add_data_validation(dv)

    info = sheet(SHEET_INFO, ["Trường", "Giá trị"], {1: 28, 2: 110})
    st_vi = _rev(STATUSES)
    for label, key in INFO_ROWS:
        if key.startswith("source."):
            value = (raw.get("source") or {}).get(key.split(".", 1)[1], "")
        elif key == "status":
            value = st_vi.get(raw.get("status", ""), "")
        else:
            value = _num(raw.get(key, ""))
        info.append([label, value])
        if key in ("id", "version"):  # "2019.10" typed as a number would become 2019.1
            info.cell(info.max_row, 2).number_format = "@"

    th = sheet(SHEET_THRESHOLDS, THRESHOLD_COLS, {1: 30, 2: 60, 3: 14})
    for cat in CATEGORIES:
        t = raw["thresholds"][cat]
        th.append([cat, t.get("label") or CATEGORY_LABELS[cat], _num(t["min_total"]), st_vi[t["status"]],
                   *_src_cells(t.get("source"))])
    choose(th, list(STATUSES), 4)

    cr = sheet(SHEET_CRITERIA, CRITERIA_COLS, {2: 60, 3: 14, 6: 30, 9: 50})
    for c in raw["criteria"]:
        cr.append([c["id"], c["name"], c["sector"], _num(c["max"]), st_vi[c.get("status", "confirmed")],
                   c.get("description", ""), *_src_cells(c.get("source"))])
    choose(cr, list(SECTOR_LABELS), 3)
    choose(cr, list(STATUSES), 5)

    bd = sheet(SHEET_BANDS, BAND_COLS, {3: 50, 13: 30, 14: 30, 16: 30, 17: 30, 20: 50})
    kind_vi, dir_vi, zero_vi = _rev(KINDS), _rev(DIRECTIONS), _rev(ZERO_RULES)
    for c in raw["criteria"]:
        for i in c["indicators"]:
            kind = raw_kind(i).key
            num_label = i.get("numerator_label") or i.get("count_label", "")
            den_label = i.get("denominator_label") or i.get("population_label", "")
            ind_cells = [i["label"], kind_vi[kind], dir_vi.get(i.get("direction", ""), ""), i.get("rate_per", ""),
                         _num(i["max"]), st_vi[i["status"]]]
            tail = [num_label, den_label, zero_vi.get(i.get("on_zero_denominator", ""), ""),
                    i.get("zero_denominator_note", ""), i.get("help", "")]
            bands = i.get("bands") or [None]
            for n, b in enumerate(bands):
                if b is None:
                    band_cells = ["", "", "", ""]
                else:
                    key = "at_least" if "at_least" in b else "at_most"
                    word = {("at_least", False): "từ", ("at_least", True): "trên", ("at_most", False): "đến",
                            ("at_most", True): "dưới"}[(key, bool(b.get("strict")))]
                    band_cells = [word, _num(b[key]), _num(b["points"]), st_vi[b.get("status", i["status"])]]
                src = (i.get("source") or (b or {}).get("source")) if n == 0 else (b or {}).get("source")
                first = n == 0
                bd.append([c["id"], i["id"], *(ind_cells if first else [""] * 6), *band_cells,
                           *(tail if first else [""] * 5), *_src_cells(src)])
    choose(bd, list(KINDS), 4)
    choose(bd, list(DIRECTIONS), 5)
    choose(bd, list(STATUSES), 8)
    choose(bd, list(BOUND_WORDS), 9)
    choose(bd, list(STATUSES), 12)
    choose(bd, list(ZERO_RULES), 15)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- reading -------------------------------------------------------------------------------------

@dataclass
class _Cell:
    sheet: str
    row: int
    col: int
    header: str
    value: Any
    fmt: str = ""  # Excel's number format: "0%" shows 0.98 as 98 %

    @property
    def where(self) -> str:
        from openpyxl.utils import get_column_letter

        return f"trang '{self.sheet}', dòng {self.row}, cột {get_column_letter(self.col)} ({self.header})"

    @property
    def empty(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())

    def text(self) -> str:
        if self.empty:
            return ""
        v = self.value
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return nfc(str(v)).strip()


class _Reader:
    def __init__(self, path: Path) -> None:
        self.name = Path(path).name
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            self.wb = load_workbook(path, read_only=True, data_only=True)
        except FileNotFoundError:
            raise BadInput("không tìm thấy tệp bảng tính", str(path)) from None
        except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError):
            raise BadInput("không mở được tệp Excel (.xlsx): tệp không phải bảng tính hoặc đã hỏng. Lưu lại bằng "
                           "Excel dạng .xlsx rồi nhập lại.", self.name) from None
        missing = [s for s in REQUIRED_SHEETS if s not in self.wb.sheetnames]
        if missing:
            raise BadInput(f"thiếu trang '{missing[0]}'. Tạo lại bảng mẫu bằng `cff rulesets template` và chép "
                           "số liệu sang.", self.name)

    def fail(self, cell: _Cell, message: str) -> BadInput:
        return BadInput(message, f"{self.name}, {cell.where}")

    def rows(self, sheet: str, cols: list[str]) -> list[dict[str, _Cell]]:
        """Data rows as {header: cell}; the header row must carry every expected column."""
        ws = self.wb[sheet]
        it = ws.iter_rows()
        header = [nfc(str(h.value)).strip() if h.value is not None else "" for h in next(it, ())]
        pos = {}
        for c in cols:
            if c not in header:
                raise BadInput(f"trang '{sheet}' thiếu cột '{c}' ở dòng 1", self.name)
            pos[c] = header.index(c)
        out = []
        for r, row in enumerate(it, start=2):
            cells = {c: _Cell(sheet, r, pos[c] + 1, c, row[pos[c]].value if pos[c] < len(row) else None,
                              str(getattr(row[pos[c]], "number_format", "") or "") if pos[c] < len(row) else "")
                     for c in cols}
            if all(x.empty for x in cells.values()):
                continue
            out.append(cells)
        return out

    # typed cells -------------------------------------------------------------------------------
    def number(self, cell: _Cell, *, whole: bool = False, required: bool = True) -> Any:
        if cell.empty:
            if required:
                raise self.fail(cell, "ô này phải có một số")
            return None
        v = cell.value
        if isinstance(v, bool):
            raise self.fail(cell, f"cần một số, không phải '{v}'")
        if isinstance(v, (int, float)):
            d = Decimal(str(v))
            if "%" in cell.fmt:  # typed "98%" in Excel: stored 0.98, shown and meant as 98 (percent)
                d = (d * 100).normalize()
        else:
            t = cell.text().replace(" ", "").removesuffix("%")  # "98 %" written as text
            if "," in t:  # Vietnamese decimal comma; dots are thousands
                t = t.replace(".", "").replace(",", ".")
            try:
                d = Decimal(t)
            except InvalidOperation:
                raise self.fail(cell, f"cần một số, không phải chữ '{cell.text()}'") from None
        if not d.is_finite() or d < 0:
            raise self.fail(cell, f"cần một số không âm, không phải {cell.text()}")
        if whole and d != d.to_integral_value():
            raise self.fail(cell, f"cần một số nguyên, không phải {cell.text()}")
        return int(d) if d == d.to_integral_value() else float(d)

    def choice(self, cell: _Cell, options: dict[str, str], *, required: bool = True) -> str:
        t = cell.text()
        if not t:
            if required:
                raise self.fail(cell, f"chọn một trong: {'; '.join(options)}")
            return ""
        low = t.lower()
        if low in options:
            return options[low]
        if t in options.values():  # the machine code is accepted too
            return t
        raise self.fail(cell, f"'{t}' không hợp lệ; chọn một trong: {'; '.join(options)}")

    def text(self, cell: _Cell, *, required: bool = True) -> str:
        t = cell.text()
        if required and not t:
            raise self.fail(cell, "ô này không được để trống")
        return t

    def source(self, cells: dict[str, _Cell]) -> dict[str, str] | None:
        src = {k: cells[c].text() for c, k in SOURCE_COLS if cells[c].text()}
        if not src:
            return None
        if "quote" not in src:
            raise self.fail(cells["Nguồn: trích dẫn"], "đã ghi nguồn thì cần câu trích dẫn từ văn bản")
        if "url" in src and not src["url"].startswith(("http://", "https://")):
            raise self.fail(cells["Nguồn: địa chỉ"], "địa chỉ nguồn phải bắt đầu bằng http:// hoặc https://")
        return src


def read_workbook(path: Path, *, rid: str | None = None, version: str | None = None) -> bytes:
    """Read an edited workbook into rule set JSON bytes; refuse with sheet, row and column."""
    rd = _Reader(path)
    doc: dict[str, Any] = {"format": 1}
    info_cells: dict[str, _Cell] = {}
    ws = rd.wb[SHEET_INFO]
    labels = {label: key for label, key in INFO_ROWS}
    for r, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if r == 1 or not values or values[0] is None:
            continue
        label = nfc(str(values[0])).strip()
        if label in labels:
            info_cells[labels[label]] = _Cell(SHEET_INFO, r, 2, label, values[1] if len(values) > 1 else None)
    for key in ("id", "version", "title", "legal_basis", "max_total"):
        if key not in info_cells:
            label = next(lbl for lbl, k in INFO_ROWS if k == key)
            raise BadInput(f"trang '{SHEET_INFO}' thiếu dòng '{label}'", rd.name)
    doc["id"] = nfc(rid) if rid else rd.text(info_cells["id"])
    doc["version"] = nfc(version) if version else rd.text(info_cells["version"])
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*", doc["id"]):
        msg = f"mã bộ tiêu chí '{doc['id']}' chỉ gồm chữ thường không dấu, số, dấu chấm, gạch nối (ví dụ qd06-2019)"
        raise BadInput(msg, "--id") if rid else rd.fail(info_cells["id"], msg)
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)*", doc["version"]):
        msg = f"phiên bản '{doc['version']}' phải là các số cách nhau bằng dấu chấm (ví dụ 2019.3)"
        raise BadInput(msg, "--version") if version else rd.fail(info_cells["version"], msg)
    doc["title"] = rd.text(info_cells["title"])
    doc["legal_basis"] = rd.text(info_cells["legal_basis"])
    if "status" in info_cells and not info_cells["status"].empty:
        doc["status"] = rd.choice(info_cells["status"], STATUSES)
    if "notes" in info_cells and info_cells["notes"].text():
        doc["notes"] = info_cells["notes"].text()
    src = {k.split(".", 1)[1]: c.text() for k, c in info_cells.items() if k.startswith("source.") and c.text()}
    if src:
        if "quote" not in src:
            raise rd.fail(info_cells.get("source.quote") or info_cells["id"], "đã ghi nguồn thì cần câu trích dẫn")
        doc["source"] = src
    max_total = rd.number(info_cells["max_total"])
    doc["max_total"] = max_total

    # thresholds
    thresholds: dict[str, Any] = {}
    th_rows = rd.rows(SHEET_THRESHOLDS, THRESHOLD_COLS)
    for cells in th_rows:
        cat = rd.choice(cells["Mã nhóm"], {c: c for c in CATEGORIES})
        if cat in thresholds:
            raise rd.fail(cells["Mã nhóm"], f"nhóm '{cat}' bị ghi hai lần")
        t: dict[str, Any] = {"min_total": rd.number(cells["Điểm tối thiểu để công nhận"]),
                             "status": rd.choice(cells["Trạng thái"], STATUSES)}
        if t["min_total"] > max_total:
            raise rd.fail(cells["Điểm tối thiểu để công nhận"],
                          f"ngưỡng {t['min_total']} vượt tổng điểm tối đa {max_total}")
        if cells["Nhóm đơn vị"].text():
            t["label"] = cells["Nhóm đơn vị"].text()
        if (s := rd.source(cells)) is not None:
            t["source"] = s
        thresholds[cat] = t
    for cat in CATEGORIES:
        if cat not in thresholds:
            raise BadInput(f"trang '{SHEET_THRESHOLDS}' thiếu dòng cho nhóm '{cat}' ({CATEGORY_LABELS[cat]})",
                           rd.name)
    doc["thresholds"] = thresholds

    # criteria
    criteria: dict[str, dict[str, Any]] = {}
    crit_cells: dict[str, dict[str, _Cell]] = {}
    for cells in rd.rows(SHEET_CRITERIA, CRITERIA_COLS):
        cid = rd.text(cells["Mã tiêu chí"])
        if not cid.isdigit():
            raise rd.fail(cells["Mã tiêu chí"], f"mã tiêu chí phải là số (1, 2, …), không phải '{cid}'")
        if cid in criteria:
            raise rd.fail(cells["Mã tiêu chí"], f"tiêu chí {cid} bị trùng (đã có ở dòng "
                          f"{crit_cells[cid]['Mã tiêu chí'].row})")
        sector = rd.text(cells["Lĩnh vực phụ trách"])
        by_label = {v.lower(): k for k, v in SECTOR_LABELS.items()}
        sector = by_label.get(sector.lower(), sector)
        c: dict[str, Any] = {"id": cid, "name": rd.text(cells["Tên tiêu chí"]), "sector": sector,
                             "max": rd.number(cells["Điểm tối đa"]), "status": rd.choice(cells["Trạng thái"], STATUSES)}
        if cells["Mô tả"].text():
            c["description"] = cells["Mô tả"].text()
        if (s := rd.source(cells)) is not None:
            c["source"] = s
        c["indicators"] = []
        criteria[cid] = c
        crit_cells[cid] = cells
    if not criteria:
        raise BadInput(f"trang '{SHEET_CRITERIA}' chưa có tiêu chí nào", rd.name)

    # indicators and bands
    inds: dict[str, dict[str, Any]] = {}
    first_row: dict[str, dict[str, _Cell]] = {}
    last_id = ""
    for cells in rd.rows(SHEET_BANDS, BAND_COLS):
        iid = rd.text(cells["Mã chỉ số"])
        cid = rd.text(cells["Mã tiêu chí"])
        if iid.split(".")[0] != cid or len(iid.split(".")) != 2 or not iid.split(".")[1].isdigit():
            raise rd.fail(cells["Mã chỉ số"], f"mã chỉ số phải có dạng {cid}.1, {cid}.2, … (theo mã tiêu chí)")
        if cid not in criteria:
            raise rd.fail(cells["Mã tiêu chí"], f"tiêu chí {cid} không có ở trang '{SHEET_CRITERIA}'")
        if iid in inds and iid != last_id:
            seen = first_row[iid]["Mã chỉ số"].row
            raise rd.fail(cells["Mã chỉ số"], f"chỉ số {iid} bị trùng (đã có ở dòng {seen}); "
                          "các mức điểm của một chỉ số phải ở các dòng liền nhau")
        if iid not in inds:
            ind = _indicator(rd, iid, cells)
            inds[iid] = ind
            first_row[iid] = cells
            criteria[cid]["indicators"].append(ind)
        else:
            ind = inds[iid]
            for col in IND_COLS:
                c0, cn = first_row[iid][col], cells[col]
                if not cn.empty and cn.text() != c0.text():
                    raise rd.fail(cn, f"khác với dòng {c0.row} của cùng chỉ số {iid}; để trống hoặc ghi giống hệt")
        last_id = iid
        _band(rd, ind, cells)

    # arithmetic, named by cell
    for cid, c in criteria.items():
        if not c["indicators"]:
            raise rd.fail(crit_cells[cid]["Mã tiêu chí"], f"tiêu chí {cid} chưa có chỉ số nào ở trang '{SHEET_BANDS}'")
        total = sum(Decimal(str(i["max"])) for i in c["indicators"])
        if total != Decimal(str(c["max"])):
            raise rd.fail(crit_cells[cid]["Điểm tối đa"],
                          f"tổng điểm tối đa các chỉ số của tiêu chí {cid} là {_fmt(total)}, khác {_fmt(c['max'])}")
        for i in c["indicators"]:
            if raw_kind(i).measured and not i.get("bands"):
                raise rd.fail(first_row[i["id"]]["Ngưỡng (số)"], f"chỉ số {i['id']} cần ít nhất một mức điểm")
    csum = sum(Decimal(str(c["max"])) for c in criteria.values())
    if csum != Decimal(str(max_total)):
        raise rd.fail(info_cells["max_total"],
                      f"tổng điểm tối đa các tiêu chí ở trang '{SHEET_CRITERIA}' là {_fmt(csum)}, "
                      f"khác {_fmt(max_total)}")
    doc["criteria"] = list(criteria.values())
    for i in inds.values():
        i.pop("_rows", None)
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _fmt(x: Any) -> str:
    d = Decimal(str(x))
    return str(int(d)) if d == d.to_integral_value() else str(d).replace(".", ",")


def _indicator(rd: _Reader, iid: str, cells: dict[str, _Cell]) -> dict[str, Any]:
    kind = rd.choice(cells["Loại chỉ số"], KINDS)
    ind: dict[str, Any] = {"id": iid, "label": rd.text(cells["Nội dung chỉ số"]),
                           "kind": IND_KINDS[kind].stored_kind}
    if IND_KINDS[kind].measured:
        ind["direction"] = rd.choice(cells["Chiều đánh giá"], DIRECTIONS)
        ind["bands"] = []
    ind["max"] = rd.number(cells["Điểm tối đa chỉ số"])
    ind["status"] = rd.choice(cells["Trạng thái chỉ số"], STATUSES)
    num, den = cells["Tử số / số ca"], cells["Mẫu số / số trẻ em"]
    if kind == "ratio":
        ind["numerator_label"] = rd.text(num)
        ind["denominator_label"] = rd.text(den)
    elif kind in ("count", "rate"):
        ind["count_label"] = rd.text(num)
    if kind == "rate":
        ind["rate_per"] = rd.number(cells["Cơ số tỷ suất (trên … trẻ em)"], whole=True)
        if ind["rate_per"] < 1:
            raise rd.fail(cells["Cơ số tỷ suất (trên … trẻ em)"], "cơ số tỷ suất phải từ 1 trở lên (ví dụ 1.000)")
        ind["population_label"] = rd.text(den)
    if kind in ("ratio", "rate"):
        ind["on_zero_denominator"] = rd.choice(cells["Khi mẫu số bằng 0"], ZERO_RULES)
    if cells["Giải thích khi mẫu số bằng 0"].text():
        ind["zero_denominator_note"] = cells["Giải thích khi mẫu số bằng 0"].text()
    if cells["Hướng dẫn chấm"].text():
        ind["help"] = cells["Hướng dẫn chấm"].text()
    if (s := rd.source(cells)) is not None:
        ind["source"] = s
    return ind


def _band(rd: _Reader, ind: dict[str, Any], cells: dict[str, _Cell]) -> None:
    word_c, bound_c, pts_c = cells["Ngưỡng: từ / trên / đến / dưới"], cells["Ngưỡng (số)"], cells["Điểm của mức"]
    if "bands" not in ind:  # yes/no and council-scored indicators have one row and no bands
        for c in (word_c, bound_c, pts_c):
            if not c.empty:
                raise rd.fail(c, f"chỉ số {ind['id']} loại có/không hoặc hội đồng chấm không có mức điểm; "
                              "để trống ô này")
        if len(ind.setdefault("_rows", [])) >= 1:
            raise rd.fail(cells["Mã chỉ số"], f"chỉ số {ind['id']} bị trùng: loại này chỉ có một dòng")
        ind["_rows"].append(cells)
        return
    key, strict = BOUND_WORDS[rd.choice(word_c, {w: w for w in BOUND_WORDS})]
    want = "at_least" if ind["direction"] == "higher_better" else "at_most"
    if key != want:
        words = "'từ' hoặc 'trên'" if want == "at_least" else "'đến' hoặc 'dưới'"
        raise rd.fail(word_c, f"chỉ số {ind['id']} có chiều '{_rev(DIRECTIONS)[ind['direction']]}' nên ngưỡng "
                      f"phải ghi {words}")
    bound = rd.number(bound_c)
    if raw_kind(ind).percent_bounds and bound > 100:
        raise rd.fail(bound_c, f"ngưỡng tỷ lệ là phần trăm, phải từ 0 đến 100, không phải {_fmt(bound)}")
    if raw_kind(ind).whole_bounds and Fraction(str(bound)).denominator != 1:
        raise rd.fail(bound_c, "ngưỡng số ca phải là số nguyên")
    points = rd.number(pts_c)
    if Decimal(str(points)) > Decimal(str(ind["max"])):
        raise rd.fail(pts_c, f"điểm {_fmt(points)} vượt điểm tối đa {_fmt(ind['max'])} của chỉ số {ind['id']}")
    band: dict[str, Any] = {key: bound, "points": points}
    if strict:
        band["strict"] = True
    if not cells["Trạng thái mức"].empty:
        band["status"] = rd.choice(cells["Trạng thái mức"], STATUSES)
    if (s := rd.source(cells)) is not None:
        band["source"] = s
    prev_rows = ind.setdefault("_rows", [])
    if ind["bands"]:
        prev = ind["bands"][-1]
        pb = Fraction(str(prev[key]))
        b = Fraction(str(bound))
        better = b < pb if key == "at_least" else b > pb
        if not better:
            raise rd.fail(bound_c, f"các mức của chỉ số {ind['id']} phải xếp từ mức tốt nhất xuống và không chồng "
                          f"nhau: ngưỡng {_fmt(bound)} không {'nhỏ' if key == 'at_least' else 'lớn'} hơn ngưỡng "
                          f"{_fmt(prev[key])} ở dòng {prev_rows[-1]['Mã chỉ số'].row}")
        if Decimal(str(points)) > Decimal(str(prev["points"])):
            raise rd.fail(pts_c, f"mức thấp hơn không thể nhiều điểm hơn mức ở dòng {prev_rows[-1]['Mã chỉ số'].row} "
                          f"({_fmt(points)} > {_fmt(prev['points'])})")
    ind["bands"].append(band)
    prev_rows.append(cells)
