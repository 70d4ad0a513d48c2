"""The upper level's rules one by one on a small area of six REAL dossiers: what is refused and why
(with nothing written), revoking and correcting decisions, packages after the decision, units'
lifetimes in the CSV, category warnings, deadlines and targets, dates, reviewers, a closed pipe,
and the inbox window (sort, filter, colours, counts, buttons that follow the workflow table)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from memory_keyring import MemoryKeyring, using_keyring
from signer_helpers import register_signers
from test_package_damage import dump
from upper_helpers import building_for_upper, close_council, commune_round, open_upper

from cff_desktop.common.errors import CffError

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2026
CODES = ("20001", "20002", "20003", "20004", "20005", "20006")
DECLARED = ("mountain_island_disadvantaged", "other", "urban_ward", "mountain_island_disadvantaged", "other",
            "urban_ward")
LISTED = ("mountain_island_disadvantaged", "other", "urban_ward", "other", "other", "urban_ward")  # 20004 misdeclared
# Demo seeds 40..45 give 1000, 1000, 860, 820, 960, 840 points: 20003 and 20006 fail as wards (900),
# 20004 passes as the mountain commune it claims to be (800) but fails as "other" (850) on the list.


@dataclass
class Small:
    keyring: MemoryKeyring
    upper_home: Path
    usb: Path
    again: Path  # a second package of 20001, made after the first
    csv: Path
    scores: dict[str, dict] = field(default_factory=dict)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Small]:

    from cff_desktop.services import packages
    from cff_desktop.services.scoring import score_round

    with building_for_upper(tmp_path_factory, "small") as (root, kr, pub):
        s = Small(kr, root / "upper", root / "usb", root / "again", root / "units.csv")
        s.usb.mkdir()
        s.again.mkdir()
        for i, code in enumerate(CODES):
            with commune_round(root / code, name=f"Xã Thử {i + 1}", code=code, seed=40 + i, year=YEAR,
                               category=DECLARED[i], public_key=pub) as ws:
                close_council(ws, YEAR)
                s.scores[code] = {"total": float(score_round(ws, YEAR)[0].total)}
                packages.export_package(ws, s.usb)
                if i == 0:
                    packages.export_package(ws, s.again)
        rows = [f"{c},Xã Thử {i + 1},{LISTED[i]},,," for i, c in enumerate(CODES)]
        s.csv.write_text("code,name,category,predecessors,valid_from,valid_to\n" + "\n".join(rows)
                         + "\n29001,Xã Đã Giải Thể,other,,2019,2025\n", "utf-8")
    yield s


@pytest.fixture
def area(small: Small, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from cff_desktop.services.district import import_path, import_units

    with using_keyring(small.keyring):
        ws = open_upper(small.upper_home, tmp_path / "upper", monkeypatch, name="Tỉnh Lạng Sơn", level="province",
                        province="Lạng Sơn")
        assert import_units(ws, small.csv).imported == len(CODES) + 1
        register_signers(ws, small.usb)
        assert [r.status for r in import_path(ws, small.usb)] == ["imported"] * len(CODES)
        yield ws
        ws.close()


def run(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    e = dict(os.environ, PYTHONIOENCODING="utf-8") | (env or {})
    return subprocess.run([sys.executable, "-m", "cff_desktop.cli", "--db", str(db), "district", *args],
                          capture_output=True, text=True, encoding="utf-8", env=e, cwd=ROOT)


def _fail_one(ws, code: str) -> str:
    """Correct one indicator of a criterion to zero so the appraised result fails; returns the indicator."""
    from cff_desktop.services.district import appraise, area_ruleset
    from cff_desktop.services.district_appraised import appraised_of

    rs = area_ruleset(ws)
    for ind in rs.indicators.values():
        if ind.kind == "yes_no":
            appraise(ws, f"{code}/{YEAR}", ind.id, "disagree", comment="Không có minh chứng", corrected="không")
        elif ind.kind == "ratio":
            appraise(ws, f"{code}/{YEAR}", ind.id, "disagree", comment="Sổ sách ghi khác", corrected="0/10")
        else:
            continue
        from cff_desktop.services.district import find_package

        if not appraised_of(ws, find_package(ws, f"{code}/{YEAR}")["sha256"])["passing"]:
            return ind.id
    raise AssertionError("no correction made the unit fail")


# --- decisions ------------------------------------------------------------------------------------------


def test_recognising_a_failing_appraised_result_is_refused_with_the_reason(area) -> None:
    from cff_desktop.services.district import pass_to_council

    _fail_one(area, CODES[1])
    pass_to_council(area, f"{CODES[1]}/{YEAR}")
    before = dump(area)
    p = run(area.paths.db, "decide", f"{CODES[1]}/{YEAR}", "--recognized")
    assert p.returncode == 2 and "kết quả thẩm định không đạt" in p.stderr and p.stderr.count("\n") == 1
    assert dump(area) == before
    p = run(area.paths.db, "decide", f"{CODES[1]}/{YEAR}", "--not-recognized", "--reason", "Tiêu chí 0 điểm")
    assert p.returncode == 0
    rows = {r["code"]: r for r in json.loads(run(area.paths.db, "list", "--json").stdout)}
    assert rows[CODES[1]]["reason"] == "Tiêu chí 0 điểm" and rows[CODES[1]]["state"] == "not_recognised"


def test_a_decision_that_fails_half_way_leaves_nothing_behind(area) -> None:
    """The recognition row and the package's new state are one write: a disk that fails at the
    second leaves neither (no unit counted as recognised while its dossier still waits)."""
    from cff_desktop.services.district import decide, pass_to_council
    from cff_desktop.services.district_decisions import agree_all

    ref = f"{CODES[4]}/{YEAR}"  # 960 points of 850: passes
    agree_all(area, ref)
    pass_to_council(area, ref)
    before = dump(area)
    area.store.conn.execute("CREATE TEMP TRIGGER disk_full BEFORE INSERT ON package_action"
                            " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
    try:
        with pytest.raises(CffError):
            decide(area, ref, True)
    finally:
        area.store.conn.execute("DROP TRIGGER disk_full")
    assert dump(area) == before
    decide(area, ref, True)  # the disk has room again: the same decision goes through whole
    rows = {r["code"]: r for r in json.loads(run(area.paths.db, "list", "--json").stdout)}
    assert rows[CODES[4]]["state"] == "recognised"


def test_revoke_and_correct_need_a_reason_and_their_own_number(area) -> None:
    from cff_desktop.services.district import decide, pass_to_council
    from cff_desktop.services.district_decisions import agree_all
    from cff_desktop.services.district_report import report

    ref = f"{CODES[4]}/{YEAR}"  # 960 points of 850: passes
    agree_all(area, ref)
    p = run(area.paths.db, "revoke", ref, "--reason", "x", "--number", "1/QĐ", "--date", "20/12/2026")
    assert p.returncode == 2 and "Đang thẩm định" in p.stderr and "chỉ thu hồi được hồ sơ đã có quyết định" in p.stderr
    pass_to_council(area, ref)
    decide(area, ref, True)
    before = dump(area)
    for args, why in (((" ", "1/QĐ", "20/12/2026"), "cần ghi lý do"), (("Sai số liệu", " ", "20/12/2026"), "số riêng"),
                      (("Sai số liệu", "1/QĐ", "31/02/2026"), "ngày '31/02/2026' không hợp lệ")):
        p = run(area.paths.db, "revoke", ref, "--reason", args[0], "--number", args[1], "--date", args[2])
        assert p.returncode == 2 and why in p.stderr, p.stderr
    assert dump(area) == before
    p = run(area.paths.db, "correct", ref, "--recognized", "--reason", "x", "--number", "2/QĐ", "--date", "21/12/2026")
    assert p.returncode == 2 and "không có gì để sửa" in p.stderr and dump(area) == before
    p = run(area.paths.db, "correct", ref, "--not-recognized", "--reason", "Phát hiện minh chứng giả",
            "--number", "15/QĐ-UBND", "--date", "21/12/2026")
    assert p.returncode == 0 and "không công nhận" in p.stdout
    r = report(area, YEAR)
    assert r["recognized"] == 0 and r["not_recognized"][0]["reason"] == "Phát hiện minh chứng giả"
    assert r["corrections"][0]["number"] == "15/QĐ-UBND" and r["corrections"][0]["signed_on"] == "2026-12-21"
    p = run(area.paths.db, "revoke", ref, "--reason", "Xét lại toàn bộ", "--number", "16/QĐ-UBND", "--date",
            "2026-12-22")
    assert p.returncode == 0
    r = report(area, YEAR)
    assert [c["kind"] for c in r["corrections"]] == ["correct", "revoke"]
    assert next(c for c in r["communes"] if c["code"] == CODES[4])["state"] == "council"
    audit = area.store.query("SELECT action FROM audit WHERE action LIKE 'district.decision.%' ORDER BY seq")
    assert [a["action"] for a in audit] == ["district.decision.correct", "district.decision.revoke"]


def test_a_package_after_the_decision_is_held_until_a_reviewer_acts(area, small: Small) -> None:
    from cff_desktop.common.errors import Refused
    from cff_desktop.services.district import decide, import_path, pass_to_council
    from cff_desktop.services.district_decisions import act_on_held, agree_all, held_packages, revoke_decision
    from cff_desktop.services.district_report import inbox_rows, report

    ref = f"{CODES[0]}/{YEAR}"
    agree_all(area, ref)
    pass_to_council(area, ref)
    decide(area, ref, True)
    decided = inbox_rows(area, YEAR)[0]
    register_signers(area, small.again)
    res = import_path(area, small.again)
    assert res[0].status == "imported" and "đến sau quyết định" in res[0].warning
    row = inbox_rows(area, YEAR)[0]
    assert (row["sha256"], row["state"], row["recognized"]) == (decided["sha256"], "recognised", True)
    assert row["held_after_decision"] == res[0].uuid and report(area, YEAR)["recognized"] == 1
    before = dump(area)
    with pytest.raises(Refused) as e:
        act_on_held(area, res[0].uuid, True, reason="Xã gửi bản sửa")
    assert "thu hồi quyết định trước" in e.value.message and dump(area) == before
    revoke_decision(area, ref, reason="Xã gửi bản sửa lỗi", number="20/QĐ-UBND", signed_on="22/12/2026")
    act_on_held(area, res[0].uuid, True, reason="Nhận bản sửa lỗi")
    row = inbox_rows(area, YEAR)[0]
    assert (row["uuid"], row["state"], row["held_after_decision"]) == (res[0].uuid, "verified", "")
    assert held_packages(area, YEAR) == [] and report(area, YEAR)["recognized"] == 0


# --- units, categories, deadlines, targets, dates ------------------------------------------------------


def test_lifetimes_and_the_areas_category_decide_what_counts(area, small: Small, tmp_path: Path) -> None:
    from cff_desktop.services.district_report import report, unit_history

    r = report(area, YEAR)
    assert r["units"] == len(CODES)  # 29001 was dissolved in 2025
    assert report(area, 2025)["units"] == len(CODES) + 1
    assert [c["code"] for c in r["category_warnings"]] == [CODES[3]]
    row = next(c for c in r["communes"] if c["code"] == CODES[3])
    assert row["appraised_threshold"] == 850 and row["threshold"] == 800
    assert "danh sách địa bàn ghi nhóm" in row["warnings"][0]
    assert "danh sách địa bàn ghi nhóm" in unit_history(area, CODES[3])["current"]["warnings"][0]
    bad = tmp_path / "bad.csv"
    for text, why in (("code,name,category,valid_to\n30001,Xã A,other,20x5\n", "valid_to '20x5' phải là một năm"),
                      ("code,name,category,valid_from,valid_to\n30001,Xã A,other,2026,2024\n",
                       "valid_from 2026 sau valid_to 2024"),
                      ("code,name,category,ngay\n30001,Xã A,other,1\n", "cột 'ngay' không có")):
        bad.write_text(text, "utf-8")
        before = dump(area)
        p = run(area.paths.db, "units", "import", str(bad))
        assert p.returncode == 2 and why in p.stderr, p.stderr
        assert dump(area) == before


def test_deadlines_per_level_targets_need_a_round_and_dates_read_both_ways(area) -> None:
    db = area.paths.db
    before = dump(area)
    p = run(db, "target", "--rate", "95")
    assert p.returncode == 2 and "--round" in p.stderr and dump(area) == before
    p = run(db, "target", "--round", "2026", "--rate", "95")
    assert p.returncode == 0 and "Chỉ tiêu năm 2026: 95,0 %" in p.stdout
    assert "Chỉ tiêu năm 2026: 95,0 % — chưa đạt" in run(db, "report", "--round", "2026").stdout
    rows = json.loads(run(db, "deadline", "list", "--json").stdout)
    assert {r["kind"]: r["applies"] for r in rows}["district"] is False  # a province does not report as a district
    assert run(db, "deadline", "delete", "district").returncode == 0
    assert "district" not in {r["kind"] for r in json.loads(run(db, "deadline", "list", "--json").stdout)}
    p = run(db, "deadline", "delete", "district")
    assert p.returncode == 2 and "không có hạn 'district'" in p.stderr
    p = run(db, "deadline", "edit", "commune", "31/02")
    assert p.returncode == 2 and "hạn '31/02' không hợp lệ" in p.stderr
    assert run(db, "deadline", "edit", "commune", "01/01", "--label", "Hạn xã gửi hồ sơ").returncode == 0
    rows = json.loads(run(db, "list", "--json").stdout)
    assert all(r["late"] for r in rows)  # received after 01/01/2026: every one is late
    p = run(db, "decision", "--round", "2026", "--number", "125/QĐ-UBND", "--date", "05/12/2026")
    assert p.returncode == 0 and "ngày 05/12/2026" in p.stdout
    assert area.store.one("SELECT signed_on FROM recognition_decision WHERE year = 2026")["signed_on"] == "2026-12-05"
    before = dump(area)
    p = run(db, "decision", "--round", "2026", "--number", "125/QĐ-UBND", "--date", "2026-13-05")
    assert p.returncode == 2 and "05/12/2025" in p.stderr and dump(area) == before


def test_list_shows_pass_fail_and_a_closed_pipe_ends_quietly(area) -> None:
    text = run(area.paths.db, "list").stdout
    assert "Tự đánh giá" in text and "Thẩm định" in text and ("Đạt" in text or "Không đạt" in text)
    r, w = os.pipe()
    os.close(r)
    p = subprocess.run([sys.executable, "-m", "cff_desktop.cli", "--db", str(area.paths.db), "district", "list"],
                       stdout=w, stderr=subprocess.PIPE, text=True, encoding="utf-8", cwd=ROOT,
                       env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    os.close(w)
    assert (p.returncode, p.stderr) == (0, "")


def test_reviewers_sign_in_and_the_audit_names_them(area) -> None:
    db = area.paths.db
    before = dump(area)
    p = run(db, "reviewer", "add", "--name", "Nguyễn Thị Hoa", "--pin", "2468", "--position", "Chuyên viên")
    assert p.returncode == 2 and "không ghi mã PIN trên dòng lệnh" in p.stderr and dump(area) == before
    assert run(db, "reviewer", "add", "--name", "Nguyễn Thị Hoa", "--pin", "--position", "Chuyên viên",
               env={"CFF_PIN": "2468"}).returncode == 0
    ref = f"{CODES[4]}/{YEAR}"
    before = dump(area)
    p = run(db, "appraise", ref, "1.1", "agree")
    assert p.returncode == 2 and "đăng nhập bằng --as" in p.stderr and dump(area) == before
    p = run(db, "appraise", ref, "1.1", "agree", "--as", "Nguyễn Thị Hoa", env={"CFF_PIN": "1111"})
    assert p.returncode == 2 and "Mã PIN không đúng. Còn 4 lần thử" in p.stderr
    assert area.store.one("SELECT COUNT(*) AS n FROM appraisal")["n"] == 0
    p = run(db, "appraise", ref, "all", "agree", "--as", "nguyễn thị hoa", env={"CFF_PIN": "2468"})
    assert p.returncode == 0
    actor = area.store.one("SELECT actor FROM audit WHERE action = 'district.appraise.agree_all'")["actor"]
    assert actor == "Nguyễn Thị Hoa, Chuyên viên (thẩm định viên #1)"
    p = run(db, "council", "--all-appraised", "--round", "2026", "--as", "Nguyễn Thị Hoa", env={"CFF_PIN": "2468"})
    assert p.returncode == 0 and f"Đã trình Hội đồng: Xã Thử 5 ({CODES[4]})" in p.stdout
    assert "Tổng cộng: 1 đơn vị đã trình hội đồng; 5 đơn vị để nguyên." in p.stdout
    p = run(db, "decide", "--recognized", "--all-passing", "--round", "2026", "--as", "Nguyễn Thị Hoa",
            env={"CFF_PIN": "2468"})
    assert p.returncode == 0 and "Tổng cộng:" in p.stdout


# --- the inbox window ------------------------------------------------------------------------------------


def test_inbox_sorts_filters_counts_and_enables_only_allowed_batches(qtbot, area, tmp_path: Path) -> None:
    from gui_helpers import open_upper_window
    from PySide6.QtCore import Qt

    from cff_desktop.services.district_decisions import agree_all
    from cff_desktop.ui.upper_inbox import STATE_COLOURS

    failing = _fail_one(area, CODES[1])
    assert failing
    agree_all(area, f"{CODES[2]}/{YEAR}")
    win = open_upper_window(qtbot, area.paths.db)
    inbox = win.shell.inbox
    qtbot.waitUntil(lambda: inbox.loaded)
    assert inbox.proxy.rowCount() == len(CODES)
    assert "Đã kiểm tra: 4" in inbox.counts.text() and "Đang thẩm định: 2" in inbox.counts.text()
    assert "Có cảnh báo: 1" in inbox.counts.text()
    inbox.result_filter.setCurrentIndex(inbox.result_filter.findData("fail"))
    shown = {inbox.proxy.index(r, 0).data() for r in range(inbox.proxy.rowCount())}
    assert CODES[1] in shown and all(inbox.proxy.index(r, 4).data().endswith("Không đạt") for r in range(len(shown)))
    inbox.result_filter.setCurrentIndex(0)
    inbox.warn_box.setChecked(True)
    assert [inbox.proxy.index(r, 0).data() for r in range(inbox.proxy.rowCount())] == [CODES[3]]
    assert "Khác loại danh sách" in inbox.proxy.index(0, 7).data()
    inbox.warn_box.setChecked(False)
    inbox.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    keys = [inbox.proxy.index(r, 4).data(Qt.ItemDataRole.UserRole) for r in range(inbox.proxy.rowCount())]
    assert keys == sorted(keys, reverse=True)
    bg = inbox.proxy.index(0, 0).data(Qt.ItemDataRole.BackgroundRole).color().name()
    assert bg in STATE_COLOURS.values()
    inbox.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    sel = inbox.table.selectionModel()
    inbox.table.selectRow(1)  # 20002: under appraisal, failing
    assert inbox.batch["council"].isEnabled() and not inbox.batch["recognise"].isEnabled()
    inbox.table.selectRow(0)  # 20001: verified
    assert inbox.batch["agree"].isEnabled() and inbox.batch["council"].isEnabled()
    assert not inbox.batch["recognise"].isEnabled() and not inbox.receipts.isEnabled()
    from PySide6.QtCore import QItemSelectionModel

    flags = QItemSelectionModel.SelectionFlag
    sel.select(inbox.proxy.index(2, 0), flags.Select | flags.Rows)
    assert len(inbox.selected_rows()) == 2
    inbox.batch["council"].click()
    qtbot.waitUntil(lambda: inbox.loaded and "Đã trình hội đồng" in inbox.counts.text())
    assert "Đã trình hội đồng: 2" in inbox.counts.text()
    rows = {r["code"]: r for r in inbox.rows}
    assert rows[CODES[0]]["state"] == "council" and rows[CODES[2]]["state"] == "council"
    inbox.table.clearSelection()
    inbox.table.selectRow(0)
    assert inbox.batch["recognise"].isEnabled() == rows[CODES[0]]["appraised_passing"]
    win.grab().save(str(tmp_path / "inbox.png"))
    win.shell.open_unit(CODES[3])
    unit = win.shell.unit
    assert unit.warnings.isVisible() and "danh sách địa bàn ghi nhóm" in unit.warnings.text()
    assert "thẩm định" in unit.sub.text() and unit.criteria.columnCount() == 4
    assert unit.buttons["council"].isEnabled() and not unit.buttons["revoke"].isEnabled()
    win.grab().save(str(tmp_path / "unit.png"))


def test_window_asks_a_reviewer_to_sign_in_and_the_audit_names_them(qtbot, area) -> None:
    from gui_helpers import set_text

    from cff_desktop.services.reviewers import add_reviewer
    from cff_desktop.ui.app import build_window

    add_reviewer(area, name="Trần Văn Đức", pin="1357", position="Phó trưởng phòng")
    win = build_window(str(area.paths.db))
    qtbot.addWidget(win)
    win.show()
    assert win.centralWidget().currentWidget() is win.signin
    set_text(win.signin.pin, "9999")
    win.signin.sign_in()
    assert "Mã PIN không đúng" in win.signin.status.text()
    assert win.centralWidget().currentWidget() is win.signin
    set_text(win.signin.pin, "1357")
    win.signin.sign_in()
    assert win.centralWidget().currentWidget() is win.shell
    win.shell.open_unit(CODES[0])
    win.shell.unit.indicator.setCurrentIndex(win.shell.unit.indicator.findData("1.1"))
    win.shell.unit.appraise()
    actor = area.store.one("SELECT actor FROM audit WHERE action = 'district.appraise'")["actor"]
    assert actor == "Trần Văn Đức, Phó trưởng phòng (thẩm định viên #1)"


def test_unit_page_acts_on_a_package_held_after_the_decision(qtbot, area, small: Small) -> None:
    from gui_helpers import set_text

    from cff_desktop.services.district import decide, import_path, pass_to_council
    from cff_desktop.services.district_decisions import agree_all
    from cff_desktop.ui.app import build_window

    ref = f"{CODES[0]}/{YEAR}"
    agree_all(area, ref)
    pass_to_council(area, ref)
    decide(area, ref, True)
    register_signers(area, small.again)
    held = import_path(area, small.again)[0]
    win = build_window(str(area.paths.db))
    qtbot.addWidget(win)
    win.shell.open_unit(CODES[0])
    unit = win.shell.unit
    assert "gửi đến sau quyết định" in unit.warnings.text()
    assert unit.buttons["held_dismiss"].isEnabled() and not unit.buttons["held_accept"].isEnabled()
    assert unit.buttons["revoke"].isEnabled() and unit.buttons["correct"].isEnabled()
    assert not unit.buttons["recognise"].isEnabled() and not unit.save_appraisal.isEnabled()
    before = dump(area)
    unit.buttons["revoke"].click()  # no reason, no number: refused, nothing written
    assert "lý do" in unit.status.text() and dump(area) == before
    set_text(unit.return_text, "Xã gửi bản sửa lỗi")
    set_text(unit.fix_number, "21/QĐ-UBND")
    set_text(unit.fix_date, "23/12/2026")
    unit.buttons["revoke"].click()
    assert unit.buttons["held_accept"].isEnabled() and not unit.buttons["revoke"].isEnabled()
    unit.buttons["held_accept"].click()
    row = area.store.one("SELECT state, superseded_by, held_after_decision FROM received_package WHERE uuid = ?",
                         (held.uuid,))
    assert (row["state"], row["superseded_by"], row["held_after_decision"]) == ("verified", None, 0)
    assert not unit.buttons["held_accept"].isEnabled() and unit.save_appraisal.isEnabled()


@pytest.mark.parametrize("state", ["received", "verified", "under_appraisal", "returned", "council", "recognised",
                                   "not_recognised"])
def test_corrections_are_transitions_of_the_one_table(state: str) -> None:
    from cff_desktop.common.errors import Refused
    from cff_desktop.services.district import STATES, require_transition

    decided = state in ("recognised", "not_recognised")
    for action, after in (("revoke", "council"),
                          ("correct", {"recognised": "not_recognised", "not_recognised": "recognised"}.get(state))):
        if decided:
            assert require_transition(state, action, "pkg") == after
        else:
            with pytest.raises(Refused) as e:
                require_transition(state, action, "pkg")
            assert e.value.message.startswith(f"hồ sơ đang ở trạng thái \"{STATES[state]}\"; chỉ ")
    if decided:  # a newer package never silently replaces a decided one
        with pytest.raises(Refused) as e:
            require_transition(state, "replace", "pkg")
        assert "thu hồi quyết định trước" in e.value.message
    else:
        assert require_transition(state, "replace", "pkg") == "verified"
