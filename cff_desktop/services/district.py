"""The upper level (district, or province since 2025): its area, the dossiers received, appraisal.

One app, two roles: an installation becomes the upper level when its area is set
(:func:`init_area`); the same database then holds the area's units, every package received from
them (by USB or from the inbox server's data folder), the appraisal per indicator and the
decisions. The commune's package is never edited: it is kept byte for byte under its SHA-256 and
the appraisal is a separate record linked to that hash, so a resubmitted package supersedes the
old one while the old one and its appraisal history stay.

Every check runs before anything is written; a refused package leaves the database and the data
folder as they were. Reports and the Excel export live in :mod:`cff_desktop.services.district_report`.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cff_desktop.common.errors import BadInput, CffError, NotFound, Refused
from cff_desktop.common.text import nfc
from cff_desktop.dossier.format import EXTENSION, KIND_DOSSIER, MANIFEST, PackageRejected
from cff_desktop.dossier.writer import sha256_of
from cff_desktop.rules.model import CATEGORIES, CATEGORY_LABELS, RuleSet
from cff_desktop.services.rounds import ADMIN
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso
from cff_desktop.storage.paths import ensure_dir

Progress = Callable[[int, int], None]

LEVELS = {"district": "Ủy ban nhân dân huyện", "province": "Ủy ban nhân dân tỉnh"}

STATES = {
    "received": "Đã nhận",
    "verified": "Đã kiểm tra",
    "under_appraisal": "Đang thẩm định",
    "returned": "Đã trả lại",
    "council": "Đã trình hội đồng",
    "recognised": "Đã công nhận",
    "not_recognised": "Không công nhận",
}

# Reporting deadlines from the provincial plans (DOMAIN §3 step 7); each is a setting.
DEFAULT_DEADLINES = [
    ("district", "Cấp huyện báo cáo kết quả lên tỉnh", 11, 30),
    ("province", "Cấp tỉnh báo cáo kết quả lên Bộ", 12, 10),
    ("half_year", "Báo cáo công tác trẻ em 6 tháng", 5, 25),
]

# What a clerk may type in the CSV's category column besides the codes.
_CATEGORY_ALIASES = {
    "phường": "urban_ward", "phuong": "urban_ward", "đô thị": "urban_ward",
    "miền núi": "mountain_island_disadvantaged", "hải đảo": "mountain_island_disadvantaged",
    "đặc biệt khó khăn": "mountain_island_disadvantaged", "khác": "other", "khac": "other",
}


def _fold(text: str) -> str:
    """Compare names as people type them: NFC, case and spacing ignored."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


# --- the area ------------------------------------------------------------------------------------

def is_upper(ws: Workspace) -> bool:
    """True when this installation works as the upper level (its area is set)."""
    return ws.store.one("SELECT 1 FROM area WHERE id = 1") is not None


def get_area(ws: Workspace) -> dict[str, Any]:
    row = ws.store.one("SELECT * FROM area WHERE id = 1")
    if row is None:
        raise Refused("máy này chưa ở chế độ cấp trên. Đặt địa bàn trước: "
                      "`cff district init --name \"Huyện Cao Lộc\" --level district` (hoặc --level province).",
                      "district")
    return row


def area_ruleset(ws: Workspace) -> RuleSet:
    sha = get_area(ws)["ruleset_sha256"]
    for rs in ws.library.all():
        if rs.sha256 == sha:
            return rs
    raise NotFound(f"máy này không còn bộ tiêu chí của địa bàn (SHA-256 {sha[:12]}…). Nhập lại tệp bộ tiêu chí.",
                   "ruleset")


