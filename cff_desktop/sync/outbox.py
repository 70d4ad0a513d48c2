"""The outbox: packages waiting to go up, in SQLite, so a restart loses nothing.

Each row remembers its tus upload URL as soon as the server created it, so after a crash or a
reboot the upload resumes from the server's offset instead of starting again. Failures schedule
the next try with exponential backoff and jitter (many communes coming back online at the same
moment do not all knock at once), per package: one package that keeps failing never holds up the
others. A package leaves the outbox only as ``delivered`` (with its verified, signed receipt
stored exactly as received), ``refused`` (the server said why) or ``conflict`` (same UUID,
other bytes); the last two wait for a person.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cff_desktop.storage.db import Store, now_iso

PENDING = ("queued", "sending")
FINAL = ("delivered", "refused", "conflict")


@dataclass(frozen=True)
class Backoff:
    """Delay before try n+1: ``base * 2**(n-1)`` capped at ``cap``, times a random factor in
    [1 - jitter, 1] ("equal jitter" keeps a floor so a dead server is not hammered).

    ``n`` counts tries in a row that moved no byte: a try that made progress resets it (the
    outbox sets ``attempts`` back to 1), so a link that drops every few minutes but carries data
    in between is retried at once rather than after ever longer pauses. The cap is 10 minutes:
    a commune's link that comes back is used within minutes (and sooner, since the sender probes
    the inbox cheaply while it waits)."""

    base: float = 30.0
    cap: float = 600.0
    jitter: float = 0.5

    def delay(self, attempts: int, rng: random.Random | None = None) -> float:
        raw = min(self.cap, self.base * 2 ** max(attempts - 1, 0))
        return raw * (1 - self.jitter * (rng or random).random())


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat(timespec="milliseconds")


def add(store: Store, *, uuid: str, kind: str, round_id: int | None, path: str, sha256: str, size: int,
        actor: str) -> bool:
    """Queue a package; False when it was already in the outbox (queuing twice is a no-op)."""
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM sync_outbox WHERE uuid = ?", (uuid,)).fetchone():
            return False
        now = now_iso()
        conn.execute("INSERT INTO sync_outbox (uuid, kind, round_id, path, sha256, size, queued_at, updated_at)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (uuid, kind, round_id, path, sha256, size, now, now))
        conn.execute("INSERT INTO sync_event (uuid, at, event, detail) VALUES (?, ?, 'queued', '')", (uuid, now))
        store.audit(actor, "package.queue", f"package:{uuid}", None, {"kind": kind, "sha256": sha256, "size": size})
    return True


def rows(store: Store) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM sync_outbox ORDER BY queued_at DESC, rowid DESC")


def get(store: Store, uuid: str) -> dict[str, Any] | None:
    return store.one("SELECT * FROM sync_outbox WHERE uuid = ?", (uuid,))


def due(store: Store, now: datetime) -> list[dict[str, Any]]:
    """Pending packages whose next try is due, oldest first."""
    return store.query("SELECT * FROM sync_outbox WHERE state IN ('queued', 'sending') AND next_attempt_at <= ?"
                       " ORDER BY queued_at, rowid", (_iso(now),))


def pending(store: Store) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM sync_outbox WHERE state IN ('queued', 'sending') ORDER BY next_attempt_at")


def event(store: Store, uuid: str, what: str, detail: str = "") -> None:
    with store.transaction() as conn:
        conn.execute("INSERT INTO sync_event (uuid, at, event, detail) VALUES (?, ?, ?, ?)",
                     (uuid, now_iso(), what, detail))


def history(store: Store, uuid: str) -> list[dict[str, Any]]:
    return store.query("SELECT at, event, detail FROM sync_event WHERE uuid = ? ORDER BY id", (uuid,))


def started(store: Store, uuid: str) -> None:
    """A try begins: the old "will retry at …" no longer describes what is happening."""
    with store.transaction() as conn:
        conn.execute("UPDATE sync_outbox SET state = 'sending', attempts = attempts + 1, last_error = '',"
                     " updated_at = ? WHERE uuid = ?", (now_iso(), uuid))


def note(store: Store, uuid: str, message: str) -> None:
    """What a running try is going through (the link dropped and is being probed), or '' when fine."""
    with store.transaction() as conn:
        conn.execute("UPDATE sync_outbox SET last_error = ?, speed = CASE WHEN ? = '' THEN speed ELSE 0 END,"
                     " updated_at = ? WHERE uuid = ?", (message, message, now_iso(), uuid))
        if message:
            conn.execute("INSERT INTO sync_event (uuid, at, event, detail) VALUES (?, ?, 'link_down', ?)",
                         (uuid, now_iso(), message))


def set_upload_url(store: Store, uuid: str, url: str) -> None:
    """Remember the server's upload URL at once: a restart resumes it rather than starting over."""
    with store.transaction() as conn:
        conn.execute("UPDATE sync_outbox SET upload_url = ?, updated_at = ? WHERE uuid = ?", (url, now_iso(), uuid))
        conn.execute("INSERT INTO sync_event (uuid, at, event, detail) VALUES (?, ?, ?, ?)",
                     (uuid, now_iso(), "upload" if url else "upload_reset", url))


