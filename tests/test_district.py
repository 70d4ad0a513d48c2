"""The upper level end to end: a district of 30 communes over three rounds of REAL packages made by the
commune side (demo round, council closed, dossier exported and encrypted to the district's key),
imported from a USB folder and from a real inbox server on 127.0.0.1, appraised, returned, passed to
the council and decided; the annex and report figures against a hand count; every bad input of the
issue refused with its Vietnamese message and nothing written."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from memory_keyring import MemoryKeyring, using_keyring
from test_package_damage import dump, listing
from upper_helpers import building_for_upper, close_council, commune_round, open_upper

from cff_desktop.common.errors import CffError

YEARS = (2022, 2023, 2024)
N = 30
CATS = ("mountain_island_disadvantaged", "other", "urban_ward")


def code_of(i: int) -> str:
    return f"01{i + 1:03d}"


def name_of(i: int) -> str:
    return f"Xã Thử Nghiệm {i + 1}"


def category_of(i: int) -> str:
    return CATS[i % 3]


@dataclass
class Built:
    """What the commune side produced once per session (folders of packages, the key, the keyring)."""

    root: Path
    keyring: MemoryKeyring
    upper_home: Path  # holds keys.json with the district's key pair (secret in the keyring)
    public_key: Path
    folders: dict[int, Path] = field(default_factory=dict)
    passing: dict[int, set[str]] = field(default_factory=dict)  # year → codes whose self-assessment passes
    resubmitted: Path | None = None  # a second, newer package of unit 01001 for 2024
    outsider: Path | None = None  # a commune not in the area
    other_ruleset: Path | None = None  # scored on a rule set other than the area's
    csv: Path | None = None


def _commune(root: Path, name: str, *, seed: int, year: int, code: str, category: str, public_key: Path,
             ruleset_file: Path | None = None):
    ws = commune_round(root / f"c-{code}-{year}-{seed}", name=name, code=code, seed=seed, year=year,
                       category=category, public_key=public_key, ruleset_file=ruleset_file)
    snap = close_council(ws, year, votes_for=10)
    return ws, bool(snap["score"]["recognized"])


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """90 dossiers (30 communes × 3 rounds) and the bad ones, built once: about half a minute."""

    from cff_desktop.common.resources import resource_dir
    from cff_desktop.services import packages

    real_printing = packages.export._printing_available
    with building_for_upper(tmp_path_factory, "district-built") as (root, kr, pub):
        b = Built(root, kr, root / "upper", pub)
        for year in YEARS:
            folder = root / f"usb-{year}"
            folder.mkdir()
            b.folders[year] = folder
            b.passing[year] = set()
            for i in range(N):
                # PDFs for one commune only (the minutes preview); the rest skip printing to save time
                packages.export._printing_available = real_printing if i == 0 else (lambda: False)
                ws, ok = _commune(root, name_of(i), seed=i * 7 + year, year=year, code=code_of(i),
                                  category=category_of(i), public_key=b.public_key)
                if ok:
                    b.passing[year].add(code_of(i))
                packages.export_package(ws, folder)
                if i == 0 and year == YEARS[-1]:
                    again = root / "resubmitted"
                    again.mkdir()
                    b.resubmitted = packages.export_package(ws, again).path
                ws.close()
        packages.export._printing_available = lambda: False
        out = root / "outsider"
        out.mkdir()
        ws, _ = _commune(root, "Xã Ngoài Địa Bàn", seed=3, year=2024, code="09999", category="other",
                         public_key=b.public_key)
        b.outsider = packages.export_package(ws, out).path
        ws.close()
        src = json.loads(resource_dir("rulesets", "qd06-2019.json").read_text("utf-8"))
        src["version"] = "2099.1"
        rs_file = root / "qd06-2099.json"
        rs_file.write_text(json.dumps(src, ensure_ascii=False), "utf-8")
        other = root / "other-ruleset"
        other.mkdir()
        ws, _ = _commune(root, name_of(1), seed=5, year=2024, code=code_of(1), category=category_of(1),
                         public_key=b.public_key, ruleset_file=rs_file)
        b.other_ruleset = packages.export_package(ws, other).path
        ws.close()
        lines = ["code,name,category"] + [f"{code_of(i)},{name_of(i)},{category_of(i)}" for i in range(N)]
        b.csv = root / "units.csv"
        b.csv.write_text("\n".join(lines) + "\n", "utf-8")
    yield b


@pytest.fixture
def upper(built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A fresh upper-level installation holding the district's key, its area set and its 30 units."""
    from cff_desktop.services.district import import_units

    with using_keyring(built.keyring):
        ws = open_upper(built.upper_home, tmp_path / "upper", monkeypatch, name="Huyện Cao Lộc", level="district",
                        province="Lạng Sơn", signer_name="Hoàng Văn Bình")
        assert import_units(ws, built.csv).imported == N
        _register_signers(ws, built)
        yield ws
        ws.close()


