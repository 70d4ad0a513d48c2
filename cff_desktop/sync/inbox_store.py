"""The inbox server's own data folder: SQLite metadata, upload bodies, content-addressed packages.

Layout of ``DATA``::

    inbox.sqlite          communes, one-time codes, tokens (hashed), uploads, packages, decisions
    server-key.pem        the server's Ed25519 signing key (receipts, decisions, rule sets), 0600
    uploads/<id>          tus upload bodies, appended as bytes arrive; the file size is the offset
    packages/aa/bb/<sha256>.cffpkg   accepted packages, named by content
    rulesets/<sha256>.json            published rule sets

The server key is a file, not the OS keyring: the inbox usually runs as a service with no
desktop session (so no keyring), and it is protected like a TLS key (owner-only permissions).
Secrets that arrive from outside (one-time codes, tokens) are stored only as SHA-256 hashes.
Paths are built only from ids that matched the patterns in :mod:`protocol`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from cff_desktop.common.errors import BadInput, NotFound, StoreError
from cff_desktop.storage.migrate import apply_migrations
from cff_desktop.storage.paths import PRIVATE_DIR, create_private_file, restrict
from cff_desktop.sync.protocol import COMMUNE_RE, SHA256_RE, UPLOAD_ID_RE, fingerprint, public_text

# Each entry brings the database from version ``i`` to ``i + 1`` (``PRAGMA user_version``); append, never edit.
# Entry 0 is the schema the inbox had before it was versioned, written with IF NOT EXISTS so that an inbox
# made by that code (user_version 0, tables already there) is adopted in place without touching its rows.
MIGRATIONS: list[str] = [
    """