def init_area(ws: Workspace, *, name: str, level: str, province: str = "", ruleset_id: str | None = None,
              inbox_data: str = "", signer_name: str = "", actor: str = ADMIN) -> dict[str, Any]:
    """Make this installation the upper level for an area, or change the area's settings."""
    name, level = nfc(name), nfc(level)
    if not name:
        raise BadInput("tên địa bàn không được để trống, ví dụ \"Huyện Cao Lộc\".", "--name")
    if level not in LEVELS:
        raise BadInput(f"cấp '{level}' không hợp lệ. Chọn: district (huyện) | province (tỉnh).", "--level")
    rs = ws.library.get(ruleset_id or "qd06-2019")
    old = ws.store.one("SELECT * FROM area WHERE id = 1")
    with ws.store.transaction() as conn:
        conn.execute(
            "INSERT INTO area (id, name, level, province, ruleset_sha256, inbox_data, signer_name, created_at)"
            " VALUES (1, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
            " level = excluded.level, province = excluded.province, ruleset_sha256 = excluded.ruleset_sha256,"
            " inbox_data = excluded.inbox_data, signer_name = excluded.signer_name",
            (name, level, nfc(province), rs.sha256, str(inbox_data or ""), nfc(signer_name), now_iso()))
        for kind, label, month, day in DEFAULT_DEADLINES:
            conn.execute("INSERT OR IGNORE INTO report_deadline (kind, label, month, day) VALUES (?, ?, ?, ?)",
                         (kind, label, month, day))
        ws.store.audit(actor, "area.set", "area:1", old, {"name": name, "level": level, "ruleset": rs.sha256})
    return get_area(ws)


# --- units ---------------------------------------------------------------------------------------

@dataclass
class UnitsImport:
    """The outcome of a CSV import: good rows, bad rows with line numbers, and what was written."""

    good: list[dict[str, Any]] = field(default_factory=list)
    bad: list[dict[str, Any]] = field(default_factory=list)
    imported: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _category(text: str) -> str | None:
    t = _fold(text)
    if t in CATEGORIES:
        return t
    return _CATEGORY_ALIASES.get(t)


def parse_units_csv(path: str | Path) -> UnitsImport:
    """Read ``code,name,category[,predecessors]``; every bad row is kept with its line number."""
    p = Path(path)
    try:
        text = p.read_text("utf-8-sig")
    except FileNotFoundError:
        raise NotFound("không thấy tệp danh sách đơn vị.", str(p)) from None
    except UnicodeDecodeError:
        raise BadInput("tệp không phải văn bản UTF-8; trong Excel chọn \"CSV UTF-8\" khi lưu.", str(p)) from None
    reader = csv.reader(io.StringIO(nfc(text)))
    header = [_fold(h) for h in next(reader, [])]
    need = ["code", "name", "category"]
    if header[:3] != need:
        raise BadInput("dòng đầu của tệp phải là: code,name,category (thêm cột predecessors nếu có đơn vị "
                       "sáp nhập).", f"{p}:1")
    out = UnitsImport()
    seen: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        cells = [c.strip() for c in row] + ["", "", "", ""]
        code, name, cat_text, pred = cells[0], cells[1], cells[2], cells[3]
        problems = []
        if not code.isdigit():
            problems.append(f"mã đơn vị '{code}' phải là chữ số")
        if not name:
            problems.append("thiếu tên đơn vị")
        cat = _category(cat_text)
        if cat is None:
            problems.append(f"loại '{cat_text}' không hợp lệ (urban_ward | mountain_island_disadvantaged | other)")
        if code in seen:
            problems.append(f"mã {code} trùng với dòng {seen[code]}")
        if problems:
            out.bad.append({"line": line, "row": row, "problems": problems})
            continue
        seen[code] = line
        preds = [x.strip() for x in pred.replace(",", ";").split(";") if x.strip()]
        out.good.append({"line": line, "code": code, "name": name, "category": cat, "predecessors": preds})
    return out


