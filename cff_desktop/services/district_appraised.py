"""The appraised result of a dossier: the commune's values with the reviewers' corrections, re-scored.

The commune's own total is a claim; the upper level believes only what it recomputes. For each
received package this module takes the values frozen in the commune's snapshot, replaces every
indicator a reviewer corrected (latest appraisal entry per indicator), keeps the commune
council's written overrides, and scores it again with the pinned rule set (the area's, which the
package had to match to be filed) **and the category of the area's own list** — the category a
commune declares for itself only produces a warning. The result sits beside the self-assessment
everywhere (unit page, inbox, report, Excel, papers) and is what a recognition is checked against.

Scoring is pure and fast (about a millisecond); results are cached per package, appraisal
state and category, so the inbox of 150 units × 5 rounds does not score anything twice.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from cff_desktop.common.errors import BadInput
from cff_desktop.common.text import format_points
from cff_desktop.rules.engine import Override, parse_values, score
from cff_desktop.rules.model import CATEGORY_LABELS, RuleSet
from cff_desktop.rules.report import reason_text
from cff_desktop.services.workspace import Workspace

_CACHE: dict[tuple[str, int, str, str], dict[str, Any]] = {}
_CACHE_MAX = 4096


def _show(value: Any) -> str:
    """A stored value as people write it (45/50, 3, có/không)."""
    if isinstance(value, dict) and "numerator" in value:
        return f"{value['numerator']}/{value['denominator']}"
    if isinstance(value, dict) and len(value) == 1:
        return str(next(iter(value.values())))
    if isinstance(value, bool):
        return "có" if value else "không"
    return "—" if value is None else str(value)


def reasons_text(codes: list[str], total: Any, threshold: Any, category: str) -> list[str]:
    """Why a result fails, in the reviewer's words, the threshold named with the list's category."""
    out = []
    for code in codes:
        if code == "below_threshold":
            out.append(f"Tổng điểm {format_points(total)} dưới điểm chuẩn {format_points(threshold)} của nhóm "
                       f"\"{CATEGORY_LABELS.get(category, category)}\"")
        else:
            out.append(reason_text(code))
    return out


def _latest_appraisal(ws: Workspace, shas: list[str]) -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = {}
    if not shas:
        return out
    for i in range(0, len(shas), 500):
        part = shas[i:i + 500]
        for r in ws.store.query(
                f"SELECT * FROM appraisal WHERE package_sha256 IN ({','.join('?' * len(part))}) ORDER BY id", part):
            out.setdefault(r["package_sha256"], {})[r["indicator_id"]] = r
    return out


def rescore(rs: RuleSet, snapshot: dict[str, Any], category: str,
            appraisal: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Score the snapshot's values with the corrections, for ``category``; nothing is read or written."""
    raw = {iid: v.get("value") for iid, v in (snapshot.get("values") or {}).items() if iid in rs.indicators}
    corrected = []
    for iid, a in sorted(appraisal.items(), key=lambda kv: [int(x) if x.isdigit() else x
                                                             for x in kv[0].split(".")]):
        if a.get("corrected") is None:
            continue
        fixed = json.loads(a["corrected"]) if isinstance(a["corrected"], str) else a["corrected"]
        corrected.append({"indicator": iid, "criterion": iid.split(".")[0], "before": _show(raw.get(iid)),
                          "after": _show(fixed), "comment": a.get("comment") or "", "actor": a.get("actor") or ""})
        raw[iid] = fixed
    overrides = {}
    for c in (snapshot.get("score") or {}).get("criteria", []):
        ov = c.get("override")
        if ov:
            overrides[c["id"]] = Override(Decimal(str(ov["points"])), ov.get("reason") or "")
    values = parse_values(rs, raw)
    try:
        res = score(rs, category, values, overrides)
    except BadInput:  # an override on a criterion a correction left unassessed: it no longer applies
        res = score(rs, category, values, {c: o for c, o in overrides.items()
                                           if all(i.id in values for i in _indicators(rs, c))})
    before = {c["id"]: c.get("points") for c in (snapshot.get("score") or {}).get("criteria", [])}
    return {"total": float(res.total), "threshold": float(res.threshold), "passing": res.recognized,
            "category": category, "reason_codes": list(res.reasons),
            "reasons": reasons_text(list(res.reasons), res.total, res.threshold, category),
            "criteria": {c.id: float(c.points) for c in res.criteria},
            "changed_criteria": sorted((c.id for c in res.criteria
                                        if before.get(c.id) is not None and float(c.points) != float(before[c.id])),
                                       key=int),
            "corrected": corrected}


