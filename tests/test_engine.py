"""The scoring engine on the confirmed facts of Quyết định 06/QĐ-TTg, and its invariants."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cff_desktop.common.errors import BadInput
from cff_desktop.rules.engine import Override, parse_overrides, parse_values, score, score_indicator
from cff_desktop.rules.loader import bundled_files, load_file
from cff_desktop.rules.model import CATEGORIES, Indicator, RuleSet
from cff_desktop.rules.values import Count, Manual, Ratio, YesNo


def _rs(rid: str) -> RuleSet:
    return next(load_file(f) for f in bundled_files() if load_file(f).id == rid)


QD06 = _rs("qd06-2019")
QD34 = _rs("qd34-2014")


def best(rs: RuleSet) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for ind in rs.indicators.values():
        if ind.kind == "yes_no":
            out[ind.id] = YesNo(True)
        elif ind.kind == "ratio":
            out[ind.id] = Ratio(100, 100) if ind.direction == "higher_better" else Ratio(0, 100)
        elif ind.kind == "count":
            out[ind.id] = Count(0)
        else:
            out[ind.id] = Manual(ind.max)
    return out


def test_qd06_shape_and_confirmed_maxima() -> None:
    assert len(QD06.criteria) == 13 and QD06.max_total == 1000
    assert {c: QD06.thresholds[c].min_total for c in CATEGORIES} == {
        "urban_ward": 900, "mountain_island_disadvantaged": 800, "other": 850}
    maxima = {i: QD06.indicators[i].max for i in ("1.1", "1.2", "1.3", "1.4", "6.1", "6.2", "7.1")}
    assert maxima == {"1.1": 50, "1.2": 15, "1.3": 15, "1.4": 20, "6.1": 50, "6.2": 75, "7.1": 50}
    assert all(QD06.indicators[i].kind == "yes_no" for i in ("1.1", "1.2", "1.3", "1.4"))
    assert QD06.indicators["6.2"].on_zero_denominator == "full"
    for c in QD06.criteria:
        if c.id not in ("1", "6", "7"):
            assert all(i.status == "provisional" for i in c.indicators), c.id


def test_qd34_has_fifteen_criteria_adding_to_1000() -> None:
    assert len(QD34.criteria) == 15
    assert sum(c.max for c in QD34.criteria) == 1000
    assert QD34.thresholds["urban_ward"].min_total == 850
    assert QD34.thresholds["other"].status == "provisional"


@pytest.mark.parametrize("num,points", [(98, 50), (97, 35), (95, 35), (94, 20), (89, 0), (100, 50)])
def test_vaccination_band_is_inclusive_and_exact(num: int, points: int) -> None:
    r = score_indicator(QD06.indicators["7.1"], Ratio(num, 100))
    assert r.points == points


def test_ratio_never_uses_a_rounded_percent() -> None:
    # 9799/10000 = 97.99 % would round to 98,0 % but must not reach the top band.
    assert score_indicator(QD06.indicators["7.1"], Ratio(9799, 10000)).points == 35
    assert score_indicator(QD06.indicators["7.1"], Ratio(49, 50)).points == 50  # exactly 98 %


def test_zero_denominators_follow_each_indicators_rule() -> None:
    full = score_indicator(QD06.indicators["6.2"], Ratio(0, 0))
    assert (full.points, full.status) == (75, "no_cases")
    na = score_indicator(QD06.indicators["7.1"], Ratio(0, 0))
    assert (na.points, na.status) == (50, "not_applicable")
    zero = score_indicator(QD06.indicators["13.1"], Ratio(0, 0))
    assert (zero.points, zero.status) == (0, "zero_denominator")


def test_lower_is_better_counts_and_rates() -> None:
    assert score_indicator(QD06.indicators["5.1"], Count(0)).points == 40
    assert score_indicator(QD06.indicators["5.1"], Count(1)).points == 20
    assert score_indicator(QD06.indicators["5.1"], Count(2)).points == 0
    assert score_indicator(QD06.indicators["8.1"], Ratio(5, 100)).points == 40  # ≤ 5 % inclusive
    assert score_indicator(QD06.indicators["8.1"], Ratio(51, 1000)).points == 25


@pytest.mark.parametrize("count,population,points", [
    (0, None, 100),    # no cases: a rate of 0 whatever the population
    (0, 1500, 100),
    (1, 2000, 50),     # 0.5 per 1000
    (1, 1000, 50),     # exactly 1 per 1000: the bound is inclusive
    (1, 999, 25),      # 1000/999 per 1000 is just above 1: exact fraction, not a rounded 1,00
    (2, 1000, 25),     # exactly 2
    (2001, 1_000_000, 0),  # 2.001 per 1000
    (3, 1000, 0),
])
def test_rate_bands_are_per_thousand_children_and_exact(count: int, population: int | None, points: int) -> None:
    r = score_indicator(QD06.indicators["3.1"], Count(count, population))
    assert (r.points, r.status) == (points, "scored")
    assert r.rate == (Fraction(count * 1000, population) if population else 0)


def test_rate_with_no_children_follows_the_indicators_rule() -> None:
    ind = QD06.indicators["4.1"]
    assert ind.is_rate and ind.rate_per == 1000 and ind.on_zero_denominator == "not_applicable"
    r = score_indicator(ind, Count(0, 0))
    assert (r.points, r.status, r.rate) == (50, "not_applicable", None)


def test_rate_cases_without_a_population_are_refused_not_scored() -> None:
    with pytest.raises(BadInput, match="thiếu số trẻ em"):
        score_indicator(QD06.indicators["3.1"], Count(1))


def test_best_values_pass_every_category() -> None:
    for cat in CATEGORIES:
        res = score(QD06, cat, best(QD06))
        assert (res.total, res.recognized, res.reasons) == (1000, True, ())


def test_recognition_reasons() -> None:
    v = best(QD06)
    del v["5.1"]
    v.update({"1.1": YesNo(False), "1.2": YesNo(False), "1.3": YesNo(False), "1.4": YesNo(False)})
    res = score(QD06, "urban_ward", v)
    assert res.reasons == ("not_assessed:5", "zero_criterion:1", "below_threshold")
    assert not res.recognized
    assert not res.criterion("5").assessed and res.criterion("5").points == 35


def test_threshold_per_category() -> None:
    v = best(QD06)
    v["3.1"] = Count(4, 2000)  # 2 per 1000: 25 of 100
    v["4.1"] = Count(6, 2000)  # 3 per 1000: 20 of 50
    res = {c: score(QD06, c, v) for c in CATEGORIES}
    assert res["other"].total == 1000 - 75 - 30 == 895
    assert res["other"].recognized and res["mountain_island_disadvantaged"].recognized
    assert not res["urban_ward"].recognized and res["urban_ward"].reasons == ("below_threshold",)


def test_override_replaces_points_and_keeps_reason() -> None:
    ovs = parse_overrides(QD06, {"12": {"points": 60, "reason": "Điểm vui chơi thôn Nà Cạn chưa đạt"}})
    res = score(QD06, "other", best(QD06), ovs)
    c12 = res.criterion("12")
    assert (c12.points, c12.computed_points, c12.override.reason) == (60, 75, "Điểm vui chơi thôn Nà Cạn chưa đạt")
    assert res.total == 985


@pytest.mark.parametrize("raw,fragment", [
    ({"points": 60}, "lý do"),
    ({"points": 60, "reason": "   "}, "lý do"),
    ({"points": 76, "reason": "x"}, "0..75"),
    ({"points": -1, "reason": "x"}, "0..75"),
    ({"points": "nhiều", "reason": "x"}, "một số"),
])
def test_bad_overrides_are_refused(raw: dict[str, Any], fragment: str) -> None:
    with pytest.raises(BadInput) as e:
        parse_overrides(QD06, {"12": raw})
    assert fragment in e.value.message and e.value.where == "overrides.12"


def test_override_of_unassessed_criterion_is_refused() -> None:
    v = best(QD06)
    del v["12.1"]
    with pytest.raises(BadInput, match="chưa nhập đủ"):
        score(QD06, "other", v, {"12": Override(Decimal(10), "x")})


@pytest.mark.parametrize("iid,raw,fragment", [
    ("7.1", {"numerator": 101, "denominator": 100}, "lớn hơn mẫu số"),
    ("7.1", {"numerator": -1, "denominator": 100}, "không được âm"),
    ("7.1", {"numerator": 2.5, "denominator": 100}, "số nguyên"),
    ("7.1", True, "sai loại"),
    ("3.1", {"count": "ba"}, "số nguyên"),
    ("3.1", {"count": 2}, "số trẻ em"),
    ("3.1", {"count": 5, "population": 4}, "lớn hơn số trẻ em"),
    ("3.1", {"count": 1, "population": "nhiều"}, "số nguyên"),
    ("3.1", {"cases": 1}, "sai loại"),
    ("5.1", {"count": 1, "population": 10}, "sai loại"),
    ("1.1", {"count": 1}, "sai loại"),
    ("11.3", {"points": 26}, "0..25"),
    ("99.1", True, "không có chỉ số"),
])
def test_bad_values_are_refused_with_the_indicator_named(iid: str, raw: Any, fragment: str) -> None:
    with pytest.raises(BadInput) as e:
        parse_values(QD06, {iid: raw})
    assert fragment in e.value.message
    assert iid in str(e.value)


def test_text_forms_of_values() -> None:
    v = parse_values(QD06, {"1.1": "có", "1.2": "không", "7.1": "98/100", "3.1": "0", "11.3": "12,5",
                            "4.1": "2/1.500", "5.1": "1"})
    assert v == {"1.1": YesNo(True), "1.2": YesNo(False), "7.1": Ratio(98, 100), "3.1": Count(0),
                 "11.3": Manual(Decimal("12.5")), "4.1": Count(2, 1500), "5.1": Count(1)}
    assert v["4.1"].to_json() == {"count": 2, "population": 1500} and v["3.1"].to_json() == {"count": 0}


# --- properties ----------------------------------------------------------------------------------

def _value_for(ind: Indicator, draw: st.DrawFn) -> Any:
    if ind.kind == "yes_no":
        return YesNo(draw(st.booleans()))
    if ind.kind == "ratio":
        den = draw(st.integers(0, 5000))
        return Ratio(draw(st.integers(0, den)), den)
    if ind.is_rate:
        pop = draw(st.integers(0, 5000))
        return Count(draw(st.integers(0, min(pop, 50))), pop)
    if ind.kind == "count":
        return Count(draw(st.integers(0, 50)))
    return Manual(Decimal(draw(st.integers(0, int(ind.max)))))


@st.composite
def assessments(draw: st.DrawFn, rs: RuleSet = QD06) -> dict[str, Any]:
    out = {}
    for ind in rs.indicators.values():
        if draw(st.integers(0, 9)) > 0:  # mostly entered, sometimes missing
            out[ind.id] = _value_for(ind, draw)
    return out


@settings(max_examples=300, deadline=None)
@given(values=assessments(), category=st.sampled_from(CATEGORIES))
def test_scores_stay_within_maxima_and_verdict_matches_conditions(values: dict[str, Any], category: str) -> None:
    res = score(QD06, category, values)
    assert 0 <= res.total <= res.max_total == 1000
    for c in res.criteria:
        assert 0 <= c.points <= c.max
        for i in c.indicators:
            assert 0 <= i.points <= i.max
    all_assessed = all(c.assessed for c in res.criteria)
    none_zero = all(c.points > 0 for c in res.criteria if c.assessed)
    assert res.recognized == (all_assessed and none_zero and res.total >= res.threshold)
    assert res.total == sum(c.points for c in res.criteria)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_more_of_a_good_thing_never_lowers_a_score(data: st.DataObject) -> None:
    ind = data.draw(st.sampled_from([i for i in (*QD06.indicators.values(), *QD34.indicators.values())
                                     if i.kind in ("ratio", "count")]))
    if ind.is_rate:
        pop = data.draw(st.integers(1, 10_000))
        a, b = sorted(data.draw(st.lists(st.integers(0, pop), min_size=2, max_size=2)))
        better, worse = (Count(a, pop), Count(b, pop))  # rates here are lower_better
    elif ind.kind == "count":
        a, b = sorted(data.draw(st.lists(st.integers(0, 100), min_size=2, max_size=2)))
        better, worse = (Count(a), Count(b))  # counts here are lower_better
    else:
        den = data.draw(st.integers(1, 10_000))
        a, b = sorted(data.draw(st.lists(st.integers(0, den), min_size=2, max_size=2)))
        lo, hi = Ratio(a, den), Ratio(b, den)
        better, worse = (hi, lo) if ind.direction == "higher_better" else (lo, hi)
    assert score_indicator(ind, better).points >= score_indicator(ind, worse).points


@settings(max_examples=200, deadline=None)
@given(values=assessments(), iid=st.sampled_from(sorted(QD06.indicators)))
def test_improving_one_indicator_never_lowers_the_total(values: dict[str, Any], iid: str) -> None:
    before = score(QD06, "other", values).total
    improved = dict(values)
    improved[iid] = best(QD06)[iid]
    assert score(QD06, "other", improved).total >= before
