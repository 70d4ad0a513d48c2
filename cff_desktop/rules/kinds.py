"""The indicator kinds, each described once: how a value is typed, scored, named and laid out.

An indicator's ``kind`` in a rule set is yes_no, ratio, count or manual; a count with ``rate_per``
is a rate (criteria 3-4 of QĐ 06) and behaves as a kind of its own everywhere an officer looks. The
parser, the engine, the comparison text, the spreadsheet, the window and the printed forms all ask
this table instead of branching on the kind string, so adding a kind means adding one entry here
(plus its widgets or table layout where a layer draws it differently).

The table also owns how a value reads: :func:`read` turns stored JSON into a checked value,
:func:`write` turns it back, :func:`show` gives the short text of a table cell, a comment or a command's
output ("97/100", "3/1.450 (2,07‰)", "có") and :func:`describe` the sentence a paper reads to the
council ("97/100 (97,00 %)"). Nobody guesses a value's kind from the shape of its JSON: a rate and a
count share the key ``count``, and the guess once printed a rate as a Python dict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from cff_desktop.common.errors import BadInput
from cff_desktop.common.text import format_number, format_percent, format_points
from cff_desktop.rules import values as v
from cff_desktop.rules.model import Indicator

NBSP = "\u00a0"  # between a figure and its unit, so "98,00 %" never breaks across lines
#: What a missing value reads as wherever a figure is shown.
NO_VALUE = "—"


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
    #: The short text of a checked value: a table cell, a comment, a command's output.
    short: Callable[[Indicator, Any], str]
    #: The sentence of a checked value on a paper, given the engine's status ("no_cases", ...).
    sentence: Callable[[Indicator, Any, str | None], str]
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

    def field_texts(self, ind: Indicator, value: v.Value | None) -> list[str]:
        """The texts the window puts back into its fields, one per part (Vietnamese number format)."""
        if value is None:
            return ["" for _ in self.parts]
        stored = value.to_json()
        out = []
        for part in self.parts:
            x = stored.get(part) if isinstance(stored, dict) else None
            out.append("" if x is None else format_points(x) if part == "points" else format_number(x))
        return out


# --- how each kind reads -------------------------------------------------------------------------

def _yes_no_short(ind: Indicator, x: v.YesNo) -> str:
    return "có" if x.yes else "không"


def _yes_no_sentence(ind: Indicator, x: v.YesNo, status: str | None) -> str:
    return "Có" if x.yes else "Không"


def _ratio_short(ind: Indicator, x: v.Ratio) -> str:
    return f"{format_number(x.numerator)}/{format_number(x.denominator)}"


def _ratio_sentence(ind: Indicator, x: v.Ratio, status: str | None) -> str:
    base = _ratio_short(ind, x)
    if x.denominator == 0:
        return f"{base} ({'không có trường hợp' if status == 'no_cases' else 'mẫu số bằng 0'})"
    return f"{base} ({format_percent(Fraction(x.numerator, x.denominator)).replace(' ', NBSP)})"


def _count_short(ind: Indicator, x: v.Count) -> str:
    return format_number(x.count)


def _count_sentence(ind: Indicator, x: v.Count, status: str | None) -> str:
    return f"{format_number(x.count)} trường hợp"


def _per(ind: Indicator, x: v.Count) -> str:
    """The rate itself: "2,07‰" per thousand, "2,07/10.000" for another base."""
    per = ind.rate_per or 1000
    if not x.population:
        return "không có trẻ em"
    rate = format_number(Fraction(x.count * per, x.population), 2)
    return f"{rate}‰" if per == 1000 else f"{rate}/{format_number(per)}"


def _rate_short(ind: Indicator, x: v.Count) -> str:
    if x.population is None:  # no cases: a rate of 0 whatever the population
        return format_number(x.count)
    return f"{format_number(x.count)}/{format_number(x.population)} ({_per(ind, x)})"


def _rate_sentence(ind: Indicator, x: v.Count, status: str | None) -> str:
    if x.population is None:
        return f"{format_number(x.count)} trường hợp"
    return f"{format_number(x.count)} trường hợp/{format_number(x.population)} trẻ em ({_per(ind, x)})"


def _manual_short(ind: Indicator, x: v.Manual) -> str:
    return f"{format_points(x.points)} điểm"


def _manual_sentence(ind: Indicator, x: v.Manual, status: str | None) -> str:
    return f"{format_points(Decimal(x.points))} điểm (chấm trực tiếp)"


YES_NO = IndicatorKind("yes_no", "có/không", "có/không (true/false)", (), False, v.parse_yes_no,
                       _yes_no_short, _yes_no_sentence)
RATIO = IndicatorKind("ratio", "tỷ lệ", '{"numerator": tử số, "denominator": mẫu số} hoặc "tử/mẫu"',
                      ("numerator", "denominator"), True, v.parse_ratio, _ratio_short, _ratio_sentence,
                      percent_bounds=True)
COUNT = IndicatorKind("count", "số ca", '{"count": số ca}', ("count",), True, v.parse_count,
                      _count_short, _count_sentence, whole_bounds=True)
RATE = IndicatorKind("rate", "tỷ suất", '{"count": số ca, "population": số trẻ em của xã} hoặc "số ca/số trẻ em"',
                     ("count", "population"), True, v.parse_rate, _rate_short, _rate_sentence, stored="count")
MANUAL = IndicatorKind("manual", "hội đồng chấm", '{"points": số điểm}', ("points",), False, v.parse_manual,
                       _manual_short, _manual_sentence)

#: Every kind by key, in the order the rule spreadsheet lists them.
KINDS: dict[str, IndicatorKind] = {k.key: k for k in (YES_NO, RATIO, COUNT, RATE, MANUAL)}


def kind_of(ind: Indicator) -> IndicatorKind:
    """The kind an officer deals with: a count with ``rate_per`` is a rate."""
    return RATE if ind.is_rate else KINDS[ind.kind]


def raw_kind(ind: dict[str, object]) -> IndicatorKind:
    """The kind of an indicator as written in a rule set's JSON (before it is loaded)."""
    return RATE if ind.get("kind") == "count" and "rate_per" in ind else KINDS[str(ind["kind"])]