def _register_signers(ws, built: Built) -> None:
    """What the district did by phone for each commune: its laptops' fingerprints, per unit code."""
    from signer_helpers import register_signers

    register_signers(ws, *built.folders.values(), built.resubmitted, built.other_ruleset)


def snapshot_of(ws) -> tuple[dict[str, Any], dict[str, bytes]]:
    folder = ws.paths.home / "district"
    return dump(ws), (listing(folder) if folder.is_dir() else {})


def _import_all(ws, built: Built) -> None:
    from cff_desktop.services.district import import_path

    for y in YEARS:
        res = import_path(ws, built.folders[y])
        assert [r.status for r in res] == ["imported"] * N, [r.reason for r in res if r.status != "imported"]


# --- receiving ---------------------------------------------------------------------------------------


def test_folder_of_real_packages_fills_the_inbox(upper, built: Built) -> None:
    from cff_desktop.services.district import inbox, unit_detail

    _import_all(upper, built)
    rows = inbox(upper, 2024)
    assert len(rows) == N and all(r["state"] == "verified" for r in rows)
    assert {r["code"] for r in rows if r["passing"]} == built.passing[2024]
    assert all(r["total"] is not None and r["threshold"] in (800, 850, 900) for r in rows)
    d = unit_detail(upper, code_of(0))
    assert [r["year"] for r in d["rounds"]] == list(YEARS)
    assert all(len(r["criteria"]) == 13 for r in d["rounds"])
    assert d["current"]["documents"] and all(Path(p).read_bytes()[:5] == b"%PDF-" for p in d["current"]["documents"])
    assert isinstance(d["current"]["evidence"], list)
    # importing the same folder again changes nothing
    before = snapshot_of(upper)
    from cff_desktop.services.district import import_path

    assert {r.status for r in import_path(upper, built.folders[2024])} == {"duplicate"}
    assert snapshot_of(upper) == before


def test_newer_package_supersedes_and_appraisal_on_the_old_one_is_refused(upper, built: Built) -> None:
    from cff_desktop.services.district import appraisal, appraise, find_package, import_path, receive_package

    import_path(upper, built.folders[2024])
    old = find_package(upper, f"{code_of(0)}/2024")
    appraise(upper, old["uuid"], "7.1", "disagree", comment="Sổ tiêm chủng thiếu tháng 10", corrected="40/45")
    r = receive_package(upper, built.resubmitted)
    assert r.status == "imported" and r.superseded == old["sha256"]
    rows = upper.store.query("SELECT sha256, superseded_by FROM received_package WHERE unit_code = ? AND year = 2024",
                             (code_of(0),))
    assert {x["sha256"]: x["superseded_by"] for x in rows} == {old["sha256"]: r.sha256, r.sha256: None}
    assert appraisal(upper, old["sha256"])["7.1"]["comment"] == "Sổ tiêm chủng thiếu tháng 10"  # history stays
    before = snapshot_of(upper)
    with pytest.raises(CffError) as e:
        appraise(upper, old["uuid"], "7.1", "agree")
    assert "đã được thay bằng gói xã gửi sau" in e.value.message and "không thẩm định trên gói cũ" in e.value.message
    assert snapshot_of(upper) == before
    assert find_package(upper, f"{code_of(0)}/2024")["sha256"] == r.sha256


def test_older_package_arriving_late_is_kept_and_marked(upper, built: Built) -> None:
    from cff_desktop.services.district import find_package, receive_package

    new = receive_package(upper, built.resubmitted)
    older_path = next(p for p in built.folders[2024].iterdir() if "Nghiem-1-" in p.name)
    late = receive_package(upper, older_path)
    assert late.kept_older and late.superseded is None
    assert find_package(upper, f"{code_of(0)}/2024")["sha256"] == new.sha256
    row = upper.store.one("SELECT superseded_by FROM received_package WHERE sha256 = ?", (late.sha256,))
    assert row["superseded_by"] == new.sha256


