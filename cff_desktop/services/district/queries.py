"""Reading what the upper level received: find a package, the inbox per unit, a unit's page, appraisal."""

from __future__ import annotations

import json
from typing import Any

from cff_desktop.common.errors import BadInput, NotFound
from cff_desktop.common.text import nfc
from cff_desktop.services.district.area import _unit
from cff_desktop.services.district.workflow import STATES
from cff_desktop.services.workspace import Workspace


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


def latest_year(ws: Workspace) -> int | None:
    """The newest round any received package belongs to (None before the first arrives): the default year
    of the inbox, the decision and the report, in the windows and the CLI alike."""
    r = ws.store.one("SELECT MAX(year) AS y FROM received_package")
    return int(r["y"]) if r and r["y"] else None


def inbox(ws: Workspace, year: int | None = None) -> list[dict[str, Any]]:
    """One row per unit of the area: its current package of the round (latest round by default)."""
    if year is None:
        year = latest_year(ws)
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
        docs_dir = ws.paths.upper_docs / row["sha256"]
        detail["current"] = current | {
            "evidence": json.loads(row["evidence"]),
            "documents": sorted(str(f) for f in docs_dir.glob("*.pdf")) if docs_dir.is_dir() else [],
            "appraisal": appraisal(ws, row["sha256"]),
            "actions": [a | {"comments": json.loads(a["comments"])} for a in ws.store.query(
                "SELECT action, comments, delivery, actor, at FROM package_action WHERE package_sha256 = ?"
                " ORDER BY id", (row["sha256"],))]}
    return detail


# --- the appraisal of a package ------------------------------------------------------------------

def appraisal(ws: Workspace, sha256: str) -> dict[str, dict[str, Any]]:
    """The latest appraisal per indicator of one package (earlier entries stay in the table)."""
    out: dict[str, dict[str, Any]] = {}
    for r in ws.store.query("SELECT * FROM appraisal WHERE package_sha256 = ? ORDER BY id", (sha256,)):
        out[r["indicator_id"]] = {"verdict": r["verdict"], "comment": r["comment"],
                                  "corrected": json.loads(r["corrected"]) if r["corrected"] else None,
                                  "actor": r["actor"], "at": r["at"]}
    return out


def get_decision(ws: Workspace, year: int) -> dict[str, Any] | None:
    row = ws.store.one("SELECT * FROM recognition_decision WHERE year = ?", (year,))
    return row | {"council": json.loads(row["council"])} if row else None
