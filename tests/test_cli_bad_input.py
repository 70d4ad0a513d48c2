"""Bad input at the command line and in the services: a clear one-line refusal, and nothing written.

Every test here records the database (all tables) or the data folder (every file and its SHA-256)
before the bad input and compares after it: a refusal that still wrote something is a failure.
The CLI runs in this process through ``cli.run`` (the function the ``cff`` script calls) against a
real SQLite file in ``tmp_path``; a few tests keep a real process, where the operating system's
argument passing or exit status is what is tested.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import assert_refused, db_dump, folder_state, ok, run_cff_process
from cli_inproc import cff_inproc as run_cff

from cff_desktop.common.errors import BadInput, Refused
from cff_desktop.common.resources import resource_dir

QD06 = resource_dir("rulesets", "qd06-2019.json")
DEMO_CATEGORY = "mountain_island_disadvantaged"

# --- local helpers -----------------------------------------------------------------------------


def nfd(text: str) -> str:
    out = unicodedata.normalize("NFD", text)
    assert out != text, "the test text must change under NFD"
    return out




@pytest.fixture
def small_ws(home: Path) -> Iterator[Any]:
    """A round with a clerk and one figure (7.1) entered; every other criterion not assessed."""
    from cff_desktop.services.officers import add_officer
    from cff_desktop.services.rounds import init_round
    from cff_desktop.services.values import set_value
    from cff_desktop.services.workspace import open_workspace

    ws = open_workspace(home / "cff.sqlite", create=True)
    init_round(ws, commune="Xã Tả Van", province="Lào Cai", category=DEMO_CATEGORY, year=2024)
    add_officer(ws, name="Hoàng Thị Mai", sector="vhxh", role="clerk")
    set_value(ws, "7.1", "98/100", as_officer="Hoàng Thị Mai")
    yield ws
    ws.close()


def value_of(db: Path, iid: str, year: int | None = None) -> Any:
    conn = sqlite3.connect(db)
    try:
        sql = "SELECT v.value FROM value v JOIN round r ON r.id = v.round_id WHERE v.indicator_id = ?"
        params: tuple[Any, ...] = (iid,)
        if year is not None:
            sql += " AND r.year = ?"
            params += (year,)
        row = conn.execute(sql, params).fetchone()
    finally:
        conn.close()
    return json.loads(row[0]) if row else None


# --- values at the command line -------------------------------------------------------------------

BAD_VALUES = [
    # indicator, value, officer (demo ids: 1 clerk, 3 police, 4 health), what the message must say
    ("7.1", "101/100", "4", ["chỉ số 7.1", "tử số (101) lớn hơn mẫu số (100)"]),
    ("7.1", '{"numerator": 101, "denominator": 100}', "4", ["chỉ số 7.1", "lớn hơn mẫu số"]),
    ("7.1", '{"numerator": -3, "denominator": 100}', "4", ["chỉ số 7.1", "tử số không được âm (-3)"]),
    ("7.1", "2.5/10", "4", ["chỉ số 7.1", "tử số phải là số nguyên", "2.5"]),
    ("7.1", "98/abc", "4", ["chỉ số 7.1", "mẫu số phải là số nguyên", "abc"]),
    ("3.1", "-1", "3", ["chỉ số 3.1", "số ca không được âm (-1)"]),
    ("3.1", "2.5", "3", ["chỉ số 3.1", "số ca phải là số nguyên", "2.5"]),
    ("3.1", "abc", "3", ["chỉ số 3.1", "số ca phải là số nguyên", "abc"]),
    ("3.1", '{"count": 1.5}', "3", ["chỉ số 3.1", "số ca phải là số nguyên", "1.5"]),
    ("3.1", "2", "3", ["chỉ số 3.1", "cần nhập thêm tổng số trẻ em", "để tính tỷ suất"]),
    ("3.1", "5/4", "3", ["chỉ số 3.1", "số ca (5) lớn hơn số trẻ em (4)"]),
    ("4.1", '{"count": 1, "population": -10}', "3", ["chỉ số 4.1", "số trẻ em không được âm (-10)"]),
    ("99.1", "1", "1", ["INDICATOR", "không có chỉ số '99.1'"]),
    ("7", "98/100", "1", ["INDICATOR", "không có chỉ số '7'"]),
    ("7.1", "true", "4", ["chỉ số 7.1", "giá trị sai loại"]),
    ("1.1", "12/20", "1", ["chỉ số 1.1", "giá trị sai loại"]),
    ("3.1", "true", "3", ["chỉ số 3.1", "số ca phải là số nguyên"]),
    ("11.3", "26", "6", ["chỉ số 11.3", "điểm phải trong khoảng 0..25"]),
    ("11.3", "-1", "6", ["chỉ số 11.3", "điểm phải trong khoảng"]),
    ("7.1", "{numerator: 1", "4", ["chỉ số 7.1", "không đọc được giá trị"]),
    ("7.1", "98/100", "Không Có Ai", ["--as", "không có cán bộ 'Không Có Ai'"]),
    ("3.1", "0", "4", ["chỉ số 3.1", "không được giao tiêu chí 3"]),
]


@pytest.mark.parametrize(("iid", "raw", "officer", "needles"), BAD_VALUES,
                         ids=[f"{b[0]}={b[1]}@{b[2]}" for b in BAD_VALUES])
def test_values_set_refuses_bad_value_and_writes_nothing(
    home: Path, demo_db: Path, iid: str, raw: str, officer: str, needles: list[str]
) -> None:
    before = db_dump(demo_db)
    assert_refused(run_cff(home, "values", "set", iid, raw, "--as", officer, "--note", "thử"), *needles)
    assert db_dump(demo_db) == before


def test_values_set_refusal_with_explicit_db_names_nothing_else(tmp_path: Path, demo_db: Path) -> None:
    """``--db`` elsewhere than CFF_HOME: the same refusal, that file untouched, CFF_HOME not created."""
    other_home = tmp_path / "unused-home"
    before = db_dump(demo_db)
    # a real process: exit status 2 and the one line on stderr as a calling script sees them
    assert_refused(run_cff_process(other_home, "values", "set", "7.1", "101/100", "--as", "4", db=demo_db),
                   "chỉ số 7.1", "lớn hơn mẫu số")
    assert db_dump(demo_db) == before
    assert not other_home.exists()


def test_values_import_is_all_or_nothing(home: Path, demo_db: Path, tmp_path: Path) -> None:
    """One bad figure in a file: no figure of the file is written, the bad one is named."""
    f = tmp_path / "y_te.json"
    f.write_text(json.dumps({"values": {"7.1": {"numerator": 50, "denominator": 100},
                                        "9.1": "10/100",
                                        "8.1": {"numerator": 30, "denominator": 20}},
                             "notes": {"7.1": "sổ tiêm chủng"}}), "utf-8")
    before = db_dump(demo_db)
    assert_refused(run_cff(home, "values", "import", str(f), "--as", "4"),
                   "chỉ số 8.1", "tử số (30) lớn hơn mẫu số (20)")
    assert db_dump(demo_db) == before


@pytest.mark.parametrize(("content", "needles"), [
    ("{not json", ["v.json", "tệp không phải JSON hợp lệ"]),
    ("[1, 2]", ["v.json", "đối tượng JSON"]),
    ('{"values": [1]}', ["v.json", '"values"']),
    ('{"values": {"42.1": 1}}', ["INDICATOR", "'42.1'"]),
])
def test_values_import_bad_file_writes_nothing(
    home: Path, demo_db: Path, tmp_path: Path, content: str, needles: list[str]
) -> None:
    f = tmp_path / "v.json"
    f.write_text(content, "utf-8")
    before = db_dump(demo_db)
    assert_refused(run_cff(home, "values", "import", str(f), "--as", "1"), *needles)
    assert db_dump(demo_db) == before


def test_values_import_missing_file(home: Path, demo_db: Path, tmp_path: Path) -> None:
    before = db_dump(demo_db)
    assert_refused(run_cff(home, "values", "import", str(tmp_path / "khong-co.json"), "--as", "1"),
                   "khong-co.json", "không đọc được tệp")
    assert db_dump(demo_db) == before


# --- assignments ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "needles"), [
    (("99", "1"), ["CRITERION", "không có tiêu chí '99'"]),
    (("7.1", "1"), ["CRITERION", "không có tiêu chí '7.1'"]),
    (("7", "42"), ["--as", "không có cán bộ '42'"]),
    (("7", "Ai Đó"), ["không có cán bộ 'Ai Đó'"]),
])
def test_assign_refuses_unknown_criterion_or_officer(
    home: Path, demo_db: Path, args: tuple[str, str], needles: list[str]
) -> None:
    before = db_dump(demo_db)
    assert_refused(run_cff(home, "assign", *args), *needles)
    assert db_dump(demo_db) == before


# --- overrides in a `cff score --values` file ---------------------------------------------------------

ALL_OF_1_AND_7 = {"1.1": True, "1.2": True, "1.3": True, "1.4": True,
                  "7.1": {"numerator": 98, "denominator": 100}}

BAD_SCORE_FILES = [
    ("unknown-criterion", {"overrides": {"99": {"points": 1, "reason": "hội đồng thống nhất"}}},
     ["overrides.99", "không có tiêu chí '99'"]),
    ("no-reason", {"overrides": {"7": {"points": 10}}}, ["overrides.7", "phải ghi rõ lý do"]),
    ("blank-reason", {"overrides": {"7": {"points": 10, "reason": "   "}}}, ["overrides.7", "lý do"]),
    ("reason-not-text", {"overrides": {"7": {"points": 10, "reason": 5}}}, ["overrides.7", "lý do"]),
    ("above-max", {"overrides": {"7": {"points": 51, "reason": "hội đồng thống nhất"}}},
     ["overrides.7", "ngoài khoảng 0..50"]),
    ("negative", {"overrides": {"1": {"points": -1, "reason": "hội đồng thống nhất"}}},
     ["overrides.1", "ngoài khoảng 0..100"]),
    ("not-a-number", {"overrides": {"7": {"points": "nhiều", "reason": "hội đồng thống nhất"}}},
     ["overrides.7", "phải là một số"]),
    ("bool-points", {"overrides": {"7": {"points": True, "reason": "hội đồng thống nhất"}}},
     ["overrides.7", "phải là một số"]),
    ("not-assessed", {"overrides": {"3": {"points": 100, "reason": "hội đồng thống nhất"}}},
     ["overrides.3", "chưa nhập đủ các chỉ số"]),
    ("half-assessed", {"values": {**ALL_OF_1_AND_7, "5.1": {"count": 0}},
                       "overrides": {"5": {"points": 75, "reason": "hội đồng thống nhất"}}},
     ["overrides.5", "chưa nhập đủ"]),
    ("overrides-not-object", {"overrides": [1]}, ['"overrides"']),
    ("numerator-above-denominator", {"values": {"7.1": {"numerator": 101, "denominator": 100}}},
     ["chỉ số 7.1", "lớn hơn mẫu số"]),
    ("negative-count", {"values": {"3.1": {"count": -2}}}, ["chỉ số 3.1", "không được âm"]),
    ("fraction-count", {"values": {"3.1": {"count": 2.5}}}, ["chỉ số 3.1", "số nguyên"]),
    ("unknown-indicator", {"values": {"99.9": True}}, ["values.99.9", "không có chỉ số '99.9'"]),
    ("wrong-kind", {"values": {"7.1": True}}, ["chỉ số 7.1", "giá trị sai loại"]),
    ("bad-category", {"category": "thanh_pho"}, ["category", "thanh_pho"]),
    ("unknown-ruleset", {"ruleset": "qd99-2030"}, ["ruleset", "qd99-2030"]),
    ("missing-values", {"values": None}, ['"values"']),
]


@pytest.mark.parametrize(("change", "needles"), [(b[1], b[2]) for b in BAD_SCORE_FILES],
                         ids=[b[0] for b in BAD_SCORE_FILES])
def test_score_values_file_refuses_bad_input_and_writes_nothing(
    home: Path, demo_db: Path, tmp_path: Path, change: dict[str, Any], needles: list[str]
) -> None:
    doc: dict[str, Any] = {"ruleset": "qd06-2019", "category": "other", "values": dict(ALL_OF_1_AND_7)}
    doc.update(change)
    f = tmp_path / "ho-so.json"
    f.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    before_home = folder_state(home)
    before_db = db_dump(demo_db)
    assert_refused(run_cff(home, "score", "--values", str(f), "--json"), *needles)
    assert folder_state(home) == before_home
    assert db_dump(demo_db) == before_db


def test_score_values_file_good_override_is_accepted(home: Path, tmp_path: Path) -> None:
    """The control for the table above: the same file with a sound override scores."""
    f = tmp_path / "ho-so.json"
    f.write_text(json.dumps({"ruleset": "qd06-2019", "category": "other", "values": ALL_OF_1_AND_7,
                             "overrides": {"7": {"points": 40, "reason": "sổ tiêm chủng thiếu 2 thôn"}}},
                            ensure_ascii=False), "utf-8")
    res = json.loads(ok(run_cff(home, "score", "--values", str(f), "--json")))
    c7 = next(c for c in res["criteria"] if c["id"] == "7")
    assert (c7["points"], c7["computed_points"]) == (40, 50)
    assert c7["override"] == {"points": 40, "reason": "sổ tiêm chủng thiếu 2 thôn"}
    assert not home.exists()  # a stateless score creates no data folder


# --- overrides through the service (the council screen's call) ------------------------------------

@pytest.mark.parametrize(("criterion", "points", "reason", "where", "fragment"), [
    ("99", 1, "hội đồng thống nhất", "overrides.99", "không có tiêu chí '99'"),
    ("7", 10, "", "overrides.7", "lý do"),
    ("7", 10, "  \t ", "overrides.7", "lý do"),
    ("7", 51, "hội đồng thống nhất", "overrides.7", "0..50"),
    ("7", "abc", "hội đồng thống nhất", "overrides.7", "phải là một số"),
    ("3", 100, "hội đồng thống nhất", "overrides.3", "chưa nhập đủ"),
])
def test_set_override_refuses_bad_input_and_writes_nothing(
    small_ws: Any, criterion: str, points: Any, reason: str, where: str, fragment: str
) -> None:
    from cff_desktop.services.scoring import set_override

    db = small_ws.paths.db
    before = db_dump(db)
    with pytest.raises(BadInput) as e:
        set_override(small_ws, criterion, points, reason)
    assert e.value.where == where
    assert fragment in e.value.message
    assert db_dump(db) == before


def test_set_override_good_input_is_written_with_audit(small_ws: Any) -> None:
    from cff_desktop.services.scoring import score_round, set_override

    set_override(small_ws, "7", 40, "sổ tiêm chủng thiếu 2 thôn")
    res, _ = score_round(small_ws)
    assert res.criterion("7").points == 40
    row = small_ws.store.one("SELECT * FROM audit WHERE action = 'override.set'")
    assert row is not None and json.loads(row["new"])["reason"] == "sổ tiêm chủng thiếu 2 thôn"


# --- rule set files ------------------------------------------------------------------------------------

def ruleset_doc() -> dict[str, Any]:
    return json.loads(QD06.read_text("utf-8"))


def write_ruleset(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")
    return path


def newer_qd06(version: str = "2019.5", top_band: int = 99) -> dict[str, Any]:
    """qd06-2019 with another version and the top band of 7.1 raised (98 % → ``top_band`` %)."""
    doc = ruleset_doc()
    doc["version"] = version
    c7 = next(c for c in doc["criteria"] if c["id"] == "7")
    assert c7["indicators"][0]["bands"][0]["at_least"] == 98
    c7["indicators"][0]["bands"][0]["at_least"] = top_band
    return doc


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def mutate(doc: dict[str, Any]) -> None:
        *head, last = path
        target: Any = doc
        for k in head:
            target = target[k]
        target[last] = value
    return mutate


def _del(path: tuple[Any, ...]) -> Any:
    def mutate(doc: dict[str, Any]) -> None:
        *head, last = path
        target: Any = doc
        for k in head:
            target = target[k]
        del target[last]
    return mutate


BAD_RULESETS = [
    ("criterion-max-not-number", _set(("criteria", 0, "max"), "một trăm"), ["criteria[0].max"]),
    ("criterion-max-missing", _del(("criteria", 0, "max")), ["criteria[0]", "'max'"]),
    ("criterion-max-negative", _set(("criteria", 0, "max"), -100), ["criteria[0].max"]),
    ("indicator-kind", _set(("criteria", 6, "indicators", 0, "kind"), "phan_tram"),
     ["criteria[6].indicators[0].kind"]),
    ("version-pattern", _set(("version",), "mới nhất"), ["version"]),
    ("unknown-field", _set(("diem_thuong",), 5), ["diem_thuong"]),
    ("indicators-do-not-add-up", _set(("criteria", 0, "max"), 120), ["criteria[0].max", "(100)", "(120)"]),
    ("criteria-do-not-add-up", _set(("max_total",), 999), ["max_total", "(1000)", "(999)"]),
    ("threshold-above-total", _set(("thresholds", "other", "min_total"), 1200),
     ["thresholds.other.min_total"]),
    ("bands-not-ordered", _set(("criteria", 6, "indicators", 0, "bands", 1, "at_least"), 99),
     ["criteria[6].indicators[0].bands[1]"]),
    ("band-above-max", _set(("criteria", 6, "indicators", 0, "bands", 0, "points"), 60),
     ["criteria[6].indicators[0].bands[0]"]),
]


@pytest.fixture
def home_with_imported(home: Path, tmp_path: Path) -> Path:
    """A data folder whose imported-rulesets folder already holds qd06-2019 2019.5."""
    ok(run_cff(home, "rulesets", "import", str(write_ruleset(tmp_path / "qd06-2019.5.json", newer_qd06()))))
    assert set(folder_state(home / "rulesets")) == {"qd06-2019-2019.5.json"}
    return home


@pytest.mark.parametrize(("mutate", "needles"), [(b[1], b[2]) for b in BAD_RULESETS],
                         ids=[b[0] for b in BAD_RULESETS])
def test_ruleset_import_refuses_broken_file_naming_the_field(
    home_with_imported: Path, tmp_path: Path, mutate: Any, needles: list[str]
) -> None:
    doc = newer_qd06(version="2019.6")
    mutate(doc)
    f = write_ruleset(tmp_path / "hong.json", doc)
    before = folder_state(home_with_imported)
    assert_refused(run_cff(home_with_imported, "rulesets", "import", str(f)), "hong.json", *needles)
    assert folder_state(home_with_imported) == before


@pytest.mark.parametrize(("data", "needles"), [
    (b"{\"id\": \"qd06-2019\",\n  \"version\": ", ["khong-phai-json.json", "không phải JSON hợp lệ", "dòng 2"]),
    (b"", ["khong-phai-json.json", "không phải JSON hợp lệ"]),
    (b"\xff\xfe\x00garbage", ["khong-phai-json.json", "UTF-8"]),
    (b"[1, 2, 3]", ["khong-phai-json.json", "(gốc)"]),
])
def test_ruleset_import_refuses_non_json(
    home_with_imported: Path, tmp_path: Path, data: bytes, needles: list[str]
) -> None:
    f = tmp_path / "khong-phai-json.json"
    f.write_bytes(data)
    before = folder_state(home_with_imported)
    assert_refused(run_cff(home_with_imported, "rulesets", "import", str(f)), *needles)
    assert folder_state(home_with_imported) == before


def test_ruleset_import_missing_file_leaves_folder_absent(home: Path, tmp_path: Path) -> None:
    assert_refused(run_cff(home, "rulesets", "import", str(tmp_path / "khong-co.json")), "khong-co.json")
    assert not home.exists()


def test_ruleset_broken_file_first_import_creates_nothing(home: Path, tmp_path: Path) -> None:
    """With no imported rule set yet, a refused import does not even create the folder."""
    f = write_ruleset(tmp_path / "hong.json", {**ruleset_doc(), "max_total": 900})
    assert_refused(run_cff(home, "rulesets", "import", str(f)), "hong.json", "max_total")
    assert folder_state(home) == {}
    assert not (home / "rulesets").exists()


def test_same_id_and_version_with_other_content_is_refused(home_with_imported: Path, tmp_path: Path) -> None:
    rulesets = home_with_imported / "rulesets"
    before = folder_state(home_with_imported)
    # the imported 2019.5 again, with another band: refused, the imported file kept as it was
    other = write_ruleset(tmp_path / "khac.json", newer_qd06(top_band=97))
    assert_refused(run_cff(home_with_imported, "rulesets", "import", str(other)),
                   "khac.json", "qd06-2019 phiên bản 2019.5", "nội dung khác")
    # the bundled 2019.2 with another band: refused too (the shipped law cannot be replaced)
    bundled = write_ruleset(tmp_path / "ban-goc-sua.json", newer_qd06(version="2019.2", top_band=97))
    assert_refused(run_cff(home_with_imported, "rulesets", "import", str(bundled)),
                   "ban-goc-sua.json", "phiên bản 2019.2")
    assert folder_state(home_with_imported) == before
    # byte-identical re-import is a harmless no-op
    same = write_ruleset(tmp_path / "giong.json", newer_qd06())
    assert "đã có sẵn" in ok(run_cff(home_with_imported, "rulesets", "import", str(same)))
    assert folder_state(home_with_imported) == before
    shown = json.loads(ok(run_cff(home_with_imported, "rulesets", "show", "qd06-2019", "--json")))
    assert shown["version"] == "2019.5"
    assert shown["criteria"][6]["indicators"][0]["bands"][0]["at_least"] == 99
    assert rulesets.is_dir()


def test_closed_round_keeps_its_pinned_ruleset_after_newer_import(
    home: Path, demo_db: Path, tmp_path: Path
) -> None:
    from cff_desktop.services.rounds import close_round, get_round
    from cff_desktop.services.workspace import open_workspace

    old_sha = hashlib.sha256(QD06.read_bytes()).hexdigest()
    ok(run_cff(home, "values", "set", "7.1", "98/100", "--as", "4"))  # 98 %: top band under 2019.2
    with open_workspace(demo_db) as ws:
        close_round(ws, get_round(ws, 2024))
    before = json.loads(ok(run_cff(home, "--round", "2024", "score", "--json")))
    assert (before["ruleset_version"], before["ruleset_sha256"]) == ("2019.2", old_sha)
    c7_before = next(c for c in before["criteria"] if c["id"] == "7")
    assert c7_before["points"] == 50

    newer = write_ruleset(tmp_path / "qd06-2019.5.json", newer_qd06())  # 98 % now scores 35
    new_sha = hashlib.sha256(newer.read_bytes()).hexdigest()
    assert "2019.5" in ok(run_cff(home, "rulesets", "import", str(newer)))

    after = json.loads(ok(run_cff(home, "--round", "2024", "score", "--json")))
    assert after == before  # same rule set id/version/hash, same points, same verdict
    latest = json.loads(ok(run_cff(home, "score", "--json")))
    assert latest == before
    conn = sqlite3.connect(demo_db)
    try:
        pinned = conn.execute("SELECT p.id, p.version, p.sha256, p.body FROM round r"
                              " JOIN ruleset_pin p ON p.sha256 = r.ruleset_sha256 WHERE r.year = 2024").fetchone()
    finally:
        conn.close()
    assert pinned[:3] == ("qd06-2019", "2019.2", old_sha)
    assert hashlib.sha256(pinned[3]).hexdigest() == old_sha

    # a round created after the import is scored under the newer version
    out = ok(run_cff(home, "init", "--commune", "Xã Hoàng Đồng", "--province", "Lạng Sơn",
                     "--category", DEMO_CATEGORY, "--round", "2026"))
    assert "2019.5" in out
    assert "35/50" in ok(run_cff(home, "--round", "2026", "values", "set", "7.1", "98/100", "--as", "1"))
    new = json.loads(ok(run_cff(home, "--round", "2026", "score", "--json")))
    assert (new["ruleset_version"], new["ruleset_sha256"]) == ("2019.5", new_sha)
    assert next(c for c in new["criteria"] if c["id"] == "7")["points"] == 35
    # and the closed round still did not move
    assert json.loads(ok(run_cff(home, "--round", "2024", "score", "--json"))) == before


# --- a closed round ----------------------------------------------------------------------------------

@pytest.fixture
def closed_demo(demo_db: Path) -> Path:
    from cff_desktop.services.rounds import close_round, get_round
    from cff_desktop.services.workspace import open_workspace

    with open_workspace(demo_db) as ws:
        close_round(ws, get_round(ws))
    return demo_db


def test_values_set_in_closed_round_is_refused(home: Path, closed_demo: Path) -> None:
    before = db_dump(closed_demo)
    assert_refused(run_cff(home, "values", "set", "7.1", "50/100", "--as", "4"),
                   "round 2024", "đã được hội đồng kết thúc")
    assert_refused(run_cff(home, "--round", "2024", "values", "set", "1.1", "false", "--as", "1"),
                   "round 2024", "kết thúc")
    assert db_dump(closed_demo) == before


def test_values_import_in_closed_round_is_refused(home: Path, closed_demo: Path, tmp_path: Path) -> None:
    f = tmp_path / "v.json"
    f.write_text(json.dumps({"7.1": "50/100", "9.1": "10/100"}), "utf-8")
    before = db_dump(closed_demo)
    assert_refused(run_cff(home, "values", "import", str(f), "--as", "1"), "round 2024", "kết thúc")
    assert db_dump(closed_demo) == before


def test_services_refuse_values_and_overrides_in_closed_round(closed_demo: Path, tmp_path: Path) -> None:
    from cff_desktop.services.scoring import set_override
    from cff_desktop.services.values import import_values, set_value
    from cff_desktop.services.workspace import open_workspace

    f = tmp_path / "v.json"
    f.write_text(json.dumps({"7.1": "50/100"}), "utf-8")
    before = db_dump(closed_demo)
    with open_workspace(closed_demo) as ws:
        for call in (lambda: set_value(ws, "7.1", "50/100", as_officer="4"),
                     lambda: import_values(ws, f, as_officer="1"),
                     lambda: set_override(ws, "7", 10, "hội đồng thống nhất")):
            with pytest.raises(Refused) as e:
                call()
            assert e.value.where == "round 2024"
            assert "kết thúc" in e.value.message
    assert db_dump(closed_demo) == before


# --- decomposed Unicode (Unikey "tổ hợp") -------------------------------------------------------------

def all_text(db: Path) -> list[tuple[str, str]]:
    """(table, text) for every text cell of the database."""
    out = []
    conn = sqlite3.connect(db)
    try:
        for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            for row in conn.execute(f'SELECT * FROM "{t}"'):
                out += [(t, v) for v in row if isinstance(v, str)]
    finally:
        conn.close()
    return out


def test_decomposed_text_is_stored_nfc_and_found_by_any_spelling(home: Path, tmp_path: Path) -> None:
    """Real processes: the decomposed text passes through the operating system's argv."""
    commune, province = "Xã Hoàng Đồng", "Lạng Sơn"
    name, position, note = "Nguyễn Thị Hường", "Trạm trưởng Trạm Y tế xã", "Theo sổ tiêm chủng thôn Nà Cạn"
    ok(run_cff_process(home, "init", "--commune", nfd(commune), "--province", nfd(province),
               "--category", DEMO_CATEGORY, "--round", "2024", "--upper-level", nfd("Ủy ban nhân dân tỉnh")))
    ok(run_cff_process(home, "officer", "add", "--name", nfd(name), "--sector", "y_te", "--position", nfd(position)))
    # the officer is found by the decomposed spelling (and by another case), and by the composed one
    out = ok(run_cff_process(home, "values", "set", "7.1", "98/100", "--as", nfd(name), "--note", nfd(note)))
    assert "50/50" in out
    ok(run_cff_process(home, "values", "set", "9.1", "90/100", "--as", nfd(name.upper())))
    ok(run_cff_process(home, "values", "set", "5.1", "0", "--as", name))
    ok(run_cff_process(home, "assign", "8", nfd(name)))
    # the composed spelling of the commune later finds the same commune, not a second one
    ok(run_cff_process(home, "init", "--commune", commune, "--province", province, "--category", DEMO_CATEGORY,
               "--round", "2025", "--upper-level", "Ủy ban nhân dân tỉnh"))
    # the same person typed decomposed is the same person: refused as a duplicate, nothing written
    db = home / "cff.sqlite"
    before = db_dump(db)
    assert_refused(run_cff_process(home, "officer", "add", "--name", nfd(name), "--sector", "y_te"), "--name", name)
    assert db_dump(db) == before

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT name, province, upper_level FROM commune").fetchall() == [
            (commune, province, "Ủy ban nhân dân tỉnh")]
        assert conn.execute("SELECT name, position FROM officer").fetchall() == [(name, position)]
        assert conn.execute("SELECT note FROM value WHERE indicator_id = '7.1'").fetchone() == (note,)
        assert conn.execute("SELECT count(*) FROM officer WHERE name = ?", (nfd(name),)).fetchone() == (0,)
        actors = {r[0] for r in conn.execute("SELECT actor FROM audit WHERE action = 'value.set'")}
        assert actors == {f"{name} (#1)"}
        audit_note = conn.execute("SELECT new FROM audit WHERE entity LIKE '%indicator:7.1'").fetchone()[0]
    finally:
        conn.close()
    assert json.loads(audit_note)["note"] == note
    bad = [(t, v) for t, v in all_text(db) if not unicodedata.is_normalized("NFC", v)]
    assert bad == []


