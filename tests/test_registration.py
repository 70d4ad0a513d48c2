"""The start-of-year registration: recorded at the CLI, printed as a paper, read by the report.

A registration after the data window's start warns; unknown criteria, a date outside the round's
years and a wrong --intends are refused with nothing written.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from cli_helpers import assert_refused, db_dump, ok
from cli_inproc import cff_inproc
from docs_helpers import close_demo, flat_text, needs_poppler

from cff_desktop.services.printing import render_printed
from cff_desktop.services.registration import register
from cff_desktop.services.workspace import open_workspace


def test_cli_records_and_shows_with_late_warning(home: Path, demo_db: Path) -> None:
    out = ok(cff_inproc(home, "registration", "set", "--intends", "yes", "--criteria", "1,2,3,5",
                        "--date", "20/10/2023", db=demo_db))
    assert "4 tiêu chí phấn đấu" in out and "Cảnh báo" not in out
    view = json.loads(ok(cff_inproc(home, "registration", "show", "--json", db=demo_db)))
    assert view["registration"] == {"intends": True, "criteria": ["1", "2", "3", "5"],
                                    "registered_on": "2023-10-20", "note": ""}
    late = ok(cff_inproc(home, "registration", "set", "--intends", "yes", "--date", "15/01/2024", db=demo_db))
    assert "Cảnh báo: ngày đăng ký 15/01/2024 sau ngày bắt đầu kỳ số liệu 01/11/2023" in late
    assert "13 tiêu chí phấn đấu" in late


def test_cli_refusals_write_nothing(home: Path, demo_db: Path) -> None:
    before = db_dump(demo_db)
    for args, needles in ((("--intends", "yes", "--criteria", "1,99", "--date", "20/10/2023"),
                           ("--criteria", "không có tiêu chí 99")),
                          (("--intends", "maybe", "--date", "20/10/2023"), ("--intends", "yes hoặc no")),
                          (("--intends", "yes", "--date", "20/10/2021"), ("--date", "không thuộc năm 2023 hoặc 2024")),
                          (("--intends", "yes", "--date", "31/02/2024"), ("--date", "không hợp lệ"))):
        assert_refused(cff_inproc(home, "registration", "set", *args, db=demo_db), *needles)
    assert db_dump(demo_db) == before


@needs_poppler
def test_registration_paper_and_the_report_against_it(home: Path, demo_db: Path, tmp_path: Path) -> None:
    with open_workspace(demo_db) as ws:
        register(ws, intends=True, criteria="1,2,3", registered_on="20/10/2023")
        p = render_printed(ws, "registration", tmp_path)
        text = flat_text(p.path)
        assert "ĐĂNG KÝ" in text and "Phấn đấu xây dựng xã phù hợp với trẻ em năm 2024" in text
        assert "Hoàng Đồng, ngày 20 tháng 10 năm 2023" in text, "dated the day of the registration"
        assert "với 3/13 tiêu chí phấn đấu đạt" in text
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(p.path), str(tmp_path / "dk")], check=True)
        close_demo(ws)
        report = flat_text(render_printed(ws, "report", tmp_path).path)
    assert "so với kế hoạch đầu năm (đăng ký đầu năm ngày 20/10/2023, 3 tiêu chí phấn đấu)" in report
