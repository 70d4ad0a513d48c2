"""Typed, immutable view of a rule set file.

Points are :class:`~decimal.Decimal` so totals are exact; percentage bounds are kept as exact
fractions so a band test never depends on float rounding (98/100 meets "≥ 98 %").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

#: How sure a figure is, best first. ``inferred`` is worked out by arithmetic from confirmed facts
#: (e.g. 100 − 50 − 15 − 15 = 20 for 1.4); it is shown like ``provisional`` but with its reason.
BASES = ("confirmed", "inferred", "provisional")

CATEGORIES = ("urban_ward", "mountain_island_disadvantaged", "other")

CATEGORY_LABELS = {
    "urban_ward": "Phường thuộc quận, thị xã, thành phố trực thuộc thành phố trực thuộc trung ương",
    "mountain_island_disadvantaged": "Xã, thị trấn miền núi, hải đảo hoặc xã đặc biệt khó khăn",
    "other": "Các xã, phường, thị trấn còn lại",
}

SECTOR_LABELS = {
    "vhxh": "Công chức Văn hóa - Xã hội",
    "tu_phap": "Công chức Tư pháp - Hộ tịch",
    "cong_an": "Công an xã",
    "y_te": "Trạm Y tế",
    "mam_non": "Trường mầm non",
    "doan_tn": "Đoàn TNCS Hồ Chí Minh xã",
    "giao_duc": "Trường phổ thông",
    "van_hoa": "Văn hóa - Thông tin",
    "ldtbxh": "Lao động - Thương binh và Xã hội",
}


def worst_basis(*statuses: str) -> str:
    """The least sure of several statuses: one provisional band makes the indicator provisional."""
    return max(statuses, key=BASES.index, default="confirmed")


@dataclass(frozen=True)
class Band:
    """One scoring band. ``bound`` is inclusive (at_least for higher_better, at_most otherwise)
    unless ``strict``: the law sometimes says "dưới 2 %", where exactly 2 % must not qualify."""

    bound: Fraction
    points: Decimal
    provisional: bool
    status: str = "confirmed"
    strict: bool = False
    source: dict[str, str] | None = None


@dataclass(frozen=True)
class Indicator:
    id: str
    criterion_id: str
    label: str
    kind: str  # yes_no | ratio | count | manual
    max: Decimal
    status: str
    direction: str = "higher_better"
    bands: tuple[Band, ...] = ()
    on_zero_denominator: str = "not_applicable"
    zero_denominator_note: str = ""
    numerator_label: str = ""
    denominator_label: str = ""
    count_label: str = ""
    yes_points: Decimal | None = None
    help: str = ""
    source: dict[str, str] | None = None
    #: Incidence per ``rate_per`` children (criteria 3-4 of QĐ 06): bands are on the rate, the
    #: officer enters the count and the child population. ``None`` for a plain count.
    rate_per: int | None = None
    population_label: str = ""

    @property
    def is_rate(self) -> bool:
        return self.kind == "count" and self.rate_per is not None

    @property
    def basis(self) -> str:
        """confirmed / inferred / provisional: the least sure of the indicator and its bands."""
        return worst_basis(self.status, *(b.status for b in self.bands))

    @property
    def provisional(self) -> bool:
        """True when the maximum or any band is not yet checked against the legal text (an
        inferred figure counts too: it is shown like a provisional one, with its reason)."""
        return self.basis != "confirmed"


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str
    sector: str
    max: Decimal
    status: str
    indicators: tuple[Indicator, ...]
    description: str = ""
    source: dict[str, str] | None = None

    @property
    def basis(self) -> str:
        return worst_basis(self.status, *(i.basis for i in self.indicators))

    @property
    def provisional(self) -> bool:
        return self.basis != "confirmed"


@dataclass(frozen=True)
class Threshold:
    min_total: Decimal
    status: str
    source: dict[str, str] | None = None


@dataclass(frozen=True)
class RuleSet:
    id: str
    version: str
    title: str
    legal_basis: str
    max_total: Decimal
    thresholds: dict[str, Threshold]
    criteria: tuple[Criterion, ...]
    sha256: str
    raw: dict[str, Any] = field(repr=False, compare=False)
    source: str = ""

    @property
    def indicators(self) -> dict[str, Indicator]:
        return {i.id: i for c in self.criteria for i in c.indicators}

    def criterion(self, cid: str) -> Criterion | None:
        for c in self.criteria:
            if c.id == str(cid):
                return c
        return None

    @property
    def version_key(self) -> tuple[int, ...]:
        return version_key(self.version)


def version_key(version: str) -> tuple[int, ...]:
    """Order versions like 2019.1 < 2019.10 (the schema allows only dotted integers)."""
    return tuple(int(p) for p in version.split("."))