def _version_of(ws: Workspace, pinned: dict[str, Any], seen: dict[str, RuleSet]) -> RuleSet:
    if pinned["sha256"] not in seen:
        from cff_desktop.services.recompute import pinned_ruleset

        seen[pinned["sha256"]] = pinned_ruleset(ws, pinned)
    return seen[pinned["sha256"]]


def appraised_many(ws: Workspace, packages: list[dict[str, Any]], rs: RuleSet | None = None,
                   categories: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """The appraised result of each package row (needs sha256, unit_code, snapshot), by SHA-256.

    ``appraised`` says whether a reviewer recorded anything; ``agreed`` whether every entry agreed
    (only then may the minutes say "Thống nhất số liệu").
    """
    if not packages:
        return {}
    if rs is None:
        from cff_desktop.services.district import area_ruleset

        rs = area_ruleset(ws)
    if categories is None:
        categories = {u["code"]: u["category"] for u in ws.store.query("SELECT code, category FROM area_unit")}
    shas = [p["sha256"] for p in packages]
    apps = _latest_appraisal(ws, shas)
    versions: dict[str, RuleSet] = {}
    out: dict[str, dict[str, Any]] = {}
    for p in packages:
        ap = apps.get(p["sha256"], {})
        last = max((a["id"] for a in ap.values()), default=0)
        cat = categories.get(p["unit_code"], "other")
        snap = p["snapshot"] if isinstance(p["snapshot"], dict) else json.loads(p["snapshot"])
        # a dossier scored on another version of the area's rule set is appraised by that version
        prs = rs if snap["ruleset"]["sha256"] == rs.sha256 else _version_of(ws, snap["ruleset"], versions)
        key = (p["sha256"], last, cat, prs.sha256)
        hit = _CACHE.get(key)
        if hit is None:
            hit = rescore(prs, snap, cat, ap)
            hit["appraised"] = bool(ap)
            hit["agreed"] = bool(ap) and all(a["verdict"] == "agree" for a in ap.values())
            hit["disagreed"] = [{"indicator": iid, "comment": a["comment"],
                                 "corrected": None if a["corrected"] is None else _show(json.loads(a["corrected"]))}
                                for iid, a in ap.items() if a["verdict"] == "disagree"]
            if len(_CACHE) >= _CACHE_MAX:
                _CACHE.clear()
            _CACHE[key] = hit
        out[p["sha256"]] = hit
    return out


def appraised_of(ws: Workspace, sha256: str) -> dict[str, Any]:
    """The appraised result of one package."""
    row = ws.store.one("SELECT sha256, unit_code, snapshot FROM received_package WHERE sha256 = ?", (sha256,))
    if row is None:
        from cff_desktop.common.errors import NotFound

        raise NotFound("không có gói này trong hộp thư.", sha256)
    return appraised_many(ws, [row])[sha256]


__all__ = ["appraised_many", "appraised_of", "reasons_text", "rescore"]


def _indicators(rs: RuleSet, criterion_id: str) -> list[Any]:
    """The indicators of a criterion, none for an id the rule set does not know."""
    c = rs.criterion(criterion_id)
    return list(c.indicators) if c is not None else []