def test_package_from_a_commune_not_in_the_area_is_refused(upper, built: Built) -> None:
    from cff_desktop.services.district import import_path, receive_package

    before = snapshot_of(upper)
    with pytest.raises(CffError) as e:
        receive_package(upper, built.outsider)
    assert e.value.message.startswith("Xã Ngoài Địa Bàn (09999) không thuộc địa bàn Huyện Cao Lộc")
    assert snapshot_of(upper) == before
    res = import_path(upper, built.outsider)
    assert res[0].status == "refused" and "không thuộc địa bàn" in res[0].reason
    assert snapshot_of(upper) == before


def test_package_on_another_rule_set_is_refused(upper, built: Built) -> None:
    from cff_desktop.services.district import receive_package

    before = snapshot_of(upper)
    with pytest.raises(CffError) as e:
        receive_package(upper, built.other_ruleset)
    # a version of the area's rule set this installation does not hold: named, with how to get it
    assert "qd06-2019 phiên bản 2099.1" in e.value.message and "chưa có đúng bộ tiêu chí đó" in e.value.message
    assert "cff rulesets import" in e.value.message
    assert snapshot_of(upper) == before


def test_csv_with_bad_rows_imports_nothing_unless_told(upper, tmp_path: Path) -> None:
    from cff_desktop.services.district import import_units, units

    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,category\n02001,Phường Đông Kinh,urban_ward\n02X02,Xã Mai Pha,other\n"
                   "02003,,other\n02004,Xã Gia Cát,núi\n02001,Xã Trùng Mã,other\n02005,Xã Hợp Thành,miền núi\n",
                   "utf-8")
    before = snapshot_of(upper)
    with pytest.raises(CffError) as e:
        import_units(upper, bad)
    assert e.value.message.startswith("tệp có 4 dòng sai (dòng 3, 4, 5, 6); chưa nhập đơn vị nào.")
    assert "--good-rows" in e.value.message
    assert snapshot_of(upper) == before
    res = import_units(upper, bad, good_rows=True)
    assert res.imported == 2 and [b["line"] for b in res.bad] == [3, 4, 5, 6]
    got = {u["code"]: u["category"] for u in units(upper)}
    assert got["02001"] == "urban_ward" and got["02005"] == "mountain_island_disadvantaged" and len(got) == N + 2


def test_merged_unit_carries_its_predecessors_recognitions(upper, built: Built, tmp_path: Path) -> None:
    from cff_desktop.services.district import decide, import_path, import_units, pass_to_council
    from cff_desktop.services.district_report import streaks

    # two communes that pass every round (only a passing appraised result may be recognised)
    first, second = sorted(c for c in built.passing[YEARS[0]] if all(c in built.passing[y] for y in YEARS))[:2]
    for y in YEARS:
        import_path(upper, built.folders[y])
        for ref in (f"{first}/{y}", f"{second}/{y}"):
            pass_to_council(upper, ref)
            decide(upper, ref, True)
    merged = tmp_path / "merged.csv"
    merged.write_text(f"code,name,category,predecessors\n03001,Xã Hợp Nhất,other,{first};{second}\n", "utf-8")
    import_units(upper, merged)
    codes = {s["code"] for s in streaks(upper, 2024)["3"]}
    assert codes == {first, second, "03001"}


# --- appraisal, return and decision through a real inbox server ---------------------------------


