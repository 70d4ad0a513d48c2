"""The report's narrative sections, kept per round and carried into the next as a starting point.

Seed 003's outline asks each year for the locality's situation, how the work was directed, trained,
communicated, supervised and coordinated, and the direction for keeping the criteria. Much of it
changes little from one year to the next, so a round without its own text starts from the latest
earlier round's (then from the office-wide setting of the same name). The text the report prints is
frozen with its number, so editing next year's never changes last year's signed report.
"""

from __future__ import annotations

from typing import Any

from cff_desktop.common.errors import BadInput
from cff_desktop.common.text import clean_note, format_number
from cff_desktop.documents.child_work import TASK_KEYS, TASKS
from cff_desktop.services.profile import PRINT_SETTINGS, get_setting
from cff_desktop.services.rounds import ADMIN, RoundInfo, get_round
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso

#: The report's sections in the outline's order, with the label the window and the CLI show.
REPORT_TEXT_KEYS = ("report_situation", "report_child_work", "report_direction", "report_training",
                    "report_communication", "report_supervision", "report_coordination", "report_budget_need",
                    "report_highlights", "report_advantages", "report_difficulties", "report_causes",
                    "report_proposals", "report_next")
MAX_CHARS = 4000
#: The child-work reports' sections (seed 004's tasks II.1–10 and the closing assessment).
CHILD_TEXTS: dict[str, str] = {
    **{k: f"Báo cáo công tác trẻ em, nhiệm vụ {n}: {t}"
       for n, (k, t) in enumerate(zip(TASK_KEYS, TASKS, strict=True), 1)},
    "child_assessment": "Báo cáo công tác trẻ em: đánh giá chung, kiến nghị",
}
ALL_KEYS = (*REPORT_TEXT_KEYS, *CHILD_TEXTS)


def labels() -> dict[str, str]:
    return {k: PRINT_SETTINGS.get(k) or CHILD_TEXTS[k] for k in ALL_KEYS}


def round_texts(ws: Workspace, rnd: RoundInfo) -> dict[str, dict[str, Any]]:
    """Each section's text for the round and where it came from: this round, an earlier year, the setting."""
    own = {r["key"]: r["value"] for r in ws.store.query(
        "SELECT key, value FROM round_text WHERE round_id = ?", (rnd.id,))}
    earlier = ws.store.query(
        "SELECT t.key, t.value, r.year FROM round_text t JOIN round r ON r.id = t.round_id"
        " WHERE r.commune_id = ? AND r.year < ? ORDER BY r.year DESC", (rnd.row["commune_id"], rnd.year))
    out: dict[str, dict[str, Any]] = {}
    for key in ALL_KEYS:
        if key in own:
            out[key] = {"value": own[key], "from": rnd.year}
            continue
        prev = next((r for r in earlier if r["key"] == key), None)
        if prev is not None:
            out[key] = {"value": prev["value"], "from": int(prev["year"])}
        else:
            out[key] = {"value": get_setting(ws, key) if key in PRINT_SETTINGS else "", "from": None}
    return out


def texts_for_paper(ws: Workspace, rnd: RoundInfo) -> dict[str, str]:
    """What the report prints: only the sections that have text."""
    return {k: v["value"] for k, v in round_texts(ws, rnd).items() if v["value"]}


def set_texts(ws: Workspace, changes: dict[str, str], *, year: int | None = None,
              actor: str = ADMIN) -> dict[str, dict[str, Any]]:
    """Store the round's own text of some sections, all of them or none (an empty text clears it)."""
    clean: dict[str, str] = {}
    for key, value in changes.items():
        if key not in ALL_KEYS:
            raise BadInput(f"không có mục báo cáo '{key[:40]}'. Chọn: {', '.join(ALL_KEYS)}", key)
        text = clean_note(value, key, max_len=100_000)
        if len(text) > MAX_CHARS:
            raise BadInput(f"mục «{labels()[key]}» dài {format_number(len(text))} ký tự; tối đa 4.000. Viết "
                           "gọn lại hoặc sửa trên bản Word.", key)
        clean[key] = text
    rnd = get_round(ws, year)
    with ws.store.transaction() as conn:
        for key, text in clean.items():
            old = conn.execute("SELECT value FROM round_text WHERE round_id = ? AND key = ?", (rnd.id, key)).fetchone()
            if old is not None and old[0] == text:
                continue
            conn.execute("INSERT OR REPLACE INTO round_text (round_id, key, value, updated_at) VALUES (?, ?, ?, ?)",
                         (rnd.id, key, text, now_iso()))
            ws.store.audit(actor, "report_text", f"round:{rnd.id}:{key}", {"value": old[0]} if old else None,
                           {"value": text})
    return round_texts(ws, rnd)
