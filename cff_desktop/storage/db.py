"""Opening the database safely.

The file is checked before SQLite writes anything to it: a file that is not SQLite, or that a newer
version of the app wrote, is refused untouched (opening it read-write would create a WAL and could
start a migration the older code does not understand). Writes happen only inside
:meth:`Store.transaction` (``BEGIN IMMEDIATE`` … ``COMMIT``) with ``synchronous=FULL``, so a value
shown as saved survives a power cut, and an audit row is never committed without its change.

The storage layers, each importing only those before it: ``db`` (the connection and
:class:`Store`) ← ``backup`` ← ``migrate`` (:func:`open_store`, schema upgrades after a backup)
← ``restore``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cff_desktop.common.errors import StoreError
from cff_desktop.storage.paths import DataPaths

SQLITE_MAGIC = b"SQLite format 3\x00"
GENESIS = "0" * 64


def now_iso() -> str:
    """UTC timestamp with milliseconds; ISO 8601 so it sorts and parses everywhere."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def canonical(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sqlite_error(e: sqlite3.Error, where: str) -> StoreError:
    """Translate SQLite's failures into what the officer should do about them."""
    msg = str(e).lower()
    if "readonly" in msg or "read-only" in msg:
        text = "thư mục dữ liệu chỉ cho phép đọc, không ghi được. Chọn thư mục khác hoặc cấp quyền ghi."
    elif "disk is full" in msg or "database or disk is full" in msg:
        text = "ổ đĩa đã đầy, chưa ghi được gì. Giải phóng dung lượng rồi thử lại."
    elif "locked" in msg or "busy" in msg:
        text = "cơ sở dữ liệu đang được một chương trình khác dùng. Đóng cửa sổ cff_desktop khác rồi thử lại."
    elif "unable to open" in msg:
        text = "không mở được tệp cơ sở dữ liệu. Kiểm tra ổ đĩa còn cắm và đường dẫn đúng."
    elif "not a database" in msg or "malformed" in msg:
        text = "tệp không phải cơ sở dữ liệu của cff_desktop hoặc đã hỏng. Khôi phục từ bản sao lưu."
    else:
        text = f"lỗi cơ sở dữ liệu: {e}"
    return StoreError(text, where)


_HEADER_FDS: dict[str, tuple[int, int]] = {}  # resolved path -> (descriptor, inode)


def _read_header(path: Path) -> bytes:
    """The file's first 100 bytes, read without ever closing a descriptor to a live database.

    On POSIX systems, closing *any* descriptor a process holds on a file drops *every* lock that
    process holds on it, including those of SQLite connections already open in the same process
    (a second workspace opened for a background job, while the window keeps its own). Another
    process could then reset the write-ahead log under those connections: they read "database
    disk image is malformed" (seen with the window open while ``cff council close`` ran), and a
    write at that moment could really damage the file. So the descriptor used here stays open
    for the life of the process (one per database file; reopened if the file was replaced).
    Windows locks differently and keeps files that are open from being replaced: there the file
    is simply opened and closed.
    """
    if os.name == "nt":
        with open(path, "rb") as f:
            return f.read(100)
    key = str(path.resolve())
    ino = os.stat(key).st_ino
    fd, known = _HEADER_FDS.get(key, (-1, -1))
    if fd < 0 or known != ino:
        # The old descriptor (if any) refers to a file that was replaced: closing it drops no
        # lock on the current file, which is a different inode.
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
        fd = os.open(key, os.O_RDONLY)
        _HEADER_FDS[key] = (fd, os.fstat(fd).st_ino)
    return os.pread(fd, 100, 0)


def peek_user_version(path: Path) -> int:
    """Read ``PRAGMA user_version`` without opening the file for writing.

    The magic bytes come from the file itself; the version comes from a read-only connection,
    because in WAL mode a newer page 1 may still sit in the ``-wal`` file while another copy of
    the app has the database open. Without a ``-wal`` file the header is current and is read
    directly: a read-only connection to a WAL database would leave new ``-wal``/``-shm`` files
    beside a file this version refuses. The header is also the fallback when SQLite cannot open it.
    """
    head = b""
    with contextlib.suppress(OSError):
        head = _read_header(Path(path))
    if not head:
        return 0
    if not head.startswith(SQLITE_MAGIC):
        raise StoreError(
            "tệp này không phải cơ sở dữ liệu SQLite của cff_desktop; không mở để tránh làm hỏng.",
            str(path),
        )
    header_version = int.from_bytes(head[60:64], "big", signed=True) if len(head) >= 64 else 0
    if not Path(f"{path}-wal").exists():
        return header_version
    try:
        ro = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro", uri=True)
        try:
            return int(ro.execute("PRAGMA user_version").fetchone()[0])
        finally:
            ro.close()
    except sqlite3.Error:
        return header_version


class Store:
    """One open database. Reads anywhere; writes only inside :meth:`transaction`."""

    def __init__(self, paths: DataPaths, conn: sqlite3.Connection, readonly: bool) -> None:
        self.paths = paths
        self.conn = conn
        self.readonly = readonly

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        try:
            cur = self.conn.execute(sql, params)
        except sqlite3.Error as e:
            raise sqlite_error(e, str(self.paths.db)) from None
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All-or-nothing write. SQLite errors become :class:`StoreError` after rollback."""
        if self.readonly:
            raise StoreError(
                "cơ sở dữ liệu đang mở chỉ để đọc (ổ đĩa hoặc thư mục không cho ghi); chưa ghi gì.",
                str(self.paths.db),
            )
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise sqlite_error(e, str(self.paths.db)) from None
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except sqlite3.Error as e:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise sqlite_error(e, str(self.paths.db)) from None
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def audit(self, actor: str, action: str, entity: str, old: Any = None, new: Any = None) -> str:
        """Append a hash-chained audit row; call inside :meth:`transaction`."""
        last = self.conn.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        prev = last[0] if last else GENESIS
        at = now_iso()
        old_s = canonical(old) if old is not None else None
        new_s = canonical(new) if new is not None else None
        digest = audit_hash(prev, at, actor, action, entity, old_s, new_s)
        self.conn.execute(
            "INSERT INTO audit (at, actor, action, entity, old, new, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (at, actor, action, entity, old_s, new_s, prev, digest),
        )
        return digest


def audit_hash(
    prev: str, at: str, actor: str, action: str, entity: str, old: str | None, new: str | None
) -> str:
    body = canonical([prev, at, actor, action, entity, old, new])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
    if readonly:
        uri = f"{path.as_uri()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
    except sqlite3.Error:
        conn.close()
        raise
    return conn
