"""At the commune: the upper level's answer (a ``receipt`` package) brought back on a stick.

It lives with the package import because that is where the commune meets it; the upper level
writes receipts in :mod:`cff_desktop.services.receipts`. Only the upper level speaks here: a
receipt must be signed by a key the commune holds as the upper level's and name a package this
commune sent, and its decision is checked before it is stored (so nothing shown later can crash).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cff_desktop.dossier.format import KIND_RECEIPT, PackageRejected
from cff_desktop.dossier.schemas import check_member
from cff_desktop.services import keys
from cff_desktop.services.rounds import get_round
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import canonical, now_iso


def _when(text: str) -> datetime | None:
    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def check_decision(ws: Workspace, decision: Any, where: str) -> dict[str, Any]:
    """An upper level's decision, checked before it is stored (so nothing shown later can crash).

    Shape (schema), a real time not more than a day ahead, and a package this commune sent.
    """
    check_member("decision.json", decision, where)
    at = _when(decision["decided_at"])
    if at is None or at > datetime.now(UTC) + timedelta(days=1):
        raise PackageRejected("bad_manifest", f"thời điểm quyết định '{decision['decided_at']}' không hợp lệ hoặc ở "
                              "tương lai; không nhận giấy báo này. Báo cho cấp trên.", where)
    sent = ws.store.one("SELECT 1 FROM package WHERE uuid = ? AND direction = 'out'", (decision["package_uuid"],))
    if sent is None:
        sent = ws.store.one("SELECT 1 FROM sync_outbox WHERE uuid = ?", (decision["package_uuid"],))
    if sent is None:
        raise PackageRejected(
            "unknown_package", f"giấy báo nói về hồ sơ {decision['package_uuid'][:8]} mà máy này chưa từng gửi; "
            "không nhận. Giấy báo chỉ có giá trị cho hồ sơ của chính xã mình.", where,
            {"package_uuid": decision["package_uuid"]})
    return decision


def apply_receipt(ws: Workspace, manifest: dict[str, Any], decision: Any, sha256: str, path: Path,
                  actor: str) -> bool:
    """At the commune: record the upper level's answer (False when it was already imported).

    Only the upper level speaks here: the receipt must be signed by a key the commune holds as
    the upper level's (its key file, or the inbox server pinned at enrolment) — never by this
    laptop's own key or a sector officer's — and must name a package this commune sent.
    """
    where = str(path)
    fp = manifest["device"]["fingerprint"]
    signers = keys.upper_signers(ws)
    if fp not in signers:
        mine = fp == keys.load_settings(ws).get("device_fingerprint")  # no keyring needed to say no
        who = "chính máy này" if mine else f"một máy không phải của cấp trên ({fp})"
        hint = ("Nhập tệp khóa của cấp trên (`cff keys import-upper TỆP`, tệp có dòng cff-sign) rồi nhập lại giấy báo."
                if not signers else "Chỉ nhận giấy báo ký bằng khóa của cấp trên; báo cho cấp trên.")
        raise PackageRejected("not_upper", f"giấy báo được ký bởi {who}, không phải khóa của cấp trên; không nhận. "
                              f"{hint}", where, {"fingerprint": fp})
    rnd = get_round(ws, manifest["round"]["year"])
    decision = check_decision(ws, decision, where)
    code = (rnd.commune.get("code") or "").strip()
    if code and manifest["commune"].get("code") and manifest["commune"]["code"] != code:
        raise PackageRejected("other_commune", f"giấy báo này gửi cho {manifest['commune']['name']}, không phải "
                              f"{rnd.commune['name']}.", where)
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
                       {"decision": decision["decision"], "id": decision["id"], "comments": decision.get("comments"),
                        "signer": fp})
    return True
