"""Layout a văn thư checks: no lonely signature page, dotted blanks, contents pages equal the real pages."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from docs_helpers import close_demo, needs_poppler, page_texts, pages

pytestmark = needs_poppler

# The first line of each signature block the papers print.
SIGN_TITLES = ("TM.", "KT.", "NGƯỜI THU THẬP", "NGƯỜI TỔNG HỢP", "THƯ KÝ")
LONG = "Phường Tân Lập Thịnh Vượng Phát Triển Hưng Thịnh"


def _print_all(cff_home: Path, out: Path, name: str):
    from datetime import date

    from cff_desktop.services.demo import create_demo
    from cff_desktop.services.printing import render_all, render_printed
    from cff_desktop.services.workspace import open_workspace

    with open_workspace(create=True) as ws:
        create_demo(ws, commune=name, category="other")
        render_printed(ws, "council_decision", out, doc_date=date(2024, 10, 1))  # before the meeting
        close_demo(ws)
        done, _ = render_all(ws, out)
    return done


def _signature_tops(pg) -> list[float]:
    """y of each signature block's first line on the page (the words of a title on one line)."""
    tops = []
    lines: dict[int, list] = {}
    for w in pg.words:
        lines.setdefault(round(w.y0), []).append(w)
    for y, ws in lines.items():
        text = " ".join(w.text for w in sorted(ws, key=lambda w: w.x0))
        if any(t in text for t in SIGN_TITLES) and "Nơi nhận" not in text:
            tops.append(float(y))
    return tops


@pytest.mark.parametrize("name", ["Xã Hoàng Đồng", LONG])
def test_no_signature_block_alone_on_a_page(cff_home: Path, tmp_path: Path, name: str) -> None:
    done = _print_all(cff_home, tmp_path / "out", name)
    checked = 0
    for p in done:
        for n, pg in enumerate(pages(p.path), 1):
            for top in _signature_tops(pg):
                above = [w for w in pg.words if w.y1 < top - 1 and w.y0 > 20 * 72 / 25.4]  # below the page number
                assert len(above) >= 12, f"{p.path.name} page {n}: signature block with no body text above it"
                checked += 1
    assert checked >= 8


def test_dossier_contents_ranges_and_running_numbers(cff_home: Path, tmp_path: Path) -> None:
    done = _print_all(cff_home, tmp_path / "out", LONG)
    dossier = next(p for p in done if p.kind == "dossier").path
    texts = page_texts(dossier)
    total = len(texts)
    for i, t in enumerate(texts, 1):
        assert f"Trang {i}/{total}" in t, f"page {i} carries no running number"
    markers = {"Tờ trình đề nghị công nhận": "TỜ TRÌNH", "Báo cáo kết quả tự đánh giá": "BÁO CÁO",
               "Bảng tổng hợp điểm tự đánh giá": "BẢNG TỔNG HỢP ĐIỂM",
               "Quyết định thành lập Hội đồng đánh giá": "Về việc thành lập Hội đồng",
               "Biên bản họp Hội đồng đánh giá": "Họp Hội đồng đánh giá",
               "Biên bản kết thúc niêm yết công khai": "Kết thúc niêm yết công khai kết quả",
               "Danh mục tài liệu minh chứng": "PHỤ LỤC"}
    ranges = []
    for label, marker in markers.items():
        m = re.search(re.escape(label) + r" (?:\S+-UBND )?(?:\d\d/\d\d/\d{4} )?(\d+)(?:–(\d+))?", texts[1])
        assert m, label
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        assert marker in texts[first - 1], (label, first)
        assert marker not in texts[first - 2], (label, "starts on the page the contents give, not later")
        ranges.append((texts[1].index(label), first, last))
    ranges.sort()
    assert ranges[0][1] == 3 and ranges[-1][2] == total
    for (_, _, prev_end), (_, first, _) in itertools.pairwise(ranges):
        assert first == prev_end + 1, "the ranges are contiguous"


def test_unknown_numbers_and_dates_leave_dotted_blanks(demo_ws, tmp_path: Path) -> None:
    from cff_desktop.services.printing import render

    f = render(demo_ws, "minutes", tmp_path)  # a draft: no number, no date yet
    first = page_texts(f)[0]
    assert "Số: ....../BB-UBND" in first
    assert "Hoàng Đồng, ngày ...... tháng ...... năm 2024" in first
