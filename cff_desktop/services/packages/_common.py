"""Small pieces every package step shares: progress shares, ASCII file names, the work folder."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from cff_desktop.storage.paths import DataPaths, ensure_dir

Progress = Callable[[int, int], None]


def _stage(progress: Progress | None, start: int, span: int) -> Progress | None:
    """Map one step's progress into a share (per mille) of the whole operation."""
    if progress is None:
        return None

    def report(done: int, total: int) -> None:
        progress(start + (span * done) // max(total, 1), 1000)

    return report


def _ascii_slug(text: str) -> str:
    """File names on FAT32 sticks and other systems: ASCII only (Đồng → Dong)."""
    t = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    t = "".join(c for c in t if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9]+", "-", t).strip("-") or "xa"


def _work_dir(paths: DataPaths) -> Path:
    return ensure_dir(paths.work)
