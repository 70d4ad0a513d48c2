"""The JSON shape of a score (the CLI contract of ``cff score --json``) and Vietnamese reasons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cff_desktop.common.text import format_number, format_percent, format_points
from cff_desktop.rules.engine import ScoreResult
from cff_desktop.rules.model import RuleSet


def num(d: Decimal) -> int | float:
    """Whole points as int (1000, not 1000.0); fractional points as float."""
    return int(d) if d == d.to_integral_value() else float(d)


def result_to_json(res: ScoreResult, rs: RuleSet | None = None) -> dict[str, Any]:
    """The score as JSON; given the rule set, each criterion and indicator also says how sure its
    scale is (``basis``: confirmed / inferred / provisional) and a rate indicator its base."""
    inds = rs.indicators if rs is not None else {}
    crits = {c.id: c for c in rs.criteria} if rs is not None else {}

    def extra_c(cid: str) -> dict[str, Any]:
        return {"basis": crits[cid].basis} if cid in crits else {}

    def extra_i(iid: str, rate: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if iid in inds:
            out["basis"] = inds[iid].basis
            if inds[iid].rate_per:
                out["rate_per"] = inds[iid].rate_per
                out["rate"] = float(round(rate, 4)) if rate is not None else None
        return out

    return {
        "ruleset": res.ruleset_id,
        "ruleset_version": res.ruleset_version,
        "ruleset_sha256": res.ruleset_sha256,
        "category": res.category,
        "threshold": num(res.threshold),
        "threshold_provisional": res.threshold_provisional,
        "total": num(res.total),
        "max_total": num(res.max_total),
        "recognized": res.recognized,
        "reasons": list(res.reasons),
        "criteria": [
            {
                "id": c.id,
                "name": c.name,
                "points": num(c.points),
                "computed_points": num(c.computed_points),
                "max": num(c.max),
                "assessed": c.assessed,
                "provisional": c.provisional,
                **extra_c(c.id),
                "override": (
                    {"points": num(c.override.points), "reason": c.override.reason}
                    if c.override
                    else None
                ),
                "indicators": [
                    {
                        "id": i.id,
                        "points": num(i.points),
                        "max": num(i.max),
                        "value": i.value.to_json() if i.value is not None else None,
                        "status": i.status,
                        "provisional": i.provisional,
                        "percent": float(round(i.ratio * 100, 4)) if i.ratio is not None else None,
                        **extra_i(i.id, i.rate),
                    }
                    for i in c.indicators
                ],
            }
            for c in res.criteria
        ],
    }


def rate_text(rate: Any, per: int) -> str:
    """ "1,25 trường hợp trên 1.000 trẻ em" — two decimals with a decimal comma."""
    return f"{format_number(rate, 2)} trường hợp trên {format_number(per)} trẻ em"


def reason_text(reason: str) -> str:
    """A machine reason in the officer's words."""
    code, _, cid = reason.partition(":")
    if code == "not_assessed":
        return f"Tiêu chí {cid} chưa được đánh giá"
    if code == "zero_criterion":
        return f"Tiêu chí {cid} đang 0 điểm"
    if code == "below_threshold":
        return "Tổng điểm chưa đạt ngưỡng công nhận"
    return reason


def result_to_text(res: ScoreResult, rs: RuleSet) -> str:
    """A short human summary for the terminal."""
    lines = [f"Bộ tiêu chí: {rs.title} ({rs.id} {rs.version})"]
    for c in res.criteria:
        mark = "" if c.assessed else "  (chưa đánh giá)"
        ov = f"  [hội đồng điều chỉnh: {c.override.reason}]" if c.override else ""
        prov = "  *thang điểm tạm" if c.provisional else ""
        lines.append(
            f"  Tiêu chí {c.id:>2}: {format_points(c.points):>5}/{format_points(c.max)}{mark}{ov}{prov}"
        )
        for i in c.indicators:
            if i.ratio is not None:
                lines.append(f"      {i.id}: {format_percent(i.ratio)} → {format_points(i.points)}")
            elif i.rate is not None:
                lines.append(f"      {i.id}: {rate_text(i.rate, rs.indicators[i.id].rate_per or 1)}"
                             f" → {format_points(i.points)}")
    verdict = "ĐẠT" if res.recognized else "KHÔNG ĐẠT"
    lines.append(
        f"Tổng điểm: {format_points(res.total)}/{format_points(res.max_total)}; "
        f"ngưỡng: {format_points(res.threshold)}; kết luận: {verdict}"
    )
    for r in res.reasons:
        lines.append(f"  - {reason_text(r)}")
    return "\n".join(lines)
