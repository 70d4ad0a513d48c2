"""Faults of the machine and of the files: the store refuses or fails cleanly and loses nothing.

Files that are not SQLite, databases from a newer version, a full disk (``PRAGMA max_page_count``),
a read-only store, a data folder that cannot be created, a process killed between writes, an
audit log edited behind the app's back, and backups restored over live data. Real SQLite files in
``tmp_path``; the CLI runs in this process through ``cli.run`` (the kill test runs its own).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import assert_refused, db_dump, folder_state, ok
from cli_inproc import cff_inproc as run_cff

from cff_desktop.common.errors import StoreError
from cff_desktop.storage.schema import SCHEMA_VERSION

# --- local helpers -----------------------------------------------------------------------------


def values_of(db: Path) -> dict[str, Any]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT indicator_id, value, note FROM value").fetchall()
    finally:
        conn.close()
    return {iid: (json.loads(v), note) for iid, v, note in rows}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sidecars(db: Path) -> list[Path]:
    return [p for p in (Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")) if p.exists()]


def make_newer_schema(path: Path, wal: bool = False) -> None:
    """A real SQLite file as a later version of the app would leave it (user_version 99)."""
    conn = sqlite3.connect(path)
    try:
        if wal:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE value (round_id INTEGER, indicator_id TEXT, value TEXT, lop_moi TEXT)")
        conn.execute("INSERT INTO value VALUES (1, '7.1', '{}', 'dữ liệu của bản mới')")
        conn.execute("PRAGMA user_version = 99")
        conn.commit()
    finally:
        conn.close()




@pytest.fixture
def demo_ws(demo_db: Path) -> Iterator[Any]:
    from cff_desktop.services.workspace import open_workspace

    ws = open_workspace(demo_db)
    yield ws
    ws.close()


# --- files that are not ours ---------------------------------------------------------------------

COMMANDS_ON_DB = [
    ("values", "list"),
    ("values", "set", "7.1", "98/100", "--as", "4"),
    ("score", "--json"),
    ("audit", "--verify"),
    ("backup",),
    ("demo", "create"),
    ("init", "--commune", "Xã Tả Van", "--province", "Lào Cai", "--category", "other", "--round", "2024"),
]

NOT_SQLITE = {
    "random-bytes": os.urandom(8192),
    "text": "Danh sách cán bộ xã Hoàng Đồng\nHoàng Thị Mai\n".encode(),
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n" * 20,
}


@pytest.mark.parametrize("kind", list(NOT_SQLITE))
@pytest.mark.parametrize("args", COMMANDS_ON_DB, ids=[a[0] + "-" + a[-1] for a in COMMANDS_ON_DB])
def test_not_sqlite_file_is_refused_untouched(tmp_path: Path, kind: str, args: tuple[str, ...]) -> None:
    home = tmp_path / "home"
    db = tmp_path / "du-lieu.sqlite"
    db.write_bytes(NOT_SQLITE[kind])
    before = sha(db)
    assert_refused(run_cff(home, *args, db=db), str(db), "không phải cơ sở dữ liệu SQLite")
    assert sha(db) == before
    assert not sidecars(db)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["du-lieu.sqlite"]  # no backups/, no home/


def test_not_sqlite_file_is_refused_by_the_services(tmp_path: Path) -> None:
    from cff_desktop.services.workspace import open_workspace

    db = tmp_path / "cff.sqlite"
    db.write_bytes(NOT_SQLITE["text"])
    for kwargs in ({}, {"create": True}, {"readonly": True}):
        with pytest.raises(StoreError) as e:
            open_workspace(db, **kwargs)
        assert e.value.where == str(db)
    assert db.read_bytes() == NOT_SQLITE["text"]
    assert not sidecars(db)


@pytest.mark.parametrize("damage", ["header-then-garbage", "truncated"])
def test_damaged_sqlite_file_is_refused_untouched(tmp_path: Path, demo_template: Path, damage: str) -> None:
    home = tmp_path / "home"
    db = tmp_path / "hong.sqlite"
    if damage == "truncated":
        db.write_bytes(demo_template.read_bytes()[:1500])
    else:
        db.write_bytes(b"SQLite format 3\x00" + bytes(84) + os.urandom(8000))
    before = sha(db)
    for args in (("values", "list"), ("values", "set", "7.1", "98/100", "--as", "4"), ("backup",)):
        assert_refused(run_cff(home, *args, db=db), str(db), "hỏng")
        assert sha(db) == before
        assert not sidecars(db)


@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
def test_newer_schema_is_refused_untouched(tmp_path: Path, wal: bool) -> None:
    home = tmp_path / "home"
    db = tmp_path / "moi-hon.sqlite"
    make_newer_schema(db, wal=wal)
    before = sha(db)
    for args in COMMANDS_ON_DB:
        assert_refused(run_cff(home, *args, db=db), str(db), "phiên bản mới hơn", "lược đồ 99")
        assert sha(db) == before
        assert not sidecars(db)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["moi-hon.sqlite"]
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 99
        assert conn.execute("SELECT lop_moi FROM value").fetchall() == [("dữ liệu của bản mới",)]
    finally:
        conn.close()


def test_newer_schema_is_refused_by_the_services(tmp_path: Path) -> None:
    from cff_desktop.services.workspace import open_workspace

    db = tmp_path / "cff.sqlite"
    make_newer_schema(db)
    before = sha(db)
    for kwargs in ({}, {"create": True}, {"readonly": True}):
        with pytest.raises(StoreError) as e:
            open_workspace(db, **kwargs)
        assert f"lược đồ 99, phiên bản này chỉ hiểu đến {SCHEMA_VERSION}" in e.value.message
    assert sha(db) == before
    assert not sidecars(db)


def test_database_path_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "thu-muc.sqlite"
    folder.mkdir()
    assert_refused(run_cff(tmp_path / "home", "values", "list", db=folder), str(folder), "thư mục")
    assert list(folder.iterdir()) == []


# --- a full disk ---------------------------------------------------------------------------------

def fill_disk(ws: Any) -> None:
    """Forbid the database file to grow: the next write that needs a new page fails SQLITE_FULL."""
    conn = ws.store.conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    assert conn.execute(f"PRAGMA max_page_count = {pages}").fetchone()[0] == pages


BIG_NOTE = "Ghi chú rất dài về sổ tiêm chủng của 16 thôn. " * 5000  # far more than any free page


def test_disk_full_on_set_value_keeps_every_committed_value(demo_ws: Any, demo_db: Path) -> None:
    from cff_desktop.services.audit import verify_chain
    from cff_desktop.services.values import set_value

    before = db_dump(demo_db)
    fill_disk(demo_ws)
    with pytest.raises(StoreError) as e:
        set_value(demo_ws, "7.1", "50/100", as_officer="4", note=BIG_NOTE)
    assert "đầy" in e.value.message
    assert e.value.where == str(demo_db)
    assert not demo_ws.store.conn.in_transaction
    assert db_dump(demo_db) == before  # seen from another connection: nothing half-written
    assert verify_chain(demo_ws) is None
    # once space is free again the same write goes through
    demo_ws.store.conn.execute("PRAGMA max_page_count = 1073741823")
    set_value(demo_ws, "7.1", "50/100", as_officer="4", note=BIG_NOTE)
    assert values_of(demo_db)["7.1"] == ({"numerator": 50, "denominator": 100}, BIG_NOTE.strip())
    assert verify_chain(demo_ws) is None


def test_disk_full_in_the_middle_of_an_import_writes_none_of_it(
    demo_ws: Any, demo_db: Path, tmp_path: Path
) -> None:
    from cff_desktop.services.values import import_values

    f = tmp_path / "y_te.json"
    f.write_text(json.dumps({"values": {"5.1": 0, "7.1": "50/100", "9.1": "60/100", "8.1": "1/100"},
                             "notes": {"9.1": BIG_NOTE}}, ensure_ascii=False), "utf-8")
    before = db_dump(demo_db)
    fill_disk(demo_ws)
    with pytest.raises(StoreError) as e:
        import_values(demo_ws, f, as_officer="4")
    assert "đầy" in str(e.value)
    assert db_dump(demo_db) == before


def test_disk_full_on_add_officer_writes_nothing(demo_ws: Any, demo_db: Path) -> None:
    """Other writers (officer, assignment, round) fail the same clean way."""
    from cff_desktop.services.officers import add_officer

    fill_disk(demo_ws)
    # names are at most 120 characters, so officers are added until the last free bytes are gone
    for i in range(1000):
        before = db_dump(demo_db)
        try:
            add_officer(demo_ws, name=f"Hà Văn Sơn {i}", sector="giao_duc", position="Cán bộ " * 17)
        except StoreError as e:
            assert "đầy" in e.message
            break
    else:
        pytest.fail("the database never filled up")
    assert db_dump(demo_db) == before


# --- read-only ------------------------------------------------------------------------------------

def test_readonly_store_refuses_every_write(demo_db: Path, tmp_path: Path) -> None:
    from cff_desktop.services.officers import add_officer, assign
    from cff_desktop.services.rounds import close_round, get_round
    from cff_desktop.services.scoring import score_round, set_override
    from cff_desktop.services.values import import_values, set_value
    from cff_desktop.services.workspace import open_workspace

    f = tmp_path / "v.json"
    f.write_text(json.dumps({"7.1": "50/100"}), "utf-8")
    before = db_dump(demo_db)
    with open_workspace(demo_db, readonly=True) as ws:
        res, _ = score_round(ws)  # reading works
        assert res.total > 0
        writes = [
            lambda: set_value(ws, "7.1", "50/100", as_officer="4"),
            lambda: import_values(ws, f, as_officer="1"),
            lambda: add_officer(ws, name="Hà Văn Sơn", sector="giao_duc"),
            lambda: assign(ws, "7", "1"),
            lambda: set_override(ws, "7", 10, "hội đồng thống nhất"),
            lambda: close_round(ws, get_round(ws)),
        ]
        for write in writes:
            with pytest.raises(StoreError) as e:
                write()
            assert "chỉ để đọc" in e.value.message
            assert e.value.where == str(demo_db)
    assert db_dump(demo_db) == before


def test_readonly_connection_at_sqlite_level_is_reported(demo_ws: Any, demo_db: Path) -> None:
    """The medium refuses writes (here: ``PRAGMA query_only``) though the store thought it could."""
    from cff_desktop.services.values import set_value

    before = db_dump(demo_db)
    demo_ws.store.conn.execute("PRAGMA query_only = ON")
    with pytest.raises(StoreError) as e:
        set_value(demo_ws, "7.1", "50/100", as_officer="4")
    assert "chỉ cho phép đọc" in e.value.message
    assert not demo_ws.store.conn.in_transaction
    assert db_dump(demo_db) == before


def test_readonly_open_of_missing_database_creates_nothing(tmp_path: Path) -> None:
    from cff_desktop.services.workspace import open_workspace

    db = tmp_path / "chua-co" / "cff.sqlite"
    with pytest.raises(StoreError) as e:
        open_workspace(db, readonly=True)
    assert "chưa có cơ sở dữ liệu" in e.value.message
    assert not db.parent.exists()


@pytest.mark.parametrize("args", [
    ("init", "--commune", "Xã Tả Van", "--province", "Lào Cai", "--category", "other", "--round", "2024"),
    ("demo", "create"),
])
def test_data_folder_that_cannot_be_created(tmp_path: Path, args: tuple[str, ...]) -> None:
    blocker = tmp_path / "o-dia-usb"
    blocker.write_text("một tệp thường, không phải thư mục\n", "utf-8")
    home = blocker / "cff"
    assert_refused(run_cff(home, *args, cwd=tmp_path), str(home), "không tạo được thư mục dữ liệu")
    assert blocker.read_text("utf-8") == "một tệp thường, không phải thư mục\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o-dia-usb"]


def test_ruleset_folder_that_cannot_be_created(tmp_path: Path) -> None:
    from cff_desktop.common.resources import resource_dir

    doc = json.loads(resource_dir("rulesets", "qd06-2019.json").read_text("utf-8"))
    doc["version"] = "2019.9"
    src = tmp_path / "qd06-2019.9.json"
    src.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    blocker = tmp_path / "o-dia-usb"
    blocker.write_bytes(b"x")
    home = blocker / "cff"
    assert_refused(run_cff(home, "rulesets", "import", str(src), cwd=tmp_path), str(home / "rulesets"),
                   "không tạo được thư mục")
    assert blocker.read_bytes() == b"x"


# --- a process killed between writes -----------------------------------------------------------------

WRITER = r"""
import sys
from cff_desktop.services.values import set_value
from cff_desktop.services.workspace import open_workspace

