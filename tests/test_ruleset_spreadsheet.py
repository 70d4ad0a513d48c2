"""The official table entered as an Excel workbook: template out, edit, import, score.

A province edits the workbook with Excel (here: openpyxl, which writes the same .xlsx); what it
imports must score exactly as edited, and a broken workbook must be refused with the sheet, row
and column to correct, leaving the installed rule sets untouched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import assert_refused, folder_state, ok, run_cff
from openpyxl import load_workbook

BANDS = "Chỉ số và mức điểm"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("tpl") / "home"
    out = home.parent / "bang.xlsx"
    assert "Đã ghi bảng tính" in ok(run_cff(home, "rulesets", "template", "qd06-2019", "--out", str(out)))
    return out


def edited(template: Path, tmp_path: Path, change: Callable[[Any], None], name: str = "bang.xlsx") -> Path:
    wb = load_workbook(template)
    change(wb)
    out = tmp_path / name
    wb.save(out)
    return out


def find_row(ws: Any, col: int, value: str, after: int = 1) -> int:
    for r in range(after + 1, ws.max_row + 1):
        if str(ws.cell(r, col).value) == value:
            return r
    raise AssertionError(f"{value} not found")


def score_doc(home: Path, tmp_path: Path, version: str, values: dict[str, Any]) -> dict[str, Any]:
    f = tmp_path / f"v{version}.json"
    f.write_text(json.dumps({"ruleset": "qd06-2019", "ruleset_version": version, "category": "other",
                             "values": values}), "utf-8")
    return json.loads(ok(run_cff(home, "score", "--values", str(f), "--json")))


def test_template_has_vietnamese_sheets_and_one_row_per_band(template: Path) -> None:
    wb = load_workbook(template)
    assert wb.sheetnames == ["Hướng dẫn", "Thông tin chung", "Ngưỡng công nhận", "Tiêu chí", BANDS]
    ws = wb[BANDS]
    head = [c.value for c in ws[1]]
    assert head[:4] == ["Mã tiêu chí", "Mã chỉ số", "Nội dung chỉ số", "Loại chỉ số"]
    rows_71 = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[1] == "7.1"]
    assert [(r[8], r[9], r[10]) for r in rows_71] == [("từ", 98, 50), ("từ", 95, 35), ("từ", 90, 20)]
    r31 = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[1] == "3.1")
    assert (r31[3], r31[5]) == ("tỷ suất", 1000)
    assert "trang, dòng, cột" in " ".join(str(c.value) for c in wb["Hướng dẫn"]["A"])


def test_edit_a_band_import_and_the_score_changes_exactly(template: Path, home: Path, tmp_path: Path) -> None:
    def lower_top_band(wb: Any) -> None:
        ws = wb[BANDS]
        r = find_row(ws, 2, "7.1")
        assert ws.cell(r, 10).value == 98
        ws.cell(r, 10).value = 97
    f = edited(template, tmp_path, lower_top_band)
    out = ok(run_cff(home, "rulesets", "import", str(f), "--version", "2019.3"))
    assert "Đã nhập bộ tiêu chí qd06-2019 phiên bản 2019.3" in out
    diff = json.loads(ok(run_cff(home, "rulesets", "diff", "qd06-2019@2019.2", "qd06-2019@2019.3", "--json")))
    assert [(c["where"], c["what"]) for c in diff["changes"]] == [("chỉ số 7.1", "mức điểm")]
    assert diff["changes"][0]["new"].startswith("≥ 97 %: 50 điểm")
    for num, before, after in [(97, 35, 50), (96, 35, 35), (98, 50, 50)]:
        v = {"7.1": {"numerator": num, "denominator": 100}}
        old = score_doc(home, tmp_path, "2019.2", v)
        new = score_doc(home, tmp_path, "2019.3", v)
        assert (old["criteria"][6]["points"], new["criteria"][6]["points"]) == (before, after)
        assert new["ruleset_version"] == "2019.3"


def test_a_bound_typed_as_a_percentage_in_excel_means_that_percentage(template: Path, home: Path,
                                                                     tmp_path: Path) -> None:
    def as_percent(wb: Any) -> None:  # Excel stores "97%" as 0.97 with a percent format; "95,5 %" as text
        ws = wb[BANDS]
        r = find_row(ws, 2, "7.1")
        ws.cell(r, 10).value = 0.97
        ws.cell(r, 10).number_format = "0%"
        ws.cell(r + 1, 10).value = "95,5 %"
    f = edited(template, tmp_path, as_percent)
    ok(run_cff(home, "rulesets", "import", str(f), "--version", "2019.4"))
    shown = json.loads(ok(run_cff(home, "rulesets", "show", "qd06-2019", "--version", "2019.4", "--json")))
    bands = shown["criteria"][6]["indicators"][0]["bands"]
    assert [b["at_least"] for b in bands] == [97, 95.5, 90]


@pytest.mark.parametrize("rid", ["qd06-2019", "qd34-2014"])
def test_unedited_template_imports_to_the_same_scale(home: Path, tmp_path: Path, rid: str) -> None:
    f = tmp_path / f"{rid}.xlsx"
    ok(run_cff(home, "rulesets", "template", rid, "--out", str(f)))
    ok(run_cff(home, "rulesets", "import", str(f), "--id", f"{rid}-tinh", "--version", "1"))
    shown = json.loads(ok(run_cff(home, "rulesets", "show", f"{rid}-tinh", "--json")))
    original = json.loads(ok(run_cff(home, "rulesets", "show", rid, "--json")))
    for key in ("title", "legal_basis", "max_total"):
        assert shown[key] == original[key], key
    for cat, th in original["thresholds"].items():  # the template names every group, labelled or not
        assert {k: v for k, v in shown["thresholds"][cat].items() if k != "label"} == {
            k: v for k, v in th.items() if k != "label"}
    strip = lambda c: {k: v for k, v in c.items() if k != "source"}  # noqa: E731 - band sources may merge
    for c_new, c_old in zip(shown["criteria"], original["criteria"], strict=True):
        assert strip(c_new) | {"indicators": None} == strip(c_old) | {"indicators": None}
        for i_new, i_old in zip(c_new["indicators"], c_old["indicators"], strict=True):
            assert [strip(b) for b in i_new.get("bands", [])] == [
                strip({"status": i_old["status"]} | b) for b in i_old.get("bands", [])]
            assert {k: v for k, v in i_new.items() if k != "bands"} == {
                k: v for k, v in i_old.items() if k != "bands"}


def _cell(sheet: str, iid: str, col: int, value: Any, nth: int = 0) -> Callable[[Any], None]:
    def change(wb: Any) -> None:
        ws = wb[sheet]
        key_col = 2 if sheet == BANDS else 1
        r = find_row(ws, key_col, iid)
        ws.cell(r + nth, col).value = value
    return change


def _drop_sheet(wb: Any) -> None:
    del wb["Ngưỡng công nhận"]


def _duplicate_indicator(wb: Any) -> None:
    ws = wb[BANDS]
    r = find_row(ws, 2, "1.2")
    ws.append([ws.cell(r, c).value for c in range(1, ws.max_column + 1)])


BAD = [
    ("missing-sheet", _drop_sheet, ["bang.xlsx", "thiếu trang 'Ngưỡng công nhận'"]),
    ("bands-out-of-order", _cell(BANDS, "7.1", 10, 99, nth=1),
     ["trang 'Chỉ số và mức điểm'", "cột J (Ngưỡng (số))", "xếp từ mức tốt nhất xuống"]),
    ("bands-overlap", _cell(BANDS, "8.1", 10, 5, nth=1),
     ["trang 'Chỉ số và mức điểm'", "cột J", "không chồng nhau", "ngưỡng 5 không lớn hơn ngưỡng 5"]),
    ("lower-band-more-points", _cell(BANDS, "9.1", 11, 50, nth=2),
     ["cột K (Điểm của mức)", "mức thấp hơn không thể nhiều điểm hơn"]),
    ("indicator-maxima-not-criterion-max", _cell(BANDS, "1.4", 7, 25),
     ["trang 'Tiêu chí'", "cột D (Điểm tối đa)", "tổng điểm tối đa các chỉ số của tiêu chí 1 là 105, khác 100"]),
    ("criteria-not-total", _cell("Tiêu chí", "2", 4, 80),
     ["trang 'Tiêu chí'", "cột D (Điểm tối đa)", "tiêu chí 2"]),
    ("text-in-number-cell", _cell(BANDS, "7.1", 10, "chín mươi tám"),
     ["trang 'Chỉ số và mức điểm'", "cột J (Ngưỡng (số))", "cần một số, không phải chữ 'chín mươi tám'"]),
    ("duplicate-indicator", _duplicate_indicator,
     ["trang 'Chỉ số và mức điểm'", "cột B (Mã chỉ số)", "chỉ số 1.2 bị trùng"]),
    ("wrong-bound-word", _cell(BANDS, "8.1", 9, "từ"), ["cột I", "phải ghi 'đến' hoặc 'dưới'"]),
    ("unknown-kind", _cell(BANDS, "1.1", 4, "phần trăm"), ["cột D (Loại chỉ số)", "'phần trăm' không hợp lệ"]),
    ("percent-above-100", _cell(BANDS, "7.1", 10, 120), ["cột J", "phải từ 0 đến 100"]),
    ("bad-id", _cell("Thông tin chung", "Mã bộ tiêu chí", 2, "QĐ 06"),
     ["trang 'Thông tin chung', dòng 2, cột B (Mã bộ tiêu chí)", "mã bộ tiêu chí 'QĐ 06'"]),
    ("rate-without-base", _cell(BANDS, "3.1", 6, None), ["cột F (Cơ số tỷ suất (trên … trẻ em))", "phải có một số"]),
    ("source-without-quote", _cell(BANDS, "1.1", 20, None), ["cột T (Nguồn: trích dẫn)", "cần câu trích dẫn"]),
]


@pytest.mark.parametrize(("change", "needles"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_broken_workbook_is_refused_by_cell_and_nothing_installed(
    template: Path, home: Path, tmp_path: Path, change: Callable[[Any], None], needles: list[str]
) -> None:
    before_list = ok(run_cff(home, "rulesets", "list", "--json"))
    before = folder_state(home)
    f = edited(template, tmp_path, change)
    line = assert_refused(run_cff(home, "rulesets", "import", str(f), "--version", "2019.9"), *needles)
    if "thiếu trang" not in line:
        assert "dòng " in line
    assert folder_state(home) == before
    assert ok(run_cff(home, "rulesets", "list", "--json")) == before_list


def test_the_total_row_names_the_total_cell(template: Path, home: Path, tmp_path: Path) -> None:
    def both(wb: Any) -> None:  # criterion 2 and its only indicator raised together: only the total is off
        _cell("Tiêu chí", "2", 4, 80)(wb)
        _cell(BANDS, "2.1", 7, 80)(wb)
    f = edited(template, tmp_path, both)
    assert_refused(run_cff(home, "rulesets", "import", str(f), "--version", "2019.9"),
                   "trang 'Thông tin chung', dòng 6, cột B (Tổng điểm tối đa)",
                   "tổng điểm tối đa các tiêu chí", "1005, khác 1000")


def test_not_an_excel_file_and_no_overwrite(home: Path, tmp_path: Path, template: Path) -> None:
    bad = tmp_path / "bang.xlsx"
    bad.write_text("không phải Excel", "utf-8")
    before = folder_state(home)
    assert_refused(run_cff(home, "rulesets", "import", str(bad)), "bang.xlsx", "không mở được tệp Excel")
    assert_refused(run_cff(home, "rulesets", "template", "qd06-2019", "--out", str(bad)), "không ghi đè")
    assert bad.read_text("utf-8") == "không phải Excel"
    assert folder_state(home) == before
