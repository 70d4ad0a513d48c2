"""Packages (``.cffpkg``): export to a USB stick or folder, verify, import. The UI calls these.

Two kinds are built here:

* ``dossier`` — the frozen round as the council closed it (the snapshot, byte for byte, with its
  SHA-256), the audit excerpt of the round, the evidence files, and the printed PDFs when the
  printing service is installed. Encrypted to the upper level's key when one is configured.
* ``sector-data`` — the figures of chosen criteria, each with its author and time, carried from
  a sector officer's laptop to the clerk's. Counts and notes only (no evidence, no names of
  children), so they are signed but not encrypted: the clerk's laptop must read them and holds
  no key of the upper level.

Every function that can take long accepts ``progress(done, total)``; it is called from the
calling thread (the UI runs these off the UI thread and forwards the calls).

Import is all or nothing: the whole package is verified first, then every change is applied in
one transaction. A figure the clerk changed on this laptop is never overwritten silently: it is
a conflict that the caller resolves per indicator (``"mine"`` keeps it, ``"theirs"`` takes the
package's); an unresolved conflict refuses the import with the list. Imported figures keep their
original author and time; importing a package that a later one already replaced changes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import re
import shutil
import tempfile
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from cff_desktop import __version__
from cff_desktop.common.errors import BadInput, CffError, NotFound, Refused
from cff_desktop.common.text import nfc
from cff_desktop.dossier.drives import Drive, removable_drives
from cff_desktop.dossier.format import (
    EXTENSION,
    KIND_DOSSIER,
    KIND_LABELS,
    KIND_RECEIPT,
    KIND_SECTOR,
    PackageRejected,
)
from cff_desktop.dossier.package import Opened, PayloadFile, build, open_package
from cff_desktop.dossier.writer import sha256_of, write_atomic
from cff_desktop.rules.values import parse_value
from cff_desktop.services import keys
from cff_desktop.services.evidence import blob_path
from cff_desktop.services.officers import can_edit, label
from cff_desktop.services.rounds import ADMIN, RoundInfo, get_round
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import canonical, now_iso
from cff_desktop.storage.paths import DataPaths, ensure_dir

Progress = Callable[[int, int], None]
Resolution = Literal["mine", "theirs"]

__all__ = [
    "Conflict", "Drive", "ExportResult", "ImportResult", "Verdict", "export_package", "import_package",
    "inspect_package", "open_verified", "plan_import", "removable_drives", "verify_package",
]


def _stage(progress: Progress | None, start: int, span: int) -> Progress | None:
    """Map one step's progress into a share (per mille) of the whole operation."""
    if progress is None:
        return None

    def report(done: int, total: int) -> None:
        progress(start + (span * done) // max(total, 1), 1000)

    return report


def _ascii_slug(text: str) -> str:
    """File names on FAT32 sticks and other systems: ASCII only (Đồng → Dong)."""
    t = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    t = "".join(c for c in t if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9]+", "-", t).strip("-") or "xa"


def _work_dir(paths: DataPaths) -> Path:
    return ensure_dir(paths.home / "tmp")


# --- what the UI and `cff package verify --json` show ------------------------------------------------

@dataclass
class Verdict:
    """The result of checking a package, whether it passed or not (for the import screen)."""

    ok: bool
    path: str
    code: str = ""
    reason: str = ""
    sha256: str = ""
    size: int = 0
    uuid: str = ""
    kind: str = ""
    kind_label: str = ""
    commune: dict[str, str] = field(default_factory=dict)
    year: int | None = None
    ruleset: dict[str, str] = field(default_factory=dict)
    created_at: str = ""
    app_version: str = ""
    signer: str = ""
    device_id: str = ""
    trusted: bool = False
    encrypted: bool = False
    readable: bool = False
    recipient_fingerprint: str = ""
    supersedes: str | None = None
    criteria: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    contents: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _fill(v: Verdict, m: dict[str, Any]) -> None:
    v.uuid, v.kind = m["uuid"], m["kind"]
    v.kind_label = KIND_LABELS.get(m["kind"], m["kind"])
    v.commune = dict(m["commune"])
    v.year = m["round"]["year"]
    v.ruleset = dict(m["ruleset"])
    v.created_at, v.app_version = m["created_at"], m["app_version"]
    v.signer, v.device_id = m["device"]["fingerprint"], m["device"]["id"]
    v.encrypted = m["encryption"] is not None
    v.recipient_fingerprint = (m["encryption"] or {}).get("recipient_fingerprint", "")
    v.supersedes = m["supersedes"]
    v.criteria = list(m.get("criteria", []))
    v.summary = dict(m.get("summary", {}))
    v.contents = [{"path": p["path"], "size": p["size"]} for p in m.get("payload", m["members"])]


def _paths(where: Workspace | DataPaths) -> DataPaths:
    return where.paths if isinstance(where, Workspace) else where


def _check_ruleset(where: Workspace | DataPaths, m: dict[str, Any], path: Path) -> None:
    """The package's rule set must be on this installation (shipped, imported or pinned)."""
    rs = m["ruleset"]
    if isinstance(where, Workspace):
        if where.store.one("SELECT 1 FROM ruleset_pin WHERE sha256 = ?", (rs["sha256"],)):
            return
        library = where.library
    else:
        from cff_desktop.services.library import RuleLibrary

        library = RuleLibrary(where.rulesets)
    if any(r.sha256 == rs["sha256"] for r in library.all()):
        return
    same = [r for r in library.all() if r.id == rs["id"] and r.version == rs["version"]]
    extra = " (máy này có bản cùng tên nhưng nội dung khác)" if same else ""
    raise PackageRejected(
        "unknown_ruleset", f"gói tính điểm theo bộ tiêu chí {rs['id']} phiên bản {rs['version']} "
        f"(SHA-256 {rs['sha256'][:12]}…) mà máy này chưa có{extra}. Xin tệp bộ tiêu chí đó rồi nhập bằng "
        "`cff rulesets import TỆP`, sau đó mở lại gói.", str(path), {"ruleset": rs})


def _open_checked(where: Workspace | DataPaths, path: Path, *, trust: bool, identity_file: Path | None,
                  passphrase: str | None, progress: Progress | None) -> Opened:
    """Open and check a package; an unknown signer is remembered only if every check passes."""
    paths = _paths(where)
    identity = keys.upper_identity(paths, identity_file, passphrase)
    newly_trusted: list[dict[str, Any]] = []

    def trusted(fp: str, manifest: dict[str, Any]) -> bool:
        if keys.is_trusted(paths, fp):
            return True
        if trust:
            newly_trusted.append(manifest)
            return True
        return False

    opened = open_package(Path(path), is_trusted=trusted, identity=identity, work_dir=_work_dir(paths),
                          progress=progress)
    try:
        _check_ruleset(where, opened.manifest, Path(path))
        for manifest in newly_trusted:
            keys.trust_device(paths, manifest)
    except BaseException:
        opened.close()
        raise
    return opened


def verify_package(where: Workspace | DataPaths, path: str | Path, *, trust: bool = False,
                   identity_file: Path | None = None, passphrase: str | None = None,
                   progress: Progress | None = None) -> Verdict:
    """Check a package completely; raises :class:`PackageRejected` with the reason when it fails.

    ``trust=True`` accepts and remembers an unknown signer (after a person compared the
    fingerprint by phone). Nothing else is written.
    """
    with _open_checked(where, Path(path), trust=trust, identity_file=identity_file, passphrase=passphrase,
                       progress=progress) as opened:
        v = Verdict(ok=True, path=str(path), sha256=opened.sha256, size=opened.size, trusted=True,
                    readable=opened.readable)
        _fill(v, opened.manifest)
        if opened.readable and opened.manifest["kind"] == KIND_DOSSIER:
            snap = opened.read_json("snapshot.json")
            score = snap.get("score", {})
            v.summary |= {"total": score.get("total"), "threshold": score.get("threshold"),
                          "recognized": score.get("recognized")}
        return v


def open_verified(where: Workspace | DataPaths, path: str | Path, *, trust: bool = False,
                  identity_file: Path | None = None, passphrase: str | None = None,
                  progress: Progress | None = None) -> Opened:
    """Check a package exactly as :func:`verify_package` does and keep it open for reading.

    The upper level reads the snapshot, the evidence index and the printed papers from the same
    checked bytes instead of opening (and decrypting) the package a second time. Close it after use.
    """
    return _open_checked(where, Path(path), trust=trust, identity_file=identity_file, passphrase=passphrase,
                         progress=progress)


def inspect_package(where: Workspace | DataPaths, path: str | Path, **kw: Any) -> Verdict:
    """Like :func:`verify_package` but returns a failed :class:`Verdict` instead of raising."""
    try:
        return verify_package(where, path, **kw)
    except PackageRejected as e:
        v = Verdict(ok=False, path=str(path), code=e.code, reason=e.message)
        if "fingerprint" in e.details:
            v.signer = e.details["fingerprint"]
            v.device_id = e.details.get("device_id", "")
            v.commune = dict(e.details.get("commune", {}))
        return v
    except CffError as e:
        return Verdict(ok=False, path=str(path), code="error", reason=e.message)


# --- export ------------------------------------------------------------------------------------------

@dataclass
class ExportResult:
    path: Path
    uuid: str
    kind: str
    sha256: str
    size: int
    encrypted: bool
    recipient_fingerprint: str
    supersedes: str | None
    manifest: dict[str, Any]


def _previous(ws: Workspace, rnd: RoundInfo, kind: str, scope: list[str]) -> dict[str, Any] | None:
    """The last package of the same kind and scope sent from here: the new one supersedes it."""
    rows = ws.store.query("SELECT manifest FROM package WHERE direction = 'out' AND kind = ? AND round_id = ?"
                          " ORDER BY created_at DESC, rowid DESC", (kind, rnd.id))
    for r in rows:
        m = json.loads(r["manifest"])
        if m.get("criteria", []) == scope:
            return m
    return None


def _header(ws: Workspace, rnd: RoundInfo, kind: str, dev: keys.DeviceKey, scope: list[str]) -> dict[str, Any]:
    prev = _previous(ws, rnd, kind, scope)
    c = rnd.commune
    return {
        "uuid": str(uuid.uuid4()), "kind": kind,
        "commune": {"code": c.get("code") or "", "name": c["name"], "province": c["province"]},
        "round": {"year": rnd.year},
        "ruleset": {"id": rnd.ruleset.id, "version": rnd.ruleset.version, "sha256": rnd.ruleset.sha256},
        "created_at": now_iso(), "app_version": __version__,
        "device": {"id": dev.device_id},
        "supersedes": prev["uuid"] if prev else None,
        "chain": [*prev.get("chain", []), prev["uuid"]] if prev else [],
    }


def _parse_criteria(rnd: RoundInfo, criteria: list[str] | str | None) -> list[str]:
    if criteria is None:
        return []
    items = criteria.split(",") if isinstance(criteria, str) else list(criteria)
    out: list[str] = []
    for c in items:
        cid = nfc(str(c))
        if not cid:
            continue
        if rnd.ruleset.criterion(cid) is None:
            raise BadInput(f"không có tiêu chí '{cid}' trong bộ tiêu chí {rnd.ruleset.id}", "--criteria")
        if cid not in out:
            out.append(cid)
    return sorted(out, key=lambda x: int(x) if x.isdigit() else 0)


def _sector_payload(ws: Workspace, rnd: RoundInfo, criteria: list[str]) -> tuple[list[PayloadFile], dict[str, Any]]:
    rows = ws.store.query(
        "SELECT v.indicator_id, v.value, v.note, v.entered_at, o.name AS officer, o.sector, o.position"
        " FROM value v LEFT JOIN officer o ON o.id = v.officer_id WHERE v.round_id = ? ORDER BY v.indicator_id",
        (rnd.id,))
    inds = rnd.ruleset.indicators
    values: dict[str, Any] = {}
    officers: dict[str, Any] = {}
    for r in rows:
        ind = inds.get(r["indicator_id"])
        if ind is None or ind.criterion_id not in criteria:
            continue
        values[r["indicator_id"]] = {"value": json.loads(r["value"]), "note": r["note"],
                                     "officer": r["officer"] or "", "entered_at": r["entered_at"]}
        if r["officer"]:
            officers[r["officer"]] = {"sector": r["sector"], "position": r["position"]}
    if not values:
        raise Refused(f"chưa có số liệu nào của tiêu chí {', '.join(criteria)} để xuất. Nhập số liệu trước.",
                      "--criteria")
    doc = {"criteria": criteria, "values": values, "officers": officers}
    body = json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    return [PayloadFile("values.json", data=body)], {"values": len(values)}


def _printing_available() -> bool:
    try:
        return importlib.util.find_spec("cff_desktop.services.printing") is not None
    except (ImportError, ValueError):
        return False


def _render_pdfs(ws: Workspace, rnd: RoundInfo, out_dir: Path, recognized: bool) -> list[Path]:
    """The papers the upper level reads, from the printing service when it is installed.

    A recognised round sends the one-PDF dossier (cover, proposal, report, score table, minutes,
    evidence list); a round that failed has no proposal to make, so it sends the report, the score
    table and the minutes. Printing numbers and records the papers exactly as ``cff print`` does
    (the same snapshot printed again keeps its number), and a profile field the papers need but
    lack refuses the export with the printing service's message naming it.
    """
    if not _printing_available():
        return []
    from cff_desktop.services import printing

    kinds = ["dossier"] if recognized else ["report", "scores", "minutes"]
    return [Path(printing.render(ws, kind, out_dir, year=rnd.year)) for kind in kinds]


def _dossier_payload(ws: Workspace, rnd: RoundInfo, work: Path) -> tuple[list[PayloadFile], dict[str, Any]]:
    snap_row = ws.store.one("SELECT body, sha256 FROM snapshot WHERE round_id = ?", (rnd.id,))
    if not rnd.closed or snap_row is None:
        raise Refused(f"vòng đánh giá năm {rnd.year} chưa kết thúc họp hội đồng, nên chưa có hồ sơ để gửi. "
                      "Kết thúc họp (`cff council close`) rồi xuất lại.", "--kind dossier")
    body = snap_row["body"].encode("utf-8")
    if hashlib.sha256(body).hexdigest() != snap_row["sha256"]:
        raise Refused("bản chốt số liệu của hội đồng không khớp mã băm đã lưu; cơ sở dữ liệu có thể đã bị "
                      "sửa. Kiểm tra bằng `cff audit --verify`.", "snapshot")
    snap = json.loads(body)
    files = [PayloadFile("snapshot.json", data=body)]
    audit = ws.store.query("SELECT * FROM audit WHERE entity = ? OR entity LIKE ? ORDER BY seq",
                           (f"round:{rnd.id}", f"round:{rnd.id}/%"))
    files.append(PayloadFile("audit.json", data=canonical(audit).encode("utf-8")))
    ev_rows = ws.store.query(
        "SELECT e.criterion_id, e.sha256, e.filename, e.size, e.mime, e.added_at, o.name AS officer"
        " FROM evidence e LEFT JOIN officer o ON o.id = e.officer_id"
        " WHERE e.round_id = ? AND e.removed_at IS NULL ORDER BY e.id", (rnd.id,))
    index = []
    seen: set[str] = set()
    for e in ev_rows:
        src = blob_path(ws, e["sha256"])
        if not src.is_file():
            raise NotFound(f"thiếu tệp minh chứng '{e['filename']}' (tiêu chí {e['criterion_id']}) trong thư "
                           "mục dữ liệu. Đính kèm lại tệp đó rồi xuất lại.", str(src))
        name = f"evidence/{e['sha256']}"
        index.append(dict(e) | {"path": name})
        if e["sha256"] not in seen:
            seen.add(e["sha256"])
            files.append(PayloadFile(name, source=src, compress=False))
    files.append(PayloadFile("evidence.json", data=canonical(index).encode("utf-8")))
    pdf_dir = work / "pdf"
    pdf_dir.mkdir()
    docs = []
    for pdf in _render_pdfs(ws, rnd, pdf_dir, bool(snap.get("score", {}).get("recognized"))):
        name = _ascii_slug(pdf.stem) + ".pdf"
        docs.append(name)
        files.append(PayloadFile(f"documents/{name}", source=pdf, compress=False))
    score = snap.get("score", {})
    summary = {"total": score.get("total"), "max_total": score.get("max_total"),
               "threshold": score.get("threshold"), "recognized": score.get("recognized"),
               "evidence": len(index), "documents": docs}
    return files, {"snapshot_sha256": snap_row["sha256"], "summary": summary}


def export_package(ws: Workspace, to_dir: str | Path, *, kind: str = KIND_DOSSIER,
                   criteria: list[str] | str | None = None, year: int | None = None, actor: str = ADMIN,
                   progress: Progress | None = None) -> ExportResult:
    """Build a package, write it to ``to_dir`` atomically, read it back and verify it.

    ``kind``: ``dossier`` (needs the council closed) or ``sector-data`` (``criteria`` chosen, or
    every criterion that has figures). Returns where it was written ("Đã ghi và kiểm tra xong").
    """
    rnd = get_round(ws, year)
    kind = nfc(kind)
    if kind not in (KIND_DOSSIER, KIND_SECTOR):
        raise BadInput(f"loại gói '{kind}' không hợp lệ. Chọn: {KIND_DOSSIER} | {KIND_SECTOR}", "--kind")
    target = Path(to_dir)
    if not target.is_dir():
        raise BadInput("không thấy thư mục đích (USB đã rút hoặc đường dẫn sai). Cắm lại USB rồi chọn lại.",
                       str(target))
    dev = keys.device_key(ws)
    work = Path(tempfile.mkdtemp(prefix="export-", dir=_work_dir(ws.paths)))
    try:
        if kind == KIND_SECTOR:
            scope = _parse_criteria(rnd, criteria)
            if not scope:
                have = {rnd.ruleset.indicators[r["indicator_id"]].criterion_id for r in ws.store.query(
                    "SELECT indicator_id FROM value WHERE round_id = ?", (rnd.id,))
                    if r["indicator_id"] in rnd.ruleset.indicators}
                scope = _parse_criteria(rnd, sorted(have))
            files, extra = _sector_payload(ws, rnd, scope)
            header = _header(ws, rnd, kind, dev, scope) | {"criteria": scope, "summary": extra}
            recipient = None  # the clerk's laptop must read it; counts and notes only
        else:
            if criteria:
                raise BadInput("--criteria chỉ dùng với --kind sector-data", "--criteria")
            files, extra = _dossier_payload(ws, rnd, work)
            header = _header(ws, rnd, kind, dev, []) | extra
            up = keys.upper_recipient(ws)
            recipient = up["recipient"] if up else None
        local = work / "package.cffpkg"
        built = build(local, header, files, dev.key, recipient, work, _stage(progress, 0, 500))
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        name = (f"cff-{_ascii_slug(rnd.commune['name'])}-{rnd.year}-{kind}-{stamp}-{built.manifest['uuid'][:8]}"
                f"{EXTENSION}")

        def check(final: Path) -> None:
            verify_package(ws, final, progress=_stage(progress, 900, 100))

        final = write_atomic(local, target, name, sha256=built.sha256, check=check,
                             progress=_stage(progress, 500, 400))
        try:
            with ws.store.transaction() as conn:
                conn.execute(
                    "INSERT INTO package (uuid, kind, direction, round_id, sha256, size, path, supersedes, manifest,"
                    " created_at) VALUES (?, ?, 'out', ?, ?, ?, ?, ?, ?, ?)",
                    (built.manifest["uuid"], kind, rnd.id, built.sha256, built.size, str(final),
                     built.manifest["supersedes"], canonical(built.manifest), now_iso()))
                ws.store.audit(actor, "package.export", f"round:{rnd.id}/package:{built.manifest['uuid']}", None,
                               {"kind": kind, "sha256": built.sha256, "size": built.size, "file": final.name,
                                "encrypted": recipient is not None, "supersedes": built.manifest["supersedes"],
                                "criteria": header.get("criteria", [])})
        except BaseException:
            with contextlib.suppress(OSError):
                final.unlink()  # not recorded, so not sent: leave no package behind
            raise
        if progress:
            progress(1000, 1000)
        enc = built.manifest["encryption"]
        return ExportResult(final, built.manifest["uuid"], kind, built.sha256, built.size, enc is not None,
                            (enc or {}).get("recipient_fingerprint", ""), built.manifest["supersedes"],
                            built.manifest)
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- import ------------------------------------------------------------------------------------------

@dataclass
class Conflict:
    """A figure changed on this laptop that the package would replace: keep mine or take theirs."""

    indicator: str
    criterion: str
    mine: dict[str, Any]
    theirs: dict[str, Any]

    def describe(self) -> str:
        def one(x: dict[str, Any]) -> str:
            return f"{json.dumps(x['value'], ensure_ascii=False)} ({x['officer']}, {x['entered_at'][:16]})"

        return f"{self.indicator}: của máy này {one(self.mine)} / trong gói {one(self.theirs)}"


@dataclass
class ImportPlan:
    verdict: Verdict
    round_year: int | None
    apply: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    already: bool = False
    superseded_by: str | None = None


@dataclass
class ImportResult:
    uuid: str
    kind: str
    applied: list[str] = field(default_factory=list)
    kept_mine: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    already: bool = False
    superseded_by: str | None = None
    stored_path: str = ""

    def message(self) -> str:
        if self.already:
            return "Gói này đã được nhập trước đây; không thay đổi gì."
        if self.superseded_by:
            return (f"Đã có gói mới hơn ({self.superseded_by[:8]}) thay thế gói này; không thay đổi gì.")
        if self.kind == KIND_DOSSIER:
            return f"Đã nhận hồ sơ, lưu tại {self.stored_path}."
        parts = [f"Đã nhập {len(self.applied)} chỉ số"]
        if self.kept_mine:
            parts.append(f"giữ số liệu của máy này cho {len(self.kept_mine)} chỉ số ({', '.join(self.kept_mine)})")
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} chỉ số không đổi")
        return "; ".join(parts) + "."


