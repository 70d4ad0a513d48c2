"""How sure each indicator's scale is, and why: confirmed, inferred or provisional.

A reviewer can formally accept a score only on a confirmed scale. Marking a whole criterion
"provisional" hides that, e.g., 6.1's maximum and top band are confirmed while its lower bands are
not, or that 1.4's 20 points are arithmetic. The dashboard, the criterion pages and the papers ask
this module, so they all say the same thing in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from cff_desktop.rules.model import Criterion, Indicator

LABELS = {"confirmed": "Đã đối chiếu", "inferred": "Suy ra", "provisional": "Tạm"}
#: The mark after a name in a printed table; explained once under the table.
MARKS = {"confirmed": "", "inferred": " (**)", "provisional": " (*)"}
NOTES = {
    "provisional": "(*) Thang điểm tạm, cần đối chiếu văn bản quy định chính thức.",
    "inferred": "(**) Điểm suy ra bằng phép tính từ các số đã đối chiếu, chưa thấy trong văn bản.",
}


@dataclass(frozen=True)
class Basis:
    status: str  # confirmed | inferred | provisional
    label: str   # "Đã đối chiếu" / "Suy ra" / "Tạm"
    text: str    # one sentence for a tooltip or a footnote
    source: str  # "address — quote" of what was checked, "" when none

    @property
    def mark(self) -> str:
        return MARKS[self.status]


def _source_line(src: dict[str, str] | None) -> str:
    if not src:
        return ""
    where = src.get("url") or src.get("title") or ""
    return f"{where} — “{src['quote']}”" if where else f"“{src['quote']}”"


def indicator_basis(ind: Indicator) -> Basis:
    """The status of one indicator with its explanation, worst of its own status and its bands'."""
    status = ind.basis
    src = ind.source or next((b.source for b in ind.bands if b.source), None)
    if status == "confirmed":
        text = "Điểm tối đa và các mức điểm đã đối chiếu văn bản."
    elif status == "inferred":
        text = (ind.source or {}).get("note") or "Điểm tối đa suy ra bằng phép tính, chưa thấy trong văn bản."
    elif ind.status == "confirmed" and ind.bands and ind.bands[0].status == "confirmed":
        text = "Điểm tối đa và mức cao nhất đã đối chiếu văn bản; các mức thấp hơn là tạm, cần đối chiếu."
    elif ind.status == "confirmed":
        text = "Điểm tối đa đã đối chiếu văn bản; các mức điểm là tạm, cần đối chiếu."
    else:
        text = "Thang điểm tạm, cần đối chiếu văn bản quy định chính thức."
    if ind.is_rate and status != "confirmed":
        text += f" Tỷ suất tính trên {ind.rate_per:,} trẻ em".replace(",", ".") + " (cơ số tạm)."
    return Basis(status, LABELS[status], text, _source_line(src))


def criterion_basis(c: Criterion) -> Basis:
    """A criterion is as sure as its least sure indicator (or its own maximum)."""
    status = c.basis
    parts = {i.id: indicator_basis(i).status for i in c.indicators}
    shaky = [iid for iid, s in parts.items() if s != "confirmed"]
    if status == "confirmed":
        text = "Đã đối chiếu văn bản."
    elif c.status == "provisional":
        text = "Điểm tối đa của tiêu chí là tạm, cần đối chiếu văn bản."
    else:
        text = f"Chỉ số chưa chắc chắn: {', '.join(shaky)}."
    return Basis(status, LABELS[status], text, _source_line(c.source))


def indicator_bases(criteria: tuple[Criterion, ...]) -> dict[str, Basis]:
    """Every indicator's basis by id, for views that show many at once."""
    return {i.id: indicator_basis(i) for c in criteria for i in c.indicators}
