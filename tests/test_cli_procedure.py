"""The README's whole procedure with the command line alone: from `cff init` to a dossier on USB.

Nothing is set up through a window or by writing to the database: if a step of the procedure had
no command (the commune's code, the chair who signs, evidence), this test could not be written.
The walk runs real ``cff`` processes, as a clerk's script would; the refusals of the new commands
run in this process (``cli_inproc``) and check that nothing was written.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from cli_helpers import assert_refused, db_dump, folder_state, ok, run_cff
from cli_inproc import cff_inproc

from cff_desktop.services.demo import demo_figures


@pytest.fixture
def file_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No keyring service here: each `cff` process keeps its keys in a file keyring in tmp_path."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


def test_readme_procedure_from_init_to_exported_dossier(tmp_path: Path, file_keyring: None) -> None:
    home, upper, usb, papers = (tmp_path / n for n in ("xa", "tinh", "usb", "papers"))
    usb.mkdir()

    def cff(*args: str) -> str:
        return ok(run_cff(home, *args))

    # 1. set-up: commune, round, profile, officers
    cff("init", "--commune", "Phường Sa Pa", "--province", "Lào Cai", "--category", "other",
        "--round", "2025", "--code", "02845", "--unit-type", "phuong")
    cff("officer", "add", "--name", "Hoàng Thị Mai", "--sector", "vhxh", "--role", "clerk",
        "--pin")  # the PIN comes from CFF_PIN (set for the test suite) or a hidden prompt
    cff("officer", "add", "--name", "Vi Thị Hồng", "--sector", "y_te", "--pin")
    cff("profile", "set", "chair_name=Hoàng Văn Bình", "chair_title=Chủ tịch",
        "upper_level=Ủy ban nhân dân tỉnh Lào Cai", "villages=Tổ 1; Tổ 2; Tổ 3",
        "council_date=2025-11-05", "posting_start=2025-11-06", "submission_date=2025-11-15")
    profile = json.loads(cff("profile", "show", "--json"))
    assert profile["code"] == "02845" and profile["unit_type"] == "phuong"
    assert profile["chair_name"] == "Hoàng Văn Bình"
    assert profile["villages"] == ["Tổ 1", "Tổ 2", "Tổ 3"]

    # 2. data collection: the health officer enters her figures, the clerk the rest, with evidence
    figures = demo_figures(0)
    health = {k: v for k, v in figures.items() if k.split(".")[0] in ("5", "7", "8", "9")}
    (tmp_path / "y_te.json").write_text(json.dumps({"values": health}, ensure_ascii=False), "utf-8")
    (tmp_path / "rest.json").write_text(json.dumps(
        {"values": {k: v for k, v in figures.items() if k not in health}}, ensure_ascii=False), "utf-8")
    cff("values", "import", str(tmp_path / "y_te.json"), "--as", "Vi Thị Hồng")
    cff("values", "import", str(tmp_path / "rest.json"), "--as", "Hoàng Thị Mai")
    (tmp_path / "so-tiem-chung.txt").write_text("Sổ tiêm chủng 2025: 98/100", encoding="utf-8")
    (tmp_path / "bien-ban-thon.txt").write_text("Biên bản họp thôn", encoding="utf-8")
    cff("evidence", "attach", "7", str(tmp_path / "so-tiem-chung.txt"), "--as", "Vi Thị Hồng")
    cff("evidence", "attach", "1", str(tmp_path / "bien-ban-thon.txt"), "--as", "Hoàng Thị Mai")
    listed = json.loads(cff("evidence", "list", "--json"))
    assert [(e["criterion"], e["filename"]) for e in listed] == [
        ("7", "so-tiem-chung.txt"), ("1", "bien-ban-thon.txt")]
    score = json.loads(cff("score", "--json"))
    assert all(c["assessed"] for c in score["criteria"]) and score["reasons"] == []

    # 3. the council meets, votes and closes
    cff("council", "meeting", "--place", "Hội trường UBND phường", "--start", "2025-11-05T08:00")
    cff("council", "member", "--name", "Hoàng Văn Bình", "--position", "Chủ tịch UBND phường",
        "--role", "chair")
    cff("council", "member", "--name", "Hoàng Thị Mai", "--position", "Công chức VHXH",
        "--role", "secretary")
    cff("council", "vote", "--for", "2", "--against", "0")
    cff("council", "close", "--conclusion", "Đề nghị công nhận")

    # 4. the papers
    printed = cff("print", "all", "--out", str(papers))
    assert len(list(papers.glob("*.pdf"))) >= 5, printed

    # 5. keys exchanged, the dossier exported to USB, and the upper level reads it
    ok(run_cff(upper, "keys", "generate", "--out", str(tmp_path / "tinh.pub")))
    cff("keys", "import-upper", str(tmp_path / "tinh.pub"))
    path = Path(cff("package", "export", "--to", str(usb)).strip().splitlines()[0])
    assert path.parent == usb and path.suffix == ".cffpkg"
    seen = json.loads(ok(run_cff(upper, "package", "verify", str(path), "--json", "--trust")))
    assert seen["ok"] and seen["encrypted"] and seen["readable"]
    assert seen["commune"] == {"code": "02845", "name": "Phường Sa Pa", "province": "Lào Cai"}
    assert seen["summary"]["evidence"] == 2
    assert seen["summary"]["total"] == score["total"]


# --- refusals of the new commands ---------------------------------------------------------------

@pytest.mark.parametrize("pairs,needles", [
    (["colour=red"], ("không có trường 'colour'",)),
    (["chair_name"], ("KHÓA=GIÁ_TRỊ",)),
    (["unit_type=quan"], ("unit_type", "loại đơn vị 'quan'")),
    (["code=02A45"], ("code", "chỉ gồm chữ số")),
    (["category=rich"], ("rich",)),
    (["window_start=2024-13-01"], ("window_start", "không hợp lệ")),
    (["window_start=2024-12-01", "window_end=2024-01-01"], ("trước ngày kết thúc",)),
    (["posting_days=0"], ("posting_days", "1 đến 60")),
    (["posting_days=99999999999999999999"], ("posting_days",)),
    (["idle_lock_minutes=999"], ("idle_lock_minutes", "0 đến 240")),
    (["language=fr"], ("language", "'fr'")),
    (["chair_name=" + "X" * 500], ("chair_name", "tối đa 120")),
    (["name="], ("không được để trống",)),
    # one good field and one bad: neither is written
    (["chair_name=Lò Văn Minh", "window_end=hôm qua"], ("window_end",)),
    (["chair_name=Lò Văn Minh", "chair_name=Lò Văn Nam"], ("hai lần",)),
])
def test_profile_set_refuses_and_writes_nothing(home: Path, demo_db: Path, pairs: list[str],
                                                needles: tuple[str, ...]) -> None:
    before = db_dump(demo_db)
    assert_refused(cff_inproc(home, "profile", "set", *pairs, db=demo_db), *needles)
    assert db_dump(demo_db) == before


def test_profile_set_writes_an_audit_row_per_part(home: Path, demo_db: Path) -> None:
    ok(cff_inproc(home, "profile", "set", "chair_name=Lò Văn Minh", "sector_deadline=2024-11-08",
                  "language=en", db=demo_db))
    conn = sqlite3.connect(demo_db)
    try:
        actions = [r[0] for r in conn.execute("SELECT action FROM audit ORDER BY seq DESC LIMIT 3")]
    finally:
        conn.close()
    assert sorted(actions) == ["commune.update", "round.update", "setting"]
    view = json.loads(ok(cff_inproc(home, "profile", "show", "--json", db=demo_db)))
    assert (view["chair_name"], view["sector_deadline"], view["language"]) == (
        "Lò Văn Minh", "2024-11-08", "en")


def test_evidence_attach_is_all_or_nothing(home: Path, demo_db: Path, tmp_path: Path) -> None:
    good = tmp_path / "so.txt"
    good.write_text("sổ", encoding="utf-8")
    empty = tmp_path / "rong.txt"
    empty.write_bytes(b"")
    before_rows, before_files = db_dump(demo_db), folder_state(home)
    for files, needles in (([good, tmp_path / "khong-co.txt"], ("khong-co.txt", "không có tệp này")),
                           ([good, empty], ("rong.txt", "tệp rỗng")),
                           ([good, tmp_path], ("không phải một tệp",))):
        p = cff_inproc(home, "evidence", "attach", "7", *map(str, files), "--as", "Vi Thị Hồng",
                       db=demo_db)
        assert_refused(p, *needles)
    assert_refused(cff_inproc(home, "evidence", "attach", "1", str(good), "--as", "Vi Thị Hồng",
                              db=demo_db), "không được giao tiêu chí 1")
    assert db_dump(demo_db) == before_rows
    assert folder_state(home) == before_files


def test_evidence_remove_refusals_and_removal(home: Path, demo_db: Path, tmp_path: Path) -> None:
    f = tmp_path / "anh.txt"
    f.write_text("ảnh", encoding="utf-8")
    ok(cff_inproc(home, "evidence", "attach", "7", str(f), "--as", "Vi Thị Hồng", db=demo_db))
    (eid,) = [e["id"] for e in json.loads(ok(cff_inproc(home, "evidence", "list", "--json", db=demo_db)))]
    before = db_dump(demo_db)
    assert_refused(cff_inproc(home, "evidence", "remove", "abc", "--as", "1", db=demo_db), "phải là số")
    assert_refused(cff_inproc(home, "evidence", "remove", "999", "--as", "1", db=demo_db), "#999")
    assert_refused(cff_inproc(home, "evidence", "remove", str(eid), "--as", "Nông Văn Hải", db=demo_db),
                   "không được giao tiêu chí 7")
    assert db_dump(demo_db) == before
    ok(cff_inproc(home, "evidence", "remove", f"#{eid}", "--as", "Vi Thị Hồng", db=demo_db))
    assert json.loads(ok(cff_inproc(home, "evidence", "list", "--json", db=demo_db))) == []


@pytest.mark.parametrize("extra,needles", [
    (("--unit-type", "quan"), ("unit_type", "quan")),
    (("--code", "abc"), ("code", "chỉ gồm chữ số")),
])
def test_init_and_demo_refuse_bad_profile_before_creating_anything(home: Path, extra: tuple[str, ...],
                                                                   needles: tuple[str, ...]) -> None:
    db = home / "moi.sqlite"
    assert_refused(cff_inproc(home, "init", "--commune", "Xã A", "--province", "Lào Cai",
                              "--category", "other", "--round", "2025", *extra, db=db), *needles)
    assert_refused(cff_inproc(home, "demo", "create", *extra, db=db), *needles)
    assert not db.exists()


@pytest.mark.parametrize("unit_type", ["xa", "phuong", "thi_tran", "dac_khu"])
def test_demo_create_for_any_round_province_and_unit_type(home: Path, unit_type: str) -> None:
    db = home / "mau.sqlite"
    ok(cff_inproc(home, "demo", "create", "--round", "2026", "--province", "Quảng Ninh",
                  "--code", "22222", "--unit-type", unit_type, "--commune", "Đặc khu Vân Đồn", db=db))
    view = json.loads(ok(cff_inproc(home, "profile", "show", "--json", db=db)))
    assert (view["round"], view["province"], view["code"], view["unit_type"]) == (
        2026, "Quảng Ninh", "22222", unit_type)
    assert view["upper_level"] == "Ủy ban nhân dân tỉnh Quảng Ninh"
    assert view["window_end"] == "2026-10-31"


@pytest.mark.parametrize("name,unit_type,word", [("Phường Tân Lập", "phuong", "phường"),
                                                 ("Thị trấn Na Sầm", "thi_tran", "thị trấn")])
def test_demo_named_as_a_ward_or_township_is_one(tmp_path: Path, name: str, unit_type: str, word: str) -> None:
    """`cff demo create --commune "Phường …"` makes a ward (its papers and positions say so)."""
    home = tmp_path / "demo"
    ok(run_cff(home, "demo", "create", "--commune", name))
    view = json.loads(ok(run_cff(home, "profile", "show", "--json")))
    assert view["unit_type"] == unit_type
    con = sqlite3.connect(home / "cff.sqlite")
    positions = [r[0] for r in con.execute("SELECT position FROM officer")]
    con.close()
    assert f"Trưởng Công an {word}" in positions and "Trưởng Công an xã" not in positions
