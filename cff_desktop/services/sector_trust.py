"""Sector data from the right laptop (the clerk's machine decides whose figures a package carries).

A sector officer's laptop signs its packages with its own device key. The clerk's machine keeps
which device belongs to which officer (asked once, at the first import, after comparing the
fingerprint); from then on a package from that device is accepted only with that officer as
the author of every figure, and only for the criteria assigned to that officer. A figure's time
must be a real time, not in the future; and a figure the clerk's machine changed after the last
import from that device is a conflict for a person to resolve, never silently overwritten.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from cff_desktop.common.errors import NotFound, Refused
from cff_desktop.common.text import nfc
from cff_desktop.dossier.format import PackageRejected
from cff_desktop.services.officers import can_edit, get_officer
from cff_desktop.services.ordering import check_not_future
from cff_desktop.services.rounds import ADMIN, RoundInfo
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso


def device_officer(ws: Workspace, fingerprint: str) -> dict[str, Any] | None:
    """The officer whose laptop has this key, or None when the device is not registered here."""
    row = ws.store.one("SELECT officer_id FROM officer_device WHERE fingerprint = ? AND revoked_at IS NULL",
                       (fingerprint,))
    if row is None:
        return None
    return ws.store.one("SELECT * FROM officer WHERE id = ?", (row["officer_id"],))


def register_device(ws: Workspace, manifest: dict[str, Any], officer_ref: str, *, actor: str = ADMIN) -> dict[str, Any]:
    """Record that the device which signed ``manifest`` is ``officer_ref``'s laptop (after a phone check)."""
    dev = manifest["device"]
    try:
        off = get_officer(ws, officer_ref)
    except NotFound:
        raise Refused(f"không có cán bộ '{officer_ref}' trên máy này để gắn máy {dev['fingerprint']}. Thêm cán bộ "
                      "(`cff officer add ...`) rồi nhập lại gói.", "--device-of") from None
    current = device_officer(ws, dev["fingerprint"])
    if current is not None:
        if current["id"] == off["id"]:
            return off
        raise Refused(f"máy {dev['fingerprint']} đã được ghi là máy của {current['name']}; một máy chỉ thuộc một cán "
                      "bộ. Nếu đã đổi người dùng, văn thư gỡ máy cũ trước.", "--device-of")
    with ws.store.transaction():
        record_device(ws, manifest, off, actor=actor)
    return off


def record_device(ws: Workspace, manifest: dict[str, Any], off: dict[str, Any], *, actor: str = ADMIN) -> None:
    """The row and its audit line, inside the caller's transaction (an import records it with its figures)."""
    dev = manifest["device"]
    ws.store.conn.execute("INSERT OR REPLACE INTO officer_device (fingerprint, officer_id, public_key, device_id,"
                          " added_at) VALUES (?, ?, ?, ?, ?)",
                          (dev["fingerprint"], off["id"], dev["public_key"], dev["id"], now_iso()))
    ws.store.audit(actor, "officer.device", f"officer:{off['id']}", None,
                   {"fingerprint": dev["fingerprint"], "device_id": dev["id"]})


def unknown_device(manifest: dict[str, Any], where: str | None) -> PackageRejected:
    dev = manifest["device"]
    return PackageRejected(
        "unknown_device", f"gói số liệu được ký bởi máy {dev['fingerprint']} chưa gắn với cán bộ nào trên máy này. "
        "Gọi điện cho cán bộ gửi để so dấu vân tay (`cff keys show` trên máy đó); nếu khớp, nhập lại với "
        "--device-of \"HỌ TÊN\".", where, {"fingerprint": dev["fingerprint"], "device_id": dev["id"]})


def check_item(ws: Workspace, rnd: RoundInfo, device_off: dict[str, Any], iid: str, criterion_id: str,
               item: dict[str, Any], where: str | None, *, now: datetime | None = None) -> None:
    """One figure of a sector package: its author is the device's officer, assigned its criterion, in time."""
    author = nfc(str(item.get("officer", ""))).casefold()
    if author != nfc(device_off["name"]).casefold():
        raise PackageRejected(
            "wrong_author", f"chỉ số {iid} trong gói ghi người nhập là {item.get('officer')}, nhưng gói được ký bằng "
            f"máy của {device_off['name']}; một máy chỉ gửi số liệu của chính cán bộ dùng máy đó. Không nhập gói này.",
            where, {"indicator": iid})
    if not can_edit(ws, rnd, device_off, criterion_id):
        raise PackageRejected(
            "unknown_officer", f"{device_off['name']} không được giao tiêu chí {criterion_id} (chỉ số {iid}) trên máy "
            "này; không nhập gói. Giao tiêu chí (`cff assign`) nếu đúng là việc của cán bộ đó.", where,
            {"indicator": iid})
    check_not_future(item.get("entered_at"), f"thời điểm nhập chỉ số {iid}", where, now=now)


def edited_here_since_last_import(ws: Workspace, rnd: RoundInfo, iid: str, fingerprint: str) -> bool:
    """Was the current figure written on this machine (or brought by another device) after the last
    import from ``fingerprint``? Then a different figure from that device is a conflict."""
    rows = ws.store.query(
        "SELECT seq, action, new FROM audit WHERE entity = ? AND action IN ('value.set', 'value.import')"
        " ORDER BY seq DESC LIMIT 1", (f"round:{rnd.id}/indicator:{iid}",))
    if not rows:
        return True  # a figure no audit row explains: never overwrite it silently
    last = rows[0]
    if last["action"] == "value.import":
        try:
            return json.loads(last["new"] or "{}").get("device") != fingerprint
        except ValueError:
            return True
    imp = ws.store.one(
        "SELECT max(seq) AS s FROM audit WHERE action = 'package.import' AND entity LIKE ? AND new LIKE ?",
        (f"round:{rnd.id}/package:%", f'%"device":"{fingerprint}"%'))
    return imp is None or imp["s"] is None or last["seq"] > imp["s"]
