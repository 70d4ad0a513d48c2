"""The scoring engine: pure functions from (rule set, category, values, overrides) to a verdict.

Conditions for recognition under Quyết định 06/QĐ-TTg: every criterion assessed, none at 0
points, total at or above the category's threshold. Reasons are machine-readable
(``not_assessed:5``, ``zero_criterion:3``, ``below_threshold``) so the UI, the CLI and the printed
minutes each phrase them in their own words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from cff_desktop.common.errors import BadInput
from cff_desktop.common.text import nfc
from cff_desktop.rules.kinds import KINDS, kind_of
from cff_desktop.rules.model import CATEGORIES, Indicator, RuleSet
from cff_desktop.rules.values import Count, Manual, Ratio, Value, YesNo, parse_points, parse_value

ZERO = Decimal(0)


@dataclass(frozen=True)
class Override:
    """A council decision replacing a criterion's computed points, with its written reason."""

    points: Decimal
    reason: str


@dataclass(frozen=True)
class IndicatorResult:
    id: str
    points: Decimal
    max: Decimal
    value: Value | None
    status: str  # scored | not_entered | not_applicable | no_cases | zero_denominator
    provisional: bool
    ratio: Fraction | None = None
    #: Cases per ``rate_per`` children, exact (rate indicators only).
    rate: Fraction | None = None

    @property
    def entered(self) -> bool:
        return self.status != "not_entered"


@dataclass(frozen=True)
class CriterionResult:
    id: str
    name: str
    points: Decimal
    computed_points: Decimal
    max: Decimal
    assessed: bool
    provisional: bool
    indicators: tuple[IndicatorResult, ...]
    override: Override | None = None


@dataclass(frozen=True)
class ScoreResult:
    ruleset_id: str
    ruleset_version: str
    ruleset_sha256: str
    category: str
    threshold: Decimal
    threshold_provisional: bool
    total: Decimal
    max_total: Decimal
    recognized: bool
    reasons: tuple[str, ...]
    criteria: tuple[CriterionResult, ...]

    def criterion(self, cid: str) -> CriterionResult:
        return next(c for c in self.criteria if c.id == str(cid))


def _band_points(ind: Indicator, measure: Fraction) -> Decimal:
    """Points of the first band the measure falls in; bounds are inclusive."""
    for band in ind.bands:
        if ind.direction == "higher_better":
            if measure > band.bound or (measure == band.bound and not band.strict):
                return band.points
        elif measure < band.bound or (measure == band.bound and not band.strict):
            return band.points
    return ZERO


def _score_yes_no(ind: Indicator, value: YesNo, prov: bool) -> IndicatorResult:
    pts = (ind.yes_points if ind.yes_points is not None else ind.max) if value.yes else ZERO
    return IndicatorResult(ind.id, pts, ind.max, value, "scored", prov)


def _score_ratio(ind: Indicator, value: Ratio, prov: bool) -> IndicatorResult:
    if value.denominator == 0:
        rule = ind.on_zero_denominator
        if rule == "full":
            return IndicatorResult(ind.id, ind.max, ind.max, value, "no_cases", prov)
        if rule == "not_applicable":
            return IndicatorResult(ind.id, ind.max, ind.max, value, "not_applicable", prov)
        return IndicatorResult(ind.id, ZERO, ind.max, value, "zero_denominator", prov)
    ratio = Fraction(value.numerator, value.denominator)
    pts = _band_points(ind, ratio * 100)
    return IndicatorResult(ind.id, pts, ind.max, value, "scored", prov, ratio)


def _score_rate(ind: Indicator, value: Count, prov: bool) -> IndicatorResult:
    assert ind.rate_per is not None
    if value.population is None:  # no cases: a rate of 0 whatever the population
        if value.count:
            raise BadInput(f"có {value.count} trường hợp nhưng thiếu số trẻ em của xã để tính tỷ suất",
                           f"chỉ số {ind.id}")
        rate = Fraction(0)
    elif value.population == 0:
        rule = ind.on_zero_denominator
        status = {"full": "no_cases", "not_applicable": "not_applicable"}.get(rule, "zero_denominator")
        pts = ZERO if rule == "zero" else ind.max
        return IndicatorResult(ind.id, pts, ind.max, value, status, prov)
    else:
        rate = Fraction(value.count * ind.rate_per, value.population)
    return IndicatorResult(ind.id, _band_points(ind, rate), ind.max, value, "scored", prov, rate=rate)


def _score_count(ind: Indicator, value: Count, prov: bool) -> IndicatorResult:
    return IndicatorResult(ind.id, _band_points(ind, Fraction(value.count)), ind.max, value, "scored", prov)


def _score_manual(ind: Indicator, value: Manual, prov: bool) -> IndicatorResult:
    return IndicatorResult(ind.id, value.points, ind.max, value, "scored", prov)