def test_appraise_and_return_reach_the_commune_through_the_inbox(upper, built: Built, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from sync_helpers import District
    from test_sync_flow import FAST, passes

    from cff_desktop.services import keys
    from cff_desktop.services.district import (
        appraise,
        decide,
        find_package,
        get_area,
        import_inbox,
        init_area,
        pass_to_council,
        return_package,
    )
    from cff_desktop.services.sync import enrol, submit

    server = District(tmp_path / "inbox")
    try:
        area = get_area(upper)
        init_area(upper, name=area["name"], level="district", province="Lạng Sơn", inbox_data=str(server.data))
        communes = []
        rings = {4: MemoryKeyring(), 5: MemoryKeyring()}  # one keyring per laptop: tokens are per server key
        for i in (4, 5):
            keyring.set_keyring(rings[i])
            # (the upper fixture's monkeypatch puts CFF_HOME back after the test)
            ws = commune_round(tmp_path / f"commune-{i}", name=name_of(i), code=code_of(i), seed=11 + i, year=2025,
                               category=category_of(i), public_key=built.public_key)
            close_council(ws, 2025, votes_for=10)
            enrol(ws, server.url, server.code(code_of(i), name_of(i)))
            submit(ws)
            assert passes(ws, backoff=FAST).delivered
            communes.append(ws)
        keyring.set_keyring(built.keyring)
        monkeypatch.setenv("CFF_HOME", str(upper.paths.home))
        res = import_inbox(upper)
        assert sorted(r.code for r in res if r.status == "imported") == [code_of(4), code_of(5)]
        # each enrolled laptop is registered for its own unit only, never trusted for every unit
        from cff_desktop.services.unit_keys import list_keys

        enrolled = {(k["unit_code"], k["fingerprint"]) for k in list_keys(upper) if k["source"] == "inbox"}
        assert enrolled == {(code_of(i), keys.load_settings(ws)["device_fingerprint"])
                            for i, ws in zip((4, 5), communes, strict=True)}
        assert "trusted" not in keys.load_settings(upper)
        a, b = find_package(upper, f"{code_of(4)}/2025"), find_package(upper, f"{code_of(5)}/2025")
        assert a["source"] == "inbox"
        appraise(upper, a["uuid"], "1.1", "agree")
        appraise(upper, a["uuid"], "7.1", "disagree", comment="Số trẻ dưới 1 tuổi không khớp sổ tiêm chủng",
                 corrected="30/32")
        assert find_package(upper, a["uuid"])["state"] == "under_appraisal"
        out = return_package(upper, a["uuid"], ["Bổ sung chữ ký của Chủ tịch UBND xã"])
        assert out["delivery"] == "inbox"
        pass_to_council(upper, b["uuid"])
        decide(upper, b["uuid"], False, reason="Tổng điểm dưới điểm chuẩn của phường")
        keyring.set_keyring(rings[4])
        monkeypatch.setenv("CFF_HOME", str(tmp_path / "commune-4"))
        got = passes(communes[0], backoff=FAST).decisions
        assert got[0]["decision"] == "returned" and got[0]["package_uuid"] == a["uuid"]
        texts = [c["text"] for c in got[0]["comments"]]
        assert "Bổ sung chữ ký của Chủ tịch UBND xã" in texts
        assert any("7.1" in t and "30/32" in t for t in texts)
        assert any(c["criterion"] == "7" for c in got[0]["comments"])
        keyring.set_keyring(rings[5])
        monkeypatch.setenv("CFF_HOME", str(tmp_path / "commune-5"))
        got = passes(communes[1], backoff=FAST).decisions
        assert got[0]["decision"] == "accepted"
        # the package was never touched: its bytes still hash to the recorded SHA-256
        from cff_desktop.dossier.writer import sha256_of

        assert sha256_of(Path(a["file"])) == a["sha256"]
        for ws in communes:
            ws.close()
    finally:
        keyring.set_keyring(built.keyring)
        server.stop()


# --- figures against a hand count ---------------------------------------------------------------------


def _decide_rounds(ws, built: Built) -> dict[int, set[str]]:
    """Recognise every passing commune except those with code ending in 7 (council said no)."""
    from cff_desktop.services.district import decide, pass_to_council

    recognised: dict[int, set[str]] = {}
    for y in YEARS:
        recognised[y] = set()
        for i in range(N):
            c = code_of(i)
            if c not in built.passing[y]:
                continue
            pass_to_council(ws, f"{c}/{y}")
            if c.endswith("7"):
                decide(ws, f"{c}/{y}", False, reason="Hồ sơ minh chứng tiêu chí 13 chưa đầy đủ")
            else:
                decide(ws, f"{c}/{y}", True)
                recognised[y].add(c)
    return recognised


def test_report_annex_and_excel_equal_a_hand_count(upper, built: Built, tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from cff_desktop.services.district import set_decision
    from cff_desktop.services.district_print import render
    from cff_desktop.services.district_report import export_xlsx, report, set_target

    _import_all(upper, built)
    rec = _decide_rounds(upper, built)
    set_target(upper, 2024, 85)
    r = report(upper, 2024)
    hand_pass = len(built.passing[2024])
    hand_rec = len(rec[2024])
    assert (r["units"], r["assessed"], r["passing"], r["recognized"]) == (N, N, hand_pass, hand_rec)
    assert r["rate"] == round(100 * hand_rec / N, 2) and r["target"] == 85
    for k, cat in enumerate(CATS):
        mine = {code_of(i) for i in range(N) if i % 3 == k}
        b = r["by_category"][cat]
        assert (b["units"], b["passing"], b["recognized"]) == (len(mine), len(mine & built.passing[2024]),
                                                               len(mine & rec[2024]))
    assert {k: r["change"][k] for k in ("previous_round", "assessed", "passing", "recognized", "rate")} == {
        "previous_round": 2023, "assessed": 0, "passing": hand_pass - len(built.passing[2023]),
        "recognized": hand_rec - len(rec[2023]), "rate": round(100 * hand_rec / N - 100 * len(rec[2023]) / N, 2)}
    three = rec[2022] & rec[2023] & rec[2024]
    assert {s["code"] for s in r["recognized_3_in_a_row"]} == three and r["recognized_5_in_a_row"] == []
    assert {c["code"] for c in r["communes"] if c["recognized"]} == rec[2024]
    set_decision(upper, 2024, number="125/QĐ-UBND", signed_on="2024-12-05",
                 council={"chair": "Hoàng Văn Bình", "secretary": "Lê Thị Mai", "members": ["Vi Văn Nam"]})
    pdf = render(upper, "decision", tmp_path / "in", 2024)
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert f"Công nhận {hand_rec} đơn vị" in text and f"Tổng số: {hand_rec} đơn vị." in text
    annex = text[text.index("DANH SÁCH"):]
    assert sorted(c for c in rec[2024] if c in annex) == sorted(rec[2024])
    assert not [c for c in (built.passing[2024] - rec[2024]) if c in annex]
    for kind in ("council-minutes", "report"):
        assert render(upper, kind, tmp_path / "in", 2024).read_bytes()[:5] == b"%PDF-"
    xlsx = export_xlsx(upper, tmp_path / "bang.xlsx", 2024)
    wb = load_workbook(xlsx)
    summary = {row[0]: row[1] for row in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Số đơn vị được công nhận"] == hand_rec and summary["Số đơn vị tự đánh giá đạt chuẩn"] == hand_pass
    assert wb["Danh sách"].max_row == N + 1


def test_cli_report_list_and_bad_csv(upper, built: Built, cff, cff_home: Path, tmp_path: Path) -> None:
    from cff_desktop.services.district import import_path

    import_path(upper, built.folders[2024])
    db = str(upper.paths.db)
    rep = json.loads(cff("--db", db, "district", "report", "--round", "2024", "--json", check=True).stdout)
    assert {"assessed", "passing", "recognized", "rate", "by_category", "communes"} <= set(rep)
    assert rep["assessed"] == N and rep["passing"] == len(built.passing[2024]) and rep["recognized"] == 0
    rows = json.loads(cff("--db", db, "district", "list", "--json", check=True).stdout)
    assert len(rows) == N and rows[0]["state"] == "verified"
    p = cff("--db", db, "district", "export-xlsx", str(tmp_path / "x.xlsx"), "--round", "2024")
    assert p.returncode == 0 and (tmp_path / "x.xlsx").is_file()
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,category\n04001,Xã A,other\n04002,Xã B,sai\n", "utf-8")
    conn = sqlite3.connect(db)
    before = conn.execute("SELECT COUNT(*) FROM area_unit").fetchone()
    conn.close()
    p = cff("--db", db, "district", "units", "import", str(bad))
    assert p.returncode == 2 and "tệp có 1 dòng sai (dòng 3); chưa nhập đơn vị nào" in p.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM area_unit").fetchone() == before
    conn.close()
    p = cff("--db", db, "district", "units", "import", str(bad), "--good-rows", check=True)
    assert "Đã nhập 1 đơn vị." in p.stdout and "Bỏ qua dòng 3" in p.stdout


# --- the screens ------------------------------------------------------------------------------------


def test_upper_level_screens(qtbot, upper, built: Built, tmp_path: Path) -> None:
    from gui_helpers import open_upper_window

    from cff_desktop.services.district import import_path

    for y in YEARS:
        import_path(upper, built.folders[y])
    win = open_upper_window(qtbot, upper.paths.db)
    shell = win.shell
    qtbot.waitUntil(lambda: shell.inbox.loaded)
    assert shell.inbox.proxy.rowCount() == N and shell.inbox.year.value() == 2024
    shell.open_unit(code_of(0))
    # criterion, maximum, one column per round, and the current round's appraised points
    assert shell.unit.criteria.rowCount() == 13 and shell.unit.criteria.columnCount() == 3 + len(YEARS)
    shell.unit.indicator.setCurrentIndex(shell.unit.indicator.findData("7.1"))
    shell.unit.verdict.setCurrentIndex(1)
    shell.unit.comment.setText("Sổ tiêm chủng thiếu tháng 10")
    shell.unit.appraise()
    assert "7.1: không đồng ý" in shell.unit.appraisal.text()
    for key in ("inbox", "unit", "decision", "report"):
        shell.show_page(key)
        img = win.grab()
        assert (img.width(), img.height()) == (1366, 768)
        img.save(str(tmp_path / f"{key}.png"))
    shell.pages["report"].export(str(tmp_path / "r.xlsx"))
    qtbot.waitUntil(lambda: (tmp_path / "r.xlsx").is_file())


def test_upper_level_audit_names_the_signer_and_dates_read_vietnamese(qtbot, upper, built: Built,
                                                                      tmp_path: Path) -> None:
    from cff_desktop.services.district import import_path
    from cff_desktop.ui.app import build_window, screenshots

    import_path(upper, built.folders[YEARS[-1]])
    win = build_window(str(upper.paths.db))
    qtbot.addWidget(win)
    shell = win.shell
    qtbot.waitUntil(lambda: shell.inbox.loaded)
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", shell.inbox.proxy.index(0, 6).data())
    shell.open_unit(code_of(0))
    shell.unit.indicator.setCurrentIndex(shell.unit.indicator.findData("1.1"))
    shell.unit.appraise()
    actor = upper.store.one("SELECT actor FROM audit WHERE action = 'district.appraise' ORDER BY seq DESC")["actor"]
    assert actor == "Hoàng Văn Bình (Huyện Cao Lộc)"
    shots = screenshots(tmp_path / "shots", str(upper.paths.db))
    assert [p.name.split("-", 1)[1] for p in shots] == [
        "cap-tren-hop-thu.png", "cap-tren-don-vi.png", "cap-tren-decision.png", "cap-tren-report.png"]


def test_latest_year_is_the_newest_round_received_and_the_default_everywhere(upper, built: Built, cff,
                                                                              cff_home: Path) -> None:
    from cff_desktop.services.district import import_path, inbox, latest_year

    db = str(upper.paths.db)
    assert latest_year(upper) is None
    assert {r["year"] for r in inbox(upper)} == {None}
    p = cff("--db", db, "district", "report")
    assert p.returncode == 2 and "chưa có hồ sơ nào; cho biết năm bằng --round NĂM." in p.stderr
    for y in (YEARS[1], YEARS[0]):  # an older round arriving last does not move the default back
        import_path(upper, built.folders[y])
    assert latest_year(upper) == YEARS[1]
    assert {r["year"] for r in inbox(upper)} == {YEARS[1]}
    assert all(r["state"] == "verified" for r in inbox(upper))
    rep = json.loads(cff("--db", db, "district", "report", "--json", check=True).stdout)
    assert rep["assessed"] == N and rep["passing"] == len(built.passing[YEARS[1]])


def test_refusals_in_the_upper_window_name_its_buttons_not_cli_flags(qtbot, upper, built: Built) -> None:
    from cff_desktop.services import district
    from cff_desktop.ui.app import build_window
    from cff_desktop.ui.remedies import ui_hint

    folder = built.folders[YEARS[0]]
    with upper.store.transaction() as conn:  # as before the province compared the laptops by phone
        keys = conn.execute("SELECT * FROM unit_key").fetchall()
        conn.execute("DELETE FROM unit_key")
    before = snapshot_of(upper)
    # devices not yet trusted: every package refused, naming the remedy rather than a flag
    res = district.import_path(upper, folder)
    assert [r.status for r in res] == ["refused"] * N and {r.remedy for r in res} == {"trust_device"}
    assert all("máy lạ" in r.reason and "--" not in r.reason for r in res)
    assert "«Tin máy này»" in ui_hint(res[0].remedy)
    assert snapshot_of(upper) == before
    with upper.store.transaction() as conn:
        conn.executemany("INSERT INTO unit_key VALUES (" + ",".join("?" * len(keys[0])) + ")", [tuple(k) for k in keys])
    # returning a dossier without a comment: the window points at the box beside the button
    district.import_path(upper, folder)
    win = build_window(str(upper.paths.db))
    qtbot.addWidget(win)
    win.show()
    shell = win.shell
    qtbot.waitUntil(lambda: shell.inbox.loaded)
    shell.open_unit(code_of(0))
    shell.unit.return_text.setText("")
    before = snapshot_of(upper)
    shell.unit.give_back()
    text = shell.unit.status.text()
    assert "Trả lại hồ sơ cần ít nhất một nhận xét" in text and "«Trả lại xã»" in text, text
    assert "--comment" not in text and "cff" not in text
    assert snapshot_of(upper) == before
    win.close()
