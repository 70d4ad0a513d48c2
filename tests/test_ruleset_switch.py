"""Another rule set for an open round: compare, preview without writing, switch with a reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cli_helpers import assert_refused, db_dump, ok, run_cff

from cff_desktop.common.resources import resource_dir


def newer(tmp_path: Path, version: str = "2019.3") -> Path:
    doc = json.loads(resource_dir("rulesets", "qd06-2019.json").read_text("utf-8"))
    doc["version"] = version
    c7 = doc["criteria"][6]["indicators"][0]
    c7["bands"][0]["at_least"] = 99  # 98 % no longer reaches the top band
    f = tmp_path / f"qd06-{version}.json"
    f.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return f


def score(home: Path, *args: str) -> dict[str, Any]:
    return json.loads(ok(run_cff(home, "score", "--json", *args)))


def test_preview_scores_the_open_round_under_another_set_without_writing(demo_db: Path, home: Path,
                                                                         tmp_path: Path) -> None:
    ok(run_cff(home, "values", "set", "7.1", "98/100", "--as", "4"))
    ok(run_cff(home, "rulesets", "import", str(newer(tmp_path))))
    before = db_dump(demo_db)
    now = score(home)
    prev = score(home, "--ruleset", "qd06-2019@2019.3")
    assert db_dump(demo_db) == before
    assert (prev["ruleset_version"], prev["preview"]["unchanged_round"]) == ("2019.3", True)
    assert prev["preview"]["total_now"] == now["total"]
    c7_now, c7_new = now["criteria"][6]["points"], prev["criteria"][6]["points"]
    assert (c7_now, c7_new) == (50, 35)
    assert prev["total"] == now["total"] - 15 and prev["preview"]["unfit"] == []
    text = ok(run_cff(home, "score", "--ruleset", "qd06-2019@2019.3"))
    assert text.startswith("XEM TRƯỚC (không thay đổi vòng đánh giá)")
    assert score(home)["ruleset_version"] == "2019.2"  # the round itself did not move


def test_preview_of_a_values_file_under_another_set(home: Path, tmp_path: Path) -> None:
    f = tmp_path / "v.json"
    f.write_text(json.dumps({"ruleset": "qd06-2019", "category": "other",
                             "values": {"3.1": {"count": 2}, "7.1": "98/100"}}), "utf-8")
    assert_refused(run_cff(home, "score", "--values", str(f)), "chỉ số 3.1", "để tính tỷ suất")
    old = score(home, "--values", str(f), "--ruleset", "qd06-2019@2019.1")  # counted cases then
    assert (old["ruleset_version"], old["criteria"][2]["points"], old["criteria"][6]["points"]) == ("2019.1", 25, 50)
    f.write_text("{không phải json", "utf-8")
    assert_refused(run_cff(home, "score", "--values", str(f), "--ruleset", "qd06-2019@2019.1"),
                   "v.json", "không phải JSON hợp lệ")


def test_preview_lists_figures_that_do_not_fit_the_other_set(demo_db: Path, home: Path) -> None:
    prev = score(home, "--ruleset", "qd06-2019@2019.1")  # 2019.1 counted cases; the round holds rates
    assert [u["id"] for u in prev["preview"]["unfit"]] == ["3.1", "4.1"]
    assert not prev["criteria"][2]["assessed"]


def test_switch_needs_a_reason_an_open_round_and_fitting_figures(demo_db: Path, home: Path) -> None:
    before = db_dump(demo_db)
    assert_refused(run_cff(home, "rulesets", "switch", "qd06-2019@2019.1", "--reason", "  "), "--reason", "lý do")
    assert_refused(run_cff(home, "rulesets", "switch", "qd06-2019@2019.1", "--reason", "Công văn 12/SYT"),
                   "số liệu không hợp với bộ qd06-2019 2019.1", "3.1", "và 1 mục khác", "--clear-unfit")
    assert_refused(run_cff(home, "rulesets", "switch", "qd06-2019", "--reason", "x"), "đang dùng đúng bộ tiêu chí")
    assert_refused(run_cff(home, "rulesets", "switch", "qd99", "--reason", "x"), "không có bộ tiêu chí 'qd99'")
    assert db_dump(demo_db) == before


def test_switch_is_audited_and_clears_only_what_does_not_fit(demo_db: Path, home: Path, tmp_path: Path) -> None:
    ok(run_cff(home, "rulesets", "import", str(newer(tmp_path))))
    values_before = {r["indicator_id"]: r["value"] for r in json.loads(ok(run_cff(home, "values", "list", "--json")))}
    out = ok(run_cff(home, "rulesets", "switch", "qd06-2019@2019.3", "--reason", "Quyết định 45/QĐ-UBND của tỉnh"))
    assert "chuyển từ qd06-2019 2019.2 sang qd06-2019 2019.3" in out
    values_after = {r["indicator_id"]: r["value"] for r in json.loads(ok(run_cff(home, "values", "list", "--json")))}
    assert values_after == values_before
    assert score(home)["ruleset_version"] == "2019.3"
    audit = [r for r in json.loads(ok(run_cff(home, "audit", "--json"))) if r["action"] == "round.ruleset_switch"]
    assert len(audit) == 1
    assert audit[0]["old"]["version"] == "2019.2"
    assert (audit[0]["new"]["version"], audit[0]["new"]["reason"]) == ("2019.3", "Quyết định 45/QĐ-UBND của tỉnh")
    # back to the old counts: the two rates are cleared, each with its own audit row
    out = ok(run_cff(home, "rulesets", "switch", "qd06-2019@2019.1", "--reason", "Thử lại", "--clear-unfit"))
    assert "Đã xóa để nhập lại: 3.1, 4.1" in out
    left = {r["indicator_id"] for r in json.loads(ok(run_cff(home, "values", "list", "--json")))}
    assert left == set(values_before) - {"3.1", "4.1"}
    cleared = [r for r in json.loads(ok(run_cff(home, "audit", "--json"))) if r["action"] == "value.clear"]
    assert sorted(r["entity"].rsplit(":", 1)[1] for r in cleared) == ["3.1", "4.1"]
    assert all(r["old"]["value"]["population"] > 0 for r in cleared)
    assert "nguyên vẹn" in ok(run_cff(home, "audit", "--verify"))


def test_a_closed_round_never_moves(demo_db: Path, home: Path) -> None:
    from cff_desktop.services.rounds import close_round, get_round
    from cff_desktop.services.workspace import open_workspace

    with open_workspace() as ws:
        close_round(ws, get_round(ws))
    before = db_dump(demo_db)
    assert_refused(run_cff(home, "rulesets", "switch", "qd06-2019@2019.1", "--reason", "x", "--clear-unfit"),
                   "đã được hội đồng kết thúc")
    assert db_dump(demo_db) == before


def test_diff_names_each_change(home: Path, tmp_path: Path) -> None:
    text = ok(run_cff(home, "rulesets", "diff", "qd06-2019@2019.1", "qd06-2019"))
    assert text.splitlines()[0] == "qd06-2019 2019.1 → qd06-2019 2019.2: 13 thay đổi"
    assert "chỉ số 3.1 — loại: số ca → tỷ suất" in text
    assert "chỉ số 1.4 — trạng thái: đã đối chiếu → suy ra" in text
    d = json.loads(ok(run_cff(home, "rulesets", "diff", "qd34-2014@2014.1", "qd34-2014", "--json")))
    where = {(c["where"], c["what"]) for c in d["changes"]}
    assert ("tiêu chí 1", "tên") in where and ("tiêu chí 2", "điểm tối đa") in where
    assert ("chỉ số 3.1", "loại") in where  # child labour: a rate of children, not a count of abuse cases
    none = json.loads(ok(run_cff(home, "rulesets", "diff", "qd06-2019", str(newer(tmp_path)), "--json")))
    assert [c["what"] for c in none["changes"]] == ["mức điểm"]
    assert_refused(run_cff(home, "rulesets", "diff", "qd06-2019", "khong-co"), "không có bộ tiêu chí 'khong-co'")


def test_values_import_takes_rates_and_refuses_a_count_without_children(demo_db: Path, home: Path,
                                                                        tmp_path: Path) -> None:
    f = tmp_path / "cong-an.json"
    f.write_text(json.dumps({"values": {"3.1": {"count": 1, "population": 1250}, "4.1": "0"}}), "utf-8")
    assert "Đã ghi 2 chỉ số" in ok(run_cff(home, "values", "import", str(f), "--as", "3"))
    s = score(home)
    assert s["criteria"][2]["indicators"][0]["rate"] == 0.8 and s["criteria"][2]["points"] == 50
    before = db_dump(demo_db)
    f.write_text(json.dumps({"values": {"4.1": {"count": 0, "population": 900}, "3.1": {"count": 2}}}), "utf-8")
    assert_refused(run_cff(home, "values", "import", str(f), "--as", "3"), "chỉ số 3.1", "để tính tỷ suất")
    assert db_dump(demo_db) == before  # all or nothing: 4.1 was not written either
