"""The budget of child work: amounts in whole đồng, by source, per round; the CLI and the Excel sheet.

Every refusal names the field (or the sheet's row) and leaves the database as it was.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import assert_refused, db_dump, ok
from cli_inproc import cff_inproc
from openpyxl import Workbook, load_workbook

from cff_desktop.common.errors import BadInput
from cff_desktop.common.text import format_dong
from cff_desktop.services import budget
from cff_desktop.services.workspace import open_workspace


def test_amounts_print_in_vietnamese_format() -> None:
    assert format_dong(3_690_000_000) == "3.690.000.000 đồng"
    assert format_dong(0) == "0 đồng"


@pytest.mark.parametrize(("raw", "value"), [
    ("3.690.000.000", 3_690_000_000), ("3690000000", 3_690_000_000), ("3 690 000 000 đồng", 3_690_000_000),
    (3_690_000_000, 3_690_000_000), (1500.0, 1500), ("0", 0), ("", 0), (None, 0),
    (str(10**13), 10**13),
])
def test_parse_amount_accepts_whole_dong(raw: object, value: int) -> None:
    assert budget.parse_amount(raw, "--planned") == value


@pytest.mark.parametrize(("raw", "needle"), [
    ("-5", "không được âm"), (-1, "không được âm"), ("12,5", "phần lẻ"), ("12.5", "phần lẻ"), (12.5, "đồng tròn"),
    (str(10**13 + 1), "vượt quá 10.000.000.000.000 đồng"), ("9" * 40, "vượt quá"), ("ba triệu", "không phải một số"),
    (True, "không phải đúng/sai"), ("1e9", "không phải một số"),
])
def test_parse_amount_refuses_naming_the_field(raw: object, needle: str) -> None:
    with pytest.raises(BadInput) as e:
        budget.parse_amount(raw, "--planned")
    assert needle in e.value.message and e.value.where == "--planned"


def test_lines_totals_by_source_and_over_plan_warning(demo_ws) -> None:
    a, w = budget.add_line(demo_ws, activity="Truyền thông, tuyên truyền", source="commune", planned="20.000.000",
                           spent="15.000.000")
    assert w == []
    _, w = budget.add_line(demo_ws, activity="Tập huấn cán bộ", source="Ngân sách tỉnh", planned=10_000_000,
                           spent=12_500_000)
    assert len(w) == 1 and "vượt dự toán 10.000.000 đồng" in w[0] and "12.500.000 đồng" in w[0]
    budget.add_line(demo_ws, activity="Quà Tết Trung thu", source="mobilised", planned=5_000_000, spent=5_000_000)
    view = budget.budget_view(demo_ws)
    s = view["summary"]
    assert (s["planned"], s["spent"]) == (35_000_000, 32_500_000)
    by = {x["source"]: (x["planned"], x["spent"]) for x in s["by_source"]}
    assert by == {"central": (0, 0), "provincial": (10_000_000, 12_500_000), "commune": (20_000_000, 15_000_000),
                  "mobilised": (5_000_000, 5_000_000)}
    assert len(view["warnings"]) == 1
    budget.update_line(demo_ws, a.id, activity="Truyền thông", source="commune", planned=20_000_000, spent=0)
    budget.remove_line(demo_ws, a.id)
    assert [b.activity for b in budget.lines(demo_ws)] == ["Tập huấn cán bộ", "Quà Tết Trung thu"]
    actions = [r["action"] for r in demo_ws.store.query("SELECT action FROM audit WHERE action LIKE 'budget.%'")]
    assert actions == ["budget.add"] * 3 + ["budget.update", "budget.remove"]


def test_cli_budget_round_trip(home: Path, demo_db: Path, tmp_path: Path) -> None:
    out = ok(cff_inproc(home, "budget", "add", "--activity", "Hội nghị triển khai", "--source", "commune",
                        "--planned", "3.690.000.000", "--spent", "4.000.000.000", db=demo_db))
    assert "dự toán 3.690.000.000 đồng" in out and "Cảnh báo:" in out and "vượt dự toán" in out
    listed = ok(cff_inproc(home, "budget", "list", db=demo_db))
    assert "Tổng dự toán 3.690.000.000 đồng; đã chi 4.000.000.000 đồng" in listed
    view = json.loads(ok(cff_inproc(home, "budget", "list", "--json", db=demo_db)))
    assert view["lines"][0]["planned"] == 3_690_000_000
    sheet = tmp_path / "kinh-phi.xlsx"
    ok(cff_inproc(home, "budget", "export", str(sheet), db=demo_db))
    ws = load_workbook(sheet).worksheets[0]
    assert [c.value for c in ws[1]] == budget.HEADER
    assert [c.value for c in ws[2]][1:5] == ["Hội nghị triển khai", "Ngân sách xã", 3_690_000_000, 4_000_000_000]
    before = db_dump(demo_db)
    ok(cff_inproc(home, "budget", "import", str(sheet), db=demo_db))  # the export reads back as it was
    again = json.loads(ok(cff_inproc(home, "budget", "list", "--json", db=demo_db)))
    assert [(b["activity"], b["source"], b["planned"], b["spent"]) for b in again["lines"]] == [
        (b["activity"], b["source"], b["planned"], b["spent"]) for b in view["lines"]]
    assert before["budget_line"] != [] and len(db_dump(demo_db)["budget_line"]) == 1


@pytest.mark.parametrize(("args", "needles"), [
    (("--planned", "-1"), ("--planned", "không được âm")),
    (("--planned", "1,5"), ("--planned", "phần lẻ")),
    (("--planned", "10000000000001"), ("--planned", "vượt quá")),
    (("--planned", "5", "--spent", "x"), ("--spent", "không phải một số")),
    (("--planned", "5", "--source", "ngân hàng"), ("--source", "không hợp lệ")),
])
def test_cli_budget_refusals_write_nothing(home: Path, demo_db: Path, args: tuple[str, ...],
                                           needles: tuple[str, ...]) -> None:
    before = db_dump(demo_db)
    full = ["--activity", "Tập huấn", "--source", "commune", *args]
    assert_refused(cff_inproc(home, "budget", "add", *full, db=demo_db), *needles)
    assert_refused(cff_inproc(home, "budget", "remove", "999", db=demo_db), "không có dòng kinh phí số 999")
    assert db_dump(demo_db) == before


def _sheet(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    sh = wb.active
    sh.append(budget.HEADER)
    for r in rows:
        sh.append(r)
    wb.save(path)
    return path


@pytest.mark.parametrize(("bad", "needle"), [
    ([3, "Quà Trung thu", "Nguồn vận động", -5, 0, ""], "dòng 4: số tiền không được âm"),
    ([3, "Quà Trung thu", "Ngân hàng", 5, 0, ""], "dòng 4: nguồn kinh phí 'Ngân hàng' không hợp lệ"),
    ([3, "", "Ngân sách xã", 5, 0, ""], "dòng 4: tên hoạt động không được để trống"),
    ([3, "Quà", "Ngân sách xã", 1.5, 0, ""], "dòng 4: số tiền 1.5 không phải số đồng tròn"),
    ([3, "Quà", "Ngân sách xã", 10**14, 0, ""], "dòng 4: số tiền vượt quá"),
])
def test_excel_with_a_bad_row_is_refused_naming_the_row(home: Path, demo_db: Path, tmp_path: Path,
                                                        bad: list[object], needle: str) -> None:
    ok(cff_inproc(home, "budget", "add", "--activity", "Có sẵn", "--source", "commune", "--planned", "1",
                  db=demo_db))
    sheet = _sheet(tmp_path / "kp.xlsx", [[1, "Tập huấn", "Ngân sách tỉnh", 10_000_000, 8_000_000, ""],
                                          [2, "Truyền thông", "Ngân sách xã", "5.000.000", None, ""], bad])
    before = db_dump(demo_db)
    line = assert_refused(cff_inproc(home, "budget", "import", str(sheet), db=demo_db), needle)
    assert "kp.xlsx dòng 4" in line
    assert db_dump(demo_db) == before


def test_excel_wrong_header_or_not_a_workbook(home: Path, demo_db: Path, tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["Tên", "Tiền"])
    wb.save(tmp_path / "sai.xlsx")
    (tmp_path / "rac.xlsx").write_bytes(b"not a zip")
    before = db_dump(demo_db)
    assert_refused(cff_inproc(home, "budget", "import", str(tmp_path / "sai.xlsx"), db=demo_db),
                   "dòng 1 phải là tiêu đề")
    assert_refused(cff_inproc(home, "budget", "import", str(tmp_path / "rac.xlsx"), db=demo_db),
                   "không phải bảng tính Excel")
    assert db_dump(demo_db) == before


def test_budget_is_per_round(home: Path, demo_db: Path) -> None:
    from cff_desktop.services.rounds import get_round, init_round

    with open_workspace(demo_db) as ws:
        budget.add_line(ws, activity="Năm 2024", source="central", planned=1_000, year=2024)
        c = get_round(ws, 2024).commune
        init_round(ws, commune=c["name"], province=c["province"], category=c["category"], year=2025)
        assert budget.budget_view(ws)["year"] == 2025 and budget.budget_view(ws)["lines"] == []
        budget.add_line(ws, activity="Năm 2025", source="commune", planned=2_000)
        assert [b.activity for b in budget.lines(ws, 2024)] == ["Năm 2024"]
        assert budget.budget_view(ws, 2025)["summary"]["planned"] == 2_000
