"""One round, end to end, for each kind of unit: what the officer types is what every side counts.

A sector officer types figures (clears one, corrects another) — through the real criterion window
for a ward, through the services for the other unit types. The database, the dashboard,
``cff score --json``, the council's closed snapshot, the printed minutes and score table must
agree. The clerk exports the dossier encrypted to the upper level's key; the upper level (its own
data folder, its own list of units) imports it, and its stored total, inbox row, ``cff district
list --json``, report and decision annex must equal the commune's own ``cff score --json``. An
adversary holding the commune's real key is refused, in one line, with nothing written. Reopened,
corrected and sent again, the dossier supersedes the first by its signed revision; the decision goes
back on a stick and the commune's dashboard says the unit was recognised.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sqlite3
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import folder_state
from memory_keyring import using_memory_keyring

from cff_desktop.dossier.package import PayloadFile, build

UNITS = {  # unit type → (name, category on the upper level's list, the word the papers use)
    "xa": ("Xã Hoàng Đồng", "mountain_island_disadvantaged", "xã"),
    "phuong": ("Phường Tân Lập", "urban_ward", "phường"),
    "thi_tran": ("Thị trấn Na Sầm", "other", "thị trấn"),
    "dac_khu": ("Đặc khu Vân Đồn", "mountain_island_disadvantaged", "đặc khu"),
}
CODE, OTHER = "99001", "99002"
YEAR = 2024
OFFICER = "Vi Thị Hồng"  # the health station: criteria 7 and 8
NOTE = "Sổ theo dõi dinh dưỡng của Trạm Y tế, đã đối chiếu"
STANDARD = "xã, phường, thị trấn phù hợp với trẻ em"
# "xã" that is not the unit's word: the standard's own name, "xã hội", "thị xã", and the legal names of the
# categories ("Xã, thị trấn miền núi, hải đảo hoặc xã đặc biệt khó khăn"; "… quận, thị xã, thành phố …").
NOT_THE_UNIT = re.compile(r"xã, phường, thị trấn|xã hội|thị xã|xã đặc biệt khó khăn|Xã, thị trấn miền núi", re.I)


def stray_xa(text: str) -> list[str]:
    """Every "xã" in ``text`` that should have been the unit's own word, with its neighbourhood."""
    bare = NOT_THE_UNIT.sub("", text)
    return [bare[max(0, m.start() - 40):m.end() + 40] for m in re.finditer(r"\bxã\b", bare, re.I)]


def cff_json(home: Path, *args: str) -> Any:
    """``cff ARGS --json`` through the real command line entry point, in this process (its keyring)."""
    from cff_desktop.cli import main

    old = os.environ.get("CFF_HOME")
    os.environ["CFF_HOME"] = str(home)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            rc = main([*args, "--json"])
    finally:
        os.environ["CFF_HOME"] = old or ""
    assert rc == 0, (args, out.getvalue())
    return json.loads(out.getvalue())


def cff_run(home: Path, *args: str) -> tuple[int, str, str]:
    """``cff ARGS`` in this process: exit code, stdout, stderr."""
    from cff_desktop.cli import main

    old = os.environ.get("CFF_HOME")
    os.environ["CFF_HOME"] = str(home)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = main(list(args))
    finally:
        os.environ["CFF_HOME"] = old or ""
    return rc, out.getvalue(), err.getvalue()


def pdf_text(pdf: Path, layout: bool = True) -> str:
    """The PDF's words in reading order (``layout=False`` for text wrapped inside table cells)."""
    args = ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def stored(db: Path) -> dict[str, Any]:
    con = sqlite3.connect(db)
    try:
        return {iid: json.loads(v) for iid, v in con.execute("SELECT indicator_id, value FROM value")}
    finally:
        con.close()


@pytest.fixture
def kr() -> Any:
    with using_memory_keyring() as k:
        yield k


def at(home: Path, monkeypatch: pytest.MonkeyPatch):
    """Open (or create) the workspace of the installation in ``home``."""
    from cff_desktop.services.workspace import open_workspace

    monkeypatch.setenv("CFF_HOME", str(home))
    return open_workspace(create=True)


