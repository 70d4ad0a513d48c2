"""Online backups with rotation, and the check a backup file must pass before a restore.

SQLite's online-backup API copies a consistent snapshot while the app keeps running, which a plain
file copy of a WAL database cannot promise. A restore first backs up the current state, so a wrong
restore can itself be undone (:mod:`cff_desktop.storage.restore`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cff_desktop.common import localtime
from cff_desktop.common.errors import StoreError
from cff_desktop.common.files import replace_durably
from cff_desktop.storage.db import Store, peek_user_version, sqlite_error
from cff_desktop.storage.paths import create_private_file, ensure_dir
from cff_desktop.storage.schema import SCHEMA_VERSION

KEEP = 20


def _safe(reason: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in reason)[:40]


def backup(store: Store, reason: str = "thu-cong", keep: int = KEEP) -> Path:
    """Write a consistent copy into the backups folder and keep the ``keep`` newest."""
    folder = ensure_dir(store.paths.backups)
    stamp = localtime.now().strftime("%Y%m%d-%H%M%S-%f")  # picked by its time in the restore list: Vietnam time
    target = folder / f"cff-{stamp}-{_safe(reason)}.sqlite"
    tmp = target.with_suffix(".part")
    try:
        create_private_file(tmp)  # a backup holds everything the database does: owner-only too
        dest = sqlite3.connect(str(tmp))
        try:
            store.conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        replace_durably(tmp, target)
    except sqlite3.Error as e:
        tmp.unlink(missing_ok=True)
        raise sqlite_error(e, str(target)) from None
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"không ghi được bản sao lưu ({e.strerror})", str(target)) from None
    rotate(folder, keep)
    return target


def rotate(folder: Path, keep: int) -> None:
    files = sorted(folder.glob("cff-*.sqlite"))
    for old in files[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)


def list_backups(store: Store) -> list[Path]:
    return sorted(store.paths.backups.glob("cff-*.sqlite"), reverse=True)


def check_backup_file(path: Path) -> None:
    """Refuse a restore source that is not an intact cff database this version understands."""
    if not path.is_file():
        raise StoreError("không tìm thấy tệp sao lưu", str(path))
    version = peek_user_version(path)
    if version == 0:
        raise StoreError("tệp sao lưu trống hoặc không phải cơ sở dữ liệu của cff_desktop", str(path))
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"tệp sao lưu do phiên bản mới hơn tạo ra (lược đồ {version}); không khôi phục được",
            str(path),
        )
    try:
        src = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            ok = src.execute("PRAGMA integrity_check").fetchone()[0]
            has_audit = src.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='audit'"
            ).fetchone()[0]
        finally:
            src.close()
    except sqlite3.Error as e:
        raise sqlite_error(e, str(path)) from None
    if ok != "ok" or not has_audit:
        raise StoreError("tệp sao lưu bị hỏng hoặc không phải của cff_desktop", str(path))
