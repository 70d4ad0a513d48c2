"""A clerk's whole round from the command line, against a real SQLite file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from cff_desktop.common.resources import resource_dir


def setup_round(cff) -> None:
    cff("init", "--commune", "Xã Tả Van", "--province", "Lào Cai", "--category", "mountain_island_disadvantaged",
        "--round", "2024", check=True)
    cff("officer", "add", "--name", "Hoàng Thị Mai", "--sector", "vhxh", "--role", "clerk", "--pin", "1234",
        check=True)
    cff("officer", "add", "--name", "Vi Thị Hồng", "--sector", "y_te", "--pin", "5678", check=True)
    cff("officer", "add", "--name", "Nông Văn Hải", "--sector", "cong_an", check=True)


def test_init_officers_and_default_assignments(cff, cff_json) -> None:
    setup_round(cff)
    officers = {o["name"]: o for o in cff_json("officer", "list", "--json")}
    assert officers["Vi Thị Hồng"]["criteria"] == ["5", "7", "8", "9"]
    assert officers["Nông Văn Hải"]["criteria"] == ["3", "4"]
    assert officers["Hoàng Thị Mai"]["criteria"] == ["1", "6", "12", "13"]


def test_officer_enters_only_their_criteria(cff, cff_home: Path) -> None:
    setup_round(cff)
    ok = cff("values", "set", "7.1", "98/100", "--as", "Vi Thị Hồng", "--note", "Sổ tiêm chủng")
    assert ok.returncode == 0 and "50/50" in ok.stdout
    refused = cff("values", "set", "3.1", "0", "--as", "Vi Thị Hồng")
    assert refused.returncode == 2 and "không được giao tiêu chí 3" in refused.stderr
    clerk = cff("values", "set", "3.1", "0", "--as", "Hoàng Thị Mai")  # the clerk may edit all
    assert clerk.returncode == 0
    cff("assign", "3", "Vi Thị Hồng", check=True)
    assert cff("values", "set", "3.1", "1/1200", "--as", "Vi Thị Hồng").returncode == 0
    con = sqlite3.connect(cff_home / "cff.sqlite")
    rows = dict(con.execute("SELECT indicator_id, value FROM value").fetchall())
    assert json.loads(rows["7.1"]) == {"numerator": 98, "denominator": 100}
    assert json.loads(rows["3.1"]) == {"count": 1, "population": 1200}


def test_round_score_equals_stateless_score_of_the_same_values(cff, cff_json, tmp_path: Path) -> None:
    setup_round(cff)
    values = {"1.1": True, "1.2": True, "1.3": False, "1.4": True, "6.1": {"numerator": 19, "denominator": 20},
              "6.2": {"numerator": 0, "denominator": 0}, "12.1": {"numerator": 5, "denominator": 16},
              "12.2": True, "13.1": {"numerator": 25, "denominator": 30},
              "13.2": {"numerator": 30, "denominator": 40}}
    f = tmp_path / "vhxh.json"
    f.write_text(json.dumps({"values": values}), "utf-8")
    assert "Đã ghi 10 chỉ số" in cff("values", "import", str(f), "--as", "Hoàng Thị Mai", check=True).stdout
    stored = cff_json("score", "--json")
    doc = tmp_path / "doc.json"
    doc.write_text(json.dumps({"ruleset": "qd06-2019", "category": "mountain_island_disadvantaged",
                               "values": values}), "utf-8")
    stateless = cff_json("score", "--values", str(doc), "--json")
    assert stored == stateless
    assert stored["total"] == 85 + 125 + 20 + 40 + 40 + 20
    assert stored["recognized"] is False
    assert "not_assessed:2" in stored["reasons"] and "below_threshold" in stored["reasons"]
    c1 = next(c for c in stored["criteria"] if c["id"] == "1")
    assert [i["points"] for i in c1["indicators"]] == [50, 15, 0, 20]


def test_score_json_contract_fields(cff_json, tmp_path: Path) -> None:
    doc = tmp_path / "v.json"
    doc.write_text(json.dumps({"ruleset": "qd06-2019", "category": "other",
                               "values": {"7.1": {"numerator": 98, "denominator": 100}, "3.1": {"count": 0}},
                               "overrides": {}}), "utf-8")
    r = cff_json("score", "--values", str(doc), "--json")
    assert {"ruleset", "ruleset_version", "category", "threshold", "total", "max_total", "recognized",
            "reasons", "criteria"} <= set(r)
    c7 = next(c for c in r["criteria"] if c["id"] == "7")
    assert {"id", "points", "max", "assessed", "indicators"} <= set(c7)
    assert {"id", "points", "max", "value", "status"} <= set(c7["indicators"][0])
    assert (c7["points"], c7["assessed"], r["threshold"], r["ruleset_version"]) == (50, True, 850, "2019.2")


def test_audit_records_who_what_old_and_new(cff, cff_json) -> None:
    setup_round(cff)
    cff("values", "set", "7.1", "90/100", "--as", "Vi Thị Hồng", check=True)
    cff("values", "set", "7.1", "99/100", "--as", "Vi Thị Hồng", check=True)
    rows = [r for r in cff_json("audit", "--json") if r["action"] == "value.set"]
    assert rows[-1]["actor"].startswith("Vi Thị Hồng")
    assert rows[-1]["old"]["value"] == {"numerator": 90, "denominator": 100}
    assert rows[-1]["new"]["value"] == {"numerator": 99, "denominator": 100}
    assert "nguyên vẹn" in cff("audit", "--verify", check=True).stdout


def test_demo_seeds_give_both_outcomes(cff_home: Path, cff) -> None:
    outcomes = set()
    for seed in range(8):
        db = cff_home.parent / f"demo{seed}.sqlite"
        cff("--db", str(db), "demo", "create", "--seed", str(seed), check=True)
        r = json.loads(cff("--db", str(db), "score", "--json", check=True).stdout)
        assert all(c["assessed"] for c in r["criteria"])
        outcomes.add(r["recognized"])
    assert outcomes == {True, False}


def test_demo_refuses_a_database_with_data(cff) -> None:
    cff("demo", "create", check=True)
    again = cff("demo", "create")
    assert again.returncode == 2 and "đã có dữ liệu" in again.stderr


def test_demo_has_sixteen_villages_officers_and_council(demo_ws) -> None:
    commune = demo_ws.store.one("SELECT * FROM commune")
    assert len(json.loads(commune["villages"])) == 16
    assert commune["category"] == "mountain_island_disadvantaged"
    assert demo_ws.store.one("SELECT count(*) AS n FROM officer")["n"] == 6
    assert demo_ws.store.one("SELECT count(*) AS n FROM council_member")["n"] >= 7
    assert demo_ws.store.one("SELECT count(*) AS n FROM value")["n"] == 23


def test_usage_errors_exit_2_in_one_line(cff) -> None:
    p = cff("values", "set", "7.1")
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1


def test_commands_needing_a_database_say_how_to_make_one(cff) -> None:
    p = cff("score", "--json")
    assert p.returncode == 2 and "cff init" in p.stderr


def test_resources_are_found_installed() -> None:
    assert resource_dir("rulesets", "ruleset.schema.json").is_file()
