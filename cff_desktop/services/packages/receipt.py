"""At the commune: the upper level's answer (a ``receipt`` package) brought back on a stick.

It lives with the package import because that is where the commune meets it; the upper level
writes receipts in :mod:`cff_desktop.services.receipts`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cff_desktop.dossier.format import KIND_RECEIPT, PackageRejected
from cff_desktop.services.communes import same_commune
from cff_desktop.services.rounds import get_round
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import canonical, now_iso


def apply_receipt(ws: Workspace, manifest: dict[str, Any], decision: Any, sha256: str, path: Path,
                  actor: str) -> bool:
    """At the commune: record the upper level's answer (False when it was already imported)."""

    rnd = get_round(ws, manifest["round"]["year"])
    where = str(path)
    if not same_commune(manifest["commune"], rnd.commune):
        raise PackageRejected("other_commune", f"giấy báo này gửi cho {manifest['commune']['name']}, không phải "
                              f"{rnd.commune['name']}.", where)
    if not isinstance(decision, dict) or decision.get("decision") not in ("accepted", "returned"):
        raise PackageRejected("bad_manifest", "decision.json trong giấy báo sai cấu trúc.", where)
    if ws.store.one("SELECT 1 FROM sync_decision WHERE id = ?", (decision["id"],)):
        return False
    with ws.store.transaction() as conn:
        seq = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM sync_decision").fetchone()[0]
        conn.execute("INSERT INTO sync_decision (id, seq, package_uuid, decision, comments, decided_at, doc,"
                     " received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (decision["id"], seq, decision["package_uuid"], decision["decision"],
                      json.dumps(decision.get("comments", []), ensure_ascii=False), decision["decided_at"],
                      json.dumps(decision, ensure_ascii=False), now_iso()))
        conn.execute("INSERT OR IGNORE INTO package (uuid, kind, direction, round_id, sha256, size, path, supersedes,"
                     " manifest, created_at) VALUES (?, ?, 'in', ?, ?, ?, ?, NULL, ?, ?)",
                     (manifest["uuid"], KIND_RECEIPT, rnd.id, sha256, path.stat().st_size, str(path),
                      canonical(manifest), now_iso()))
        ws.store.audit(actor, "receipt.import", f"round:{rnd.id}/package:{decision['package_uuid']}", None,
                       {"decision": decision["decision"], "id": decision["id"], "comments": decision.get("comments")})
    return True