def setup_sides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unit_type: str) -> tuple[Path, Path, Path]:
    """The upper level's key and area (units CSV naming this unit), and the commune's demo round."""
    from cff_desktop.services import demo, keys
    from cff_desktop.services.district import import_units, init_area

    name, category, _ = UNITS[unit_type]
    upper, commune, pub = tmp_path / "upper", tmp_path / "commune", tmp_path / "upper.pub"
    ws = at(upper, monkeypatch)
    keys.generate_upper(ws.paths, pub)
    init_area(ws, name="Huyện Cao Lộc", level="district", province="Lạng Sơn", signer_name="Hoàng Văn Bình")
    csv = tmp_path / "units.csv"
    csv.write_text(f"code,name,category\n{CODE},{name},{category}\n{OTHER},Xã Tân Liên,other\n", "utf-8")
    assert import_units(ws, csv).imported == 2
    ws.close()
    ws = at(commune, monkeypatch)
    demo.create_demo(ws, commune=name, unit_type=unit_type, code=CODE, category=category, year=YEAR)
    keys.import_upper(ws, str(pub))
    ws.close()
    return upper, commune, pub


def type_figures_in_window(qtbot, commune: Path) -> str:
    """The officer signs in, clears 8.1, corrects 8.2 with a Vietnamese note, typed as an IME does.

    Then the clerk signs in. Returns what the criterion page, the dashboard and the council page
    show, joined by " | "."""
    from gui_helpers import set_text, sign_in

    from cff_desktop.ui.app import build_window

    win = build_window()
    qtbot.addWidget(win)
    win.show()
    sign_in(qtbot, win, OFFICER)
    page = win.shell.entry.show_criterion("8")
    for f in page.editors["8.1"].fields:
        set_text(f, "")
    page.flush()
    num, den = page.editors["8.2"].fields
    set_text(den, "150")
    set_text(num, "9")
    set_text(page.editors["8.2"].note, NOTE)
    page.flush()
    assert "Chưa nhập" in page.editors["8.1"].message.text()
    shown = page.total.text()
    win.close()
    # The clerk's window: the dashboard's total and verdict, and the council page's own name.
    clerk = build_window()
    qtbot.addWidget(clerk)
    clerk.show()
    sign_in(qtbot, clerk, "Hoàng Thị Mai")
    dash = clerk.shell.show_page("dashboard")
    dash.refresh()
    shown += " | " + dash.total.text()
    council = clerk.shell.show_page("council")
    council.reload()
    shown += " | " + council.head.text()
    clerk.grab().save(str(commune.parent / "council-page.png"))
    clerk.close()
    return shown


