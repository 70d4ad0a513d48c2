"""The upper level's inbox (``cff-district``): serve, enrol communes, revoke, decide, publish.

The inbox server lives in :mod:`cff_desktop.sync.server` and knows nothing of the package
format; this module gives it the verifier that does (the same checks as ``cff package verify``,
with "trusted" meaning "a device enrolled for this commune whose token is not revoked"), so a
package is checked before any receipt is signed.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from cff_desktop.common.errors import BadInput, NotFound
from cff_desktop.common.text import nfc
from cff_desktop.dossier.format import COMMUNE_KINDS, Limits, PackageRejected
from cff_desktop.dossier.package import open_package
from cff_desktop.rules.loader import load_file
from cff_desktop.sync import server as inbox_server
from cff_desktop.sync.protocol import COMMUNE_RE, UUID_RE, ServerLimits
from cff_desktop.sync.server import Inbox, PackageRefused, VerifyRequest


def verify_upload(path: Path, req: VerifyRequest) -> dict[str, Any]:
    """Check an uploaded package for the commune that sent it; the manifest, or PackageRefused."""

    def trusted(fp: str, manifest: dict[str, Any]) -> bool:
        return req.devices.get(fp) == manifest["device"]["public_key"]

    limits = Limits(max_total=req.limits.max_package, max_member=min(req.limits.max_package, Limits().max_member))
    work = Path(tempfile.mkdtemp(prefix="verify-", dir=path.parent))
    try:
        with open_package(path, is_trusted=trusted, identity=None, work_dir=work, limits=limits) as opened:
            m = opened.manifest
    except PackageRejected as e:
        if e.code == "unknown_key":
            raise PackageRefused("unknown_device", "gói được ký bởi một máy chưa đăng ký với cấp trên cho xã này "
                                 f"(dấu vân tay {e.details.get('fingerprint', '')}). Đăng ký máy này bằng mã mới "
                                 "của cấp trên rồi gửi lại.") from None
        raise PackageRefused(e.code, e.message) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if m["uuid"] != req.uuid:
        raise PackageRefused("bad_manifest", f"mã gói khai khi gửi ({req.uuid}) khác mã trong manifest "
                             f"({m['uuid']}).")
    code = m["commune"].get("code") or ""
    if code != req.commune:  # a device enrolled for one unit signs for that unit only, and names it
        raise PackageRefused("other_commune", f"gói ghi mã đơn vị {code or '(trống)'}, nhưng máy gửi được đăng ký cho "
                             f"đơn vị {req.commune}. Đặt đúng mã đơn vị trong Thiết lập của xã rồi xuất lại.")
    if m["kind"] not in COMMUNE_KINDS:
        raise PackageRefused("wrong_kind", f"máy chủ không nhận loại gói '{m['kind']}'.")
    return m


def open_inbox(data: str | Path, limits: ServerLimits | None = None, **kw: Any) -> Inbox:
    return Inbox(Path(data), verify_upload, limits or ServerLimits(), **kw)


def upper_recipient_of(source: str) -> str:
    """The upper level's age recipient from ``--recipient``: the key itself (``age1…``) or the public
    key file ``cff keys generate`` wrote (checked with its Bech32 checksum)."""
    from cff_desktop.dossier.crypto import parse_recipient

    text = source
    if "age1" not in source.lower():
        p = Path(source)
        if not p.is_file():
            raise NotFound("không có tệp khóa này; đưa tệp khóa công khai do `cff keys generate` tạo, "
                           "hoặc chuỗi khóa bắt đầu bằng age1.", source)
        try:
            text = p.read_text("utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise BadInput(f"không đọc được tệp khóa ({e}).", source) from None
    return parse_recipient(text, "--recipient")


def serve(data: str | Path, host: str, port: int, *, cert: str | None = None, key: str | None = None,
          max_package_mb: int | None = None, max_open_mb: int | None = None,
          recipient: str | None = None) -> None:
    """Run the inbox. ``recipient`` (``age1…`` or the upper level's public key file) is kept in the
    data folder and sent to every commune that enrols, so its dossiers are encrypted from the start."""
    if bool(cert) != bool(key):
        raise BadInput("--cert và --key phải đi cùng nhau (chứng chỉ và khóa riêng của nó).", "--cert/--key")
    for f in (cert, key):
        if f and not Path(f).is_file():
            raise NotFound("không thấy tệp.", f)
    rec = upper_recipient_of(recipient) if recipient is not None else None  # judged before anything is written
    limits = ServerLimits()
    if max_package_mb:
        limits = replace(limits, max_package=max_package_mb * 1024 * 1024)
    if max_open_mb:
        limits = replace(limits, max_open_per_token=max_open_mb * 1024 * 1024)
    inbox = open_inbox(data, limits)
    if rec is not None:
        inbox.store.set_recipient(rec)
    inbox_server.serve(inbox, host, port, cert=Path(cert) if cert else None, key=Path(key) if key else None)


def enrol_commune(data: str | Path, commune: str, name: str = "", valid_days: int = 7) -> dict[str, str]:
    """A one-time code for the commune to type in ``cff sync enrol`` (creates the account)."""
    inbox = open_inbox(data)
    try:
        code = inbox.store.new_enrol_code(nfc(commune), nfc(name), valid_days)
        return {"code": code, "commune": nfc(commune), "fingerprint": inbox.store.fingerprint}
    finally:
        inbox.store.close()


def revoke(data: str | Path, commune: str, device: str | None = None) -> int:
    if not COMMUNE_RE.fullmatch(commune):
        raise BadInput("mã xã không hợp lệ.", "COMMUNE_CODE")
    inbox = open_inbox(data)
    try:
        n = inbox.store.revoke(commune, device)
    finally:
        inbox.store.close()
    if n == 0:
        raise NotFound("không có mã truy cập nào còn hiệu lực của xã này (hoặc của máy này).", commune)
    return n


def decide(data: str | Path, package_uuid: str, decision: str, comments: list[str]) -> dict[str, Any]:
    """Accept or return a received package; comments "7: text" name criterion 7."""
    if not UUID_RE.fullmatch(package_uuid):
        raise BadInput("mã gói phải là UUID đầy đủ (xem `cff-district list`).", package_uuid)
    items = []
    for c in comments:
        crit, sep, text = nfc(c).partition(":")
        if sep and crit.strip().isdigit():
            items.append({"criterion": crit.strip(), "text": text.strip()})
        else:
            items.append({"criterion": "", "text": nfc(c)})
    if decision == "returned" and not items:
        raise BadInput("trả lại hồ sơ cần ít nhất một nhận xét (--comment \"7: lý do\").", "--comment")
    inbox = open_inbox(data)
    try:
        return inbox.decide(package_uuid, decision, items)
    finally:
        inbox.store.close()


def publish_ruleset(data: str | Path, file: str | Path) -> dict[str, Any]:
    """Sign and publish a rule set file (checked exactly as a commune will check it)."""
    rs = load_file(Path(file))
    raw = Path(file).read_bytes()
    inbox = open_inbox(data)
    try:
        return inbox_server.publish_ruleset(inbox, raw, {"id": rs.id, "version": rs.version, "title": rs.title})
    finally:
        inbox.store.close()


def list_inbox(data: str | Path) -> dict[str, Any]:
    inbox = open_inbox(data)
    try:
        pk = inbox.store.query("SELECT commune, uuid, sha256, size, kind, year, received_at, receipt_id,"
                               " device_fingerprint FROM package ORDER BY received_at DESC")
        for p in pk:
            p["path"] = str(inbox.store.package_path(p["sha256"]))
        return {"fingerprint": inbox.store.fingerprint, "communes": inbox.store.communes(), "packages": pk}
    finally:
        inbox.store.close()
