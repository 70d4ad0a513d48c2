"""Values officers enter, parsed and checked per indicator kind.

The same parser serves the values file of ``cff score``, ``cff values set`` text, and the GUI, so a
figure is judged identically wherever it is typed. Every refusal says what is wrong in Vietnamese
and names the indicator.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from cff_desktop.common.errors import BadInput
from cff_desktop.common.jsontext import loads
from cff_desktop.common.text import nfc
from cff_desktop.rules.model import Indicator


@dataclass(frozen=True)
class YesNo:
    yes: bool

    def to_json(self) -> Any:
        return self.yes


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    def to_json(self) -> Any:
        return {"numerator": self.numerator, "denominator": self.denominator}


@dataclass(frozen=True)
class Count:
    """A number of cases; for a rate indicator also the child population it is counted among
    (``None`` only when there are no cases: 0 cases is a rate of 0 whatever the population)."""

    count: int
    population: int | None = None

    def to_json(self) -> Any:
        if self.population is None:
            return {"count": self.count}
        return {"count": self.count, "population": self.population}


@dataclass(frozen=True)
class Manual:
    points: Decimal

    def to_json(self) -> Any:
        return {"points": int(self.points) if self.points == int(self.points) else float(self.points)}


Value = YesNo | Ratio | Count | Manual

# Bounds a real commune never reaches, so a typo of extra digits (or a pasted 10^30) is refused
# instead of scoring: no commune has ten million children or cases.
MAX_COUNT = 10**7
POINT_DECIMALS = 2
_INT_TEXT = re.compile(r"-?\d+")
_DEC_TEXT = re.compile(r"-?\d+(?:[.,]\d+)?")


def _whole(x: Any, what: str, where: str) -> int:
    """A whole number in 0..MAX_COUNT; refuses 2.5, "abc", "1e3", true, negatives and 10^30."""
    if isinstance(x, bool) or x is None:
        raise BadInput(f"{what} phải là số nguyên, không phải {json.dumps(x)}", where)
    if isinstance(x, str):
        t = nfc(x).replace(".", "").replace(" ", "") if re.fullmatch(r"\s*\d{1,3}(\.\d{3})+\s*", x) \
            else nfc(x)
        if not _INT_TEXT.fullmatch(t):
            raise BadInput(f"{what} phải là số nguyên, không phải '{_short(x)}'", where)
        if len(t.lstrip("-").lstrip("0")) > len(str(MAX_COUNT)):
            raise BadInput(f"{what} quá lớn ({len(t)} chữ số); tối đa {MAX_COUNT:,}".replace(",", "."),
                           where)
        x = int(t)
    if isinstance(x, (float, Decimal)):
        if not (x == x and abs(x) != float("inf")) or x != int(x):
            raise BadInput(f"{what} phải là số nguyên, không phải {x}", where)
        x = int(x)
    if not isinstance(x, int):
        raise BadInput(f"{what} phải là số nguyên", where)
    if x < 0:
        raise BadInput(f"{what} không được âm ({x})", where)
    if x > MAX_COUNT:
        raise BadInput(f"{what} {x} quá lớn; tối đa {MAX_COUNT:,}".replace(",", "."), where)
    return x


def _short(x: Any, limit: int = 40) -> str:
    """A user's text quoted in a message, cut so a pasted megabyte does not flood the terminal."""
    t = str(x)
    return t if len(t) <= limit else t[:limit] + "…"


def parse_points(x: Any, maximum: Decimal, where: str, what: str = "điểm",
                 out_of_range: str | None = None) -> Decimal:
    """Points in 0..maximum with at most two decimals, exactly as typed.

    Text must be plain decimal notation ("12,5" or "12.5"); exponent notation ("1e1") is refused
    in text as in JSON files, so the same figure is judged the same wherever it is typed. More than
    two decimals is refused rather than rounded: "24.999999999999999999" is not 25.
    """
    if isinstance(x, bool) or x is None:
        raise BadInput(f"{what} phải là một số", where)
    if isinstance(x, str):
        t = nfc(x).replace(" ", "")
        if not _DEC_TEXT.fullmatch(t) or len(t) > 30:
            raise BadInput(f"{what} phải là một số viết thường (ví dụ 12,5), không phải '{_short(x)}'",
                           where)
        d = Decimal(t.replace(",", "."))
    elif isinstance(x, (int, float, Decimal)):
        try:
            d = Decimal(str(x)) if not isinstance(x, Decimal) else x
        except InvalidOperation:
            raise BadInput(f"{what} phải là một số, không phải '{_short(x)}'", where) from None
    else:
        raise BadInput(f"{what} phải là một số", where)
    if not d.is_finite() or d < 0 or d > maximum:
        raise BadInput(out_of_range or f"{what} phải trong khoảng 0..{maximum}, không phải {_short(x)}",
                       where)
    exp = d.normalize().as_tuple().exponent
    if isinstance(exp, int) and exp < -POINT_DECIMALS:
        raise BadInput(f"{what} chỉ được có tối đa {POINT_DECIMALS} chữ số thập phân, "
                       f"không phải {_short(x)}", where)
    return d