def type_figures_by_service(commune: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cff_desktop.services.values import clear_value, set_value

    ws = at(commune, monkeypatch)
    assert clear_value(ws, "8.1", as_officer=OFFICER)
    set_value(ws, "8.2", {"numerator": 9, "denominator": 150}, as_officer=OFFICER, note=NOTE)
    ws.close()


def close_and_check_papers(commune: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, word: str,
                           tag: str) -> dict[str, Any]:
    """Close the council; the snapshot, the dashboard, ``cff score`` and the printed papers agree."""
    from cff_desktop.common.text import format_points
    from cff_desktop.services import council
    from cff_desktop.services.dashboard import build_dashboard
    from cff_desktop.services.printing import render

    db = commune / "cff.sqlite"
    score = cff_json(commune, "--db", str(db), "score")
    ws = at(commune, monkeypatch)
    dash = build_dashboard(ws)
    assert (dash.result.total, dash.result.recognized) == (score["total"], score["recognized"])
    council.record_vote(ws, votes_for=9, votes_against=0)
    council.close_meeting(ws, conclusion="Đề nghị công nhận", ended_at=f"{YEAR}-11-05T10:30")
    snap, _ = council.get_snapshot(ws)
    assert (snap["score"]["total"], snap["score"]["recognized"]) == (score["total"], score["recognized"])
    assert {k: v["value"] for k, v in snap["values"].items()} == stored(db)
    out = tmp_path / f"papers-{tag}"
    minutes = pdf_text(render(ws, "minutes", out))
    table = pdf_text(render(ws, "scores", out))
    # a round that does not pass has no proposal (refused, pointing to the papers to send instead)
    kinds = ("report", "proposal") if score["recognized"] else ("report",)
    others = [pdf_text(render(ws, kind, out)) for kind in kinds]
    ws.close()
    for text in others:  # the commune's other papers name the unit in its own word too
        assert word == "xã" or stray_xa(text) == [], text
    total = format_points(score["total"])
    for text in (minutes, table):
        assert total in text, (total, text[:400])
        assert f" {word} " in text
        if word != "xã":
            assert stray_xa(text) == []
    assert NOTE in minutes  # the officer's Vietnamese note is the printed source of the figures
    assert "8.2. " in minutes and "9/150 (6,00 %)" in minutes
    if tag == "1":  # the cleared figure is printed as not entered
        assert "8.1" in minutes and "Chưa nhập số liệu" in minutes
    else:  # the figure entered after reopening
        assert "2/150 (1,33 %)" in minutes and "Chưa nhập số liệu" not in minutes
    return score


def export(commune: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> Path:
    from cff_desktop.services.packages import export_package

    ws = at(commune, monkeypatch)
    usb = tmp_path / name
    usb.mkdir()
    res = export_package(ws, usb)
    ws.close()
    assert res.encrypted and res.manifest["commune"]["code"] == CODE
    score = cff_json(commune, "--db", str(commune / "cff.sqlite"), "score")
    assert (res.manifest["summary"]["total"], res.manifest["summary"]["recognized"]) == (
        score["total"], score["recognized"])
    return res.path


def register(upper: Path, commune: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    from cff_desktop.services import keys
    from cff_desktop.services.unit_keys import add_key

    ws = at(commune, monkeypatch)
    fp = keys.device_info(ws)["fingerprint"]
    ws.close()
    ws = at(upper, monkeypatch)
    add_key(ws, CODE, fp, label="so qua điện thoại")
    ws.close()
    return fp


def forge(commune: Path, upper: Path, src: Path, out: Path, monkeypatch: pytest.MonkeyPatch, *,
          manifest: dict[str, Any] | None = None, snapshot: Any = None) -> Path:
    """``src`` rebuilt with a changed manifest or snapshot, signed with the commune's real device key.

    The adversary works on the commune's laptop: it has the dossier's content (read back here with
    the upper level's key only because the test has no other copy) and the upper level's public key.
    """
    from cff_desktop.dossier import crypto
    from cff_desktop.services import keys

    ws = at(upper, monkeypatch)
    identity = keys.upper_identity(ws)
    ws.close()
    ws = at(commune, monkeypatch)
    key = keys.device_key(ws.paths).key
    ws.close()
    with zipfile.ZipFile(src) as z:
        m = json.loads(z.read("manifest.json"))
        (out.parent / "sealed").mkdir(parents=True, exist_ok=True)
        sealed, clear = out.parent / "sealed" / f"{out.stem}.age", out.parent / "sealed" / f"{out.stem}.zip"
        sealed.write_bytes(z.read("payload.age"))
    assert crypto.decrypt_file(sealed, clear, identity)
    with zipfile.ZipFile(clear) as inner:
        files = {i.filename[len("payload/"):]: inner.read(i) for i in inner.infolist()}
    m.update(manifest or {})
    if snapshot is not None:
        files["snapshot.json"] = json.dumps(snapshot, ensure_ascii=False).encode()
    header = {k: v for k, v in m.items() if k not in ("members", "payload", "encryption", "format",
                                                      "format_version", "device")}
    header["device"] = {"id": m["device"]["id"]}
    work = out.parent / f".work-{out.stem}"
    work.mkdir()
    build(out, header, [PayloadFile(n, data=d) for n, d in files.items()], key, m["encryption"]["recipient"], work)
    work.rmdir()
    return out


def upper_agrees(upper: Path, score: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The stored total, the inbox row and ``cff district list --json`` say the commune's own score."""
    from cff_desktop.services.district_report import inbox_rows, report

    rows = cff_json(upper, "district", "list", "--round", str(YEAR))
    row = next(r for r in rows if r["code"] == CODE)
    assert (row["total"], row["passing"]) == (score["total"], score["recognized"]), row
    ws = at(upper, monkeypatch)
    inbox = next(r for r in inbox_rows(ws, YEAR) if r["code"] == CODE)
    assert (inbox["total"], inbox["passing"]) == (score["total"], score["recognized"])
    kept = ws.store.query("SELECT total FROM received_package WHERE unit_code = ? AND superseded_by IS NULL",
                          (CODE,))
    assert [float(r["total"]) for r in kept] == [float(score["total"])]
    rep = report(ws, YEAR)
    ws.close()
    assert (rep["units"], rep["assessed"], rep["passing"]) == (2, 1, 1 if score["recognized"] else 0)


def decide_and_print(upper: Path, score: dict[str, Any], monkeypatch: pytest.MonkeyPatch, word: str,
                     tmp_path: Path, unit_type: str) -> None:
    """Agree with every figure, recognise; the report and the decision's annex name this unit rightly."""
    from cff_desktop.common.text import format_points
    from cff_desktop.services import district
    from cff_desktop.services.district_print import context, render
    from cff_desktop.services.district_report import inbox_rows

    name = UNITS[unit_type][0]
    ws = at(upper, monkeypatch)
    ref = f"{CODE}/{YEAR}"
    for c in score["criteria"]:
        for ind in c["indicators"]:
            if ind["value"] is not None and ind["id"] != "8.2":
                district.appraise(ws, ref, ind["id"], "agree")
    # one figure corrected within the same band: the reviewers' minutes name it, the total stands
    district.appraise(ws, ref, "8.2", "disagree", comment="Sổ theo dõi ghi 8 trẻ", corrected="8/150")
    inbox = next(r for r in inbox_rows(ws, YEAR) if r["code"] == CODE)
    assert (inbox["appraised_total"], inbox["appraised_passing"]) == (score["total"], score["recognized"])
    assert score["recognized"], "the demo round with these figures should pass"
    district.pass_to_council(ws, ref)
    district.decide(ws, ref, True)
    district.set_decision(ws, YEAR, number="125/QĐ-UBND", signed_on=f"{YEAR}-12-05",
                          council={"chair": "Hoàng Văn Bình", "secretary": "Lê Thị Mai", "members": ["Vi Văn Nam"]})
    dec = pdf_text(render(ws, "decision", tmp_path / "dec", YEAR))
    minutes = pdf_text(render(ws, "council-minutes", tmp_path / "hd", YEAR), layout=False)
    findings = [d["findings"] for d in context(ws, YEAR).dossiers]  # what the minutes' table cells hold
    rp = pdf_text(render(ws, "report", tmp_path / "rep", YEAR))
    ws.close()
    annex = dec[dec.index("DANH SÁCH"):]
    place = name.split(" ", 2)[-1] if unit_type == "thi_tran" else name.split(" ", 1)[-1]
    assert place in annex and format_points(score["total"]) in annex, annex
    assert findings == [[f"Chỉ số 8.2: {word} báo cáo 9/150, thẩm định 8/150 — Sổ theo dõi ghi 8 trẻ"]]
    assert f"Chỉ số 8.2: {word}" in minutes, minutes  # the table cell wraps after the unit word
    for text in (dec, rp, minutes):
        assert word == "xã" or stray_xa(text.replace("Xã Tân Liên", "")) == [], text
    row = f"{CODE} {name} {format_points(score['total'])} {format_points(score['total'])}"
    assert row in rp and row in annex, rp


@pytest.mark.parametrize("unit_type", list(UNITS))
def test_one_round_agrees_end_to_end(unit_type: str, kr, qtbot, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from cff_desktop.services import council
    from cff_desktop.services.district import import_path
    from cff_desktop.services.values import set_value

    monkeypatch.setattr("cff_desktop.services.packages.export._printing_available", lambda: False)
    word = UNITS[unit_type][2]
    upper, commune, _pub = setup_sides(tmp_path, monkeypatch, unit_type)
    shown = ""
    if unit_type == "phuong":
        monkeypatch.setenv("CFF_HOME", str(commune))
        shown = type_figures_in_window(qtbot, commune)
    else:
        type_figures_by_service(commune, monkeypatch)
    values = stored(commune / "cff.sqlite")
    assert "8.1" not in values and values["8.2"] == {"numerator": 9, "denominator": 150}
    score = close_and_check_papers(commune, tmp_path, monkeypatch, word, "1")
    if shown:  # the window said the same total as everything else, in the unit's own word
        from cff_desktop.common.text import format_points

        page_total, dash_total, council_head = shown.split(" | ")
        assert f"Tổng điểm của {word}: {format_points(score['total'])}" in page_total, page_total
        verdict = "ĐẠT" if score["recognized"] else "CHƯA ĐẠT"
        assert f">{format_points(score['total'])}</span>" in dash_total and f">{verdict}</span>" in dash_total
        assert council_head == f"Họp Hội đồng đánh giá {word} phù hợp với trẻ em"
    pkg = export(commune, tmp_path, monkeypatch, "usb1")
    register(upper, commune, monkeypatch)

    # -- the adversary with the commune's real key: each refused, nothing written
    with zipfile.ZipFile(pkg) as z:
        m = json.loads(z.read("manifest.json"))
    ws = at(commune, monkeypatch)
    snap = json.loads(json.dumps(council.get_snapshot(ws)[0]))
    ws.close()
    snap["score"]["total"] += 15
    bad = tmp_path / "bad"
    attacks = {
        "other-unit": forge(commune, upper, pkg, bad / "other.cffpkg", monkeypatch,
                            manifest={"commune": dict(m["commune"], code=OTHER)}),
        "future": forge(commune, upper, pkg, bad / "future.cffpkg", monkeypatch,
                        manifest={"created_at": "2099-01-01T00:00:00.000+00:00"}),
        "claimed": forge(commune, upper, pkg, bad / "claimed.cffpkg", monkeypatch, snapshot=snap,
                         manifest={"summary": dict(m["summary"], total=m["summary"]["total"] + 15)}),
        "claimed-manifest": forge(commune, upper, pkg, bad / "claimed2.cffpkg", monkeypatch,
                                  manifest={"summary": dict(m["summary"], total=m["summary"]["total"] + 15)}),
    }
    needles = {"other-unit": OTHER, "future": "ở tương lai", "claimed": "chấm lại", "claimed-manifest": "chấm lại được"}
    for what, bad in attacks.items():
        before = folder_state(upper)
        rc, out, err = cff_run(upper, "district", "import", str(bad))
        assert (rc, out) == (2, ""), (what, rc, out, err)
        assert len(err.splitlines()) == 1 and err.startswith("cff: lỗi") and needles[what] in err, (what, err)
        assert folder_state(upper) == before, what

    ws = at(upper, monkeypatch)
    assert [r.status for r in import_path(ws, pkg)] == ["imported"]
    ws.close()
    upper_agrees(upper, score, monkeypatch)

    # -- reopen, correct, close, send again: the signed revision supersedes
    ws = at(commune, monkeypatch)
    council.reopen_round(ws, "Trạm Y tế rà soát lại sổ")
    set_value(ws, "8.1", {"numerator": 2, "denominator": 150}, as_officer=OFFICER, note=NOTE)
    ws.close()
    score2 = close_and_check_papers(commune, tmp_path, monkeypatch, word, "2")
    assert score2["total"] != score["total"]
    pkg2 = export(commune, tmp_path, monkeypatch, "usb2")
    with zipfile.ZipFile(pkg2) as z:
        m2 = json.loads(z.read("manifest.json"))
    assert (m["revision"], m2["revision"], m2["supersedes"]) == (1, 2, m["uuid"])
    ws = at(upper, monkeypatch)
    assert [r.status for r in import_path(ws, pkg2)] == ["imported"]
    ws.close()
    rows = cff_json(upper, "district", "list", "--round", str(YEAR))
    assert [r["total"] for r in rows if r["code"] == CODE] == [score2["total"]]
    upper_agrees(upper, score2, monkeypatch)
    # the unit's page at the upper level: the current dossier's criteria and figures are the commune's
    (cur,) = [r for r in cff_json(upper, "district", "show", CODE)["rounds"] if r["year"] == YEAR]
    assert cur["total"] == score2["total"]
    assert cur["criteria"] == {c["id"]: c["points"] for c in score2["criteria"]}
    assert {k: v["value"] for k, v in cur["values"].items()} == stored(commune / "cff.sqlite")
    assert cur["values"]["8.1"]["note"] == NOTE
    decide_and_print(upper, score2, monkeypatch, word, tmp_path, unit_type)

    # -- the decision goes back on a stick: the commune's dashboard says what the upper level decided
    from cff_desktop.services.dashboard import build_dashboard
    from cff_desktop.services.packages import import_package
    from cff_desktop.services.receipts import export_receipt

    ws = at(upper, monkeypatch)
    back = tmp_path / "usb-back"
    back.mkdir()
    receipt = export_receipt(ws, f"{CODE}/{YEAR}", back)
    ws.close()
    ws = at(commune, monkeypatch)
    import_package(ws, receipt)
    said = build_dashboard(ws).decisions
    ws.close()
    assert len(said) == 1 and said[0].startswith("Cấp trên đã công nhận đạt chuẩn"), said


@pytest.mark.parametrize("action,head", [
    ("not_recognised", "Cấp trên không công nhận đạt chuẩn"),
    ("council", "Cấp trên đã chấp nhận hồ sơ, trình Hội đồng xét duyệt"),
    (None, "Cấp trên trả lại hồ sơ"),  # a decision pulled by an older sync has no action: as before
])
def test_the_commune_reads_what_the_upper_level_did(action, head) -> None:
    from cff_desktop.services.sync import decision_action, decision_text

    doc = json.dumps({"decision": "returned", "action": action, "comments": [{"text": "Thiếu minh chứng"}]})
    d = {"id": "GBN-1", "decision": "returned", "comments": [{"text": "Thiếu minh chứng"}],
         "decided_at": "2024-12-05T02:00:00.000+00:00", "action": decision_action(doc)}
    assert decision_text(d) == f"{head} (GBN-1, 09:00 ngày 05/12/2024) — Thiếu minh chứng"


def switch_in_window(qtbot, commune: Path, target: str) -> str:
    """The clerk moves the open round to ``target`` in Thiết lập → Bộ tiêu chí, clearing what does not fit."""
    from gui_helpers import set_text, sign_in

    from cff_desktop.ui.app import build_window

    win = build_window()
    qtbot.addWidget(win)
    win.show()
    sign_in(qtbot, win, "Hoàng Thị Mai")
    page = win.shell.show_page("setup").rulesets
    page.b.setCurrentIndex(page.b.findData(target))
    set_text(page.reason, "Công văn 12/SYT-BMTE ngày 05/11/2024")
    page.clear_unfit.setChecked(True)
    page.switch()
    said = page.status.text()
    dash = win.shell.show_page("dashboard")
    dash.refresh()
    said += " | " + dash.total.text()
    win.close()
    return said


@pytest.mark.parametrize("unit_type", ["xa", "dac_khu"])
def test_a_rule_set_switch_agrees_end_to_end(unit_type: str, kr, qtbot, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Switching clears the figures the older table cannot take, through the one value writer: the
    database, the audit, the dashboard, the printed papers and the upper level then all agree."""
    from cff_desktop.common.text import format_points
    from cff_desktop.services.district import import_path

    monkeypatch.setattr("cff_desktop.services.packages.export._printing_available", lambda: False)
    word = UNITS[unit_type][2]
    upper, commune, _pub = setup_sides(tmp_path, monkeypatch, unit_type)
    type_figures_by_service(commune, monkeypatch)
    before = stored(commune / "cff.sqlite")
    assert {"3.1", "4.1"} <= set(before)
    monkeypatch.setenv("CFF_HOME", str(commune))
    said, dash_total = switch_in_window(qtbot, commune, "qd06-2019@2019.1").split(" | ")
    assert "sang qd06-2019 2019.1" in said and "Đã xóa để nhập lại: 3.1, 4.1." in said, said
    after = stored(commune / "cff.sqlite")
    assert after == {k: v for k, v in before.items() if k not in ("3.1", "4.1")}
    con = sqlite3.connect(commune / "cff.sqlite")
    cleared = {e.rsplit(":", 1)[1]: (actor, json.loads(old), json.loads(new)) for actor, e, old, new in con.execute(
        "SELECT actor, entity, old, new FROM audit WHERE action = 'value.clear' AND entity NOT LIKE '%8.1'")}
    done = con.execute("SELECT criterion_id FROM criterion_status WHERE done = 1 AND criterion_id IN ('3', '4')")
    assert done.fetchall() == []
    con.close()
    assert set(cleared) == {"3.1", "4.1"}
    for iid, (actor, old, new) in cleared.items():
        assert actor.startswith("Hoàng Thị Mai") and old["value"] == before[iid]
        assert 'cần {"count": số ca}' in new["why"]
    score = close_and_check_papers(commune, tmp_path, monkeypatch, word, "1")
    assert score["ruleset_version"] == "2019.1"
    assert f">{format_points(score['total'])}</span>" in dash_total, dash_total
    assert not score["criteria"][2]["assessed"] and not score["criteria"][3]["assessed"]
    pkg = export(commune, tmp_path, monkeypatch, "usb1")
    register(upper, commune, monkeypatch)
    ws = at(upper, monkeypatch)
    assert [r.status for r in import_path(ws, pkg)] == ["imported"]
    ws.close()
    upper_agrees(upper, score, monkeypatch)