def import_units(ws: Workspace, path: str | Path, *, good_rows: bool = False, actor: str = ADMIN) -> UnitsImport:
    """Add or update the area's units from a CSV; with bad rows nothing is written unless ``good_rows``."""
    get_area(ws)
    res = parse_units_csv(path)
    if res.bad and not good_rows:
        lines = ", ".join(str(b["line"]) for b in res.bad)
        first = res.bad[0]
        raise BadInput(f"tệp có {len(res.bad)} dòng sai (dòng {lines}); chưa nhập đơn vị nào. Dòng {first['line']}: "
                       f"{'; '.join(first['problems'])}. Sửa tệp rồi nhập lại, hoặc thêm --good-rows để chỉ nhập "
                       f"{len(res.good)} dòng đúng.", str(path))
    with ws.store.transaction() as conn:
        for u in res.good:
            conn.execute(
                "INSERT INTO area_unit (code, name, category, predecessors, created_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(code) DO UPDATE SET name = excluded.name, category = excluded.category,"
                " predecessors = excluded.predecessors",
                (u["code"], nfc(u["name"]), u["category"], json.dumps(u["predecessors"]), now_iso()))
        ws.store.audit(actor, "area.units.import", "area:1", None,
                       {"file": Path(path).name, "units": len(res.good), "bad_lines": [b["line"] for b in res.bad]})
    res.imported = len(res.good)
    return res


def units(ws: Workspace) -> list[dict[str, Any]]:
    rows = ws.store.query("SELECT * FROM area_unit ORDER BY code")
    for r in rows:
        r["predecessors"] = json.loads(r["predecessors"])
        r["category_label"] = CATEGORY_LABELS.get(r["category"], r["category"])
    return rows


def _unit(ws: Workspace, code: str) -> dict[str, Any]:
    row = ws.store.one("SELECT * FROM area_unit WHERE code = ?", (nfc(code),))
    if row is None:
        raise NotFound(f"không có đơn vị mã {code} trong địa bàn (xem `cff district list`).", code)
    return row


# --- receiving packages --------------------------------------------------------------------------

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

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _store_dir(ws: Workspace, *parts: str) -> Path:
    return ensure_dir(ws.paths.home.joinpath("district", *parts))


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
    code = nfc(str(commune.get("code") or ""))
    if code:
        return ws.store.one("SELECT * FROM area_unit WHERE code = ?", (code,))
    want = _fold(str(commune.get("name") or ""))
    hits = [u for u in ws.store.query("SELECT * FROM area_unit") if _fold(u["name"]) == want]
    return hits[0] if len(hits) == 1 else None


def _check_claims(ws: Workspace, area: dict[str, Any], m: dict[str, Any]) -> dict[str, Any]:
    """Refuse, with what to do, a dossier of another area or scored on another rule set."""
    if m.get("kind") != KIND_DOSSIER:
        raise Refused(f"đây là gói loại '{m.get('kind')}', không phải hồ sơ đề nghị công nhận; cấp trên chỉ nhập "
                      "hồ sơ (gói dossier).", "kind")
    c = m.get("commune") or {}
    unit = _match_unit(ws, c)
    if unit is None:
        code = c.get("code") or "không có mã"
        raise Refused(f"{c.get('name', '?')} ({code}) không thuộc địa bàn {area['name']}; không nhập gói này. "
                      "Nếu đúng là đơn vị của địa bàn, thêm vào danh sách đơn vị (`cff district units import`) "
                      "rồi nhập lại.", "commune")
    rs = m.get("ruleset") or {}
    if rs.get("sha256") != area["ruleset_sha256"]:
        mine = area_ruleset(ws)
        raise Refused(f"gói chấm theo bộ tiêu chí {rs.get('id')} phiên bản {rs.get('version')} "
                      f"(SHA-256 {str(rs.get('sha256', ''))[:12]}…), khác bộ tiêu chí của địa bàn "
                      f"({mine.id} phiên bản {mine.version}); không nhập. Đề nghị xã chấm lại theo bộ tiêu chí "
                      "của địa bàn rồi gửi lại.", "ruleset")
    return unit


