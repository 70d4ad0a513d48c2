"""Opening the database and bringing its schema up to date, after a backup when it holds data.

A layer above :mod:`cff_desktop.storage.backup` (a migration backs up first) and below
:mod:`cff_desktop.storage.restore` (a restored older file is migrated).
"""

from __future__ import annotations

import sqlite3

from cff_desktop.common.errors import StoreError
from cff_desktop.storage.backup import backup
from cff_desktop.storage.db import Store, _connect, peek_user_version, sqlite_error
from cff_desktop.storage.paths import DataPaths, ensure_dir
from cff_desktop.storage.schema import MIGRATIONS, SCHEMA_VERSION


def open_store(paths: DataPaths, *, create: bool = True, readonly: bool = False) -> Store:
    """Open (and if needed create or migrate) the database named by ``paths``."""
    path = paths.db
    exists = path.exists()
    if exists and path.is_dir():
        raise StoreError("đường dẫn cơ sở dữ liệu là một thư mục, không phải tệp.", str(path))
    if not exists and not create:
        raise StoreError(
            "chưa có cơ sở dữ liệu. Chạy `cff init` (hoặc `cff demo create`) trước.", str(path)
        )
    if exists and not create and path.stat().st_size == 0:
        raise StoreError(
            "tệp cơ sở dữ liệu trống. Chạy `cff init` (hoặc `cff demo create`) để tạo dữ liệu.", str(path)
        )
    version = peek_user_version(path) if exists else 0
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"cơ sở dữ liệu do phiên bản mới hơn tạo ra (lược đồ {version}, phiên bản này chỉ hiểu "
            f"đến {SCHEMA_VERSION}). Hãy cài phiên bản cff_desktop mới hơn; tệp không bị thay đổi.",
            str(path),
        )
    if not readonly:
        ensure_dir(path.parent)
    try:
        conn = _connect(path, readonly)
        if not readonly:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as e:
        raise sqlite_error(e, str(path)) from None
    store = Store(paths, conn, readonly)
    if not readonly and version < SCHEMA_VERSION:
        migrate(store, version)
    return store


def migrate(store: Store, current: int) -> None:
    """Apply pending migrations, backing up first when the file already holds data."""
    if current > 0:
        backup(store, reason=f"truoc-nang-cap-v{current}")
    while True:
        try:
            store.conn.execute("BEGIN IMMEDIATE")
            # Re-read under the write lock: another copy of the app may have migrated meanwhile.
            n = store.conn.execute("PRAGMA user_version").fetchone()[0]
            if n >= SCHEMA_VERSION:
                store.conn.execute("COMMIT")
                return
            for stmt in split_sql(MIGRATIONS[n]):
                store.conn.execute(stmt)
            store.conn.execute(f"PRAGMA user_version = {n + 1}")
            store.conn.execute("COMMIT")
        except sqlite3.Error as e:
            if store.conn.in_transaction:
                store.conn.execute("ROLLBACK")
            raise sqlite_error(e, str(store.paths.db)) from None


def split_sql(script: str) -> list[str]:
    """Split a migration into statements (executescript would COMMIT on its own); the inbox uses it too."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