ws = open_workspace(sys.argv[1])
ids = ["7.1", "9.1", "10.1", "2.1", "13.1"]
i = 0
while True:
    iid = ids[i % len(ids)]
    set_value(ws, iid, f"{i % 101}/100", as_officer="1", note=f"lần {i}")
    print(i, iid, flush=True)
    i += 1
"""

KILL_AFTER = 150


@pytest.mark.slow
def test_kill_during_writes_loses_no_committed_value(home: Path, demo_db: Path) -> None:
    env = dict(os.environ, CFF_HOME=str(home))
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(demo_db)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env)
    reported: list[tuple[int, str]] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            i, iid = line.split()
            reported.append((int(i), iid))
            if len(reported) == KILL_AFTER:
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        if proc.poll() is None:
            proc.kill()
        _, err = proc.communicate()
    assert len(reported) == KILL_AFTER, f"the writer stopped early: {err}"
    assert proc.returncode == -signal.SIGKILL

    conn = sqlite3.connect(demo_db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        notes = {json.loads(n)["note"] for (n,) in conn.execute(
            "SELECT new FROM audit WHERE action = 'value.set' AND actor LIKE 'Hoàng Thị Mai%'")}
        stored = {iid: (json.loads(v), note) for iid, v, note in conn.execute(
            "SELECT indicator_id, value, note FROM value")}
    finally:
        conn.close()
    # every write reported as committed has its audit row ...
    missing = [i for i, _ in reported if f"lần {i}" not in notes]
    assert missing == []
    # ... and each indicator holds the last reported write or one committed after it
    last: dict[str, int] = {}
    for i, iid in reported:
        last[iid] = i
    for iid, i in last.items():
        value, note = stored[iid]
        n = int(note.removeprefix("lần "))
        assert n >= i and (n - i) % 5 == 0, (iid, note, i)
        assert value == {"numerator": n % 101, "denominator": 100}
    assert "chuỗi băm khớp" in ok(run_cff(home, "audit", "--verify"))
    assert run_cff(home, "score", "--json").returncode == 0


# --- the audit chain --------------------------------------------------------------------------------

def raw_edit(db: Path, *sql: str) -> None:
    """Edit the file as someone with a SQLite browser would, bypassing the app."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        for s in sql:
            conn.execute(s)
    finally:
        conn.close()


