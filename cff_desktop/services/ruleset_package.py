"""A rule set the upper level publishes to its communes: on the inbox, and as a signed package for USB.

When a province has entered the official table (from the Excel workbook), every commune must
score under exactly those bytes. Connected communes pull it from the inbox (signed announcement,
hash-checked file, see :mod:`cff_desktop.services.sync`); a commune without a link gets a
``ruleset`` package on a stick, signed with the upper level's device key like a receipt. The
commune checks the signature (an unknown signer is refused until a person compares the
fingerprint and trusts it), the hash of the rule set against the signed manifest, the schema
and the arithmetic, and only then installs it. Installing never moves a round; switching the
open round is a separate, audited act (:func:`cff_desktop.services.rulesets.switch`).
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from cff_desktop.common.errors import BadInput, Refused
from cff_desktop.dossier.format import EXTENSION, KIND_RULESET, PackageRejected
from cff_desktop.dossier.package import Opened, PayloadFile
from cff_desktop.rules.loader import RuleSetError, parse_bytes
from cff_desktop.rules.model import RuleSet
from cff_desktop.services.rounds import ADMIN
from cff_desktop.services.signed_files import write_signed
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import canonical, now_iso

RULESET_MEMBER = "ruleset.json"
ANNOUNCEMENT_MEMBER = "announcement.json"


def _publisher(ws: Workspace) -> dict[str, str]:
    """Who publishes: the upper level's area when this installation has one."""
    try:
        from cff_desktop.services.district import get_area

        area = get_area(ws)
        return {"code": "", "name": str(area.get("name") or ""), "province": str(area.get("province") or "")}
    except Refused:  # not an upper-level installation: still signed by this machine's key
        return {"code": "", "name": "Cấp trên", "province": ""}


def _rule_bytes(rs: RuleSet) -> bytes:
    data = Path(rs.source).read_bytes() if Path(rs.source).is_file() else b""
    if hashlib.sha256(data).hexdigest() != rs.sha256:
        raise BadInput("chỉ phát hành được bộ tiêu chí đã cài trên máy này; hãy nhập tệp bộ tiêu chí trước.",
                       f"{rs.id} {rs.version}", remedy="import_ruleset")
    return data


def export_ruleset_package(ws: Workspace, rs: RuleSet, to_dir: str | Path, *, actor: str = ADMIN) -> Path:
    """Write a signed ``ruleset`` package of ``rs`` into ``to_dir`` (a USB stick for the communes)."""
    target = Path(to_dir)
    if not target.is_dir():
        raise BadInput("không thấy thư mục đích (USB đã rút hoặc đường dẫn sai). Cắm lại USB rồi chọn lại.",
                       str(target))
    data = _rule_bytes(rs)
    publisher = _publisher(ws)
    announcement = {"id": rs.id, "version": rs.version, "title": rs.title, "sha256": rs.sha256,
                    "size": len(data), "published_at": now_iso(), "publisher": publisher}
    final, manifest = write_signed(
        ws, target, kind=KIND_RULESET, commune=publisher, round_={"year": date.today().year},
        ruleset={"id": rs.id, "version": rs.version, "sha256": rs.sha256},
        payload=[PayloadFile(RULESET_MEMBER, data), PayloadFile(ANNOUNCEMENT_MEMBER, canonical(announcement).encode())],
        name=lambda m: f"cff-bo-tieu-chi-{rs.id}-{rs.version}-{m['uuid'][:8]}{EXTENSION}")
    with ws.store.transaction():
        ws.store.audit(actor, "ruleset.publish", f"ruleset:{rs.id}:{rs.version}", None,
                       {"sha256": rs.sha256, "via": "usb", "file": final.name, "package": manifest["uuid"]})
    return final


def publish_to_inbox(rs: RuleSet, data_dir: str | Path) -> dict[str, Any]:
    """Sign and offer ``rs`` on the upper level's inbox (connected communes pull it)."""
    from cff_desktop.services.sync_district import publish_ruleset

    _rule_bytes(rs)  # only what is installed here, byte for byte
    return publish_ruleset(data_dir, rs.source)


def apply_ruleset_package(ws: Workspace, opened: Opened, path: Path, actor: str) -> tuple[RuleSet, bool]:
    """At the commune: install the rule set of a verified ``ruleset`` package (False when already there).

    The package's signature and member hashes were checked by the caller; here the rule set's own
    SHA-256 must be the one the signed manifest names, and it must pass the schema and arithmetic.
    """
    m = opened.manifest
    where = str(path)
    data = opened.read(RULESET_MEMBER, limit=4 * 1024 * 1024)
    if hashlib.sha256(data).hexdigest() != m["ruleset"]["sha256"]:
        raise PackageRejected("tampered", "bộ tiêu chí trong gói không khớp mã băm đã ký; không cài.", where)
    try:
        rs = parse_bytes(data, f"{m['ruleset']['id']} {m['ruleset']['version']} (gói của cấp trên)")
    except RuleSetError as e:
        raise PackageRejected("bad_manifest", f"bộ tiêu chí trong gói không hợp lệ: {e}", where) from None
    if (rs.id, rs.version) != (m["ruleset"]["id"], m["ruleset"]["version"]):
        raise PackageRejected("tampered", "mã hoặc phiên bản bộ tiêu chí khác với manifest đã ký; không cài.", where)
    installed, new = ws.library.import_bytes(data, where)
    with ws.store.transaction() as conn:
        conn.execute("INSERT OR IGNORE INTO package (uuid, kind, direction, round_id, sha256, size, path, supersedes,"
                     " manifest, created_at) VALUES (?, ?, 'in', NULL, ?, ?, ?, NULL, ?, ?)",
                     (m["uuid"], KIND_RULESET, opened.sha256, opened.size, where, canonical(m), now_iso()))
        ws.store.audit(actor, "ruleset.install", f"ruleset:{rs.id}:{rs.version}", None,
                       {"sha256": rs.sha256, "from": "usb", "new": new, "signer": m["device"]["fingerprint"],
                        "publisher": m["commune"].get("name", "")})
    return installed, new