# --- reading, writing and showing a value ---------------------------------------------------------

def read(ind: Indicator, stored: Any) -> v.Value | None:
    """A stored (JSON) value of ``ind`` as a checked value; ``None`` when nothing is stored."""
    return None if stored is None else v.value_from_json(ind, stored)


def write(value: v.Value) -> Any:
    """The JSON a checked value is stored, packaged and signed as."""
    return value.to_json()


def _checked(ind: Indicator, value: Any) -> v.Value | None:
    if value is None or isinstance(value, (v.YesNo, v.Ratio, v.Count, v.Manual)):
        return value
    return read(ind, value)


def show(ind: Indicator, value: Any) -> str:
    """A value (checked, stored JSON or typed text) as a table cell, comment or command shows it.

    "97/100", "3/1.450 (2,07‰)", "có", "12,5 điểm"; "—" when there is none. A stored value that no
    longer reads as its indicator's kind (a rule set changed under it) is named as such rather than
    printed as raw data.
    """
    try:
        x = _checked(ind, value)
    except BadInput:
        return f"số liệu không đúng loại {kind_of(ind).words}"
    return NO_VALUE if x is None else kind_of(ind).short(ind, x)


def describe(ind: Indicator, value: Any, status: str | None = None) -> str:
    """A value as a paper reads it to the council: "98/100 (98,00 %)", "0 trường hợp", "Có"."""
    if status == "not_entered":
        return "Chưa nhập số liệu"
    try:
        x = _checked(ind, value)
    except BadInput:
        return f"Số liệu không đúng loại {kind_of(ind).words}"
    return "Chưa nhập số liệu" if x is None else kind_of(ind).sentence(ind, x, status)