def _shown(raw: Any) -> str:
    try:
        return _short(json.dumps(raw, ensure_ascii=False, default=str), 80)
    except (RecursionError, ValueError):
        return "…"


def _points(x: Any, ind: Indicator, where: str) -> Decimal:
    return parse_points(x, ind.max, where)


_YES = {"true", "yes", "y", "1", "có", "co", "đạt", "x"}
_NO = {"false", "no", "n", "0", "không", "khong", "chưa", "chua"}


def parse_value(ind: Indicator, raw: Any) -> Value:
    """Turn raw input (JSON value or text) into a checked value for ``ind``."""
    where = f"chỉ số {ind.id}"
    if isinstance(raw, str) and raw.strip()[:1] in "{[":
        try:
            raw = loads(raw, where)
        except BadInput as e:
            if e.message.startswith("không phải JSON"):
                raise BadInput(f"không đọc được giá trị '{_short(raw)}'", where) from None
            raise
    from cff_desktop.rules.kinds import kind_of  # the registry is built from this module's parsers

    kind = kind_of(ind)
    wrong = BadInput(
        f"giá trị sai loại cho chỉ số {ind.kind}: cần {kind.hint}, nhận {_shown(raw)}",
        where,
    )
    return kind.parse(ind, raw, wrong, where)


def parse_yes_no(ind: Indicator, raw: Any, wrong: Exception, where: str) -> YesNo:
    if isinstance(raw, bool):
        return YesNo(raw)
    if isinstance(raw, str) and nfc(raw).lower() in _YES | _NO:
        return YesNo(nfc(raw).lower() in _YES)
    raise wrong


def parse_ratio(ind: Indicator, raw: Any, wrong: Exception, where: str) -> Ratio:
    if isinstance(raw, str) and "/" in raw:
        num_s, _, den_s = raw.partition("/")
        raw = {"numerator": num_s, "denominator": den_s}
    if not isinstance(raw, dict) or set(raw) != {"numerator", "denominator"}:
        raise wrong
    num = _whole(raw["numerator"], "tử số", where)
    den = _whole(raw["denominator"], "mẫu số", where)
    if num > den:
        raise BadInput(f"tử số ({num}) lớn hơn mẫu số ({den})", where)
    return Ratio(num, den)


def parse_count(ind: Indicator, raw: Any, wrong: Exception, where: str) -> Count:
    if isinstance(raw, dict) and set(raw) == {"count"}:
        return Count(_whole(raw["count"], "số ca", where))
    if isinstance(raw, (int, Decimal, str)) and not isinstance(raw, bool):
        return Count(_whole(raw, "số ca", where))
    raise wrong


def parse_manual(ind: Indicator, raw: Any, wrong: Exception, where: str) -> Manual:
    if isinstance(raw, dict) and set(raw) == {"points"}:
        return Manual(_points(raw["points"], ind, where))
    if isinstance(raw, (int, float, Decimal, str)) and not isinstance(raw, bool):
        return Manual(_points(raw, ind, where))
    raise wrong


def parse_rate(ind: Indicator, raw: Any, wrong: Exception, where: str) -> Count:
    """Cases and the child population they are counted among (criteria 3-4 of QĐ 06)."""
    if isinstance(raw, str) and "/" in raw:
        c_s, _, p_s = raw.partition("/")
        raw = {"count": c_s, "population": p_s}
    if isinstance(raw, (int, str)) and not isinstance(raw, bool):
        raw = {"count": raw}
    if not isinstance(raw, dict) or not raw.keys() <= {"count", "population"} or "count" not in raw:
        raise wrong
    count = _whole(raw["count"], "số ca", where)
    pop_raw = raw.get("population")
    if pop_raw is None or (isinstance(pop_raw, str) and not pop_raw.strip()):
        if count:
            raise BadInput(
                f"có {count} trường hợp: cần nhập thêm {ind.population_label.lower() or 'số trẻ em của xã'} "
                "để tính tỷ suất", where)
        return Count(0)
    population = _whole(pop_raw, "số trẻ em", where)
    if count > population:
        raise BadInput(f"số ca ({count}) lớn hơn số trẻ em ({population})", where)
    return Count(count, population)


def value_from_json(ind: Indicator, stored: Any) -> Value:
    """Rebuild a value from its stored JSON (already checked when it was written)."""
    return parse_value(ind, stored)
