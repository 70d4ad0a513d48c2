"""Receiving dossiers at the upper level: one file, a folder (a USB stick) or the inbox server's data.

Every check runs before anything is written; a refused package leaves the database and the data
folder as they were.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cff_desktop.common.errors import BadInput, CffError, NotFound, Refused
from cff_desktop.common.files import replace_durably
from cff_desktop.common.text import nfc
from cff_desktop.dossier.format import EXTENSION, KIND_DOSSIER, MANIFEST, PackageRejected
from cff_desktop.dossier.writer import sha256_of
from cff_desktop.rules.model import CATEGORY_LABELS, RuleSet
from cff_desktop.services.district.area import area_ruleset, get_area
from cff_desktop.services.district.workflow import TRANSITIONS
from cff_desktop.services.district_decisions import HELD_LABEL, store_warning
from cff_desktop.services.packages.verify import open_verified
from cff_desktop.services.rounds import ADMIN
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso
from cff_desktop.storage.paths import ensure_dir

Progress = Callable[[int, int], None]


@dataclass
class Received:
    """One file's outcome: imported (with what it superseded), already there, or refused and why."""

    path: str
    status: str  # imported | duplicate | refused
    reason: str = ""
    code: str = ""
    unit: str = ""
    year: int | None = None
    sha256: str = ""
    uuid: str = ""
    superseded: str | None = None
    kept_older: bool = False
    warning: str = ""  # imported, but something the appraiser should look at first
    error: str = ""  # refused: the refusal's code (unknown_key, mismatch, ...)
    fingerprint: str = ""  # refused as unknown_key: the signer to compare by phone
    claimed: dict[str, Any] = field(default_factory=dict)  # ... and the commune it claims to be
    remedy: str | None = None  # refused: how to fix it, worded by the CLI or the window (common.errors.REMEDIES)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def refused(cls, path: str | Path, e: CffError) -> Received:
        r = cls(str(path), "refused", e.message, remedy=e.remedy)
        if isinstance(e, PackageRejected):
            r.error = e.code
            r.fingerprint = str(e.details.get("fingerprint", ""))
            r.claimed = dict(e.details.get("commune") or {})
        return r


def _store_dir(ws: Workspace, *parts: str) -> Path:
    return ensure_dir(ws.paths.upper.joinpath(*parts))


