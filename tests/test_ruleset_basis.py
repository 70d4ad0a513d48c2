"""Confirmed, inferred or provisional, per indicator: one answer for the dashboard, pages and papers."""

from __future__ import annotations

from pathlib import Path

from docs_helpers import close_demo, page_texts

from cff_desktop.common.resources import resource_dir
from cff_desktop.rules.basis import criterion_basis, indicator_bases, indicator_basis
from cff_desktop.rules.loader import load_file

QD06 = load_file(resource_dir("rulesets", "qd06-2019.json"))


def test_each_indicator_says_how_sure_it_is_and_why() -> None:
    b = indicator_bases(QD06.criteria)
    assert {i: b[i].status for i in ("1.1", "1.4", "6.1", "6.2", "7.1", "2.1", "3.1")} == {
        "1.1": "confirmed", "1.4": "inferred", "6.1": "provisional", "6.2": "provisional",
        "7.1": "provisional", "2.1": "provisional", "3.1": "provisional"}
    assert (b["1.1"].label, b["1.1"].mark) == ("Đã đối chiếu", "")
    assert b["1.1"].source.startswith("https://vitreem.baodansinh.vn/") and "50 điểm" in b["1.1"].source
    assert (b["1.4"].label, b["1.4"].mark) == ("Suy ra", " (**)")
    assert "100 − 50 − 15 − 15 = 20" in b["1.4"].text
    # 7.1: the maximum and the top band are confirmed, the lower bands are not — said as such
    assert "mức cao nhất đã đối chiếu" in b["7.1"].text and b["7.1"].mark == " (*)"
    assert b["2.1"].text == "Thang điểm tạm, cần đối chiếu văn bản quy định chính thức."
    assert "1.000 trẻ em (cơ số tạm)" in b["3.1"].text
    assert indicator_basis(QD06.indicators["1.2"]).status == "confirmed"


def test_a_criterion_is_as_sure_as_its_least_sure_indicator() -> None:
    c1 = criterion_basis(QD06.criterion("1"))
    assert (c1.status, c1.text) == ("inferred", "Chỉ số chưa chắc chắn: 1.4.")
    c6 = criterion_basis(QD06.criterion("6"))
    assert c6.status == "provisional" and c6.text == "Chỉ số chưa chắc chắn: 6.1, 6.2."
    assert criterion_basis(QD06.criterion("9")).text.startswith("Điểm tối đa của tiêu chí là tạm")


def test_dashboard_tiles_carry_the_criterion_basis(demo_ws) -> None:
    from cff_desktop.services.dashboard import build_dashboard

    tiles = {t.id: t for t in build_dashboard(demo_ws).tiles}
    assert (tiles["1"].basis, tiles["1"].provisional) == ("inferred", True)
    assert tiles["9"].basis == "provisional"


def test_printed_score_table_marks_inferred_apart_from_provisional(demo_ws, cff, tmp_path: Path) -> None:
    close_demo(demo_ws)
    out = tmp_path / "in"
    cff("print", "scores", "--out", str(out), check=True)
    [f] = list(out.glob("bang-tong-hop-diem-2024.pdf"))
    whole = " ".join(page_texts(f))
    assert "1.4 Có kinh phí cho công tác trẻ em (ngân sách nhà nước hoặc huy động) (**)" in " ".join(whole.split())
    assert "(**) Điểm suy ra bằng phép tính" in whole
    assert "Nguồn lực thực hiện quyền trẻ em (**)" in " ".join(whole.split())  # criterion 1: only 1.4 is unsure
    assert "(*) Thang điểm tạm, cần đối chiếu văn bản" in whole
    flat = " ".join(whole.split())
    assert "cấp xã (*)" not in flat and "cấp xã (**)" not in flat  # 1.1 is confirmed: no mark
