"""Which commune a package speaks of: one rule for every place that compares communes.

The administrative code decides when both sides have one; otherwise name and province, compared
as people type them (NFC, case ignored). Packages, receipts and sync all ask this module.
"""

from __future__ import annotations

from typing import Any

from cff_desktop.common.text import nfc


def same_commune(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """True when the two commune descriptions (``code``, ``name``, ``province``) name the same unit."""
    if a.get("code") and b.get("code"):
        return a["code"] == b["code"]
    return all(nfc(str(a.get(k, ""))).casefold() == nfc(str(b.get(k, ""))).casefold() for k in ("name", "province"))