def _peek_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest as claimed, unverified: lets area and rule set checks refuse before anything is trusted.

    A forged claim changes nothing: the full verification that follows still has to pass.
    """
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo(MANIFEST)
            if info.file_size > 1024 * 1024:
                return None
            doc = json.loads(z.read(info).decode("utf-8"))
            return doc if isinstance(doc, dict) else None
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None


def _match_unit(ws: Workspace, commune: dict[str, Any]) -> dict[str, Any] | None:
    """The unit a dossier names, by its code only: two communes may share a name, never a code."""
    code = nfc(str(commune.get("code") or ""))
    return ws.store.one("SELECT * FROM area_unit WHERE code = ?", (code,)) if code else None


def _check_claims(ws: Workspace, area: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    """Refuse, with what to do, a dossier of another area or scored on another rule set."""
    if m.get("kind") != KIND_DOSSIER:
        raise Refused(f"đây là gói loại '{m.get('kind')}', không phải hồ sơ đề nghị công nhận; cấp trên chỉ nhập "
                      "hồ sơ (gói dossier).", "kind")
    c = m.get("commune") or {}
    if not str(c.get("code") or "").strip():
        raise Refused(f"hồ sơ của {c.get('name', '?')} không ghi mã đơn vị hành chính; cấp trên xếp hồ sơ theo mã, "
                      "không theo tên. Đề nghị xã nhập mã đơn vị (Thiết lập → Hồ sơ xã) rồi xuất lại.", "commune")
    unit = _match_unit(ws, c)
    if unit is None:
        code = c.get("code") or "không có mã"
        raise Refused(f"{c.get('name', '?')} ({code}) không thuộc địa bàn {area['name']}; không nhập gói này. "
                      "Nếu đúng là đơn vị của địa bàn, thêm vào danh sách đơn vị (`cff district units import`) "
                      "rồi nhập lại.", "commune")
    rs = m.get("ruleset") or {}
    if rs.get("sha256") != area["ruleset_sha256"]:
        _other_version(ws, rs)
    return unit


def _other_version(ws: Workspace, rs: dict[str, Any]) -> RuleSet:
    """A dossier pinned to another version of the area's rule set is received when this installation
    holds that version's exact bytes (shipped, superseded or imported): it is rescored with them.

    Communes update the app at different times, so within one round some dossiers are scored on the
    version before an update and some on the one after; refusing either would stop recognition for
    reasons the commune cannot fix. Another rule set (another id), or bytes this installation does
    not hold, is still refused, naming it.
    """
    from cff_desktop.services.recompute import pinned_ruleset

    mine = area_ruleset(ws)
    named = (f"bộ tiêu chí {rs.get('id')} phiên bản {rs.get('version')} "
             f"(SHA-256 {str(rs.get('sha256', ''))[:12]}…)")
    if rs.get("id") != mine.id:
        raise Refused(f"gói chấm theo {named}, khác bộ tiêu chí của địa bàn ({mine.id} phiên bản {mine.version}); "
                      "không nhập. Đề nghị xã chấm lại theo bộ tiêu chí của địa bàn rồi gửi lại.", "ruleset")
    try:
        held = pinned_ruleset(ws, rs)
    except PackageRejected:
        raise Refused(f"gói chấm theo {named}; máy này chưa có đúng bộ tiêu chí đó (địa bàn dùng phiên bản "
                      f"{mine.version}) nên không chấm lại được. Xin tệp bộ tiêu chí, nhập bằng "
                      "`cff rulesets import TỆP` rồi nhập lại hồ sơ.", "ruleset") from None
    if held.id != mine.id:  # the bytes are another rule set than the manifest's id says
        raise Refused(f"gói ghi {named} nhưng nội dung có SHA-256 đó là bộ {held.id}; không nhập. Đề nghị xã "
                      "xuất lại.", "ruleset")
    return held


def receive_package(ws: Workspace, path: str | Path, *, source: str = "usb", trust: bool = False,
                    identity_file: Path | None = None, passphrase: str | None = None,
                    actor: str = ADMIN, trust_fingerprints: set[str] | list[str] | tuple[str, ...] = (),
                    ruleset: RuleSet | None = None) -> Received:
    """Verify one dossier and file it for its unit and round; raises CffError/PackageRejected when refused.

    Trust is per unit: the signer must be registered for the unit the manifest names (inbox
    enrolment, ``cff district keys add``), or be one of ``trust_fingerprints`` (compared by phone),
    which registers it for that unit only once everything else passed. The score is recomputed
    from the snapshot with the pinned rule set; the recomputed figures are the ones stored.
    """
    if trust:
        raise BadInput("--trust (tin mọi máy ký) đã bỏ: so dấu vân tay của từng máy qua điện thoại rồi dùng "
                       "--trust-fingerprint DẤU_VÂN_TAY.", "--trust")
    from cff_desktop.services import trust as trust_rules
    from cff_desktop.services import unit_keys
    from cff_desktop.services.ordering import check_created_at, supersedes
    from cff_desktop.services.recompute import recompute_dossier

    area = get_area(ws)
    p = Path(path)
    if not p.is_file():
        raise NotFound("không thấy tệp gói (USB đã rút hoặc đường dẫn sai).", str(p))
    sha = sha256_of(p)
    old = ws.store.one("SELECT * FROM received_package WHERE sha256 = ?", (sha,))
    if old is not None:
        return Received(str(p), "duplicate", "gói này đã nhập trước đây; không thay đổi gì.", old["unit_code"],
                        "", old["year"], sha, old["uuid"])
    claimed = _peek_manifest(p)
    if claimed is not None:
        _check_claims(ws, area, claimed)
    wanted = {unit_keys.normalize_fingerprint(f) for f in trust_fingerprints}
    tmp_docs: Path | None = None
    try:
        with open_verified(ws, p, identity_file=identity_file, passphrase=passphrase,
                           signer_checked_later=True) as opened:
            m = opened.manifest
            where = str(p)
            unit = _check_claims(ws, area, m)
            check_created_at(m, where)
            newly = trust_rules.check_dossier_signer(ws, m, unit["code"], wanted, where)
            if not opened.readable:
                raise Refused("gói được mã hóa cho một khóa khác, hoặc máy này chưa có khóa bí mật của cấp trên; "
                              "không đọc được nội dung. Nhập khóa bí mật (--identity) hoặc đề nghị xã mã hóa lại "
                              "bằng khóa công khai của cấp trên.", where)
            snap = opened.read_json("snapshot.json")
            score = recompute_dossier(ws, m, snap, where, ruleset=ruleset)
            snap = dict(snap, score=score)  # what is stored and reported is the recomputed score
            names = opened.payload_names()
            evidence = opened.read_json("evidence.json") if "evidence.json" in names else []
            if ws.store.one("SELECT 1 FROM received_package WHERE uuid = ?", (m["uuid"],)):
                raise Refused(f"đã có một gói khác cùng mã {m['uuid']} nhưng nội dung khác; gói có thể đã bị sửa. "
                              "Đề nghị xã gửi lại.", where)
            docs_dir = ws.paths.upper_docs / sha
            docs = [n for n in names if n.startswith("documents/") and n.endswith(".pdf")]
            if docs:
                tmp_docs = docs_dir.with_name(sha + ".part")
                shutil.rmtree(tmp_docs, ignore_errors=True)
                ensure_dir(tmp_docs)
                for n in docs:
                    with open(tmp_docs / Path(n).name, "wb") as f:
                        opened.copy(n, f)
        year = int(m["round"]["year"])
        target = ensure_dir(ws.paths.upper_packages) / f"{sha}{EXTENSION}"
        part = target.with_suffix(".part")
        try:
            shutil.copyfile(p, part)
            if sha256_of(part) != sha:
                raise Refused("tệp gói đổi nội dung trong khi chép (USB lỏng?); cắm lại rồi nhập lại.", str(p))
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        replace_durably(part, target)
        if tmp_docs is not None:
            shutil.rmtree(docs_dir, ignore_errors=True)
            tmp_docs.replace(docs_dir)
            tmp_docs = None
    finally:
        if tmp_docs is not None:  # refused while copying the papers: leave no .part folder behind
            shutil.rmtree(tmp_docs, ignore_errors=True)
    now = now_iso()
    res = Received(str(p), "imported", code=unit["code"], unit=unit["name"], year=year, sha256=sha, uuid=m["uuid"])
    claimed_cat = (snap.get("commune") or {}).get("category") or score.get("category")
    if claimed_cat and unit.get("category") and claimed_cat != unit["category"]:
        # The commune chose its category (and so its threshold) itself; the area's list may disagree.
        listed = CATEGORY_LABELS.get(unit["category"], unit["category"])
        res.warning = (f"xã tự xếp nhóm \"{CATEGORY_LABELS.get(claimed_cat, claimed_cat)}\" (ngưỡng "
                       f"{score.get('threshold')}), danh sách địa bàn ghi nhóm \"{listed}\"; "
                       "điểm chuẩn tính theo danh sách địa bàn.")
    category_warning = res.warning
    version_note = None
    if m["ruleset"]["sha256"] != area["ruleset_sha256"]:
        mine = area_ruleset(ws)
        version_note = (f"chấm theo bộ tiêu chí {m['ruleset']['id']} phiên bản {m['ruleset']['version']} "
                        f"(địa bàn dùng phiên bản {mine.version}); đã chấm lại theo đúng phiên bản xã dùng")
        res.warning = "; ".join(x for x in (res.warning, version_note) if x)
    with ws.store.transaction() as conn:
        cur = conn.execute("SELECT sha256, manifest, state FROM received_package WHERE unit_code = ? AND year = ?"
                           " AND superseded_by IS NULL", (unit["code"], year)).fetchone()
        superseded_by, held = None, 0
        if cur is not None and not supersedes(m, json.loads(cur[1])):
            superseded_by, res.kept_older = cur[0], True  # an older package arriving late: kept, marked
        elif cur is not None and cur[2] not in TRANSITIONS["replace"][0]:
            # A decision stands on the current package: the new one is kept but changes nothing
            # until a reviewer accepts it (after revoking the decision) or dismisses it.
            superseded_by, held = cur[0], 1
            res.warning = "; ".join(x for x in (
                f"gói {HELD_LABEL}: đã lưu, chưa thay hồ sơ đã quyết định; xem xét bằng `cff district held list`",
                res.warning) if x)
        elif cur is not None:
            conn.execute("UPDATE received_package SET superseded_by = ? WHERE sha256 = ?", (sha, cur[0]))
            res.superseded = cur[0]
        conn.execute(
            "INSERT INTO received_package (sha256, uuid, unit_code, year, source, state, superseded_by, created_at,"
            " received_at, total, threshold, passing, ruleset_sha256, signer, manifest, snapshot, evidence, file,"
            " held_after_decision) VALUES (?, ?, ?, ?, ?, 'verified', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sha, m["uuid"], unit["code"], year, source, superseded_by, m["created_at"], now, score["total"],
             score["threshold"], 1 if score["recognized"] else 0, m["ruleset"]["sha256"],
             m["device"]["fingerprint"], json.dumps(m, ensure_ascii=False), json.dumps(snap, ensure_ascii=False),
             json.dumps(evidence, ensure_ascii=False), str(target), held))
        if category_warning:
            store_warning(conn, sha, "category", category_warning)
        if version_note:
            store_warning(conn, sha, "ruleset", version_note)
        ws.store.audit(actor, "district.receive", f"unit:{unit['code']}/{year}", None,
                       {"sha256": sha, "uuid": m["uuid"], "source": source, "superseded": res.superseded,
                        "kept_older": res.kept_older, "signer": m["device"]["fingerprint"],
                        "held_after_decision": bool(held)})
    if newly:
        unit_keys.add_key(ws, unit["code"], m["device"]["fingerprint"], public_key=m["device"]["public_key"],
                          source="import", label=f"xác nhận khi nhập gói {m['uuid'][:8]}", actor=actor)
    return res


def import_path(ws: Workspace, path: str | Path, *, trust: bool = False, identity_file: Path | None = None,
                passphrase: str | None = None, actor: str = ADMIN, progress: Progress | None = None,
                source: str = "usb", trust_fingerprints: set[str] | list[str] | tuple[str, ...] = ()) -> list[Received]:
    """A package or a folder of them (a USB stick): each one checked and filed on its own.

    One refused package never blocks the others; each outcome says why (an unknown signer with
    its fingerprint and the commune it claims, to be compared by phone).
    """
    if trust:
        raise BadInput("--trust (tin mọi máy ký) đã bỏ: so dấu vân tay của từng máy qua điện thoại rồi dùng "
                       "--trust-fingerprint DẤU_VÂN_TAY.", "--trust")
    from cff_desktop.services.recompute import pinned_ruleset
    from cff_desktop.services.unit_keys import normalize_fingerprint

    trust_fingerprints = [normalize_fingerprint(f) for f in trust_fingerprints]  # a typo: one refusal, not N
    area = get_area(ws)
    rs = pinned_ruleset(ws, {"sha256": area["ruleset_sha256"], "id": "", "version": ""})  # parsed once
    p = Path(path)
    if p.is_dir():
        files = sorted(f for f in p.rglob(f"*{EXTENSION}") if f.is_file())
        if not files:
            raise NotFound(f"thư mục không có gói {EXTENSION} nào.", str(p))
    elif p.is_file():
        files = [p]
    else:
        raise NotFound("không thấy tệp hoặc thư mục (USB đã rút hoặc đường dẫn sai).", str(p))
    out: list[Received] = []
    for i, f in enumerate(files):
        try:
            out.append(receive_package(ws, f, source=source, identity_file=identity_file, passphrase=passphrase,
                                       actor=actor, trust_fingerprints=trust_fingerprints, ruleset=rs))
        except CffError as e:
            out.append(Received.refused(f, e))
        if progress:
            progress(i + 1, len(files))
    return out


def import_inbox(ws: Workspace, data: str | Path | None = None, *, actor: str = ADMIN,
                 progress: Progress | None = None) -> list[Received]:
    """File every dossier the inbox server received (its data folder on this machine).

    The server accepted each upload only from a device enrolled for that commune's code, so that
    device is registered here for that unit (and that unit only); every other check (hashes,
    decryption, area, rule set, recomputation, order) runs again.
    """
    from cff_desktop.services import unit_keys
    from cff_desktop.services.sync_district import list_inbox  # not a circle: keeps the web server off start-up

    area = get_area(ws)
    folder = str(data or area["inbox_data"])
    if not folder:
        raise BadInput("chưa đặt thư mục dữ liệu của máy chủ nhận hồ sơ (--inbox-data).", "--inbox-data")
    listing = list_inbox(folder)
    pkgs = [p for p in listing["packages"] if p["kind"] == KIND_DOSSIER]
    pkgs.sort(key=lambda p: p["received_at"])
    out: list[Received] = []
    for i, pk in enumerate(pkgs):
        try:
            fp = pk.get("device_fingerprint") or ""
            if fp and unit_keys.active_unit(ws, fp) is None \
                    and ws.store.one("SELECT 1 FROM area_unit WHERE code = ?", (pk["commune"],)):
                unit_keys.add_key(ws, pk["commune"], fp, source="inbox", label="đăng ký hộp thư", actor=actor)
            out.append(receive_package(ws, pk["path"], source="inbox", actor=actor))
        except CffError as e:
            out.append(Received.refused(pk["path"], e))
        if progress:
            progress(i + 1, len(pkgs))
    if folder != area["inbox_data"]:
        with ws.store.transaction() as conn:
            conn.execute("UPDATE area SET inbox_data = ? WHERE id = 1", (folder,))
    return out