def receive_package(ws: Workspace, path: str | Path, *, source: str = "usb", trust: bool = False,
                    identity_file: Path | None = None, passphrase: str | None = None,
                    actor: str = ADMIN) -> Received:
    """Verify one dossier and file it for its unit and round; raises CffError/PackageRejected when refused."""
    from cff_desktop.services.packages import open_verified

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
    with open_verified(ws, p, trust=trust, identity_file=identity_file, passphrase=passphrase) as opened:
        m = opened.manifest
        unit = _check_claims(ws, area, m)
        if not opened.readable:
            raise Refused("gói được mã hóa cho một khóa khác, hoặc máy này chưa có khóa bí mật của cấp trên; "
                          "không đọc được nội dung. Nhập khóa bí mật (--identity) hoặc đề nghị xã mã hóa lại "
                          "bằng khóa công khai của cấp trên.", str(p))
        snap = opened.read_json("snapshot.json")
        names = opened.payload_names()
        evidence = opened.read_json("evidence.json") if "evidence.json" in names else []
        if ws.store.one("SELECT 1 FROM received_package WHERE uuid = ?", (m["uuid"],)):
            raise Refused(f"đã có một gói khác cùng mã {m['uuid']} nhưng nội dung khác; gói có thể đã bị sửa. "
                          "Đề nghị xã gửi lại.", str(p))
        docs_dir = ws.paths.home / "district" / "docs" / sha
        docs = [n for n in names if n.startswith("documents/") and n.endswith(".pdf")]
        tmp_docs = docs_dir.with_name(sha + ".part")
        if docs:
            shutil.rmtree(tmp_docs, ignore_errors=True)
            ensure_dir(tmp_docs)
            for n in docs:
                with open(tmp_docs / Path(n).name, "wb") as f:
                    opened.copy(n, f)
    year = int(m["round"]["year"])
    score = snap.get("score", {})
    target = _store_dir(ws, "packages") / f"{sha}{EXTENSION}"
    part = target.with_suffix(".part")
    shutil.copyfile(p, part)
    if sha256_of(part) != sha:
        part.unlink(missing_ok=True)
        raise Refused("tệp gói đổi nội dung trong khi chép (USB lỏng?); cắm lại rồi nhập lại.", str(p))
    part.replace(target)
    if docs:
        shutil.rmtree(docs_dir, ignore_errors=True)
        tmp_docs.replace(docs_dir)
    now = now_iso()
    res = Received(str(p), "imported", code=unit["code"], unit=unit["name"], year=year, sha256=sha, uuid=m["uuid"])
    claimed = (snap.get("commune") or {}).get("category") or score.get("category")
    if claimed and unit.get("category") and claimed != unit["category"]:
        # The commune chose its category (and so its threshold) itself; the area's list may disagree.
        listed = CATEGORY_LABELS.get(unit["category"], unit["category"])
        res.warning = (f"xã tự xếp nhóm \"{CATEGORY_LABELS.get(claimed, claimed)}\" (ngưỡng "
                       f"{score.get('threshold')}), danh sách địa bàn ghi nhóm \"{listed}\"; "
                       "kiểm tra lại trước khi thẩm định.")
    with ws.store.transaction() as conn:
        cur = conn.execute("SELECT sha256, created_at FROM received_package WHERE unit_code = ? AND year = ?"
                           " AND superseded_by IS NULL", (unit["code"], year)).fetchone()
        superseded_by = None
        if cur is not None and cur[1] > m["created_at"]:
            superseded_by, res.kept_older = cur[0], True  # an older package arriving late: kept, marked
        elif cur is not None:
            conn.execute("UPDATE received_package SET superseded_by = ? WHERE sha256 = ?", (sha, cur[0]))
            res.superseded = cur[0]
        conn.execute(
            "INSERT INTO received_package (sha256, uuid, unit_code, year, source, state, superseded_by, created_at,"
            " received_at, total, threshold, passing, ruleset_sha256, signer, manifest, snapshot, evidence, file)"
            " VALUES (?, ?, ?, ?, ?, 'verified', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sha, m["uuid"], unit["code"], year, source, superseded_by, m["created_at"], now, score.get("total"),
             score.get("threshold"), 1 if score.get("recognized") else 0, m["ruleset"]["sha256"],
             m["device"]["fingerprint"], json.dumps(m, ensure_ascii=False), json.dumps(snap, ensure_ascii=False),
             json.dumps(evidence, ensure_ascii=False), str(target)))
        ws.store.audit(actor, "district.receive", f"unit:{unit['code']}/{year}", None,
                       {"sha256": sha, "uuid": m["uuid"], "source": source, "superseded": res.superseded,
                        "kept_older": res.kept_older})
    return res


