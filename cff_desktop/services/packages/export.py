"""Building a package (dossier or sector data), writing it atomically and reading it back."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cff_desktop import __version__
from cff_desktop.common import localtime
from cff_desktop.common.errors import BadInput, NotFound, Refused
from cff_desktop.common.text import nfc
from cff_desktop.dossier.format import COMMUNE_KINDS, EXTENSION, KIND_DOSSIER, KIND_SECTOR
from cff_desktop.dossier.package import PayloadFile, build
from cff_desktop.dossier.writer import write_atomic
from cff_desktop.services import keys, trust
from cff_desktop.services.evidence import blob_path
from cff_desktop.services.packages._common import Progress, _ascii_slug, _stage, _work_dir
from cff_desktop.services.packages.verify import verify_package
from cff_desktop.services.rounds import ADMIN, RoundInfo, get_round
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import canonical, now_iso


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
                      "Kết thúc họp hội đồng rồi xuất lại.", "--kind dossier", remedy="close_council")
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
    if kind not in COMMUNE_KINDS:
        raise BadInput(f"loại gói '{kind}' không hợp lệ. Chọn: {' | '.join(COMMUNE_KINDS)}", "--kind")
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
            header = _header(ws, rnd, kind, dev, scope) | {"criteria": scope, "summary": extra} \
                | trust.export_fields(ws, rnd, kind)
            recipient = None  # the clerk's laptop must read it; counts and notes only
        else:
            if criteria:
                raise BadInput("--criteria chỉ dùng với --kind sector-data", "--criteria")
            fields = trust.export_fields(ws, rnd, kind)  # refuses a dossier without a unit code, before printing
            files, extra = _dossier_payload(ws, rnd, work)
            header = _header(ws, rnd, kind, dev, []) | extra | fields
            up = keys.upper_recipient(ws)
            recipient = up["recipient"] if up else None
        local = work / "package.cffpkg"
        built = build(local, header, files, dev.key, recipient, work, _stage(progress, 0, 500))
        stamp = localtime.now().strftime("%Y%m%d-%H%M")  # a person reads it: Vietnam time, not the PC's zone
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
        trust.remember_signed_head(ws, built.manifest)
        if progress:
            progress(1000, 1000)
        enc = built.manifest["encryption"]
        return ExportResult(final, built.manifest["uuid"], kind, built.sha256, built.size, enc is not None,
                            (enc or {}).get("recipient_fingerprint", ""), built.manifest["supersedes"],
                            built.manifest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
