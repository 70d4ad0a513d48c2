"""Vietnam's clock for every date and time a person sees or a paper prints.

The database stores instants in UTC (``2024-11-04T18:30:00+00:00``). Taking the first ten
characters of that text gives the UTC date, which is the *previous day* for anything saved
between 00:00 and 07:00 in Vietnam (a council that ends after midnight, an officer entering
figures early in the morning). Every place that shows or prints a date goes through here instead.

Three kinds of text reach these functions, told apart by their shape:
- an instant with an offset (``…+00:00``, ``…Z``): converted to Asia/Ho_Chi_Minh;
- a wall-clock time without offset (``2024-11-05T08:00``, what an officer typed for a meeting):
  already Vietnamese time, kept as it is;
- a calendar date (``2024-11-05``: deadlines, data windows): a date, no conversion.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache


@lru_cache(maxsize=1)
def vietnam() -> tzinfo:
    """Asia/Ho_Chi_Minh, looked up on first use (the time zone database costs start-up time)."""
    # Windows has no IANA database of its own; the ``tzdata`` package supplies it there. Vietnam
    # has kept UTC+7 without daylight saving since 1975, so the fixed offset is the same answer
    # for every date this product handles should the database still be missing.
    try:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return ZoneInfo("Asia/Ho_Chi_Minh")
        except ZoneInfoNotFoundError:
            pass
    except ImportError:  # pragma: no cover - zoneinfo is in every supported Python
        pass
    return timezone(timedelta(hours=7), "ICT")


def now() -> datetime:
    """The current time in Vietnam (aware)."""
    return datetime.now(UTC).astimezone(vietnam())


def today() -> date:
    """Today's date in Vietnam, whatever time zone the computer is set to."""
    return now().date()


def to_local(value: str | datetime) -> datetime:
    """An instant as Vietnamese wall-clock time; wall-clock text without an offset is kept."""
    t = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).strip())
    return t.astimezone(vietnam()) if t.tzinfo is not None else t


def local_date(value: str | date | datetime | None) -> date | None:
    """The Vietnamese calendar date of a stored value (instant, wall-clock time or date)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return to_local(value).date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) == 10:
        return date.fromisoformat(text)
    return to_local(text).date()


def date_text(value: str | date | datetime | None) -> str:
    """dd/mm/yyyy in Vietnam's calendar; '' for no value."""
    d = local_date(value)
    return "" if d is None else f"{d.day:02d}/{d.month:02d}/{d.year}"


def datetime_text(value: str | datetime | None, *, utc: bool = False) -> str:
    """dd/mm/yyyy hh:mm in Vietnam's clock; '' for no value, unreadable text shown as it is.

    Instants with an offset are converted; wall-clock text without one (a time an officer typed)
    is shown as typed, unless ``utc`` says it was stamped in UTC.
    """
    if value is None or value == "":
        return ""
    try:
        t = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if t.tzinfo is None and utc:
        t = t.replace(tzinfo=UTC)
    return to_local(t).strftime("%d/%m/%Y %H:%M")


def time_text(value: str | datetime | None) -> str:
    """HH:MM ngày dd/mm/yyyy in Vietnam's clock; '' for no value."""
    if value is None or value == "":
        return ""
    t = to_local(value)
    return f"{t.hour:02d}:{t.minute:02d} ngày {t.day:02d}/{t.month:02d}/{t.year}"
