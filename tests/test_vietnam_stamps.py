"""File names a person reads (exported dossiers, backups) carry Vietnam's time, not the computer's
time zone: a laptop left on UTC or a foreign zone would otherwise name today's dossier with
another hour, or another day, than the one on the office clock."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pyrage
import pytest

from cff_desktop.common import localtime


@pytest.fixture
def foreign_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The computer set to São Paulo (UTC−3): ten hours behind Vietnam."""
    monkeypatch.setenv("TZ", "America/Sao_Paulo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _between(stamp: str, fmt: str, before: datetime, after: datetime) -> bool:
    return before.strftime(fmt) <= stamp <= after.strftime(fmt)


def test_a_backup_is_named_in_vietnam_time(foreign_clock, demo_ws) -> None:
    from cff_desktop.storage.backup import backup

    before = localtime.now()
    path = backup(demo_ws.store, "thu-cong")
    after = localtime.now()
    stamp = re.fullmatch(r"cff-(\d{8}-\d{6})-\d{6}-thu-cong\.sqlite", path.name).group(1)
    assert _between(stamp, "%Y%m%d-%H%M%S", before, after)
    assert datetime.now().strftime("%Y%m%d-%H") != before.strftime("%Y%m%d-%H")  # the clocks really differ


def test_an_exported_dossier_is_named_in_vietnam_time(foreign_clock, demo_ws, tmp_path: Path) -> None:
    from cff_desktop.services import keys
    from cff_desktop.services.council import close_meeting, record_vote
    from cff_desktop.services.packages import export, export_package

    record_vote(demo_ws, votes_for=10, votes_against=0)
    close_meeting(demo_ws, conclusion="Đề nghị công nhận", ended_at="2024-11-05T10:00")
    keys.import_upper(demo_ws, str(pyrage.x25519.Identity.generate().to_public()))
    usb = tmp_path / "USB"
    usb.mkdir()
    real = export._printing_available
    export._printing_available = lambda: False
    try:
        before = localtime.now()
        out = export_package(demo_ws, usb)
        after = localtime.now()
    finally:
        export._printing_available = real
    stamp = re.search(r"-dossier-(\d{8}-\d{4})-", Path(out.path).name).group(1)
    assert _between(stamp, "%Y%m%d-%H%M", before, after)