CREATE TABLE IF NOT EXISTS commune (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS enrol_code (
    code_hash TEXT PRIMARY KEY,
    commune TEXT NOT NULL REFERENCES commune(code),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE TABLE IF NOT EXISTS token (
    token_hash TEXT PRIMARY KEY,
    commune TEXT NOT NULL REFERENCES commune(code),
    device_id TEXT NOT NULL,
    device_key TEXT NOT NULL,
    device_fingerprint TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS upload (
    id TEXT PRIMARY KEY,
    commune TEXT NOT NULL,
    length INTEGER NOT NULL,
    metadata TEXT NOT NULL,
    package_uuid TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS package (
    commune TEXT NOT NULL,
    uuid TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    kind TEXT NOT NULL,
    year INTEGER,
    device_fingerprint TEXT NOT NULL,
    manifest TEXT NOT NULL,
    received_at TEXT NOT NULL,
    receipt_id TEXT NOT NULL UNIQUE,
    receipt TEXT NOT NULL,
    PRIMARY KEY (commune, uuid)
);
CREATE TABLE IF NOT EXISTS decision (
    seq INTEGER PRIMARY KEY,
    commune TEXT NOT NULL,
    package_uuid TEXT NOT NULL,
    decision TEXT NOT NULL,
    doc TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ruleset (
    sha256 TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    version TEXT NOT NULL,
    doc TEXT NOT NULL,
    published_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counter (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
""",
]
SCHEMA_VERSION = len(MIGRATIONS)

KEY_FILE = "server-key.pem"
DB_FILE = "inbox.sqlite"
RECIPIENT_FILE = "upper-recipient.txt"  # the upper level's public age key, sent to communes at enrolment
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out by phone


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat(timespec="seconds")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class InboxStore:
    """Metadata of one inbox. Thread-safe: one connection behind a lock (every call is short)."""

    def __init__(self, data: Path) -> None:
        self.data = Path(data).absolute()
        for sub in ("uploads", "packages", "rulesets"):
            try:
                new = not self.data.exists()
                (self.data / sub).mkdir(parents=True, exist_ok=True)
                if new:
                    restrict(self.data, PRIVATE_DIR)
                restrict(self.data / sub, PRIVATE_DIR)  # uploads and packages: the communes' dossiers
            except OSError as e:
                raise StoreError(f"không tạo được thư mục dữ liệu của máy chủ ({e.strerror}).",
                                 str(self.data / sub)) from None
        self._lock = threading.RLock()
        try:
            create_private_file(self.data / DB_FILE)
            self.conn = sqlite3.connect(str(self.data / DB_FILE), isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = FULL")
            self.conn.execute("PRAGMA busy_timeout = 5000")
            self._migrate()
        except sqlite3.Error as e:
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()
            raise StoreError(f"không mở được cơ sở dữ liệu của máy chủ ({e}).", str(self.data / DB_FILE)) from None
        except StoreError:
            self.conn.close()
            raise
        self.key = self._load_key()
        self.public_key = public_text(self.key)
        self.fingerprint = fingerprint(self.public_key)
        self.recipient = self._load_recipient()

    def _load_recipient(self) -> str | None:
        path = self.data / RECIPIENT_FILE
        try:
            text = path.read_text("ascii").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as e:
            raise StoreError(f"không đọc được khóa công khai của cấp trên ({e}).", str(path)) from None
        return text or None

    def set_recipient(self, recipient: str) -> None:
        """Keep the upper level's public age key (already checked by the caller) for later starts.

        Written to a temporary file then renamed, so a crash never leaves half a key that every
        commune enrolling afterwards would receive.
        """
        path = self.data / RECIPIENT_FILE
        if self.recipient == recipient:
            return
        tmp = path.with_suffix(".tmp")
        try:
            with open(tmp, "w", encoding="ascii") as f:
                f.write(recipient + "\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            raise StoreError(f"không ghi được khóa công khai của cấp trên ({e.strerror}).", str(path)) from None
        self.recipient = recipient

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def _migrate(self) -> None:
        """Apply pending migrations; refuse a file written by a newer server, untouched."""

        def too_new(n: int) -> StoreError:
            return StoreError(
                f"cơ sở dữ liệu của máy chủ do phiên bản mới hơn tạo ra (lược đồ {n}, phiên bản này chỉ "
                f"hiểu đến {SCHEMA_VERSION}). Hãy cài phiên bản cff_desktop mới hơn; tệp không bị thay đổi.",
                str(self.data / DB_FILE))

        apply_migrations(self.conn, MIGRATIONS, too_new)

    # -- key ------------------------------------------------------------------------------------
    def _load_key(self) -> Ed25519PrivateKey:
        path = self.data / KEY_FILE
        if path.exists():
            key = load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise StoreError("tệp khóa của máy chủ không phải khóa Ed25519.", str(path))
            return key
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
            f.flush()
            os.fsync(f.fileno())
        return key

    # -- helpers --------------------------------------------------------------------------------
    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        with self._lock:
            cur = self.conn.execute(sql, params)
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    def one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    @contextlib.contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    def next_number(self, conn: sqlite3.Connection, name: str) -> int:
        conn.execute("INSERT INTO counter (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET"
                     " value = value + 1", (name,))
        return int(conn.execute("SELECT value FROM counter WHERE name = ?", (name,)).fetchone()[0])

    # -- paths ----------------------------------------------------------------------------------
    def upload_path(self, upload_id: str) -> Path:
        if not UPLOAD_ID_RE.fullmatch(upload_id):
            raise BadInput("mã tải lên không hợp lệ.", upload_id[:40])
        return self.data / "uploads" / upload_id

    def package_path(self, sha256: str) -> Path:
        if not SHA256_RE.fullmatch(sha256):
            raise BadInput("mã băm không hợp lệ.", sha256[:80])
        return self.data / "packages" / sha256[:2] / sha256[2:4] / f"{sha256}.cffpkg"

    def ruleset_path(self, sha256: str) -> Path:
        if not SHA256_RE.fullmatch(sha256):
            raise BadInput("mã băm không hợp lệ.", sha256[:80])
        return self.data / "rulesets" / f"{sha256}.json"

    # -- communes, codes, tokens ----------------------------------------------------------------
    def new_enrol_code(self, commune: str, name: str = "", valid_days: int = 7) -> str:
        """A one-time code for a commune (creating the account on first use)."""
        if not COMMUNE_RE.fullmatch(commune):
            raise BadInput("mã xã chỉ gồm chữ số, chữ cái không dấu, '-' hoặc '_' (tối đa 32 ký tự), "
                           "ví dụ 03199.", "COMMUNE_CODE")
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
        code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        now = utcnow()
        with self.tx() as conn:
            conn.execute("INSERT INTO commune (code, name, created_at) VALUES (?, ?, ?) ON CONFLICT (code) DO"
                         " UPDATE SET name = CASE WHEN excluded.name != '' THEN excluded.name ELSE name END",
                         (commune, name, iso(now)))
            conn.execute("INSERT INTO enrol_code (code_hash, commune, created_at, expires_at) VALUES (?, ?, ?, ?)",
                         (hash_secret(code), commune, iso(now), iso(now + timedelta(days=valid_days))))
        return code

    def redeem_code(self, code: str, device: dict[str, str], now: datetime) -> tuple[str, str]:
        """Exchange a one-time code for a new token bound to the commune and the device key."""
        token = "cfft_" + secrets.token_urlsafe(32)
        with self.tx() as conn:
            row = conn.execute("SELECT commune, expires_at, used_at FROM enrol_code WHERE code_hash = ?",
                               (hash_secret(code),)).fetchone()
            if row is None or row[2] is not None or row[1] < iso(now):
                raise NotFound("mã đăng ký không đúng, đã dùng hoặc đã hết hạn. Xin cấp trên cấp mã mới "
                               "(cff-district enrol MÃ_XÃ).", "--code")
            conn.execute("UPDATE enrol_code SET used_at = ? WHERE code_hash = ?", (iso(now), hash_secret(code)))
            conn.execute("INSERT INTO token (token_hash, commune, device_id, device_key, device_fingerprint,"
                         " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                         (hash_secret(token), row[0], device["id"], device["public_key"], device["fingerprint"],
                          iso(now)))
        return token, str(row[0])

    def token_row(self, token: str) -> dict[str, Any] | None:
        return self.one("SELECT * FROM token WHERE token_hash = ?", (hash_secret(token),))

    def revoke(self, commune: str, device_id: str | None = None) -> int:
        with self.tx() as conn:
            sql = "UPDATE token SET revoked_at = ? WHERE commune = ? AND revoked_at IS NULL"
            params: list[Any] = [iso(utcnow()), commune]
            if device_id:
                sql += " AND device_id = ?"
                params.append(device_id)
            return conn.execute(sql, params).rowcount

    def enrolled_devices(self, commune: str) -> dict[str, str]:
        """Fingerprint → public key of the devices of this commune whose token is not revoked."""
        rows = self.query("SELECT device_fingerprint, device_key FROM token WHERE commune = ? AND revoked_at IS NULL",
                          (commune,))
        return {r["device_fingerprint"]: r["device_key"] for r in rows}

    def communes(self) -> list[dict[str, Any]]:
        return self.query(
            "SELECT c.code, c.name, c.created_at,"
            " (SELECT count(*) FROM token t WHERE t.commune = c.code AND t.revoked_at IS NULL) AS devices,"
            " (SELECT count(*) FROM package p WHERE p.commune = c.code) AS packages FROM commune c ORDER BY c.code")