def test_untouched_audit_chain_verifies(home: Path, demo_db: Path) -> None:
    before = db_dump(demo_db)
    assert "chuỗi băm khớp" in ok(run_cff(home, "audit", "--verify"))
    assert db_dump(demo_db) == before


def test_edited_audit_row_is_detected(home: Path, demo_db: Path) -> None:
    conn = sqlite3.connect(demo_db)
    seq, new = conn.execute(
        "SELECT seq, new FROM audit WHERE entity LIKE '%indicator:7.1'").fetchone()
    conn.close()
    forged = json.loads(new)
    forged["value"] = {"numerator": 100, "denominator": 100}
    raw_edit(demo_db, "DROP TRIGGER audit_no_update",
             f"UPDATE audit SET new = '{json.dumps(forged)}' WHERE seq = {seq}")
    before = db_dump(demo_db)
    assert_refused(run_cff(home, "audit", "--verify"), f"dòng {seq}", "bị sửa")
    assert db_dump(demo_db) == before


def test_edited_audit_hash_is_detected_at_the_next_row(home: Path, demo_db: Path) -> None:
    """Whoever edits a row and recomputes its hash still breaks the link of the row after it."""
    from cff_desktop.storage.db import audit_hash

    conn = sqlite3.connect(demo_db)
    row = conn.execute("SELECT seq, at, actor, action, entity, old, new, prev_hash FROM audit"
                       " WHERE action = 'officer.add' ORDER BY seq LIMIT 1").fetchone()
    conn.close()
    seq, at, actor, action, entity, old, new, prev = row
    new = new.replace("Hoàng Thị Mai", "Hoàng Thị Mây")
    digest = audit_hash(prev, at, actor, action, entity, old, new)
    edit = sqlite3.connect(demo_db)
    try:
        edit.execute("DROP TRIGGER audit_no_update")
        edit.execute("UPDATE audit SET new = ?, hash = ? WHERE seq = ?", (new, digest, seq))
        edit.commit()
    finally:
        edit.close()
    assert_refused(run_cff(home, "audit", "--verify"), f"dòng {seq + 1}")


