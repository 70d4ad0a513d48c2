"""The upper level's answer on a USB stick: a signed ``receipt`` package for communes with no link.

A mountain commune that handed its dossier over on a stick gets the return (with comments per
criterion) or the decision back the same way. The receipt is signed with the upper level's
device key like any package and carries ``decision.json``; the commune imports it with
``cff package import`` and sees it on the dashboard exactly like a decision pulled by sync.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from cff_desktop.common import localtime
from cff_desktop.common.errors import BadInput, Refused
from cff_desktop.dossier.format import EXTENSION, KIND_RECEIPT
from cff_desktop.dossier.package import PayloadFile
from cff_desktop.services.district.queries import find_package
from cff_desktop.services.packages.receipt import apply_receipt  # the commune's side, re-exported
from cff_desktop.services.rounds import ADMIN
from cff_desktop.services.signed_files import write_signed
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import canonical

__all__ = ["DECISIONS", "apply_receipt", "export_receipt"]

DECISIONS = {"returned": "returned", "council": "accepted", "recognised": "accepted", "not_recognised": "returned"}


def export_receipt(ws: Workspace, ref: str, to_dir: str | Path, *, actor: str = ADMIN) -> Path:
    """Write a receipt for the received package ``ref`` with its latest action (return or decision)."""
    pk = find_package(ws, ref)
    action = ws.store.one("SELECT action, comments, at FROM package_action WHERE package_sha256 = ?"
                          " ORDER BY rowid DESC LIMIT 1", (pk["sha256"],))
    if action is None or action["action"] not in DECISIONS:
        raise Refused("hồ sơ này chưa được trả lại hay quyết định; chưa có gì để gửi về xã.", pk["uuid"])
    target = Path(to_dir)
    if not target.is_dir():
        raise BadInput("không thấy thư mục đích (USB đã rút hoặc đường dẫn sai). Cắm lại USB rồi chọn lại.",
                       str(target))
    m = json.loads(pk["manifest"])
    comments = []
    for c in json.loads(action["comments"] or "[]"):
        text = c.get("text", "") if isinstance(c, dict) else str(c)
        crit, sep, rest = text.partition(":")
        comments.append({"criterion": crit.strip(), "text": rest.strip()} if sep and crit.strip().isdigit()
                        else {"text": text})
    decision = {"id": f"GBN-{uuid.uuid4().hex[:10].upper()}", "package_uuid": pk["uuid"],
                "decision": DECISIONS[action["action"]], "action": action["action"], "comments": comments,
                "decided_at": action["at"]}
    stamp = localtime.now().strftime("%Y%m%d-%H%M")  # read by the commune's clerk: Vietnam time
    final, manifest = write_signed(
        ws, target, kind=KIND_RECEIPT, commune=m["commune"], round_=m["round"], ruleset=m["ruleset"],
        payload=[PayloadFile("decision.json", canonical(decision).encode())], decision=decision,
        name=lambda r: f"cff-giay-bao-{pk['unit_code']}-{m['round']['year']}-{stamp}-{r['uuid'][:8]}{EXTENSION}")
    with ws.store.transaction():
        ws.store.audit(actor, "district.receipt", f"package:{pk['sha256']}", None,
                       {"receipt": manifest["uuid"], "file": final.name, "decision": decision["decision"]})
    return final
