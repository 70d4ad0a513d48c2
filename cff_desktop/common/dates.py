"""Dates as officers type them: dd/mm/yyyy (the Vietnamese way) or ISO yyyy-mm-dd, both accepted.

A real parser (``datetime.strptime``), so 31/02/2025 is refused instead of silently stored.
"""

from __future__ import annotations

from datetime import date, datetime

from cff_desktop.common.errors import BadInput

_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(text: str, where: str = "--date") -> date:
    """dd/mm/yyyy or yyyy-mm-dd (also dd-mm-yyyy, dd.mm.yyyy) → date; BadInput saying how to write it."""
    t = (text or "").strip()
    for fmt in _FORMATS:
        try:
            return datetime.strptime(t, fmt).date()
        except ValueError:
            continue
    raise BadInput(f"ngày '{text}' không hợp lệ; viết ngày/tháng/năm, ví dụ 05/12/2025 (hoặc 2025-12-05).", where)


def parse_day_month(text: str, where: str = "DD/MM") -> tuple[int, int]:
    """A yearly deadline: "30/11" (a full date's year is ignored) → (day, month)."""
    t = (text or "").strip()
    for candidate, fmt in ((t + "/2024", "%d/%m/%Y"), (t, "%d/%m/%Y"), (t, "%Y-%m-%d")):
        try:
            d = datetime.strptime(candidate, fmt)  # 2024: a leap year, so 29/02 is accepted
            return d.day, d.month
        except ValueError:
            continue
    raise BadInput(f"hạn '{text}' không hợp lệ; viết ngày/tháng, ví dụ 30/11.", where)


def vn(d: date | str | None) -> str:
    """A date or an instant as dd/mm/yyyy in Vietnam's calendar ('' for none; text that is no date kept)."""
    from cff_desktop.common.localtime import date_text

    try:
        return date_text(d)
    except ValueError:
        return str(d)
