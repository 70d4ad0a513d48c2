"""Printed papers read back: blocks present, figures equal to the engine's, A4, margins, fonts, flow."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from pathlib import Path

import pytest
from docs_helpers import (
    A4,
    MM,
    close_demo,
    flat_text,
    fonts,
    needs_poppler,
    overlapping_words,
    page_texts,
    pages,
)
from pypdf import PdfReader

from cff_desktop.common.text import format_points
from cff_desktop.documents import KINDS

pytestmark = needs_poppler

LONG_DATE = "Hoàng Đồng, ngày 05 tháng 11 năm 2024"


@pytest.fixture
def printed(demo_ws, cff, tmp_path: Path) -> Path:
    """Every paper of the closed demo round, printed through the CLI (the round's papers before the meeting)."""
    out = tmp_path / "in"
    cff("print", "council_decision", "--out", str(out), "--date", "2024-10-01", check=True)
    cff("print", "plan", "--out", str(out), "--date", "2024-10-02", check=True)
    close_demo(demo_ws)
    p = cff("print", "all", "--out", str(out), check=True)
    assert len(p.stdout.strip().splitlines()) == len(KINDS)
    return out


def _file(out: Path, stem: str) -> Path:
    [f] = list(out.glob(f"{stem}-2024.pdf"))
    return f


def test_every_kind_is_a4_with_embedded_fonts_and_left_margin(printed: Path) -> None:
    files = sorted(printed.glob("*.pdf"))
    assert len(files) == len(KINDS)
    for f in files:
        reader = PdfReader(str(f))
        for page in reader.pages:
            w, h = float(page.mediabox.width), float(page.mediabox.height)
            assert sorted((round(w, 1), round(h, 1))) == sorted((round(A4[0], 1), round(A4[1], 1))), f.name
        used = fonts(f)
        assert used and all(v["embedded"] for v in used.values()), (f.name, used)
        for n, pg in enumerate(pages(f), 1):
            assert pg.words, f"{f.name} page {n} is empty"
            left = min(w.x0 for w in pg.words)
            assert left >= 30 * MM - 0.5, f"{f.name} page {n}: text at {left / MM:.1f} mm from the left edge"
            right = max(w.x1 for w in pg.words)
            assert right <= pg.width - 15 * MM + 0.5, f"{f.name} page {n}: text into the right margin"
            assert not overlapping_words(pg), f"{f.name} page {n}: {overlapping_words(pg)[:3]}"


def test_page_numbers_centred_in_top_margin_from_page_two(printed: Path) -> None:
    f = _file(printed, "bien-ban-hop-hoi-dong")
    pgs = pages(f)
    assert len(pgs) >= 2
    top = [w for w in pgs[0].words if w.y1 < 20 * MM]
    assert top == [], "page 1 carries no page number"
    for n, pg in enumerate(pgs[1:], 2):
        [num] = [w for w in pg.words if w.y1 < 20 * MM]
        assert num.text == str(n)
        centre = (num.x0 + num.x1) / 2
        assert abs(centre - (30 * MM + (pg.width - 45 * MM) / 2)) < 3


def test_minutes_blocks_and_figures_equal_the_engine(printed: Path, cff_json) -> None:
    score = cff_json("score", "--json")
    text = flat_text(_file(printed, "bien-ban-hop-hoi-dong"))
    for block in ("UBND XÃ HOÀNG ĐỒNG", "HỘI ĐỒNG ĐÁNH GIÁ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                  "Độc lập - Tự do - Hạnh phúc", "Số: 01/BB-UBND", LONG_DATE, "BIÊN BẢN", "THÀNH PHẦN THAM DỰ",
                  "NỘI DUNG CUỘC HỌP",
                  "KẾT LUẬN", "Biểu quyết", "THƯ KÝ", "CHỦ TỌA", "Đinh Thị Nga", "Hoàng Văn Bình",
                  "08 giờ 00 phút", "10 giờ 30 phút"):
        assert block in text, block
    for c in score["criteria"]:
        pat = (rf"Tiêu chí {c['id']}: .*? tối đa {re.escape(format_points(c['max']))} điểm, "
               rf"Hội đồng thống nhất {re.escape(format_points(c['points']))} điểm")
        assert re.search(pat, text), f"criterion {c['id']}"
    assert f"Tổng điểm tự đánh giá: {format_points(score['total'])}/1.000 điểm" in text
    assert f": {format_points(score['threshold'])} điểm" in text
    assert ("ĐẠT" if score["recognized"] else "KHÔNG ĐẠT") in text


def test_score_table_landscape_repeats_header_and_marks_provisional(printed: Path, cff_json) -> None:
    score = cff_json("score", "--json")
    f = _file(printed, "bang-tong-hop-diem")
    reader = PdfReader(str(f))
    assert len(reader.pages) >= 2
    assert all(float(p.mediabox.width) > float(p.mediabox.height) for p in reader.pages)
    texts = page_texts(f)
    table_pages = [t for t in texts if "Nguồn số liệu" in t or "Tổng cộng" in t]
    assert len(table_pages) >= 2
    for t in table_pages:
        assert "Tiêu chí, chỉ số" in t and "Điểm tối đa" in t, "header row repeated on every page"
    whole = " ".join(texts)
    assert "(*) Thang điểm tạm, cần đối chiếu văn bản" in whole
    assert "TM. ỦY BAN NHÂN DÂN" in whole
    # every indicator's points and the total as the engine scores them
    for c in score["criteria"]:
        for i in c["indicators"]:
            assert re.search(rf"{re.escape(i['id'])} .*? {re.escape(format_points(i['points']))}", whole), i["id"]
    assert re.search(rf"Tổng cộng 1.000 {re.escape(format_points(score['total']))}", whole)


def test_report_proposal_notice_signed_and_addressed(printed: Path) -> None:
    proposal = flat_text(_file(printed, "to-trinh-de-nghi-cong-nhan"))
    assert "TỜ TRÌNH" in proposal and "Số: 01/TTr-UBND" in proposal
    assert "Kính gửi: Ủy ban nhân dân tỉnh Lạng Sơn." in proposal
    assert "Biên bản họp Hội đồng đánh giá số 01/BB-UBND" in proposal
    for text in (proposal, flat_text(_file(printed, "bao-cao-ket-qua-tu-danh-gia")),
                 flat_text(_file(printed, "thong-bao-niem-yet"))):
        assert "TM. ỦY BAN NHÂN DÂN" in text and "CHỦ TỊCH" in text and "Hoàng Văn Bình" in text
        assert "Nơi nhận:" in text and "- Lưu: VT, VHXH." in text
        assert re.search(r"Hoàng Đồng, ngày \d\d tháng (0[12]|[3-9]|1[0-2]) năm \d{4}", text)
    report = flat_text(_file(printed, "bao-cao-ket-qua-tu-danh-gia"))
    assert "BÁO CÁO" in report and "Số: 01/BC-UBND" in report and "Nguồn số liệu: số liệu do các công chức" in report
    notice = flat_text(_file(printed, "thong-bao-niem-yet"))
    assert "THÔNG BÁO" in notice and "05 ngày làm việc" in notice


def test_forms_survey_dossier(printed: Path) -> None:
    forms = flat_text(_file(printed, "phieu-thu-thap-so-lieu"))
    assert "PHIẾU THU THẬP SỐ LIỆU" in forms
    assert "Người thu thập: Vi Thị Hồng" in forms and "Thôn Bản Đồn" in forms
    assert "Tổng số trẻ em dưới 1 tuổi" in forms  # the rule set's own denominator wording
    survey = flat_text(_file(printed, "phieu-khao-sat-hai-long"))
    assert "PHIẾU KHẢO SÁT" in survey and "BẢNG TỔNG HỢP KẾT QUẢ KHẢO SÁT" in survey
    assert "Phiếu không ghi họ tên" in survey
    dossier = _file(printed, "ho-so-de-nghi-cong-nhan")
    texts = page_texts(dossier)
    assert "HỒ SƠ" in texts[0] and "MỤC LỤC HỒ SƠ" in texts[1]
    whole = " ".join(texts)
    for title in ("TỜ TRÌNH", "BÁO CÁO", "BẢNG TỔNG HỢP ĐIỂM", "BIÊN BẢN", "Danh mục tài liệu minh chứng"):
        assert title in whole
    # the contents give each paper's pages in the bound file
    m = re.search(r"Biên bản họp Hội đồng đánh giá 01/BB-UBND 05/11/2024 (\d+)–(\d+)", texts[1])
    assert m and "BIÊN BẢN" in texts[int(m.group(1)) - 1]


def test_numbers_reused_on_reprint_new_after_reopen(demo_ws, tmp_path: Path) -> None:
    from cff_desktop.services.council import close_meeting, reopen_round
    from cff_desktop.services.printing import render_printed

    close_demo(demo_ws)
    a = render_printed(demo_ws, "minutes", tmp_path / "a")
    b = render_printed(demo_ws, "minutes", tmp_path / "b")
    assert a.number == b.number == "01/BB-UBND"
    assert a.sha256 == b.sha256, "same snapshot, same bytes"
    assert hashlib.sha256(a.path.read_bytes()).hexdigest() == a.sha256
    r = render_printed(demo_ws, "report", tmp_path / "a")
    assert r.number == "01/BC-UBND"
    reopen_round(demo_ws, "Sửa số liệu tiêu chí 12")
    close_meeting(demo_ws, ended_at="2024-11-06T09:00")
    c = render_printed(demo_ws, "minutes", tmp_path / "c")
    assert c.number == "02/BB-UBND"
    rows = demo_ws.store.query("SELECT kind, number, sha256, draft FROM document ORDER BY id")
    assert [(r["kind"], r["number"]) for r in rows] == [
        ("minutes", "01/BB-UBND"), ("minutes", "01/BB-UBND"), ("report", "01/BC-UBND"), ("minutes", "02/BB-UBND")]
    assert rows[0]["sha256"] == a.sha256 and not any(r["draft"] for r in rows)
    counters = {(r["type_code"]): r["last"] for r in demo_ws.store.query("SELECT * FROM doc_counter")}
    assert counters == {"BB": 2, "BC": 1}
    audit = demo_ws.store.query("SELECT new FROM audit WHERE action = 'document.print' ORDER BY seq")
    assert len(audit) == 4 and json.loads(audit[-1]["new"])["numbers"] == {"minutes": "02/BB-UBND"}


def test_draft_before_close_marked_on_every_page(demo_ws, cff, tmp_path: Path) -> None:
    out = tmp_path / "draft"
    p = cff("print", "minutes", "--out", str(out), check=True)
    assert "DỰ THẢO" in p.stdout
    f = out / "du-thao-bien-ban-hop-hoi-dong-2024.pdf"
    texts = page_texts(f)
    assert len(texts) >= 2 and all("DỰ THẢO" in t for t in texts)
    assert "01/BB-UBND" not in " ".join(texts)
    assert "ngày ...... tháng ...... năm 2024" in " ".join(texts), "a draft leaves the date for the signer"
    con = sqlite3.connect(demo_ws.paths.db)
    assert con.execute("SELECT kind, number, draft FROM document").fetchall() == [("minutes", "", 1)]
    assert con.execute("SELECT count(*) FROM doc_counter").fetchone()[0] == 0


def test_long_council_and_reasons_flow_without_overlap(demo_ws, cff_json, tmp_path: Path) -> None:
    from cff_desktop.services.council import add_member
    from cff_desktop.services.printing import render
    from cff_desktop.services.scoring import set_override

    for n in range(5):
        add_member(demo_ws, name=f"Nguyễn Thị Phương Thảo Hoàng Lê Minh Khuê {n}",
                   position="Phó Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam xã kiêm Trưởng ban công tác "
                            f"mặt trận thôn Khuổi Phầy số {n}")
    reason = ("Điểm vui chơi tại thôn Nà Cạn và thôn Khuổi Phầy xuống cấp, thiếu rào chắn an toàn, "
              "chưa có nhà vệ sinh; Hội đồng đề nghị trừ điểm để khắc phục trước kỳ đánh giá sau. ") * 12
    set_override(demo_ws, "12", 50, reason)
    close_demo(demo_ws)
    assert len(cff_json("council", "show", "--json")["members"]) == 15
    f = render(demo_ws, "minutes", tmp_path)
    pgs = pages(f)
    for pg in pgs:
        assert not overlapping_words(pg)
    text = flat_text(f)
    for n in range(5):
        assert f"Nguyễn Thị Phương Thảo Hoàng Lê Minh Khuê {n}" in text
    assert "thành 50 điểm. Lý do: Điểm vui chơi" in text
    last = pgs[-1]
    sign = [w for w in last.words if w.text in ("THƯ", "CHỦ")]
    assert sign, "signatures on the last page"
    sign_top = min(w.y0 for w in sign)
    names = [w for w in last.words if w.text == "Bình"]
    assert names and min(w.y0 for w in names) > sign_top
    above = [w for w in last.words if w.y0 < sign_top and w.y1 > 20 * MM]
    assert above, "the closing sentence stays with the signatures"
    # the 15-member table may run onto a second page: its header row is then repeated
    member_pages = [t for t in page_texts(f) if "Nguyễn Thị Phương Thảo" in t]
    for t in member_pages:
        assert "Họ và tên" in t


def test_scores_survive_html_like_text(demo_ws, tmp_path: Path) -> None:
    from cff_desktop.services.printing import render
    from cff_desktop.services.scoring import set_override

    set_override(demo_ws, "11", 70, "Ý kiến <trẻ em> & phụ huynh \"chưa\" được phản hồi đầy đủ")
    close_demo(demo_ws)
    text = flat_text(render(demo_ws, "scores", tmp_path))
    assert "Ý kiến <trẻ em> & phụ huynh \"chưa\" được phản hồi đầy đủ" in text


def test_progress_reported_and_kinds_labelled(demo_ws, tmp_path: Path) -> None:
    from cff_desktop.services.printing import kinds, render

    assert [k for k, _ in kinds()] == list(KINDS)
    assert all(label and label == label.strip() for _, label in kinds())
    seen: list[tuple[int, int]] = []
    close_demo(demo_ws)
    render(demo_ws, "dossier", tmp_path, progress=lambda d, t: seen.append((d, t)))
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_dossier_includes_evidence_images_when_asked(demo_ws, tmp_path: Path) -> None:
    from PIL import Image

    from cff_desktop.services.evidence import attach
    from cff_desktop.services.printing import render

    img = tmp_path / "diem-vui-choi.png"
    Image.new("RGB", (320, 200), (30, 120, 200)).save(img)
    attach(demo_ws, "12", img, as_officer="Hoàng Thị Mai")
    close_demo(demo_ws)
    plain = render(demo_ws, "dossier", tmp_path / "a")
    full = render(demo_ws, "dossier", tmp_path / "b", include_evidence=True)
    assert "diem-vui-choi" in flat_text(plain) and "Tệp điện tử gửi kèm" in flat_text(plain)
    assert len(PdfReader(str(full)).pages) == len(PdfReader(str(plain)).pages) + 1
    last = PdfReader(str(full)).pages[-1]
    xobjects = last["/Resources"]["/XObject"]
    assert any(x.get_object()["/Subtype"] == "/Image" for x in xobjects.values())
