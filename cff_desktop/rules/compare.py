"""What changed between two rule sets, in words a council can check against the decision.

Before a province's imported table replaces the shipped one, or before an open round is moved to
a new version, someone has to see exactly which maxima, bands, wordings and statuses differ.
Pure: two :class:`RuleSet` in, a list of changes out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cff_desktop.common.text import format_number
from cff_desktop.rules.kinds import KINDS, kind_of
from cff_desktop.rules.model import CATEGORIES, Band, Indicator, RuleSet

STATUS_WORDS = {"confirmed": "đã đối chiếu", "inferred": "suy ra", "provisional": "tạm"}
ZERO_WORDS = {"full": "tính đủ điểm", "zero": "tính 0 điểm", "not_applicable": "không áp dụng, tính đủ điểm"}
KIND_WORDS = {k.key: k.words for k in KINDS.values()}


@dataclass(frozen=True)
class Change:
    where: str  # "tiêu chí 3", "chỉ số 3.1", "ngưỡng other", "bộ tiêu chí"
    what: str   # "điểm tối đa", "mức điểm", "nội dung", …
    old: str
    new: str

    def to_json(self) -> dict[str, Any]:
        return {"where": self.where, "what": self.what, "old": self.old, "new": self.new}

    def text(self) -> str:
        return f"{self.where} — {self.what}: {self.old or '(không có)'} → {self.new or '(không có)'}"


def _n(x: Any) -> str:
    return format_number(x, 0 if x == int(x) else 2)


def band_text(ind: Indicator, b: Band) -> str:
    """ "≥ 98 %: 50 điểm" ; "< 2 %: 75 điểm" ; "≤ 1 trên 1.000 trẻ em: 50 điểm"."""
    if ind.direction == "higher_better":
        op = ">" if b.strict else "≥"
    else:
        op = "<" if b.strict else "≤"
    unit = kind_of(ind).band_unit(ind)
    return f"{op} {_n(b.bound)}{unit}: {_n(b.points)} điểm"


def bands_text(ind: Indicator) -> str:
    return "; ".join(band_text(ind, b) for b in ind.bands)


def kind_text(ind: Indicator) -> str:
    return kind_of(ind).words


def _one_side(out: list[Change], where: str, x: Any, y: Any, text: Callable[[Any], str]) -> bool:
    """Note a criterion or indicator that only one rule set has; True when so (nothing more to compare)."""
    if y is None:
        out.append(Change(where, "bỏ", text(x), ""))
        return True
    if x is None:
        out.append(Change(where, "thêm", "", text(y)))
        return True
    return False


def diff(a: RuleSet, b: RuleSet) -> list[Change]:
    """Every difference that changes a score or what an officer reads, criterion by criterion."""
    out: list[Change] = []

    def ch(where: str, what: str, old: Any, new: Any) -> None:
        if old != new:
            out.append(Change(where, what, str(old), str(new)))

    ch("bộ tiêu chí", "tên", a.title, b.title)
    ch("bộ tiêu chí", "căn cứ pháp lý", a.legal_basis, b.legal_basis)
    ch("bộ tiêu chí", "tổng điểm tối đa", _n(a.max_total), _n(b.max_total))
    for cat in CATEGORIES:
        ta, tb = a.thresholds[cat], b.thresholds[cat]
        ch(f"ngưỡng {cat}", "điểm tối thiểu", _n(ta.min_total), _n(tb.min_total))
        ch(f"ngưỡng {cat}", "trạng thái", STATUS_WORDS[ta.status], STATUS_WORDS[tb.status])
    ca = {c.id: c for c in a.criteria}
    cb = {c.id: c for c in b.criteria}
    for cid in sorted(ca.keys() | cb.keys(), key=int):
        where = f"tiêu chí {cid}"
        if _one_side(out, where, ca.get(cid), cb.get(cid), lambda c: c.name):
            continue
        x, y = ca[cid], cb[cid]
        ch(where, "tên", x.name, y.name)
        ch(where, "lĩnh vực", x.sector, y.sector)
        ch(where, "điểm tối đa", _n(x.max), _n(y.max))
        ch(where, "trạng thái", STATUS_WORDS[x.basis], STATUS_WORDS[y.basis])
        ia = {i.id: i for i in x.indicators}
        ib = {i.id: i for i in y.indicators}
        for iid in sorted(ia.keys() | ib.keys(), key=lambda s: [int(p) for p in s.split(".")]):
            w = f"chỉ số {iid}"
            if _one_side(out, w, ia.get(iid), ib.get(iid), lambda i: i.label):
                continue
            p, q = ia[iid], ib[iid]
            ch(w, "nội dung", p.label, q.label)
            ch(w, "loại", kind_text(p), kind_text(q))
            ch(w, "điểm tối đa", _n(p.max), _n(q.max))
            ch(w, "mức điểm", bands_text(p), bands_text(q))
            ch(w, "khi mẫu số bằng 0", ZERO_WORDS[p.on_zero_denominator] if kind_of(p).has_denominator else "",
               ZERO_WORDS[q.on_zero_denominator] if kind_of(q).has_denominator else "")
            ch(w, "trạng thái", STATUS_WORDS[p.basis], STATUS_WORDS[q.basis])
    return out
