"""The upper level's own actions on its inbox (the CLI on the server machine): decide, publish a rule set."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from cff_desktop.common.errors import NotFound
from cff_desktop.common.files import write_atomic
from cff_desktop.sync.inbox_store import iso
from cff_desktop.sync.protocol import DECISION_TYPE, RULESET_TYPE, sign_document
from cff_desktop.sync.server._base import InboxBase

if TYPE_CHECKING:
    from cff_desktop.sync.server.app import Inbox


class AdminMixin(InboxBase):
    """Signed decisions the communes pull on their next sync."""

    def decide(self, package_uuid: str, decision: str, comments: list[dict[str, str]]) -> dict[str, Any]:
        """Record and sign a decision on a received package; the commune pulls it on its next sync."""
        if decision not in ("accepted", "returned"):
            raise ValueError(decision)
        row = self.store.one("SELECT commune, receipt_id FROM package WHERE uuid = ?", (package_uuid,))
        if row is None:
            raise NotFound("máy chủ chưa nhận gói có mã này.", package_uuid)
        now = self.clock()
        with self.store.tx() as conn:
            n = self.store.next_number(conn, "decision")
            body = {"type": DECISION_TYPE, "version": 1, "id": f"QD-{n:05d}", "commune": row["commune"],
                    "package_uuid": package_uuid, "receipt_id": row["receipt_id"], "decision": decision,
                    "comments": comments, "decided_at": iso(now), "server_fingerprint": self.store.fingerprint}
            doc = sign_document(self.store.key, body)
            conn.execute("INSERT INTO decision (commune, package_uuid, decision, doc, decided_at)"
                         " VALUES (?, ?, ?, ?, ?)",
                         (row["commune"], package_uuid, decision, json.dumps(doc, ensure_ascii=False), iso(now)))
        return body


def publish_ruleset(inbox: Inbox, data: bytes, meta: dict[str, str]) -> dict[str, Any]:
    """Store a rule set file (already checked by the caller) and sign what communes will verify."""
    sha = hashlib.sha256(data).hexdigest()
    path = inbox.store.ruleset_path(sha)
    if not path.exists():
        write_atomic(path, data)
    now = inbox.clock()
    body = {"type": RULESET_TYPE, "version": 1, "ruleset": {"id": meta["id"], "version": meta["version"],
            "title": meta.get("title", ""), "sha256": sha, "size": len(data)}, "published_at": iso(now),
            "server_fingerprint": inbox.store.fingerprint}
    doc = sign_document(inbox.store.key, body)
    with inbox.store.tx() as conn:
        conn.execute("INSERT OR IGNORE INTO ruleset (sha256, id, version, doc, published_at) VALUES (?, ?, ?, ?, ?)",
                     (sha, meta["id"], meta["version"], json.dumps(doc, ensure_ascii=False), iso(now)))
    return body