#: How each kind of rules/kinds.py is scored; a new kind without a scorer fails at import.
_SCORERS: dict[str, Callable[[Indicator, Any, bool], IndicatorResult]] = {
    "yes_no": _score_yes_no, "ratio": _score_ratio, "rate": _score_rate, "count": _score_count,
    "manual": _score_manual,
}
if set(_SCORERS) != set(KINDS):  # pragma: no cover - a programming error, caught by any test run
    raise RuntimeError(f"kinds without a scorer: {sorted(set(KINDS) ^ set(_SCORERS))}")


def score_indicator(ind: Indicator, value: Value | None) -> IndicatorResult:
    """Score one indicator. Ratios compare exact fractions: 98/100 meets "≥ 98 %"."""
    prov = ind.provisional
    if value is None:
        return IndicatorResult(ind.id, ZERO, ind.max, None, "not_entered", prov)
    return _SCORERS[kind_of(ind).key](ind, value, prov)


def parse_values(rs: RuleSet, raw: Mapping[str, Any]) -> dict[str, Value]:
    """Check a mapping of indicator id → raw value against the rule set; refuse unknown ids."""
    inds = rs.indicators
    out: dict[str, Value] = {}
    for key, rv in raw.items():
        iid = nfc(str(key))
        if iid not in inds:
            raise BadInput(
                f"không có chỉ số '{iid}' trong bộ tiêu chí {rs.id} {rs.version}", f"values.{iid}"
            )
        if rv is None:
            continue
        out[iid] = parse_value(inds[iid], rv)
    return out


def parse_overrides(rs: RuleSet, raw: Mapping[str, Any]) -> dict[str, Override]:
    """Check council overrides: known criterion, written reason, points within 0..max."""
    out: dict[str, Override] = {}
    for key, ov in raw.items():
        cid = nfc(str(key))
        where = f"overrides.{cid}"
        crit = rs.criterion(cid)
        if crit is None:
            raise BadInput(f"không có tiêu chí '{cid}' trong bộ tiêu chí {rs.id}", where)
        if not isinstance(ov, Mapping) or "points" not in ov:
            raise BadInput('cần dạng {"points": số điểm, "reason": "lý do"}', where)
        reason = nfc(ov.get("reason") or "") if isinstance(ov.get("reason", ""), str) else ""
        if not reason:
            raise BadInput("điều chỉnh điểm của hội đồng phải ghi rõ lý do", where)
        pts = parse_points(ov["points"], crit.max, where, "điểm điều chỉnh",
                           f"điểm điều chỉnh {str(ov['points'])[:20]} nằm ngoài khoảng 0..{crit.max} "
                           f"của tiêu chí {cid}")
        out[cid] = Override(pts, reason)
    return out


def score(
    rs: RuleSet,
    category: str,
    values: Mapping[str, Value],
    overrides: Mapping[str, Override] | None = None,
) -> ScoreResult:
    """Score a whole assessment and decide recognition."""
    if category not in CATEGORIES:
        raise BadInput(
            f"loại đơn vị '{category}' không hợp lệ; chọn một trong: {', '.join(CATEGORIES)}",
            "category",
        )
    overrides = overrides or {}
    crits: list[CriterionResult] = []
    reasons_na: list[str] = []
    reasons_zero: list[str] = []
    for c in rs.criteria:
        inds = tuple(score_indicator(i, values.get(i.id)) for i in c.indicators)
        assessed = all(r.entered for r in inds)
        computed = sum((r.points for r in inds), ZERO)
        ov = overrides.get(c.id)
        if ov is not None and not assessed:
            raise BadInput(
                f"không thể điều chỉnh điểm tiêu chí {c.id} khi chưa nhập đủ các chỉ số",
                f"overrides.{c.id}",
            )
        points = ov.points if ov is not None else computed
        crits.append(
            CriterionResult(c.id, c.name, points, computed, c.max, assessed, c.provisional, inds, ov)
        )
        if not assessed:
            reasons_na.append(f"not_assessed:{c.id}")
        elif points == 0:
            reasons_zero.append(f"zero_criterion:{c.id}")
    total = sum((c.points for c in crits), ZERO)
    th = rs.thresholds[category]
    reasons = reasons_na + reasons_zero
    if total < th.min_total:
        reasons.append("below_threshold")
    return ScoreResult(
        ruleset_id=rs.id,
        ruleset_version=rs.version,
        ruleset_sha256=rs.sha256,
        category=category,
        threshold=th.min_total,
        threshold_provisional=th.status == "provisional",
        total=total,
        max_total=rs.max_total,
        recognized=not reasons,
        reasons=tuple(reasons),
        criteria=tuple(crits),
    )
