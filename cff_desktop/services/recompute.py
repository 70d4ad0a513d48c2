"""The upper level believes no figure it can compute itself: every dossier is scored again.

A commune's snapshot carries its values, the council's overrides (with reasons) and the score it
claims. A hostile or broken sender can sign any score; so on import the dossier is rescored from
the snapshot's values and overrides with the exact rule set bytes it pins (the SHA-256 in the
manifest), and a claimed total, criterion points or verdict that differs is refused, naming the
first difference. The recomputed result is what the upper level stores and reports.

The snapshot must also describe the same dossier the signed manifest announces: same commune,
same round, same rule set — otherwise one commune's key could carry another's payload.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cff_desktop.common.errors import BadInput
from cff_desktop.common.text import format_points, nfc
from cff_desktop.dossier.format import PackageRejected
from cff_desktop.rules.engine import ScoreResult, parse_overrides, parse_values, score
from cff_desktop.rules.loader import parse_bytes
from cff_desktop.rules.model import RuleSet
from cff_desktop.rules.report import result_to_json
from cff_desktop.services.workspace import Workspace


def _mismatch(what: str, where: str | None, **details: Any) -> PackageRejected:
    return PackageRejected("mismatch", f"{what}. Gói không nhất quán với chính nó: không nhập; đề nghị xã xuất lại.",
                           where, details)


def pinned_ruleset(ws: Workspace, rs: dict[str, Any], where: str | None = None) -> RuleSet:
    """The rule set with exactly these bytes (SHA-256), from the pins or the library; refused when absent."""
    row = ws.store.one("SELECT body FROM ruleset_pin WHERE sha256 = ?", (rs["sha256"],))
    if row is not None:
        body = row["body"] if isinstance(row["body"], bytes) else str(row["body"]).encode("utf-8")
        got = parse_bytes(body, f"ruleset_pin:{rs['sha256'][:12]}")
        if got.sha256 == rs["sha256"]:
            return got
    for r in ws.library.all():
        if r.sha256 == rs["sha256"]:
            return r
    raise PackageRejected(
        "unknown_ruleset", f"không chấm lại được: máy này chưa có bộ tiêu chí {rs.get('id')} phiên bản "
        f"{rs.get('version')} (SHA-256 {str(rs.get('sha256'))[:12]}…) mà hồ sơ dùng. Xin tệp bộ tiêu chí đó, nhập "
        "bằng `cff rulesets import TỆP` rồi nhập lại hồ sơ.", where, {"ruleset": rs})


def check_same_dossier(manifest: dict[str, Any], snapshot: dict[str, Any], where: str | None = None) -> None:
    """The payload describes the commune, round and rule set the signed manifest names."""
    mc, sc = manifest["commune"], snapshot["commune"]
    if (mc.get("code") or "") != (sc.get("code") or ""):
        raise _mismatch(f"manifest ghi mã đơn vị {mc.get('code') or '(trống)'} nhưng bản chốt số liệu là của mã "
                        f"{sc.get('code') or '(trống)'} ({sc.get('name')})", where, field="commune.code")
    for k in ("name", "province"):
        if nfc(str(mc.get(k) or "")).casefold() != nfc(str(sc.get(k) or "")).casefold():
            raise _mismatch(f"manifest ghi {mc.get(k)!s} nhưng bản chốt số liệu ghi {sc.get(k)!s}", where,
                            field=f"commune.{k}")
    if snapshot["round"]["year"] != manifest["round"]["year"]:
        raise _mismatch(f"manifest ghi vòng năm {manifest['round']['year']} nhưng bản chốt số liệu là năm "
                        f"{snapshot['round']['year']}", where, field="round.year")
    for k in ("id", "version", "sha256"):
        if snapshot["ruleset"][k] != manifest["ruleset"][k]:
            raise _mismatch(f"manifest và bản chốt số liệu ghi hai bộ tiêu chí khác nhau ({k}: "
                            f"{manifest['ruleset'][k]} / {snapshot['ruleset'][k]})", where, field=f"ruleset.{k}")


def _num(x: Any) -> Decimal:
    return Decimal(str(x))


def rescore(rs: RuleSet, snapshot: dict[str, Any], where: str | None = None) -> ScoreResult:
    """Score the snapshot's values and overrides with ``rs`` (the engine's own checks apply)."""
    claimed = snapshot["score"]
    raw_values = {iid: v.get("value") for iid, v in snapshot["values"].items()}
    raw_overrides = {c["id"]: c["override"] for c in claimed["criteria"] if c.get("override")}
    try:
        values = parse_values(rs, raw_values)
        overrides = parse_overrides(rs, raw_overrides)
        return score(rs, snapshot["commune"]["category"], values, overrides)
    except BadInput as e:
        raise PackageRejected("mismatch", f"không chấm lại được hồ sơ theo bộ tiêu chí {rs.id} {rs.version}: "
                              f"{e.where}: {e.message}. Không nhập; đề nghị xã xuất lại.", where,
                              {"field": e.where}) from None


def first_difference(res: ScoreResult, snapshot: dict[str, Any],
                     summary: dict[str, Any] | None = None) -> str | None:
    """What the sender claims that the recomputation does not say (the first such thing), or None."""
    claimed = snapshot["score"]
    if _num(claimed["total"]) != res.total:
        return f"tổng điểm ghi {format_points(_num(claimed['total']))}, chấm lại được {format_points(res.total)}"
    if bool(claimed["recognized"]) != res.recognized:
        said = "đạt" if claimed["recognized"] else "không đạt"
        got = "đạt" if res.recognized else "không đạt"
        return f"kết luận ghi \"{said}\", chấm lại là \"{got}\""
    for k, mine in (("threshold", res.threshold), ("max_total", res.max_total)):
        if _num(claimed[k]) != mine:
            return f"{k} ghi {format_points(_num(claimed[k]))}, bộ tiêu chí quy định {format_points(mine)}"
    theirs = {str(c["id"]): c for c in claimed["criteria"]}
    for c in res.criteria:
        t = theirs.pop(c.id, None)
        if t is None:
            return f"thiếu tiêu chí {c.id}"
        if _num(t["points"]) != c.points:
            return (f"tiêu chí {c.id} ghi {format_points(_num(t['points']))} điểm, chấm lại được "
                    f"{format_points(c.points)}")
        mine_inds = {i.id: i for i in c.indicators}
        for ti in t.get("indicators") or []:
            i = mine_inds.get(str(ti["id"]))
            if i is None:
                return f"chỉ số {ti['id']} không có trong bộ tiêu chí"
            if _num(ti["points"]) != i.points:
                return (f"chỉ số {i.id} ghi {format_points(_num(ti['points']))} điểm, chấm lại được "
                        f"{format_points(i.points)}")
    if theirs:
        return f"có tiêu chí {', '.join(sorted(theirs))} không có trong bộ tiêu chí"
    if summary:
        if summary.get("total") is not None and _num(summary["total"]) != res.total:
            return f"tóm tắt ngoài gói ghi tổng {format_points(_num(summary['total']))}, chấm lại được " \
                   f"{format_points(res.total)}"
        if summary.get("recognized") is not None and bool(summary["recognized"]) != res.recognized:
            return "tóm tắt ngoài gói ghi kết luận khác kết quả chấm lại"
    return None


def recompute_dossier(ws: Workspace, manifest: dict[str, Any], snapshot: dict[str, Any],
                      where: str | None = None, *, ruleset: RuleSet | None = None) -> dict[str, Any]:
    """Check and rescore a received dossier; returns the recomputed score (``cff score --json`` shape).

    Raises :class:`PackageRejected` (``mismatch``) naming the first claim that differs, or
    (``unknown_ruleset``) when this installation does not hold the pinned rule set.
    """
    check_same_dossier(manifest, snapshot, where)
    rs = ruleset if ruleset is not None and ruleset.sha256 == manifest["ruleset"]["sha256"] else \
        pinned_ruleset(ws, manifest["ruleset"], where)
    res = rescore(rs, snapshot, where)
    diff = first_difference(res, snapshot, manifest.get("summary"))
    if diff is not None:
        raise PackageRejected("mismatch", f"điểm trong hồ sơ không khớp khi chấm lại theo bộ tiêu chí {rs.id} "
                              f"{rs.version}: {diff}. Không nhập; đề nghị xã kiểm tra rồi xuất lại.", where,
                              {"difference": diff})
    return result_to_json(res)
