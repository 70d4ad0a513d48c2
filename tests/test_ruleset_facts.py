"""The shipped rule sets say what the sources confirm, name a source for it, and rounds pinned to
an earlier version keep scoring with the bytes they were created with."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cff_desktop.common.errors import BadInput
from cff_desktop.common.resources import resource_dir
from cff_desktop.rules.engine import score_indicator
from cff_desktop.rules.loader import bundled_files, load_file
from cff_desktop.rules.model import RuleSet
from cff_desktop.rules.values import Count, Ratio

CURRENT = {"qd06-2019": "2019.2", "qd34-2014": "2014.2"}


def _current(rid: str) -> RuleSet:
    return load_file(resource_dir("rulesets", f"{rid}.json"))


QD34 = _current("qd34-2014")
QD06 = _current("qd06-2019")


def test_shipped_versions_are_new_and_previous_bytes_are_kept() -> None:
    assert {rid: _current(rid).version for rid in CURRENT} == CURRENT
    old = {(r.id, r.version) for r in map(load_file, bundled_files())}
    assert {("qd06-2019", "2019.1"), ("qd34-2014", "2014.1")} <= old


def test_qd34_criteria_one_to_three_are_the_confirmed_ones() -> None:
    c1, c2, c3 = QD34.criteria[:3]
    assert c1.name.startswith("Mức độ chỉ đạo, điều hành của cấp ủy đảng, chính quyền địa phương")
    assert (c2.name, c2.max, c2.status) == ("Tỷ lệ trẻ em được khai sinh đúng quy định", 50, "confirmed")
    assert c3.name.startswith("Tỷ lệ trẻ em lao động nặng nhọc, độc hại, nguy hiểm")
    assert "lang thang" in c3.name and "xa gia đình" in c3.name
    # child labour is no longer a count further down the list
    assert not any("lao động" in c.name for c in QD34.criteria[3:])


@pytest.mark.parametrize("iid,good,bad,points", [
    ("2.1", Ratio(98, 100), Ratio(9799, 10000), 50),          # birth registration ≥ 98 % → 50
    ("3.1", Ratio(199, 10000), Ratio(2, 100), 75),            # child labour below 2 % → 75; 2 % is not below
    ("5.1", Ratio(98, 100), Ratio(97, 100), 75),              # special circumstances ≥ 98 % → 75
    ("11.1", Ratio(80, 100), Ratio(79, 100), 50),             # general health check ≥ 80 % → 50
    ("12.1", Ratio(90, 100), Ratio(89, 100), 75),             # preschool ≥ 90 % → 75
    ("13.1", Ratio(98, 100), Ratio(97, 100), 50),             # lower-secondary graduation ≥ 98 % → 50
    ("4.1", Count(0), Count(1), 75),                          # no child abused, trafficked … → 75
])
def test_qd34_confirmed_top_bands(iid: str, good: Any, bad: Any, points: int) -> None:
    ind = QD34.indicators[iid]
    assert ind.max == points and ind.bands[0].status == "confirmed" and ind.bands[0].source
    assert score_indicator(ind, good).points == points
    assert score_indicator(ind, bad).points < points


def test_qd06_wording_and_the_inferred_budget_points() -> None:
    i = QD06.indicators
    assert i["1.1"].label == "Có bố trí người làm công tác bảo vệ trẻ em cấp xã"
    assert "thực hiện tốt chế độ giao ban, đánh giá định kỳ hằng tháng, quý, năm" in i["1.3"].label
    assert QD06.criterion("4").name == "Trẻ em vi phạm pháp luật, nghiện ma túy"
    assert (i["1.4"].max, i["1.4"].status, i["1.4"].basis) == (20, "inferred", "inferred")
    assert "100 − 50 − 15 − 15 = 20" in (i["1.4"].source or {})["note"]
    assert i["1.4"].provisional  # shown like a provisional figure, with its reason
    assert (i["1.1"].basis, QD06.criterion("1").basis) == ("confirmed", "inferred")
    assert QD06.thresholds["mountain_island_disadvantaged"].source


def _items(raw: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = [(f"thresholds.{k}", v) for k, v in raw["thresholds"].items()]
    for c in raw["criteria"]:
        out.append((f"criterion {c['id']}", c))
        for i in c["indicators"]:
            out.append((i["id"], i))
            out += [(f"{i['id']} band {n}", b) for n, b in enumerate(i.get("bands", []))]
    return out


@pytest.mark.parametrize("rid", sorted(CURRENT))
def test_every_confirmed_item_names_its_source(cff_json, rid: str) -> None:
    raw = cff_json("rulesets", "show", rid, "--json")  # what a user (and the check) sees
    assert raw["version"] == CURRENT[rid] and raw["source"]["url"].startswith("https://")
    confirmed = [(w, x) for w, x in _items(raw) if x.get("status") == "confirmed"]
    assert len(confirmed) >= 8
    for where, item in confirmed:
        src = item.get("source")
        assert src and src["quote"] and (src.get("url") or src.get("title")), where
    for where, item in _items(raw):
        if item.get("status") == "inferred":
            assert item["source"]["note"], where


# --- rounds pinned to the old bytes ---------------------------------------------------------------

def test_a_round_pinned_to_the_old_version_keeps_its_scale(cff_home: Path, cff, cff_json) -> None:
    from cff_desktop.services.officers import add_officer
    from cff_desktop.services.rounds import init_round
    from cff_desktop.services.scoring import score_round
    from cff_desktop.services.values import set_value
    from cff_desktop.services.workspace import open_workspace

    old_bytes = (resource_dir("rulesets", "superseded") / "qd06-2019-2019.1.json").read_bytes()
    with open_workspace(create=True) as ws:
        init_round(ws, commune="Xã Nà Hẩu", province="Yên Bái", category="other", year=2024,
                   ruleset_version="2019.1")
        add_officer(ws, name="Lò Văn Pao", sector="cong_an", role="officer", pin="1234")
        set_value(ws, "3.1", {"count": 2}, as_officer="Lò Văn Pao")  # a count under 2019.1
        res, rnd = score_round(ws)
        assert (rnd.ruleset.version, rnd.ruleset.sha256) == ("2019.1", hashlib.sha256(old_bytes).hexdigest())
        assert res.criterion("3").points == 25
        row = ws.store.one("SELECT body FROM ruleset_pin WHERE sha256 = ?", (rnd.ruleset.sha256,))
        assert bytes(row["body"]) == old_bytes
        init_round(ws, commune="Xã Nà Hẩu", province="Yên Bái", category="other", year=2026)
        with pytest.raises(BadInput, match="số trẻ em"):
            set_value(ws, "3.1", {"count": 2}, as_officer="Lò Văn Pao", year=2026)
        r = set_value(ws, "3.1", {"count": 2, "population": 1600}, as_officer="Lò Văn Pao", year=2026)
        assert r.points == Decimal(25)  # 1,25 per 1000
    out = cff_json("--round", "2024", "score", "--json")
    assert out["ruleset_version"] == "2019.1" and out["criteria"][2]["points"] == 25
    new = cff_json("--round", "2026", "score", "--json")
    assert new["ruleset_version"] == "2019.2"
    ind = new["criteria"][2]["indicators"][0]
    assert (ind["value"], ind["rate"], ind["rate_per"]) == ({"count": 2, "population": 1600}, 1.25, 1000)
    text = cff("--round", "2026", "score", check=True).stdout
    assert "1,25 trường hợp trên 1.000 trẻ em" in text
    assert json.loads(old_bytes)["version"] == "2019.1"


def test_list_marks_the_versions_a_newer_one_replaces(cff_json) -> None:
    rows = {(r["id"], r["version"]): r["superseded"] for r in cff_json("rulesets", "list", "--json")}
    assert rows == {("qd06-2019", "2019.1"): True, ("qd06-2019", "2019.2"): False,
                    ("qd34-2014", "2014.1"): True, ("qd34-2014", "2014.2"): False}


def test_show_in_words_says_how_sure_each_indicator_is(cff) -> None:
    text = cff("rulesets", "show", "qd06-2019", check=True).stdout
    assert "Tiêu chí 1: Nguồn lực thực hiện quyền trẻ em — tối đa 100  *có điểm suy ra" in text
    assert "1.1 [yes_no] Có bố trí người làm công tác bảo vệ trẻ em cấp xã — tối đa 50 (đã đối chiếu)" in text
    assert "Nguồn: https://vitreem.baodansinh.vn/" in text
    assert "1.4 [yes_no]" in text and "— tối đa 20 (suy ra)" in text and "100 − 50 − 15 − 15 = 20" in text
    assert "3.1 [tỷ suất] Tỷ suất trẻ em bị xâm hại (trên 1.000 trẻ em của xã) — tối đa 100 (tạm)" in text
