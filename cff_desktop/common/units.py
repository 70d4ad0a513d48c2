"""The unit's own word (xã, phường, thị trấn, đặc khu) in text shared by every unit type.

The rule sets and sector names are written for a xã ("Công an xã", "trên địa bàn xã"); a ward's
papers and windows must say "phường". Both layers use these functions, so the window shows the
same wording the paper prints.
"""

from __future__ import annotations

import re

UNIT_PREFIXES = ("thị trấn", "đặc khu", "phường", "xã")
UNIT_WORDS = {"xa": "xã", "phuong": "phường", "thi_tran": "thị trấn", "dac_khu": "đặc khu"}



def split_unit_name(name: str) -> tuple[str, str]:
    """("phường", "Tân Lập") from "Phường Tân Lập"; ("", "Hoàng Đồng") when no unit word was typed."""
    name = " ".join(str(name or "").split())
    low = name.lower()
    for p in UNIT_PREFIXES:
        if low.startswith(p + " "):
            return p, name[len(p) + 1:].strip()
    return "", name


def unit_word(unit_type: str | None, name: str | None = None) -> str:
    """The unit word every paper uses, in lower case as mid-sentence text needs it.

    The profile's unit type decides; only when the profile has none does a unit word typed in
    the name count (old profiles). The default is "xã".
    """
    if unit_type in UNIT_WORDS:
        return UNIT_WORDS[str(unit_type)]
    return split_unit_name(str(name or ""))[0] or "xã"


def unit_type_of_name(name: str) -> str | None:
    """The unit type a name starting with its unit word implies ("Phường Tân Lập" → "phuong")."""
    word = split_unit_name(name)[0]
    return next((k for k, v in UNIT_WORDS.items() if v == word), None)


def localise(text: str, word: str) -> str:
    """Shared labels say "xã" (the rule set's sector names: "Công an xã", "Đoàn TNCS … xã"; the
    rate indicators' "trẻ em của xã", "trên địa bàn xã"; "cấp xã" in indicators 1.1 and 1.3 alike);
    for a ward, township or special zone the unit word is replaced. "xã hội" and the standard's own
    name ("xã, phường, thị trấn") stay."""
    if word == "xã":
        return text
    text = re.sub(r"\b(UBND|Ủy ban nhân dân|Chủ tịch|trẻ em của|trên địa bàn|cấp) xã\b(?!,)(?! hội)",
                  rf"\1 {word}", text)
    return re.sub(r"(?<=\s)xã$", word, text)