def import_path(ws: Workspace, path: str | Path, *, trust: bool = False, identity_file: Path | None = None,
                passphrase: str | None = None, actor: str = ADMIN, progress: Progress | None = None,
                source: str = "usb") -> list[Received]:
    """A package or a folder of them (a USB stick): each one checked and filed on its own.

    One refused package never blocks the others; each outcome says why.
    """
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
            out.append(receive_package(ws, f, source=source, trust=trust, identity_file=identity_file,
                                       passphrase=passphrase, actor=actor))
        except PackageRejected as e:
            out.append(Received(str(f), "refused", e.message))
        except CffError as e:
            out.append(Received(str(f), "refused", e.message))
        if progress:
            progress(i + 1, len(files))
    return out


def import_inbox(ws: Workspace, data: str | Path | None = None, *, actor: str = ADMIN,
                 progress: Progress | None = None) -> list[Received]:
    """File every dossier the inbox server received (its data folder on this machine).

    The server accepted each upload only from a device enrolled for that commune, so the signer is
    trusted here on that ground; every other check (hashes, decryption, area, rule set) runs again.
    """
    from cff_desktop.services.sync_district import list_inbox

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
            out.append(receive_package(ws, pk["path"], source="inbox", trust=True, actor=actor))
        except (PackageRejected, CffError) as e:
            out.append(Received(pk["path"], "refused", e.message))
        if progress:
            progress(i + 1, len(pkgs))
    if folder != area["inbox_data"]:
        with ws.store.transaction() as conn:
            conn.execute("UPDATE area SET inbox_data = ? WHERE id = 1", (folder,))
    return out


# --- reading what was received -------------------------------------------------------------------

def find_package(ws: Workspace, ref: str) -> dict[str, Any]:
    """A received package by UUID, SHA-256 (or a unique prefix of 8+ characters), or unit code + year."""
    ref = nfc(ref).strip()
    if "/" in ref:
        code, _, year = ref.partition("/")
        row = ws.store.one("SELECT * FROM received_package WHERE unit_code = ? AND year = ? AND superseded_by IS NULL",
                           (code, int(year) if year.isdigit() else -1))
    else:
        rows = ws.store.query("SELECT * FROM received_package WHERE uuid = ? OR sha256 = ? OR"
                              " (length(?) >= 8 AND (sha256 LIKE ? OR uuid LIKE ?))",
                              (ref, ref, ref, ref + "%", ref + "%"))
        if len(rows) > 1:
            raise BadInput("mã gói ngắn quá, trùng nhiều gói; gõ thêm ký tự.", ref)
        row = rows[0] if rows else None
    if row is None:
        raise NotFound("không có gói này trong hộp thư (xem `cff district list`). Viết MÃ_GÓI hoặc MÃ_XÃ/NĂM.", ref)
    return row


def inbox(ws: Workspace, year: int | None = None) -> list[dict[str, Any]]:
    """One row per unit of the area: its current package of the round (latest round by default)."""
    if year is None:
        r = ws.store.one("SELECT MAX(year) AS y FROM received_package")
        year = r["y"] if r and r["y"] else None
    pk = {r["unit_code"]: r for r in ws.store.query(
        "SELECT unit_code, sha256, uuid, year, state, total, threshold, passing, received_at, source"
        " FROM received_package WHERE year = ? AND superseded_by IS NULL", (year,))}
    out = []
    for u in ws.store.query("SELECT code, name, category FROM area_unit ORDER BY code"):
        p = pk.get(u["code"])
        out.append({"code": u["code"], "name": u["name"], "category": u["category"], "year": year,
                    "total": p["total"] if p else None, "threshold": p["threshold"] if p else None,
                    "passing": bool(p["passing"]) if p else None, "state": p["state"] if p else "",
                    "state_label": STATES[p["state"]] if p else "Chưa nhận",
                    "received_at": p["received_at"] if p else "",
                    "sha256": p["sha256"] if p else "", "uuid": p["uuid"] if p else "",
                    "source": p["source"] if p else ""})
    return out


