"""Communes and assessment rounds.

A round pins the exact rule set bytes it is scored under (table ``ruleset_pin``), so importing a
newer rule set later never rescales it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cff_desktop.common.errors import BadInput, NotFound, Refused
from cff_desktop.common.text import clean_name, nfc
from cff_desktop.rules.loader import parse_bytes
from cff_desktop.rules.model import CATEGORIES, CATEGORY_LABELS, RuleSet
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso

DEFAULT_RULESET = "qd06-2019"
ADMIN = "quản trị (dòng lệnh)"


@dataclass(frozen=True)
class RoundInfo:
    id: int
    year: int
    status: str
    commune: dict[str, Any]
    ruleset: RuleSet
    row: dict[str, Any]

    @property
    def closed(self) -> bool:
        return self.status == "closed"


def check_category(category: str) -> str:
    category = nfc(category)
    if category not in CATEGORIES:
        choices = "; ".join(f"{c} ({CATEGORY_LABELS[c]})" for c in CATEGORIES)
        raise BadInput(f"loại đơn vị '{category}' không hợp lệ. Chọn: {choices}", "--category")
    return category


def _pin(ws: Workspace, rs: RuleSet) -> None:
    with open(rs.source, "rb") as f:
        body = f.read()
    ws.store.conn.execute(
        "INSERT OR IGNORE INTO ruleset_pin (sha256, id, version, body) VALUES (?, ?, ?, ?)",
        (rs.sha256, rs.id, rs.version, body),
    )


def init_round(
    ws: Workspace,
    *,
    commune: str,
    province: str,
    category: str,
    year: int,
    ruleset_id: str | None = None,
    upper_level: str = "",
    ruleset_version: str | None = None,
    district: str = "",
    villages: list[str] | None = None,
    actor: str = ADMIN,
) -> RoundInfo:
    """Create the commune (first time) and a round for ``year`` under a pinned rule set."""
    name = clean_name(commune, "--commune", what="tên xã")
    prov = clean_name(province, "--province", what="tên tỉnh")
    district = clean_name(district, "--district", what="tên huyện", required=False)
    upper_level = clean_name(upper_level, "--upper-level", what="cấp trên", required=False)
    category = check_category(category)
    if not 2000 <= int(year) <= 2100:
        raise BadInput(f"năm đánh giá {year} không hợp lệ", "--round")
    rs = ws.library.get(nfc(ruleset_id) if ruleset_id else DEFAULT_RULESET, ruleset_version)
    default_upper = f"Ủy ban nhân dân {nfc(district)}" if district else f"Ủy ban nhân dân tỉnh {prov}"
    upper = nfc(upper_level)
    with ws.store.transaction() as conn:
        row = conn.execute(
            "SELECT id FROM commune WHERE name = ? AND province = ?", (name, prov)
        ).fetchone()
        if row:
            commune_id = row[0]
            old = conn.execute("SELECT category, upper_level FROM commune WHERE id = ?", (commune_id,)).fetchone()
            new = (category, upper or old[1])
            if tuple(old) != new:
                conn.execute("UPDATE commune SET category = ?, upper_level = ? WHERE id = ?", (*new, commune_id))
                ws.store.audit(actor, "commune.update", f"commune:{commune_id}",
                               {"category": old[0], "upper_level": old[1]},
                               {"category": new[0], "upper_level": new[1]})
        else:
            cur = conn.execute(
                "INSERT INTO commune (name, province, district, category, upper_level, villages,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, prov, nfc(district), category, upper or default_upper,
                 json.dumps([nfc(v) for v in villages or []], ensure_ascii=False), now_iso()),
            )
            commune_id = cur.lastrowid
            ws.store.audit(actor, "commune.create", f"commune:{commune_id}", None,
                           {"name": name, "province": prov, "category": category})
        if conn.execute(
            "SELECT 1 FROM round WHERE commune_id = ? AND year = ?", (commune_id, year)
        ).fetchone():
            raise Refused(f"{name} đã có vòng đánh giá năm {year}", "--round")
        _pin(ws, rs)
        cur = conn.execute(
            "INSERT INTO round (commune_id, year, ruleset_sha256, window_start, window_end,"
            " sector_deadline, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (commune_id, year, rs.sha256, f"{year - 1}-11-01", f"{year}-10-31",
             f"{year}-11-10", now_iso()),
        )
        round_id = cur.lastrowid
        ws.store.audit(actor, "round.create", f"round:{round_id}", None,
                       {"year": year, "ruleset": rs.id, "version": rs.version, "sha256": rs.sha256})
        # Default assignments: each criterion to the commune's active officer of its sector.
        officers = conn.execute("SELECT id, sector FROM officer WHERE commune_id = ? AND active = 1 ORDER BY id",
                                (commune_id,)).fetchall()
        by_sector: dict[str, int] = {}
        for oid, sector in officers:
            by_sector.setdefault(sector, oid)
        for c in rs.criteria:
            if c.sector in by_sector:
                conn.execute("INSERT INTO assignment VALUES (?, ?, ?)", (round_id, c.id, by_sector[c.sector]))
    return get_round(ws, year)


def ruleset_of(ws: Workspace, sha256: str) -> RuleSet:
    row = ws.store.one("SELECT id, version, body FROM ruleset_pin WHERE sha256 = ?", (sha256,))
    if row is None:
        raise NotFound(f"thiếu bộ tiêu chí đã ghim {sha256[:12]}", "round")
    return parse_bytes(bytes(row["body"]), f"{row['id']} {row['version']} (đã ghim)")


def get_round(ws: Workspace, year: int | None = None) -> RoundInfo:
    """The round of ``year``, or the latest round when no year is given."""
    if year is not None and not 2000 <= int(year) <= 2100:  # beyond SQLite's integers, too
        raise BadInput(f"năm {str(year)[:12]} không hợp lệ; hãy ghi năm từ 2000 đến 2100", "--round")
    if year is None:
        row = ws.store.one("SELECT * FROM round ORDER BY year DESC, id DESC LIMIT 1")
    else:
        row = ws.store.one("SELECT * FROM round WHERE year = ? ORDER BY id DESC LIMIT 1", (year,))
    if row is None:
        what = f"năm {year}" if year else "nào"
        raise NotFound(f"chưa có vòng đánh giá {what}. Tạo bằng `cff init ...`.", "round")
    commune = ws.store.one("SELECT * FROM commune WHERE id = ?", (row["commune_id"],)) or {}
    return RoundInfo(row["id"], row["year"], row["status"], commune,
                     ruleset_of(ws, row["ruleset_sha256"]), row)


def require_open(rnd: RoundInfo) -> None:
    if rnd.closed:
        raise Refused(
            f"vòng đánh giá năm {rnd.year} đã được hội đồng kết thúc; số liệu chỉ còn để xem. "
            "Muốn sửa, văn thư mở lại vòng đánh giá và ghi rõ lý do (Họp hội đồng → "
            "\"Mở lại vòng đánh giá\", hoặc cff council reopen --reason \"...\").",
            f"round {rnd.year}",
        )


def close_round(ws: Workspace, rnd: RoundInfo, actor: str = ADMIN) -> None:
    """Mark a round closed (the council's snapshot itself is written by the council service)."""
    with ws.store.transaction() as conn:
        conn.execute("UPDATE round SET status = 'closed', closed_at = ? WHERE id = ?",
                     (now_iso(), rnd.id))
        ws.store.audit(actor, "round.close", f"round:{rnd.id}", {"status": "open"},
                       {"status": "closed"})
