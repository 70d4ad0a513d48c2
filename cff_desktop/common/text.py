"""Vietnamese text and numbers.

Unikey's "tổ hợp" mode and some copy-pastes produce decomposed characters (e + combining marks),
which then fail to compare equal and print badly; everything a user types goes through
:func:`nfc` before it is stored or matched.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from fractions import Fraction
from typing import Any


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC with surrounding white space removed."""
    return unicodedata.normalize("NFC", text).strip()


def nfc_deep(obj: Any) -> Any:
    """NFC-normalise every string inside a JSON-like structure (keys included)."""
    if isinstance(obj, str):
        return unicodedata.normalize("NFC", obj)
    if isinstance(obj, dict):
        return {nfc_deep(k): nfc_deep(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [nfc_deep(v) for v in obj]
    return obj


def _group_thousands(digits: str) -> str:
    out: list[str] = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return ".".join(out)


def format_number(value: int | float | Decimal | Fraction, decimals: int = 0) -> str:
    """Vietnamese number format: thousands with dots, decimals with a comma (1.000; 98,50)."""
    d = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) \
        else Decimal(str(value))
    q = Decimal(1).scaleb(-decimals)
    d = d.quantize(q)
    sign = "-" if d < 0 else ""
    text = f"{abs(d):f}"
    whole, _, frac = text.partition(".")
    res = sign + _group_thousands(whole)
    return f"{res},{frac}" if decimals else res


def format_points(value: int | float | Decimal) -> str:
    """Points as Vietnamese readers expect: no decimals when whole (1.000), else up to two."""
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return format_number(d, 0)
    return format_number(d, 2).rstrip("0").rstrip(",")


def format_percent(value: Fraction) -> str:
    """A ratio (0..1 as a Fraction) shown as a Vietnamese percentage with 2 decimals: 98,50 %."""
    return f"{format_number(value * 100, 2)} %"