def progress(store: Store, uuid: str, sent: int, speed: float) -> None:
    with store.transaction() as conn:
        conn.execute("UPDATE sync_outbox SET sent = ?, speed = ?, updated_at = ? WHERE uuid = ?",
                     (sent, speed, now_iso(), uuid))


def failed(store: Store, uuid: str, message: str, *, code: str, retry_at: datetime | None,
           final_state: str | None = None, wire_bytes: int = 0, progressed: bool = False) -> None:
    """Record a failed try: schedule the next one, or park the package for a person.

    ``progressed``: the try moved the server's offset; the count of fruitless tries starts again.
    """
    with store.transaction() as conn:
        state = final_state or "queued"
        if progressed:
            conn.execute("UPDATE sync_outbox SET attempts = 1 WHERE uuid = ?", (uuid,))
        conn.execute("UPDATE sync_outbox SET state = ?, last_error = ?, next_attempt_at = ?, speed = 0,"
                     " wire_bytes = wire_bytes + ?, updated_at = ? WHERE uuid = ?",
                     (state, message, _iso(retry_at) if retry_at else "", wire_bytes, now_iso(), uuid))
        conn.execute("INSERT INTO sync_event (uuid, at, event, detail) VALUES (?, ?, ?, ?)",
                     (uuid, now_iso(), code, message))
        if final_state:
            store.audit("đồng bộ", f"package.{final_state}", f"package:{uuid}", None, {"reason": message})


def delivered(store: Store, uuid: str, receipt: dict[str, Any], doc: dict[str, Any], wire_bytes: int) -> None:
    with store.transaction() as conn:
        row = conn.execute("SELECT size FROM sync_outbox WHERE uuid = ?", (uuid,)).fetchone()
        now = now_iso()
        conn.execute("UPDATE sync_outbox SET state = 'delivered', sent = ?, last_error = '', next_attempt_at = '',"
                     " speed = 0, wire_bytes = wire_bytes + ?, delivered_at = ?, receipt_id = ?, received_at = ?,"
                     " receipt = ?, updated_at = ? WHERE uuid = ?",
                     (row[0] if row else 0, wire_bytes, now, receipt["receipt_id"], receipt["received_at"],
                      json.dumps(doc, ensure_ascii=False), now, uuid))
        conn.execute("INSERT INTO sync_event (uuid, at, event, detail) VALUES (?, ?, 'delivered', ?)",
                     (uuid, now, receipt["receipt_id"]))
        store.audit("đồng bộ", "package.deliver", f"package:{uuid}", None,
                    {"receipt_id": receipt["receipt_id"], "received_at": receipt["received_at"],
                     "server": receipt.get("server_fingerprint", "")})


def next_due(store: Store) -> datetime | None:
    row = store.one("SELECT min(next_attempt_at) AS t FROM sync_outbox WHERE state IN ('queued', 'sending')")
    if row is None or row["t"] is None:
        return None
    return datetime.fromisoformat(row["t"]) if row["t"] else datetime.now(UTC)


def retry_now(store: Store) -> int:
    """Make every pending package due now (the clerk pressed "Gửi" again, or the link came back)."""
    with store.transaction() as conn:
        return conn.execute("UPDATE sync_outbox SET next_attempt_at = '' WHERE state IN ('queued', 'sending')"
                            ).rowcount


def when(after: float, now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) + timedelta(seconds=after)