def unit_detail(ws: Workspace, code: str) -> dict[str, Any]:
    """The unit page: every round side by side (criterion points), the current package's evidence,
    papers and appraisal, and every package ever received (superseded ones marked)."""
    u = _unit(ws, code)
    preds = json.loads(u["predecessors"])
    pkgs = ws.store.query("SELECT * FROM received_package WHERE unit_code = ? ORDER BY year, created_at", (u["code"],))
    rounds: dict[int, dict[str, Any]] = {}
    for p in pkgs:
        if p["superseded_by"] is None:
            snap = json.loads(p["snapshot"])
            rounds[p["year"]] = {"year": p["year"], "total": p["total"], "threshold": p["threshold"],
                                 "passing": bool(p["passing"]), "state": p["state"], "sha256": p["sha256"],
                                 "criteria": {c["id"]: c["points"] for c in snap.get("score", {}).get("criteria", [])},
                                 "values": snap.get("values", {})}
    current = max(rounds.values(), key=lambda r: r["year"]) if rounds else None
    detail: dict[str, Any] = {"unit": dict(u) | {"predecessors": preds}, "rounds": [rounds[y] for y in sorted(rounds)],
                              "packages": [{k: p[k] for k in ("sha256", "uuid", "year", "state", "superseded_by",
                                                              "created_at", "received_at", "source", "total")}
                                           for p in pkgs],
                              "current": None}
    if current:
        row = next(p for p in pkgs if p["sha256"] == current["sha256"])
        docs_dir = ws.paths.home / "district" / "docs" / row["sha256"]
        detail["current"] = current | {
            "evidence": json.loads(row["evidence"]),
            "documents": sorted(str(f) for f in docs_dir.glob("*.pdf")) if docs_dir.is_dir() else [],
            "appraisal": appraisal(ws, row["sha256"]),
            "actions": [a | {"comments": json.loads(a["comments"])} for a in ws.store.query(
                "SELECT action, comments, delivery, actor, at FROM package_action WHERE package_sha256 = ?"
                " ORDER BY id", (row["sha256"],))]}
    return detail


# --- appraisal and the steps after it ------------------------------------------------------------

def appraisal(ws: Workspace, sha256: str) -> dict[str, dict[str, Any]]:
    """The latest appraisal per indicator of one package (earlier entries stay in the table)."""
    out: dict[str, dict[str, Any]] = {}
    for r in ws.store.query("SELECT * FROM appraisal WHERE package_sha256 = ? ORDER BY id", (sha256,)):
        out[r["indicator_id"]] = {"verdict": r["verdict"], "comment": r["comment"],
                                  "corrected": json.loads(r["corrected"]) if r["corrected"] else None,
                                  "actor": r["actor"], "at": r["at"]}
    return out


def _require_current(ws: Workspace, pk: dict[str, Any], doing: str) -> None:
    if pk["superseded_by"]:
        new = ws.store.one("SELECT uuid FROM received_package WHERE sha256 = ?", (pk["superseded_by"],))
        raise Refused(f"gói {pk['uuid']} đã được thay bằng gói xã gửi sau ({new['uuid'] if new else '?'}); "
                      f"không {doing} trên gói cũ. Mở gói mới để làm tiếp.", pk["uuid"])


