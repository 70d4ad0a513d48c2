"""The indicator kinds, each described once: how a value is typed, scored, named and laid out.

An indicator's ``kind`` in a rule set is yes_no, ratio, count or manual; a count with ``rate_per``
is a rate (criteria 3-4 of QĐ 06) and behaves as a kind of its own everywhere an officer looks. The
parser, the engine, the comparison text, the spreadsheet, the window and the printed forms all ask
this table instead of branching on the kind string, so adding a kind means adding one entry here
(plus its widgets or table layout where a layer draws it differently).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cff_desktop.common.text import format_number
from cff_desktop.rules import values as v
from cff_desktop.rules.model import Indicator


@dataclass(frozen=True)
class IndicatorKind:
    """The facts of one kind that more than one layer needs.

    ``parts`` are the keys of the stored value's JSON object in the order an officer fills them
    (empty for yes/no, stored as a bare boolean); ``words`` is the Vietnamese name used in the rule
    spreadsheet and the comparison of rule sets; ``hint`` is the shape quoted when a value is of
    the wrong kind; ``measured`` tells whether the indicator has a direction and bands.
    """

    key: str
    words: str
    hint: str
    parts: tuple[str, ...]
    measured: bool
    #: Turns checked raw input into a value: ``parse(ind, raw, wrong, where)``, raising ``wrong``
    #: when the input is not of this kind's shape.
    parse: Callable[[Indicator, Any, Exception, str], v.Value]
    #: The kind written in the rule set (a rate is stored as a count with ``rate_per``).
    stored: str = ""
    #: Band bounds are percentages (0..100) / whole numbers of cases.
    percent_bounds: bool = False
    whole_bounds: bool = False

    @property
    def stored_kind(self) -> str:
        return self.stored or self.key

    @property
    def has_denominator(self) -> bool:
        """A ratio or a rate: a zero denominator needs the rule set's rule."""
        return len(self.parts) == 2

    def field_labels(self, ind: Indicator, points_label: str = "") -> list[str]:
        """The labels of the fields an officer types into, one per part of the value."""
        labels = {"numerator": ind.numerator_label, "denominator": ind.denominator_label,
                  "count": ind.count_label, "population": ind.population_label, "points": points_label}
        return [labels[p] for p in self.parts]

    def band_unit(self, ind: Indicator) -> str:
        """What a band's bound counts: " %", " ca" or " trên 1.000 trẻ em"."""
        if self.key == "ratio":
            return " %"
        if self.key == "rate":
            return f" trên {format_number(ind.rate_per or 1000)} trẻ em"
        return " ca"


YES_NO = IndicatorKind("yes_no", "có/không", "có/không (true/false)", (), False, v.parse_yes_no)
RATIO = IndicatorKind("ratio", "tỷ lệ", '{"numerator": tử số, "denominator": mẫu số} hoặc "tử/mẫu"',
                      ("numerator", "denominator"), True, v.parse_ratio, percent_bounds=True)
COUNT = IndicatorKind("count", "số ca", '{"count": số ca}', ("count",), True, v.parse_count,
                      whole_bounds=True)
RATE = IndicatorKind("rate", "tỷ suất", '{"count": số ca, "population": số trẻ em của xã} hoặc "số ca/số trẻ em"',
                     ("count", "population"), True, v.parse_rate, stored="count")
MANUAL = IndicatorKind("manual", "hội đồng chấm", '{"points": số điểm}', ("points",), False, v.parse_manual)

#: Every kind by key, in the order the rule spreadsheet lists them.
KINDS: dict[str, IndicatorKind] = {k.key: k for k in (YES_NO, RATIO, COUNT, RATE, MANUAL)}


def kind_of(ind: Indicator) -> IndicatorKind:
    """The kind an officer deals with: a count with ``rate_per`` is a rate."""
    return RATE if ind.is_rate else KINDS[ind.kind]


def raw_kind(ind: dict[str, object]) -> IndicatorKind:
    """The kind of an indicator as written in a rule set's JSON (before it is loaded)."""
    return RATE if ind.get("kind") == "count" and "rate_per" in ind else KINDS[str(ind["kind"])]
