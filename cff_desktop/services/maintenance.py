"""Housekeeping the clerk starts from the window: backups, removable drives, print preview."""

from __future__ import annotations

from pathlib import Path

from cff_desktop.common.errors import BadInput
from cff_desktop.documents.preview import PageImage, page_images
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.backup import backup, list_backups
from cff_desktop.storage.restore import restore


def backup_now(ws: Workspace) -> Path:
    return backup(ws.store, reason="thu-cong")


def restore_backup(ws: Workspace, source: Path) -> Path:
    """Replace the database's content with a backup; returns the backup taken just before."""
    return restore(ws.store, Path(source))


def daily_backup(ws: Workspace, max_age_hours: float = 24) -> Path | None:
    """Back up when the newest backup is older than a day (the app calls this on start)."""
    import time

    found = list_backups(ws.store)
    if found and time.time() - found[0].stat().st_mtime < max_age_hours * 3600:
        return None
    if ws.store.one("SELECT 1 FROM commune LIMIT 1") is None:
        return None  # nothing worth keeping yet
    return backup(ws.store, reason="hang-ngay")


def backups(ws: Workspace) -> list[Path]:
    return list_backups(ws.store)


def removable_drives() -> list[tuple[str, Path]]:
    """(label, mount point) of each USB stick or card the system reports."""
    from cff_desktop.dossier.drives import removable_drives as found

    return [(d.describe(), Path(d.path)) for d in found()]


def preview(pdf: Path, scale: float = 1.25) -> list[PageImage]:
    if not Path(pdf).is_file():
        raise BadInput("không thấy tệp PDF để xem trước; hãy in lại.", str(pdf))
    return page_images(Path(pdf), scale)