def appraise(ws: Workspace, ref: str, indicator: str, verdict: str, *, comment: str = "",
             corrected: str | None = None, actor: str = ADMIN) -> dict[str, Any]:
    """Agree or disagree with one indicator of a package; disagreeing needs a comment."""
    pk = find_package(ws, ref)
    _require_current(ws, pk, "thẩm định")
    if pk["state"] in ("council", "recognised", "not_recognised", "returned"):
        raise Refused(f"hồ sơ đang ở trạng thái \"{STATES[pk['state']]}\"; không thẩm định thêm.", pk["uuid"])
    verdict, indicator, comment = nfc(verdict), nfc(indicator), nfc(comment)
    if verdict not in ("agree", "disagree"):
        raise BadInput("chọn agree (đồng ý) hoặc disagree (không đồng ý).", verdict)
    rs = area_ruleset(ws)
    if indicator not in rs.indicators:
        raise BadInput(f"không có chỉ số '{indicator}' trong bộ tiêu chí {rs.id}.", indicator)
    if verdict == "disagree" and not comment:
        raise BadInput("không đồng ý thì cần ghi nhận xét (lý do).", "--comment")
    fixed = None
    if corrected not in (None, ""):
        from cff_desktop.rules.values import parse_value

        try:
            fixed = parse_value(rs.indicators[indicator], nfc(str(corrected))).to_json()
        except CffError as e:
            raise BadInput(f"số liệu sửa của chỉ số {indicator} không hợp lệ: {e.message}", "--corrected") from None
    now = now_iso()
    with ws.store.transaction() as conn:
        conn.execute("INSERT INTO appraisal (package_sha256, indicator_id, verdict, comment, corrected, actor, at)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (pk["sha256"], indicator, verdict, comment,
                      json.dumps(fixed, ensure_ascii=False) if fixed is not None else None, actor, now))
        if pk["state"] in ("received", "verified"):
            conn.execute("UPDATE received_package SET state = 'under_appraisal' WHERE sha256 = ?", (pk["sha256"],))
        ws.store.audit(actor, "district.appraise", f"package:{pk['sha256']}/{indicator}", None,
                       {"verdict": verdict, "comment": comment, "corrected": fixed})
    return appraisal(ws, pk["sha256"])[indicator]


def _action(ws: Workspace, pk: dict[str, Any], action: str, state: str, comments: list[dict[str, str]],
            delivery: str, actor: str) -> None:
    with ws.store.transaction() as conn:
        conn.execute("INSERT INTO package_action (package_sha256, action, comments, delivery, actor, at)"
                     " VALUES (?, ?, ?, ?, ?, ?)",
                     (pk["sha256"], action, json.dumps(comments, ensure_ascii=False), delivery, actor, now_iso()))
        conn.execute("UPDATE received_package SET state = ? WHERE sha256 = ?", (state, pk["sha256"]))
        ws.store.audit(actor, f"district.{action}", f"package:{pk['sha256']}", {"state": pk["state"]},
                       {"state": state, "comments": comments, "delivery": delivery})


def _inbox_decide(ws: Workspace, pk: dict[str, Any], decision: str, comments: list[str]) -> str:
    """Tell the commune through the inbox server when the package came that way ("" otherwise)."""
    area = get_area(ws)
    if pk["source"] != "inbox" or not area["inbox_data"]:
        return ""
    from cff_desktop.services.sync_district import decide

    decide(area["inbox_data"], pk["uuid"], decision, comments)
    return "inbox"


def return_package(ws: Workspace, ref: str, comments: list[str] | None = None, *, actor: str = ADMIN) -> dict[str, Any]:
    """Return a dossier with comments; the disagreements of the appraisal go with them.

    A package that came through the inbox server gets a "returned" decision there, which the
    commune's app pulls on its next sync. A package that came on USB: the return is recorded and
    goes back as a signed receipt package on a stick (services.receipts.export_receipt).
    """
    pk = find_package(ws, ref)
    _require_current(ws, pk, "trả lại")
    if pk["state"] in ("council", "recognised", "not_recognised", "returned"):
        raise Refused(f"hồ sơ đang ở trạng thái \"{STATES[pk['state']]}\"; không trả lại được.", pk["uuid"])
    texts = [nfc(c) for c in (comments or []) if nfc(c)]
    for iid, a in appraisal(ws, pk["sha256"]).items():
        if a["verdict"] == "disagree":
            fix = f" (số liệu đúng: {_show(a['corrected'])})" if a["corrected"] is not None else ""
            texts.append(f"{iid.split('.')[0]}: Chỉ số {iid}: {a['comment']}{fix}")
    if not texts:
        raise BadInput("trả lại hồ sơ cần ít nhất một nhận xét (--comment \"7: lý do\") hoặc một chỉ số "
                       "không đồng ý khi thẩm định.", "--comment")
    delivery = _inbox_decide(ws, pk, "returned", texts) or "paper"
    items = [{"text": t} for t in texts]
    _action(ws, pk, "returned", "returned", items, delivery, actor)
    return {"uuid": pk["uuid"], "delivery": delivery, "comments": texts}


