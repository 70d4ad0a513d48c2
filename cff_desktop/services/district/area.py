"""The upper level's area: its settings, its units and the CSV list of units a clerk imports."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cff_desktop.common.errors import BadInput, NotFound, Refused
from cff_desktop.common.text import nfc
from cff_desktop.rules.model import CATEGORIES, CATEGORY_LABELS, RuleSet
from cff_desktop.services.mode import is_upper  # noqa: F401  (re-exported: district.is_upper)
from cff_desktop.services.rounds import ADMIN
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso

LEVELS = {"district": "Ủy ban nhân dân huyện", "province": "Ủy ban nhân dân tỉnh"}

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


def package_ruleset(ws: Workspace, sha256: str) -> RuleSet:
    """The rule set a received dossier was scored on: the area's, or another version of it whose exact
    bytes this installation holds (accepted on receipt). Appraisal and corrected values go by it, so a
    dossier made before or after a rule set update is judged by the rules the commune used."""
    area = area_ruleset(ws)
    if sha256 == area.sha256:
        return area
    from cff_desktop.services.recompute import pinned_ruleset

    return pinned_ruleset(ws, {"sha256": sha256, "id": area.id, "version": "?"})


def _area_choice(ws: Workspace, ruleset_id: str | None, old: dict[str, Any] | None) -> RuleSet:
    """The rule set the area pins: ``ID`` (newest version) or ``ID@VERSION`` (an older one still
    held), or, when none is named, the one already pinned — re-running ``init`` to change the signer
    must not move the area to another version behind the reviewers' backs."""
    if ruleset_id is None and old is not None:
        for r in ws.library.all():
            if r.sha256 == old["ruleset_sha256"]:
                return r
    rid, _, version = nfc(ruleset_id or "qd06-2019").partition("@")
    return ws.library.get(rid.strip(), version.strip() or None)


def init_area(ws: Workspace, *, name: str, level: str, province: str = "", ruleset_id: str | None = None,
              inbox_data: str = "", signer_name: str = "", actor: str = ADMIN) -> dict[str, Any]:
    """Make this installation the upper level for an area, or change the area's settings."""
    name, level = nfc(name), nfc(level)
    if not name:
        raise BadInput("tên địa bàn không được để trống, ví dụ \"Huyện Cao Lộc\".", "--name")
    if level not in LEVELS:
        raise BadInput(f"cấp '{level}' không hợp lệ. Chọn: district (huyện) | province (tỉnh).", "--level")
    old = ws.store.one("SELECT * FROM area WHERE id = 1")
    rs = _area_choice(ws, ruleset_id, old)
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
    """Read ``code,name,category[,predecessors][,valid_from][,valid_to]``; bad rows kept with their line.

    ``valid_from``/``valid_to`` are the first and last year a unit existed (empty: always / still):
    a unit merged into another ends the year before the merged unit starts, and the merged unit
    names it in ``predecessors``. Columns after the third are found by their header.
    """
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
    extra = {h: i for i, h in enumerate(header) if i >= 3}
    unknown = [h for h in extra if h not in ("predecessors", "valid_from", "valid_to")]
    if unknown:
        raise BadInput(f"cột '{unknown[0]}' không có; các cột được dùng: code,name,category,predecessors,"
                       "valid_from,valid_to.", f"{p}:1")
    out = UnitsImport()
    seen: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        cells = [c.strip() for c in row] + [""] * (len(header) + 4)
        code, name, cat_text = cells[0], cells[1], cells[2]
        pred = cells[extra["predecessors"]] if "predecessors" in extra else (cells[3] if len(header) <= 3 else "")
        problems = []
        years: dict[str, int | None] = {}
        for col in ("valid_from", "valid_to"):
            text = cells[extra[col]] if col in extra else ""
            if text and not (text.isdigit() and 1945 <= int(text) <= 2100):
                problems.append(f"{col} '{text}' phải là một năm, ví dụ 2025")
            years[col] = int(text) if text.isdigit() else None
        if years["valid_from"] and years["valid_to"] and years["valid_from"] > years["valid_to"]:
            problems.append(f"valid_from {years['valid_from']} sau valid_to {years['valid_to']}")
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
        out.good.append({"line": line, "code": code, "name": name, "category": cat, "predecessors": preds,
                         "valid_from": years["valid_from"], "valid_to": years["valid_to"]})
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
                "INSERT INTO area_unit (code, name, category, predecessors, valid_from, valid_to, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET name = excluded.name,"
                " category = excluded.category, predecessors = excluded.predecessors,"
                " valid_from = excluded.valid_from, valid_to = excluded.valid_to",
                (u["code"], nfc(u["name"]), u["category"], json.dumps(u["predecessors"]), u["valid_from"],
                 u["valid_to"], now_iso()))
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
