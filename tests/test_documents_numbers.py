"""Numbered papers: frozen when the number is taken, reprinted byte for byte, cited in order, never twice."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from cli_helpers import assert_refused, db_dump, folder_state
from docs_helpers import close_demo, flat_text, needs_poppler

pytestmark = needs_poppler


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_all_prints_cited_papers_first_and_dossier_binds_the_same_text(demo_ws, cff_json, tmp_path: Path) -> None:
    close_demo(demo_ws)
    got = cff_json("print", "all", "--out", str(tmp_path / "a"), "--json")
    kinds = [p["kind"] for p in got["printed"]]
    assert kinds.index("notice") < kinds.index("proposal") < kinds.index("dossier")
    assert kinds.index("minutes") < kinds.index("notice") and kinds.index("minutes") < kinds.index("report")
    by = {p["kind"]: p for p in got["printed"]}
    proposal = flat_text(Path(by["proposal"]["path"]))
    assert f"Thông báo niêm yết số {by['notice']['number']} ngày 06/11/2024" in proposal
    assert f"Báo cáo kết quả tự đánh giá số {by['report']['number']}" in proposal
    dossier = flat_text(Path(by["dossier"]["path"]))
    assert f"Thông báo niêm yết số {by['notice']['number']}" in dossier
    # the stored frozen bytes are what was written
    row = demo_ws.store.one("SELECT pdf, sha256, number FROM issued_paper WHERE kind = 'proposal'")
    assert row["sha256"] == by["proposal"]["sha256"] == _sha(Path(by["proposal"]["path"]))
    assert bytes(row["pdf"]) == Path(by["proposal"]["path"]).read_bytes()


def test_proposal_alone_prints_what_it_cites_first(demo_ws, cff, tmp_path: Path) -> None:
    close_demo(demo_ws)
    out = tmp_path / "in"
    p = cff("print", "proposal", "--out", str(out), check=True)
    lines = p.stdout.strip().splitlines()
    assert [Path(x).name for x in lines[:5]] == [
        "bien-ban-hop-hoi-dong-2024.pdf", "thong-bao-niem-yet-2024.pdf", "bien-ban-ket-thuc-niem-yet-2024.pdf",
        "bao-cao-ket-qua-tu-danh-gia-2024.pdf", "to-trinh-de-nghi-cong-nhan-2024.pdf"]
    assert "Đã in trước các văn bản được dẫn số" in lines[5]
    text = flat_text(out / "to-trinh-de-nghi-cong-nhan-2024.pdf")
    assert "Thông báo niêm yết số 01/TB-UBND" in text and "Biên bản họp Hội đồng đánh giá số 01/BB-UBND" in text


def test_reprint_is_byte_identical_even_after_the_profile_changes(demo_ws, tmp_path: Path) -> None:
    from cff_desktop.services.printing import render_printed
    from cff_desktop.services.profile import update_commune

    close_demo(demo_ws)
    first = render_printed(demo_ws, "proposal", tmp_path / "a")
    update_commune(demo_ws, {"upper_level": "Ủy ban nhân dân tỉnh Cao Bằng", "chair_name": "Nguyễn Văn Mới"})
    again = render_printed(demo_ws, "proposal", tmp_path / "b")
    assert again.number == first.number == "01/TTr-UBND"
    assert (tmp_path / "b" / again.path.name).read_bytes() == first.path.read_bytes()
    assert again.sha256 == first.sha256
    text = flat_text(again.path)
    assert "Kính gửi: Ủy ban nhân dân tỉnh Lạng Sơn" in text and "Cao Bằng" not in text
    dossier = render_printed(demo_ws, "dossier", tmp_path / "c")
    dtext = flat_text(dossier.path)
    assert "Kính gửi: Ủy ban nhân dân tỉnh Lạng Sơn." in dtext, "the bound tờ trình is the one signed"
    assert "Hoàng Văn Bình" in dtext
    # the audit row says it was a reprint; the counter did not move
    audit = [json.loads(r["new"]) for r in demo_ws.store.query(
        "SELECT new FROM audit WHERE action = 'document.print' ORDER BY seq")]
    assert [a["reprint"] for a in audit if a["kind"] == "proposal"] == [False, True]
    assert demo_ws.store.one("SELECT last FROM doc_counter WHERE type_code = 'TTr'")["last"] == 1


def test_number_from_the_register_and_never_twice(demo_ws, cff, tmp_path: Path) -> None:
    from cff_desktop.services.council import close_meeting, reopen_round

    close_demo(demo_ws)
    db = demo_ws.paths.db
    out = tmp_path / "in"
    p = cff("print", "minutes", "--out", str(out), "--number", "7", check=True)
    assert "07/BB-UBND" in flat_text(out / "bien-ban-hop-hoi-dong-2024.pdf")
    p = cff("numbers", "set", "TTr", "15", "--year", "2024", check=True)
    assert "15/TTr-UBND" in p.stdout
    p = cff("print", "proposal", "--out", str(out), "--json", check=True)
    got = {x["kind"]: x["number"] for x in json.loads(p.stdout)["printed"]}
    assert got == {"notice": "01/TB-UBND", "posting_end": "08/BB-UBND", "report": "01/BC-UBND",
                   "proposal": "15/TTr-UBND"}, "the counter follows the register: after 07 typed comes 08"
    assert "Biên bản họp Hội đồng đánh giá số 07/BB-UBND" in flat_text(out / "to-trinh-de-nghi-cong-nhan-2024.pdf")
    before, files = db_dump(db), folder_state(out)
    # a number already given, set as the next one or typed for another paper: refused, nothing written
    assert_refused(cff("numbers", "set", "BB", "7", "--year", "2024"), "07/BB-UBND", "đã cấp cho biên bản")
    assert_refused(cff("print", "minutes", "--out", str(out), "--number", "8"), "đã cấp số 07/BB-UBND",
                   "giữ nguyên")
    assert_refused(cff("print", "report", "--out", str(out), "--date", "2024-12-01"), "đã cấp số 01/BC-UBND")
    reopen_round(demo_ws, "Sửa số liệu")
    close_meeting(demo_ws, ended_at="2024-11-06T09:00")
    before = db_dump(db)
    assert_refused(cff("print", "minutes", "--out", str(out), "--number", "7"), "07/BB-UBND", "hai lần")
    assert db_dump(db) == before and folder_state(out) == files
    # set back to a free number: it is used, and the counter then skips the numbers already given
    cff("numbers", "set", "BB", "6", "--year", "2024", check=True)
    p = cff("print", "minutes", "--out", str(tmp_path / "new"), "--json", check=True)
    assert json.loads(p.stdout)["printed"][0]["number"] == "06/BB-UBND"
    p = cff("numbers", "show", "--year", "2024", "--json", check=True)
    bb = next(t for t in json.loads(p.stdout)["types"] if t["type"] == "BB")
    assert bb["issued"] == ["06/BB-UBND", "07/BB-UBND", "08/BB-UBND"] and bb["next"] == "09/BB-UBND"


def test_bad_number_options_refused(demo_ws, cff, tmp_path: Path) -> None:
    db = demo_ws.paths.db
    out = tmp_path / "in"
    before = db_dump(db)
    assert_refused(cff("print", "minutes", "--out", str(out), "--number", "3"), "dự thảo", "chưa cấp số")
    close_demo(demo_ws)
    before = db_dump(db)
    assert_refused(cff("print", "scores", "--out", str(out), "--number", "3"), "--number")
    assert_refused(cff("print", "minutes", "--out", str(out), "--number", "0"), "từ 1 đến 99999")
    assert_refused(cff("numbers", "set", "XYZ", "3", "--year", "2024"), "XYZ", "TTr")
    got = json.loads(cff("numbers", "set", "ttr", "4", "--year", "2030", "--json", check=True).stdout)
    assert got["next"] == "04/TTr-UBND"
    got = json.loads(cff("numbers", "set", "Q\u0110", "9", "--year", "2030", "--json", check=True).stdout)
    assert got["next"] == "09/QĐ-UBND"
    got = json.loads(cff("numbers", "set", "qd", "10", "--year", "2030", "--json", check=True).stdout)
    assert got["next"] == "10/QĐ-UBND"
    before = db_dump(db)
    assert_refused(cff("numbers", "set", "BB", "0", "--year", "2024"), "từ 1")
    assert_refused(cff("print", "all", "--out", str(out), "--date", "2024-11-20"), "--date", "từng loại")
    assert_refused(cff("print", "all", "--out", str(out), "--number", "5"), "--number")
    assert_refused(cff("print", "minutes", "--out", str(out), "--posting-start", "2024-11-06"), "niêm yết")
    assert_refused(cff("print", "report", "--out", str(out), "--include-evidence"), "dossier")
    assert_refused(cff("print", "dossier", "--out", str(out), "--format", "docx"), "chỉ in ra PDF")
    assert db_dump(db) == before and not out.exists()


def test_working_papers_are_never_drafts_and_dated_the_day_printed(demo_ws, cff, tmp_path: Path) -> None:

    from docs_helpers import page_texts

    from cff_desktop.documents.layout import day_text

    out = tmp_path / "before"
    cff("print", "forms", "--out", str(out), check=True)
    cff("print", "survey", "--out", str(out), "--date", "2024-10-02", check=True)
    assert sorted(f.name for f in out.iterdir()) == ["phieu-khao-sat-hai-long-2024.pdf",
                                                     "phieu-thu-thap-so-lieu-2024.pdf"]
    forms = page_texts(out / "phieu-thu-thap-so-lieu-2024.pdf")
    survey = page_texts(out / "phieu-khao-sat-hai-long-2024.pdf")
    assert not any("DỰ THẢO" in t for t in forms + survey)
    from cff_desktop.common import localtime

    assert day_text(localtime.today()) in forms[0]  # the day in Vietnam, whatever the machine's zone
    assert "Hoàng Đồng, ngày 02 tháng 10 năm 2024" in survey[0]
    rows = demo_ws.store.query("SELECT kind, draft, number, doc_date FROM document ORDER BY id")
    assert [(r["kind"], r["draft"], r["number"]) for r in rows] == [("forms", 0, ""), ("survey", 0, "")]
    assert rows[1]["doc_date"] == "2024-10-02"
    close_demo(demo_ws)
    after = tmp_path / "after"
    cff("print", "forms", "--out", str(after), "--date", "2024-11-01", check=True)
    assert "Hoàng Đồng, ngày 01 tháng 11 năm 2024" in page_texts(after / "phieu-thu-thap-so-lieu-2024.pdf")[0]


def test_paper_numbered_by_an_older_version_keeps_its_number(demo_ws, tmp_path: Path) -> None:
    import sqlite3

    from cff_desktop.services.printing import render_printed

    close_demo(demo_ws)
    first = render_printed(demo_ws, "minutes", tmp_path / "a", doc_date=None)
    # what an older version left: the register row only, no frozen text
    con = sqlite3.connect(demo_ws.paths.db)
    with con:
        con.execute("DELETE FROM issued_paper")
    con.close()
    again = render_printed(demo_ws, "minutes", tmp_path / "b")
    assert again.number == first.number == "01/BB-UBND" and again.doc_date == first.doc_date
    assert demo_ws.store.one("SELECT number FROM issued_paper WHERE kind = 'minutes'")["number"] == "01/BB-UBND"
    nxt = render_printed(demo_ws, "notice", tmp_path / "b")
    assert nxt.number == "01/TB-UBND"
