"""Dates in Vietnam's calendar: a figure saved at 01:30 in Vietnam (18:30 UTC the day before).

Taking the first ten characters of the stored UTC text printed 04/11 for something done on the
morning of 05/11; the dashboard, the printed report and the CLI must all say 05/11/2024.
"""

from __future__ import annotations

import sqlite3
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

from cli_helpers import ok
from cli_inproc import cff_inproc
from docs_helpers import Page, Word, pages

from cff_desktop.common import localtime

SAVED_UTC = "2024-11-04T18:30:00.000+00:00"  # 01:30 on 5 November 2024 in Vietnam


def test_conversion_rules() -> None:
    assert localtime.to_local(SAVED_UTC).isoformat() == "2024-11-05T01:30:00+07:00"
    assert localtime.date_text(SAVED_UTC) == "05/11/2024"
    assert localtime.date_text("2024-11-04T18:30:00Z") == "05/11/2024"
    assert localtime.time_text(SAVED_UTC) == "01:30 ngày 05/11/2024"
    # 16:59 UTC is still 23:59 the same day in Vietnam; 17:00 UTC is the next day
    assert localtime.date_text("2024-12-31T16:59:59+00:00") == "31/12/2024"
    assert localtime.date_text("2024-12-31T17:00:00+00:00") == "01/01/2025"
    # what an officer typed as a meeting time (no offset) is Vietnamese time already
    assert localtime.to_local("2024-11-05T01:30").isoformat() == "2024-11-05T01:30:00"
    # calendar dates (deadlines, data windows) are not moved
    assert localtime.date_text("2024-11-04") == "04/11/2024"
    assert localtime.local_date(date(2024, 11, 4)) == date(2024, 11, 4)
    assert localtime.date_text("") == "" and localtime.date_text(None) == ""
    assert localtime.local_date(datetime(2024, 11, 4, 18, 30, tzinfo=UTC)) == date(2024, 11, 5)
    assert localtime.now().utcoffset().total_seconds() == 7 * 3600


def test_dashboard_and_paper_helpers_use_vietnam_date() -> None:
    from cff_desktop.documents.layout import clock_text, short_date
    from cff_desktop.services.dashboard import vn_date

    assert vn_date(SAVED_UTC) == "05/11/2024"
    assert short_date(SAVED_UTC) == "05/11/2024"
    assert clock_text(SAVED_UTC) == "01 giờ 30 phút, ngày 05 tháng 11 năm 2024"
    assert clock_text("2024-11-05T08:00") == "08 giờ 00 phút, ngày 05 tháng 11 năm 2024"


def test_printed_report_shows_the_vietnam_date_of_a_figure(home: Path, demo_db: Path,
                                                          tmp_path: Path) -> None:
    conn = sqlite3.connect(demo_db)
    with conn:
        n = conn.execute("UPDATE value SET entered_at = ? WHERE indicator_id = '7.1'",
                         (SAVED_UTC,)).rowcount
    conn.close()
    assert n == 1
    out = tmp_path / "papers"
    ok(cff_inproc(home, "print", "report", "--out", str(out), db=demo_db))
    pdf = next(out.glob("*.pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    # the row is read by word boxes, not by -layout lines: the DỰ THẢO watermark crossing the
    # table makes poppler's line layout split a row's cells apart
    row = next(_row_words(pg, w) for pg in pages(pdf) for w in pg.words if w.text == "7.1")
    assert "05/11/2024" in row, row
    assert "04/11/2024" not in text

    listed = ok(cff_inproc(home, "values", "list", db=demo_db))
    row = next(line for line in listed.splitlines() if line.startswith("7.1 "))
    assert "2024-11-05T01:30:00+07:00" in row, row


def _row_words(page: Page, cell: Word) -> list[str]:
    """The words printed level with ``cell`` and to its right: the rest of its table row."""
    mid = (cell.y0 + cell.y1) / 2
    return [w.text for w in page.words if w.x0 > cell.x1 and w.y0 - 12 <= mid <= w.y1 + 12]