def _same_commune(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a.get("code") and b.get("code"):
        return a["code"] == b["code"]
    return all(nfc(str(a.get(k, ""))).casefold() == nfc(str(b.get(k, ""))).casefold() for k in ("name", "province"))


def _status(ws: Workspace, m: dict[str, Any], sha256: str) -> tuple[bool, str | None]:
    """(already imported, uuid of a received package that supersedes this one)."""
    row = ws.store.one("SELECT sha256 FROM package WHERE uuid = ? AND direction = 'in'", (m["uuid"],))
    if row is not None:
        if row["sha256"] != sha256:
            raise PackageRejected("tampered", "đã nhập một gói cùng mã nhưng nội dung khác; gói này không phải "
                                  "bản gốc. Đề nghị nơi gửi xuất gói mới.", m["uuid"])
        return True, None
    for r in ws.store.query("SELECT uuid, manifest FROM package WHERE direction = 'in' AND kind = ?", (m["kind"],)):
        other = json.loads(r["manifest"])
        if m["uuid"] in other.get("chain", []) or other.get("supersedes") == m["uuid"]:
            return False, r["uuid"]
    return False, None


def _plan(ws: Workspace, opened: Opened, v: Verdict) -> tuple[ImportPlan, RoundInfo | None, dict[str, Any]]:
    m = opened.manifest
    plan = ImportPlan(v, m["round"]["year"])
    plan.already, plan.superseded_by = _status(ws, m, opened.sha256)
    if m["kind"] != KIND_SECTOR:
        return plan, None, {}
    where = str(opened.path)
    try:
        rnd = get_round(ws, m["round"]["year"])
    except NotFound:
        raise PackageRejected("other_round", f"gói là số liệu vòng đánh giá năm {m['round']['year']}, máy này "
                              "không có vòng đó. Chọn đúng gói của vòng hiện tại.", where) from None
    if not _same_commune(m["commune"], rnd.commune):
        raise PackageRejected(
            "other_commune", f"gói là số liệu của {m['commune']['name']} ({m['commune']['province']}), không phải "
            f"của {rnd.commune['name']}. Chọn đúng gói của xã mình.", where)
    if m["ruleset"]["sha256"] != rnd.ruleset.sha256:
        raise PackageRejected(
            "other_round", f"gói tính theo bộ tiêu chí {m['ruleset']['id']} {m['ruleset']['version']}, khác bộ "
            f"tiêu chí của vòng năm {rnd.year} trên máy này ({rnd.ruleset.id} {rnd.ruleset.version}).", where)
    if plan.already or plan.superseded_by:
        return plan, rnd, {}
    if rnd.closed:
        raise PackageRejected(
            "round_closed", f"vòng đánh giá năm {rnd.year} đã được hội đồng kết thúc; không nhập thêm số liệu. "
            "Muốn sửa, văn thư mở lại vòng đánh giá và ghi rõ lý do.", where)
    doc = opened.read_json("values.json")
    if not isinstance(doc, dict) or not isinstance(doc.get("values"), dict):
        raise PackageRejected("bad_manifest", "values.json trong gói sai cấu trúc.", where)
    officers = {nfc(o["name"]).casefold(): o for o in ws.store.query("SELECT * FROM officer WHERE active = 1")}
    current = {r["indicator_id"]: r for r in ws.store.query(
        "SELECT v.indicator_id, v.value, v.note, v.entered_at, o.name AS officer FROM value v"
        " LEFT JOIN officer o ON o.id = v.officer_id WHERE v.round_id = ?", (rnd.id,))}
    scope = set(m.get("criteria", []))
    incoming: dict[str, Any] = {}
    for iid, item in sorted(doc["values"].items()):
        ind = rnd.ruleset.indicators.get(iid)
        if ind is None or ind.criterion_id not in scope or not isinstance(item, dict):
            raise PackageRejected("bad_manifest", f"gói có chỉ số '{iid}' không thuộc các tiêu chí đã khai báo.",
                                  where)
        value = parse_value(ind, item.get("value"))
        author = officers.get(nfc(str(item.get("officer", ""))).casefold())
        if author is None:
            raise PackageRejected(
                "unknown_officer", f"cán bộ '{item.get('officer')}' (người nhập chỉ số {iid}) chưa có trên máy này. "
                "Thêm cán bộ đó (`cff officer add ...`) rồi nhập lại gói.", where)
        if not can_edit(ws, rnd, author, ind.criterion_id):
            raise PackageRejected(
                "unknown_officer", f"{author['name']} không được giao tiêu chí {ind.criterion_id} trên máy này. "
                "Giao tiêu chí (`cff assign`) rồi nhập lại gói.", where)
        theirs = {"value": value.to_json(), "note": nfc(str(item.get("note", ""))), "officer": author["name"],
                  "entered_at": str(item.get("entered_at", ""))}
        incoming[iid] = (theirs, author, ind.criterion_id)
        mine_row = current.get(iid)
        if mine_row is None:
            plan.apply.append(iid)
            continue
        mine = {"value": json.loads(mine_row["value"]), "note": mine_row["note"],
                "officer": mine_row["officer"] or "", "entered_at": mine_row["entered_at"]}
        if (mine["value"], mine["note"]) == (theirs["value"], theirs["note"]):
            plan.unchanged.append(iid)
        elif (nfc(mine["officer"]).casefold() == nfc(theirs["officer"]).casefold()
              and mine["entered_at"] <= theirs["entered_at"]):
            plan.apply.append(iid)  # the same officer's newer figure: nobody here changed it since
        else:
            plan.conflicts.append(Conflict(iid, ind.criterion_id, mine, theirs))
    return plan, rnd, incoming


def plan_import(ws: Workspace, path: str | Path, *, trust: bool = False, identity_file: Path | None = None,
                passphrase: str | None = None, progress: Progress | None = None) -> ImportPlan:
    """What importing would do (changes, unchanged figures, conflicts); writes nothing."""
    with _open_checked(ws, Path(path), trust=trust, identity_file=identity_file, passphrase=passphrase,
                       progress=progress) as opened:
        v = Verdict(ok=True, path=str(path), sha256=opened.sha256, size=opened.size, trusted=True,
                    readable=opened.readable)
        _fill(v, opened.manifest)
        return _plan(ws, opened, v)[0]


def import_package(ws: Workspace, path: str | Path, *, resolutions: dict[str, Resolution] | None = None,
                   trust: bool = False, identity_file: Path | None = None, passphrase: str | None = None,
                   actor: str = ADMIN, progress: Progress | None = None) -> ImportResult:
    """Verify the whole package, then apply it in one transaction, or refuse and write nothing.

    ``resolutions`` maps an indicator in conflict to ``"mine"`` or ``"theirs"``; any conflict left
    unresolved refuses the import (``code == "conflicts"``, ``details["conflicts"]`` lists them).
    """
    resolutions = dict(resolutions or {})
    for iid, r in resolutions.items():
        if r not in ("mine", "theirs"):
            raise BadInput(f"cách giải quyết '{r}' cho chỉ số {iid} không hợp lệ: chọn mine hoặc theirs", iid)
    path = Path(path)
    with _open_checked(ws, path, trust=trust, identity_file=identity_file, passphrase=passphrase,
                       progress=_stage(progress, 0, 800)) as opened:
        m = opened.manifest
        v = Verdict(ok=True, path=str(path), sha256=opened.sha256, size=opened.size, trusted=True,
                    readable=opened.readable)
        _fill(v, m)
        plan, rnd, incoming = _plan(ws, opened, v)
        res = ImportResult(m["uuid"], m["kind"], already=plan.already, superseded_by=plan.superseded_by)
        if plan.already or plan.superseded_by:
            return res
        unresolved = [c for c in plan.conflicts if c.indicator not in resolutions]
        if unresolved:
            listing = "; ".join(c.describe() for c in unresolved)
            ids = ",".join(c.indicator for c in unresolved)
            raise PackageRejected(
                "conflicts", f"{len(unresolved)} chỉ số đã được sửa trên máy này và khác số liệu trong gói: "
                f"{listing}. Chọn giữ của máy này (--keep-mine {ids}) hoặc lấy theo gói (--take-theirs {ids}); "
                "chưa nhập gì.", str(path), {"conflicts": [asdict(c) for c in unresolved]})
        if m["kind"] == KIND_DOSSIER:
            return _receive(ws, opened, res, actor, progress)
        if m["kind"] == KIND_RECEIPT:  # the upper level's answer brought back on a stick
            from cff_desktop.services.receipts import apply_receipt

            res.already = not apply_receipt(ws, m, opened.read_json("decision.json"), opened.sha256, path, actor)
            return res
        assert rnd is not None
        take = plan.apply + [c.indicator for c in plan.conflicts if resolutions[c.indicator] == "theirs"]
        keep = [c for c in plan.conflicts if resolutions[c.indicator] == "mine"]
        fp = m["device"]["fingerprint"]
        with ws.store.transaction() as conn:
            conn.execute(
                "INSERT INTO package (uuid, kind, direction, round_id, sha256, size, path, supersedes, manifest,"
                " created_at) VALUES (?, ?, 'in', ?, ?, ?, ?, ?, ?, ?)",
                (m["uuid"], m["kind"], rnd.id, opened.sha256, opened.size, str(path), m["supersedes"],
                 canonical(m), now_iso()))
            for iid in sorted(take):
                theirs, author, cid = incoming[iid]
                old = conn.execute("SELECT value, note, entered_at FROM value WHERE round_id = ? AND indicator_id = ?",
                                   (rnd.id, iid)).fetchone()
                conn.execute(
                    "INSERT INTO value (round_id, indicator_id, value, note, officer_id, entered_at)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (round_id, indicator_id) DO UPDATE SET"
                    " value = excluded.value, note = excluded.note, officer_id = excluded.officer_id,"
                    " entered_at = excluded.entered_at",
                    (rnd.id, iid, json.dumps(theirs["value"], ensure_ascii=False), theirs["note"], author["id"],
                     theirs["entered_at"]))
                conn.execute("UPDATE criterion_status SET done = 0 WHERE round_id = ? AND criterion_id = ?",
                             (rnd.id, cid))
                ws.store.audit(
                    label(author), "value.import", f"round:{rnd.id}/indicator:{iid}",
                    {"value": json.loads(old[0]), "note": old[1], "entered_at": old[2]} if old else None,
                    {"value": theirs["value"], "note": theirs["note"], "entered_at": theirs["entered_at"],
                     "package": m["uuid"], "device": fp})
            for c in keep:
                ws.store.audit(actor, "value.conflict_keep", f"round:{rnd.id}/indicator:{c.indicator}",
                               {"rejected": c.theirs, "package": m["uuid"]}, {"kept": c.mine})
            ws.store.audit(actor, "package.import", f"round:{rnd.id}/package:{m['uuid']}", None,
                           {"kind": m["kind"], "sha256": opened.sha256, "device": fp, "applied": sorted(take),
                            "kept_mine": [c.indicator for c in keep], "supersedes": m["supersedes"]})
        res.applied = sorted(take)
        res.kept_mine = [c.indicator for c in keep]
        res.unchanged = plan.unchanged
        if progress:
            progress(1000, 1000)
        return res


def _receive(ws: Workspace, opened: Opened, res: ImportResult, actor: str, progress: Progress | None) -> ImportResult:
    """A dossier at the upper level: keep the verified file in the inbox and record it."""
    m = opened.manifest
    inbox = ensure_dir(ws.paths.home / "inbox")
    name = f"{m['uuid']}{EXTENSION}"
    final = inbox / name
    if final.exists() and sha256_of(final) != opened.sha256:
        final.unlink()  # a leftover of an interrupted receive; the name is this package's uuid
    if not final.exists():
        write_atomic(opened.path, inbox, name, sha256=opened.sha256, progress=_stage(progress, 800, 150))
    try:
        with ws.store.transaction() as conn:
            conn.execute(
                "INSERT INTO package (uuid, kind, direction, round_id, sha256, size, path, supersedes, manifest,"
                " created_at) VALUES (?, ?, 'in', NULL, ?, ?, ?, ?, ?, ?)",
                (m["uuid"], m["kind"], opened.sha256, opened.size, str(final), m["supersedes"], canonical(m),
                 now_iso()))
            ws.store.audit(actor, "package.receive", f"package:{m['uuid']}", None,
                           {"kind": m["kind"], "sha256": opened.sha256, "commune": m["commune"],
                            "year": m["round"]["year"], "device": m["device"]["fingerprint"],
                            "supersedes": m["supersedes"]})
    except BaseException:
        with contextlib.suppress(OSError):
            final.unlink()
        raise
    res.stored_path = str(final)
    if progress:
        progress(1000, 1000)
    return res


def list_packages(ws: Workspace, direction: str | None = None) -> list[dict[str, Any]]:
    """Packages sent and received, newest first (for a history view)."""
    sql = "SELECT uuid, kind, direction, round_id, sha256, size, path, supersedes, created_at FROM package"
    params: tuple[Any, ...] = ()
    if direction:
        sql += " WHERE direction = ?"
        params = (direction,)
    return ws.store.query(sql + " ORDER BY created_at DESC", params)
