"""The inbox's own database carries a schema version (``PRAGMA user_version``) like the commune's.

An inbox created before versioning (version 0, today's tables already there, real rows in them) must be
adopted in place with nothing lost; a file from a newer server, or one that is not SQLite, must be refused
with a clear message and left byte-for-byte as it was.
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cff_desktop.common.errors import StoreError
from cff_desktop.sync.inbox_store import DB_FILE, MIGRATIONS, SCHEMA_VERSION, InboxStore
from cff_desktop.sync.protocol import fingerprint, public_text


def user_version(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def set_user_version(db: Path, n: int) -> None:
    conn = sqlite3.connect(db)
    try:
        conn.execute(f"PRAGMA user_version = {n}")
        conn.commit()
    finally:
        conn.close()


def enrol_device(store: InboxStore, commune: str = "03199") -> str:
    pub = public_text(Ed25519PrivateKey.generate())
    code = store.new_enrol_code(commune, "Xã Hoàng Đồng")
    token, _ = store.redeem_code(code, {"id": "dev-1", "public_key": pub, "fingerprint": fingerprint(pub)},
                                 datetime.now(UTC))
    return token


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_inbox_is_created_at_the_current_version(tmp_path: Path) -> None:
    store = InboxStore(tmp_path)
    store.close()
    assert SCHEMA_VERSION == len(MIGRATIONS) >= 1
    assert user_version(tmp_path / DB_FILE) == SCHEMA_VERSION


def test_an_unversioned_inbox_with_todays_tables_is_adopted_in_place(tmp_path: Path) -> None:
    # An inbox as the code before versioning left it: the same tables, with rows, and user_version 0.
    store = InboxStore(tmp_path)
    token = enrol_device(store)
    key_before = store.fingerprint
    store.close()
    db = tmp_path / DB_FILE
    set_user_version(db, 0)
    conn = sqlite3.connect(db)
    tables_before = conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
    rows_before = conn.execute("SELECT * FROM token").fetchall()
    conn.close()

    store = InboxStore(tmp_path)
    try:
        assert user_version(db) == SCHEMA_VERSION
        row = store.token_row(token)
        assert row is not None and row["commune"] == "03199" and row["revoked_at"] is None
        assert store.fingerprint == key_before  # the server key file is reused, not replaced
        assert [c["code"] for c in store.communes()] == ["03199"]
        assert [tuple(r.values()) for r in store.query("SELECT * FROM token")] == rows_before
        enrol_device(store, "03200")  # and it keeps working
    finally:
        store.close()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall() == tables_before
    conn.close()


def test_opening_twice_applies_nothing_twice(tmp_path: Path) -> None:
    InboxStore(tmp_path).close()
    db = tmp_path / DB_FILE
    before = sha(db)
    InboxStore(tmp_path).close()
    assert user_version(db) == SCHEMA_VERSION
    assert sha(db) == before


def test_an_inbox_from_a_newer_server_is_refused_untouched(tmp_path: Path) -> None:
    InboxStore(tmp_path).close()
    db = tmp_path / DB_FILE
    set_user_version(db, SCHEMA_VERSION + 1)
    files_before = {p.name: sha(p) for p in tmp_path.iterdir() if p.is_file()}
    with pytest.raises(StoreError) as e:
        InboxStore(tmp_path)
    assert "phiên bản mới hơn" in e.value.message and f"lược đồ {SCHEMA_VERSION + 1}" in e.value.message
    assert e.value.where == str(db)
    assert {p.name: sha(p) for p in tmp_path.iterdir() if p.is_file()} == files_before
    assert user_version(db) == SCHEMA_VERSION + 1


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / DB_FILE
    db.write_bytes(b"this is not a database, just text that someone saved with the wrong name\n" * 20)
    before = sha(db)
    with pytest.raises(StoreError) as e:
        InboxStore(tmp_path)
    assert "không mở được cơ sở dữ liệu của máy chủ" in e.value.message
    assert sha(db) == before
