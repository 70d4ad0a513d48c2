"""Restoring a backup: the current state is backed up first, so a wrong restore can be undone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cff_desktop.storage.backup import backup, check_backup_file
from cff_desktop.storage.db import Store, sqlite_error
from cff_desktop.storage.migrate import migrate
from cff_desktop.storage.schema import SCHEMA_VERSION


def restore(store: Store, source: Path) -> Path:
    """Replace the live database's content with ``source``; returns the pre-restore backup."""
    source = Path(source)
    check_backup_file(source)
    safety = backup(store, reason="truoc-khoi-phuc")
    try:
        src = sqlite3.connect(f"{source.absolute().as_uri()}?mode=ro", uri=True)
        try:
            src.backup(store.conn)
        finally:
            src.close()
    except sqlite3.Error as e:
        raise sqlite_error(e, str(store.paths.db)) from None
    restored = store.conn.execute("PRAGMA user_version").fetchone()[0]
    if restored < SCHEMA_VERSION:
        migrate(store, restored)
    # The restored history continues with a row saying it was restored, and from what.
    with store.transaction():
        store.audit("quản trị", "backup.restore", f"file:{source.name}", None,
                    {"source": source.name, "pre_restore_backup": safety.name})
    return safety
