"""Opening the database and bringing its schema up to date, after a backup when it holds data.

A layer above :mod:`cff_desktop.storage.backup` (a migration backs up first) and below
:mod:`cff_desktop.storage.restore` (a restored older file is migrated).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from cff_desktop.common.errors import StoreError
from cff_desktop.storage.backup import backup
from cff_desktop.storage.db import Store, _connect, peek_user_version, sqlite_error
from cff_desktop.storage.paths import DataPaths, create_private_file, ensure_dir
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
        if not exists:
            try:
                create_private_file(path)  # owner-only from the first byte (SQLite would use the umask)
            except OSError as e:
                raise StoreError(f"không tạo được tệp cơ sở dữ liệu ({e.strerror}).", str(path)) from None
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
    try:
        apply_migrations(store.conn, MIGRATIONS)
    except sqlite3.Error as e:
        raise sqlite_error(e, str(store.paths.db)) from None


def apply_migrations(conn: sqlite3.Connection, migrations: list[str],
                     too_new: Callable[[int], Exception] | None = None) -> None:
    """Bring ``PRAGMA user_version`` up to ``len(migrations)``, one transaction per step.

    Entry ``i`` takes the database from version ``i`` to ``i + 1``. The version is re-read under the
    write lock before each step, so another copy of the app (or a second inbox server) migrating the
    same file at the same moment never applies a step twice. ``too_new(version)`` is raised, with
    nothing changed, when the file was written by a newer schema. Used by the commune's store and by
    the inbox's own database.
    """
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            n = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if n > len(migrations) and too_new is not None:
                raise too_new(n)
            if n >= len(migrations):
                conn.execute("COMMIT")
                return
            for stmt in split_sql(migrations[n]):
                conn.execute(stmt)
            conn.execute(f"PRAGMA user_version = {n + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


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