def _show(value: Any) -> str:
    if isinstance(value, dict) and "numerator" in value:
        return f"{value['numerator']}/{value['denominator']}"
    if isinstance(value, dict) and len(value) == 1:
        return str(next(iter(value.values())))
    if isinstance(value, bool):
        return "có" if value else "không"
    return str(value)


def pass_to_council(ws: Workspace, ref: str, *, actor: str = ADMIN) -> dict[str, Any]:
    """Send the dossier to the review council (Hội đồng xét duyệt); the commune hears it was accepted."""
    pk = find_package(ws, ref)
    _require_current(ws, pk, "trình hội đồng")
    if pk["state"] not in ("verified", "under_appraisal"):
        raise Refused(f"hồ sơ đang ở trạng thái \"{STATES[pk['state']]}\"; chỉ hồ sơ đã kiểm tra hoặc đang thẩm "
                      "định mới trình hội đồng.", pk["uuid"])
    delivery = _inbox_decide(ws, pk, "accepted", [])
    _action(ws, pk, "council", "council", [], delivery, actor)
    return {"uuid": pk["uuid"], "state": "council"}


def decide(ws: Workspace, ref: str, recognized: bool, *, reason: str = "", actor: str = ADMIN) -> dict[str, Any]:
    """The council's conclusion for one unit and round: recognised or not (with the reason)."""
    pk = find_package(ws, ref)
    _require_current(ws, pk, "quyết định")
    if pk["state"] != "council":
        raise Refused(f"hồ sơ đang ở trạng thái \"{STATES[pk['state']]}\"; trình hội đồng xét duyệt trước "
                      "(`cff district council MÃ_GÓI`).", pk["uuid"])
    reason = nfc(reason)
    if not recognized and not reason:
        raise BadInput("không công nhận thì cần ghi lý do (--reason).", "--reason")
    state = "recognised" if recognized else "not_recognised"
    with ws.store.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO recognition (unit_code, year, package_sha256, recognized, reason,"
                     " decided_at) VALUES (?, ?, ?, ?, ?, ?)",
                     (pk["unit_code"], pk["year"], pk["sha256"], 1 if recognized else 0, reason, now_iso()))
    _action(ws, pk, state, state, [{"text": reason}] if reason else [], "", actor)
    return {"uuid": pk["uuid"], "unit": pk["unit_code"], "year": pk["year"], "recognized": recognized}


def set_decision(ws: Workspace, year: int, *, number: str, signed_on: str, council: dict[str, Any] | None = None,
                 actor: str = ADMIN) -> dict[str, Any]:
    """The decision's number and date, and the review council (chair, members, meeting time) for the papers."""
    get_area(ws)
    number, signed_on = nfc(number), nfc(signed_on)
    if not number or len(signed_on) != 10 or signed_on[4] != "-":
        raise BadInput("cần số quyết định và ngày ký dạng YYYY-MM-DD.", "--number/--date")
    with ws.store.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO recognition_decision (year, number, signed_on, council, created_at)"
                     " VALUES (?, ?, ?, ?, ?)", (year, number, signed_on,
                                                 json.dumps(council or {}, ensure_ascii=False), now_iso()))
        ws.store.audit(actor, "district.decision", f"decision:{year}", None, {"number": number, "date": signed_on})
    return {"year": year, "number": number, "signed_on": signed_on, "council": council or {}}


def get_decision(ws: Workspace, year: int) -> dict[str, Any] | None:
    row = ws.store.one("SELECT * FROM recognition_decision WHERE year = ?", (year,))
    return row | {"council": json.loads(row["council"])} if row else None