def test_deleted_audit_row_is_detected(home: Path, demo_db: Path) -> None:
    raw_edit(demo_db, "DROP TRIGGER audit_no_delete", "DELETE FROM audit WHERE seq = 5")
    assert_refused(run_cff(home, "audit", "--verify"), "dòng 6")


def test_triggers_forbid_update_and_delete_of_audit(demo_ws: Any, demo_db: Path) -> None:
    before = db_dump(demo_db)
    conn = sqlite3.connect(demo_db, isolation_level=None)
    try:
        for sql in ("UPDATE audit SET actor = 'ai đó' WHERE seq = 3", "DELETE FROM audit WHERE seq = 3",
                    "DELETE FROM audit", "UPDATE audit SET hash = hash"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(sql)
    finally:
        conn.close()
    # through the store, the same attempt is a StoreError and rolls back what came with it
    with pytest.raises(StoreError, match="append-only"), demo_ws.store.transaction() as tx:
        tx.execute("UPDATE value SET note = 'sửa lén' WHERE indicator_id = '7.1'")
        tx.execute("DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)")
    assert db_dump(demo_db) == before


# --- backup and restore ----------------------------------------------------------------------------

def test_backup_then_restore_brings_back_the_old_value(home: Path, demo_db: Path) -> None:
    out = ok(run_cff(home, "backup")).strip()
    saved = Path(out)
    assert saved.parent == home / "backups"
    assert saved.is_file() and saved.read_bytes().startswith(b"SQLite format 3\x00")
    assert db_dump(saved) == db_dump(demo_db)
    old = values_of(demo_db)["7.1"]
    assert old[0] != {"numerator": 50, "denominator": 100}

    ok(run_cff(home, "values", "set", "7.1", "50/100", "--as", "4", "--note", "sửa sau sao lưu"))
    changed = db_dump(demo_db)
    assert values_of(demo_db)["7.1"] == ({"numerator": 50, "denominator": 100}, "sửa sau sao lưu")

    out = ok(run_cff(home, "restore", str(saved)))
    assert values_of(demo_db)["7.1"] == old
    now, then = db_dump(demo_db), db_dump(saved)
    restore_rows = [r for r in now["audit"] if r[3] == "backup.restore"]
    assert len(restore_rows) == 1  # the restore itself is on record…
    now["audit"].remove(restore_rows[0])
    assert now == then  # …and otherwise the content is exactly the backup's
    safety = [p for p in (home / "backups").glob("cff-*.sqlite") if p != saved]
    assert len(safety) == 1 and "truoc-khoi-phuc" in safety[0].name
    assert str(safety[0]) in out
    assert db_dump(safety[0]) == changed  # the restore itself can be undone
    assert "chuỗi băm khớp" in ok(run_cff(home, "audit", "--verify"))
    conn = sqlite3.connect(demo_db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    finally:
        conn.close()


def _generic_sqlite(path: Path, version: int, with_audit: bool) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("CREATE TABLE ghi_chu (x TEXT)")
        if with_audit:
            conn.execute("CREATE TABLE audit (seq INTEGER PRIMARY KEY)")
        conn.execute(f"PRAGMA user_version = {version}")
        conn.commit()
    finally:
        conn.close()


RESTORE_SOURCES = ["random-bytes", "text", "newer-schema", "newer-schema-real-backup", "empty-sqlite",
                   "other-app-sqlite", "empty-file", "missing"]


@pytest.mark.parametrize("source", RESTORE_SOURCES)
def test_restore_refuses_a_bad_source_and_changes_nothing(home: Path, demo_db: Path, source: str) -> None:
    ok(run_cff(home, "backup"))
    f = home.parent / f"nguon-{source}.sqlite"
    needles = [str(f)]
    if source == "random-bytes":
        f.write_bytes(os.urandom(20000))
        needles.append("không phải cơ sở dữ liệu SQLite")
    elif source == "text":
        f.write_text("bản sao lưu\n", "utf-8")
        needles.append("không phải cơ sở dữ liệu SQLite")
    elif source == "newer-schema":
        make_newer_schema(f)
        needles.append("phiên bản mới hơn")
    elif source == "newer-schema-real-backup":
        shutil.copy2(next((home / "backups").glob("cff-*.sqlite")), f)
        raw_edit(f, "PRAGMA user_version = 99")
        needles.append("lược đồ 99")
    elif source == "empty-sqlite":
        _generic_sqlite(f, 0, with_audit=False)
        needles.append("không phải cơ sở dữ liệu của cff_desktop")
    elif source == "other-app-sqlite":
        _generic_sqlite(f, 1, with_audit=False)
        needles.append("không phải của cff_desktop")
    elif source == "empty-file":
        f.write_bytes(b"")
        needles.append("trống")
    else:
        needles.append("không tìm thấy")
    src_before = sha(f) if f.exists() else None
    before_db = db_dump(demo_db)
    before_backups = folder_state(home / "backups")
    assert_refused(run_cff(home, "restore", str(f)), *needles)
    assert db_dump(demo_db) == before_db
    assert folder_state(home / "backups") == before_backups  # not even a pre-restore backup
    assert (sha(f) if f.exists() else None) == src_before
    assert not sidecars(f)


def test_backup_folder_that_cannot_be_created_blocks_backup_and_restore(home: Path, demo_db: Path) -> None:
    """No pre-restore copy can be kept, so the restore does not happen either."""
    good = home.parent / "ban-sao.sqlite"
    conn = sqlite3.connect(demo_db)
    try:
        dest = sqlite3.connect(good)
        conn.backup(dest)
        dest.close()
    finally:
        conn.close()
    ok(run_cff(home, "values", "set", "7.1", "50/100", "--as", "4"))
    (home / "backups").write_bytes(b"not a folder")
    before = db_dump(demo_db)
    assert_refused(run_cff(home, "backup"), str(home / "backups"), "không tạo được thư mục")
    assert_refused(run_cff(home, "restore", str(good)), str(home / "backups"), "không tạo được thư mục")
    assert db_dump(demo_db) == before
    assert (home / "backups").read_bytes() == b"not a folder"


def test_rotation_keeps_at_most_keep_backups(demo_ws: Any) -> None:
    from cff_desktop.storage.backup import KEEP, backup, list_backups

    made = [backup(demo_ws.store, reason="thu-nghiem") for _ in range(KEEP + 5)]
    kept = list_backups(demo_ws.store)
    assert len(kept) == KEEP
    assert set(kept) == set(made[-KEEP:])  # the newest are kept, the oldest go
    assert not any(p.exists() for p in made[:5])
    assert not list((demo_ws.paths.backups).glob("*.part"))
    # a restore's own safety copy counts too: the folder still never grows past KEEP
    from cff_desktop.storage.restore import restore

    restore(demo_ws.store, made[-1])
    assert len(list_backups(demo_ws.store)) == KEEP
