"""Vietnamese text and numbers.

Unikey's "tổ hợp" mode and some copy-pastes produce decomposed characters (e + combining marks),
which then fail to compare equal and print badly; everything a user types goes through
:func:`nfc` before it is stored or matched.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from fractions import Fraction
from typing import Any

from cff_desktop.common.errors import BadInput


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


def format_dong(amount: int) -> str:
    """An amount of money as the papers write it: "3.690.000.000 đồng"."""
    return f"{format_number(int(amount))} đồng"


def format_percent(value: Fraction) -> str:
    """A ratio (0..1 as a Fraction) shown as a Vietnamese percentage with 2 decimals: 98,50 %."""
    return f"{format_number(value * 100, 2)} %"


# --- names people type ---------------------------------------------------------------------------
# A name is printed on papers, matched in lists and written to the audit trail, so it must be one
# line of visible characters. Terminal escapes (ESC [ 31 m …) would repaint an operator's terminal
# when `cff officer list` prints them; zero-width and bidi marks make two names that look identical
# compare different. Both are removed before anything is stored.

NAME_MAX = 120
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_SPACES = re.compile(r"\s+")


def strip_invisible(text: str, *, keep_newlines: bool = False) -> str:
    """NFC ``text`` without terminal escape sequences, control characters and zero-width marks."""
    text = _ANSI.sub("", unicodedata.normalize("NFC", text))
    keep = "\n\t" if keep_newlines else ""
    return "".join(
        ch for ch in text
        if ch in keep or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )


def clean_name(text: str, where: str, *, what: str = "tên", max_len: int = NAME_MAX,
               required: bool = True) -> str:
    """A name as stored: NFC, invisible characters removed, one line, at most ``max_len`` long.

    Raises :class:`BadInput` naming ``where`` when the result is empty (and ``required``) or too
    long, so the officer learns what to shorten rather than finding it cut on a printed paper.
    """
    out = _SPACES.sub(" ", strip_invisible(_SPACES.sub(" ", str(text)))).strip()
    if required and not out:
        raise BadInput(f"{what} không được để trống", where)
    if len(out) > max_len:
        raise BadInput(f"{what} dài {len(out)} ký tự, tối đa {max_len}; hãy viết ngắn lại", where)
    return out


def clean_note(text: str, where: str, *, max_len: int = 4000) -> str:
    """Free text (notes, reasons): like :func:`clean_name` but keeps line breaks."""
    out = strip_invisible(str(text), keep_newlines=True).strip()
    if len(out) > max_len:
        raise BadInput(f"nội dung dài {len(out)} ký tự, tối đa {max_len}; hãy viết ngắn lại", where)
    return out


# Letters of other scripts that print exactly like Latin ones (the common confusables of Unicode
# TR 39 for Cyrillic and Greek). A clerk who pastes "Hoàng Thị Maі" with a Cyrillic і must not get a
# second officer that nobody can tell apart from the first.
_LOOKALIKE = str.maketrans({
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "А": "A", "В": "B", "Е": "E", "Ё": "E", "К": "K",
    "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S",
    "І": "I", "Ї": "I", "Ј": "J", "Ԛ": "Q", "Ԝ": "W", "Һ": "H", "Ӏ": "I",
    # Greek
    "α": "a", "ο": "o", "ρ": "p", "ν": "v", "ι": "i", "κ": "k", "τ": "t", "υ": "u", "χ": "x",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Latin letters that look like others
    "ı": "i", "ℓ": "l",
})


def skeleton(text: str) -> str:
    """A key under which names that look the same collide (NFKC, no invisibles, look-alikes folded).

    Diacritics are kept: "Mai" and "Mài" are different people in Vietnamese.
    """
    folded = unicodedata.normalize("NFKC", strip_invisible(text))
    folded = unicodedata.normalize("NFD", folded).translate(_LOOKALIKE)
    folded = unicodedata.normalize("NFC", folded)
    return _SPACES.sub(" ", folded).strip().casefold()