def test_decomposed_officer_lookup_and_notes_through_services(small_ws: Any, tmp_path: Path) -> None:
    from cff_desktop.services.officers import add_officer, get_officer
    from cff_desktop.services.values import import_values

    name = "Lăng Thị Thu"
    off = add_officer(small_ws, name=nfd(name), sector="mam_non", position=nfd("Hiệu trưởng Trường Mầm non"))
    assert off["name"] == name
    assert get_officer(small_ws, nfd(name))["id"] == off["id"]
    assert get_officer(small_ws, nfd(name).lower())["id"] == off["id"]
    assert get_officer(small_ws, f"  {name}  ")["id"] == off["id"]
    f = tmp_path / "mam-non.json"
    f.write_text(json.dumps({"values": {"10.1": "95/100"},
                             "notes": {"10.1": nfd("Số liệu của 3 điểm trường")}}, ensure_ascii=False), "utf-8")
    assert import_values(small_ws, f, as_officer=nfd(name)) == 1
    row = small_ws.store.one("SELECT note, officer_id FROM value WHERE indicator_id = '10.1'")
    assert row == {"note": "Số liệu của 3 điểm trường", "officer_id": off["id"]}
    bad = [(t, v) for t, v in all_text(small_ws.paths.db) if not unicodedata.is_normalized("NFC", v)]
    assert bad == []


def test_decomposed_unknown_officer_is_named_composed(home: Path, demo_db: Path) -> None:
    before = db_dump(demo_db)
    line = assert_refused(run_cff(home, "values", "set", "7.1", "98/100", "--as", nfd("Trần Văn Không")),
                          "--as", "Trần Văn Không")
    assert unicodedata.is_normalized("NFC", line)
    assert db_dump(demo_db) == before
