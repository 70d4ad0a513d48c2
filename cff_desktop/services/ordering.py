"""Which of two packages of the same unit and round is the newer: what the receiver can know.

A sender's clock is the sender's to set: a forged dossier dated 9999 must not stay "current"
over the genuine one. Order therefore comes from what is signed and chained: the ``supersedes``
chain (a package names every older one of its line), then the sender's per-round ``revision``
counter when both packages come from the same device, and otherwise the order in which the
receiver saw them. ``created_at`` is only displayed, and refused when more than a day ahead.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from cff_desktop.dossier.format import PackageRejected

FUTURE_SLACK = timedelta(days=1)


def parse_time(text: Any) -> datetime | None:
    """An ISO 8601 time (naive means UTC), or None when it is not one."""
    if not isinstance(text, str):
        return None
    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def check_not_future(text: Any, what: str, where: str | None = None, *, now: datetime | None = None) -> datetime:
    """Refuse a time that is not a time, or that lies more than a day ahead of this machine's clock."""
    t = parse_time(text)
    if t is None:
        raise PackageRejected("bad_manifest", f"{what} '{text}' không phải thời điểm hợp lệ; không nhập gói này.",
                              where)
    now = now or datetime.now(UTC)
    if t > now + FUTURE_SLACK:
        raise PackageRejected(
            "future", f"{what} là {t:%d/%m/%Y}, ở tương lai so với đồng hồ máy này "
            f"({now:%d/%m/%Y}); không nhập. Kiểm tra ngày giờ trên máy gửi rồi xuất lại gói.", where,
            {"at": text})
    return t


def check_created_at(manifest: dict[str, Any], where: str | None = None, *, now: datetime | None = None) -> None:
    check_not_future(manifest.get("created_at"), "thời điểm tạo gói", where, now=now)


def supersedes(new: dict[str, Any], current: dict[str, Any]) -> bool:
    """True when ``new`` replaces ``current`` (two manifests of the same unit, round and kind)."""
    if current["uuid"] in (new.get("chain") or []) or new.get("supersedes") == current["uuid"]:
        return True
    if new["uuid"] in (current.get("chain") or []) or current.get("supersedes") == new["uuid"]:
        return False
    same_device = new["device"]["fingerprint"] == current["device"]["fingerprint"]
    if same_device and isinstance(new.get("revision"), int) and isinstance(current.get("revision"), int):
        return new["revision"] > current["revision"]
    return True  # unrelated lines: the one the receiver saw last
