"""What a package signs about its sender beyond the figures: the unit it speaks for, its place in
the sender's line of packages, and the head of the sender's audit chain.

* The unit code: the upper level files a dossier by its code (never by a name that two communes
  may share), so a dossier is not exported or submitted without one.
* ``revision``: a per-round counter of the packages of one kind this installation wrote. The
  receiver orders packages by it (and by the ``supersedes`` chain), never by a clock.
* ``audit_head``: how many audit rows there were and the last row's hash when the package was
  signed; the installation keeps the last one it signed in the keyring, so a history cut short or
  rewritten afterwards shows at the next ``cff audit --verify``.
"""

from __future__ import annotations

from typing import Any

from cff_desktop.common.errors import Refused
from cff_desktop.dossier.format import KIND_DOSSIER
from cff_desktop.services import keys
from cff_desktop.services.audit import audit_head
from cff_desktop.services.rounds import RoundInfo
from cff_desktop.services.workspace import Workspace

NO_CODE = ("chưa có mã đơn vị hành chính của xã, nên cấp trên không xếp được hồ sơ (cấp trên nhận hồ sơ theo mã, "
           "không theo tên). Nhập mã ở Thiết lập → Hồ sơ xã → \"Mã đơn vị hành chính\" rồi xuất lại.")


def require_unit_code(rnd: RoundInfo, where: str = "mã đơn vị") -> str:
    code = str(rnd.commune.get("code") or "").strip()
    if not code:
        if rnd.closed:  # the code is frozen with the council's snapshot: it can only be set after reopening
            raise Refused(NO_CODE.replace(" rồi xuất lại.", "") + "; hội đồng đã kết thúc họp nên trường này đã "
                          "khóa: mở lại vòng đánh giá (Họp hội đồng → \"Mở lại vòng đánh giá\"), nhập mã, kết thúc "
                          "họp lại rồi xuất.", where)
        raise Refused(NO_CODE, where)
    return code


def export_fields(ws: Workspace, rnd: RoundInfo, kind: str) -> dict[str, Any]:
    """Fields a new package's manifest carries: its revision in the round and the audit head."""
    if kind == KIND_DOSSIER:
        require_unit_code(rnd)
    row = ws.store.one("SELECT count(*) AS n FROM package WHERE direction = 'out' AND kind = ? AND round_id = ?",
                       (kind, rnd.id))
    return {"revision": int(row["n"] if row else 0) + 1, "audit_head": audit_head(ws)}


def remember_signed_head(ws: Workspace, manifest: dict[str, Any]) -> None:
    """After a package was written: keep the audit head it signed as the installation's anchor."""
    head = manifest.get("audit_head")
    if isinstance(head, dict):
        keys.remember_audit_head(ws, head)


def check_dossier_signer(ws: Workspace, manifest: dict[str, Any], unit_code: str, trust_fingerprints: set[str],
                         where: str | None = None) -> bool:
    """At the upper level: the signer must be registered for the unit the manifest names.

    Returns True when the signer is new and was confirmed for this unit with
    ``--trust-fingerprint`` (the caller registers it once everything else passed).
    """
    from cff_desktop.dossier.format import PackageRejected
    from cff_desktop.services import unit_keys

    fp = manifest["device"]["fingerprint"]
    if unit_keys.allowed(ws, unit_code, fp):
        return False
    claimed = manifest["commune"]
    who = f"{claimed.get('name', '?')} ({unit_code})"
    gone = unit_keys.revoked(ws, unit_code, fp)
    if gone is not None:
        raise PackageRejected("revoked_key", f"máy ký gói ({fp}) đã bị thu hồi cho {who} ngày "
                              f"{gone['revoked_at'][:10]} ({gone['revoke_reason']}); không nhận gói mới do máy này ký.",
                              where,
                              {"fingerprint": fp, "commune": claimed})
    other = unit_keys.active_unit(ws, fp)
    if other is not None:
        raise PackageRejected("wrong_unit", f"máy ký gói ({fp}) được đăng ký ký cho đơn vị {other}, không được ký hồ "
                              f"sơ của {who}; không nhập. Một máy chỉ ký cho một đơn vị.", where,
                              {"fingerprint": fp, "commune": claimed, "registered_for": other})
    if fp in trust_fingerprints:
        return True
    raise PackageRejected(
        "unknown_key", f"gói tự nhận là của {who}, ký bởi máy lạ có dấu vân tay {fp}. Gọi điện cho xã để so dấu vân "
        "tay (xã xem ở mục Gửi lên cấp trên trên máy của xã).", where,
        {"fingerprint": fp, "device_id": manifest["device"]["id"], "commune": claimed}, remedy="trust_device")
