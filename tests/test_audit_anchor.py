"""An audit trail that cannot be quietly rewritten: truncation, a recomputed chain, a direct SQL edit."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from cli_helpers import assert_refused, ok, run_cff
from test_package_damage import memory_keyring  # noqa: F401  (fixture)

from cff_desktop.storage.db import GENESIS, audit_hash

# Someone with the file drops the append-only triggers first; nothing in SQLite stops that.
UNGUARD = ("DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_delete")


def _sql(ws, *statements: str) -> None:
    conn = sqlite3.connect(ws.paths.db)
    try:
        for s in (*UNGUARD, *statements):
            conn.execute(s)
        conn.commit()
    finally:
        conn.close()


def _anchor(ws) -> dict:
    from cff_desktop.services import keys
    from cff_desktop.services.audit import audit_head

    head = audit_head(ws)
    keys.remember_audit_head(ws, head)
    assert keys.signed_audit_head(ws)["count"] == head["count"] > 0
    return head


def test_an_intact_history_verifies(demo_ws) -> None:
    from cff_desktop.services.audit import verify_audit

    _anchor(demo_ws)
    rep = verify_audit(demo_ws)
    assert rep.ok and rep.rows > 50 and rep.problems == []


def test_a_truncated_history_is_reported(demo_ws) -> None:
    from cff_desktop.services.audit import verify_audit

    head = _anchor(demo_ws)
    _sql(demo_ws, f"DELETE FROM audit WHERE seq > {head['count'] - 3}")
    rep = verify_audit(demo_ws)
    assert rep.broken_at is None  # the chain that is left is intact: only the anchor sees the cut
    assert any(f"còn {head['count'] - 3} dòng, ít hơn {head['count']} dòng đã ký" in p for p in rep.problems)


def test_a_rewritten_and_rehashed_history_is_reported(demo_ws) -> None:
    from cff_desktop.services.audit import verify_audit, verify_chain

    _anchor(demo_ws)
    _sql(demo_ws)
    conn = sqlite3.connect(demo_ws.paths.db)
    rows = conn.execute("SELECT seq, at, actor, action, entity, old, new FROM audit ORDER BY seq").fetchall()
    prev = GENESIS
    for seq, at, actor, action, entity, old, new in rows:
        if seq == 5:
            actor = "người khác"  # history rewritten, every hash after it recomputed
        h = audit_hash(prev, at, actor, action, entity, old, new)
        conn.execute("UPDATE audit SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?", (actor, prev, h, seq))
        prev = h
    conn.commit()
    conn.close()
    assert verify_chain(demo_ws) is None  # the chain alone cannot tell
    rep = verify_audit(demo_ws)
    assert not rep.ok and any("đã bị viết lại" in p for p in rep.problems)


def test_a_value_edited_by_sql_is_reported(demo_ws) -> None:
    from cff_desktop.services.audit import verify_audit

    _sql(demo_ws, "UPDATE value SET value = '{\"numerator\": 100, \"denominator\": 100}' WHERE indicator_id = '7.1'")
    rep = verify_audit(demo_ws)
    assert rep.broken_at is None
    assert rep.problems == ["số liệu của chỉ số 7.1 không khớp dòng nhật ký nào (đã bị sửa thẳng trong cơ sở dữ liệu)"]


def test_a_value_written_by_the_app_is_explained(demo_ws) -> None:
    from cff_desktop.services.audit import verify_audit
    from cff_desktop.services.values import set_value

    set_value(demo_ws, "7.1", "99/100", as_officer="Vi Thị Hồng", note="Sổ tiêm chủng")
    assert verify_audit(demo_ws).ok


def test_cli_verify_reports_a_direct_edit_in_one_line(home: Path, demo_db: Path) -> None:
    assert "mọi số liệu có dòng nhật ký giải thích" in ok(run_cff(home, "audit", "--verify"))
    conn = sqlite3.connect(demo_db)
    conn.execute("UPDATE value SET note = 'sửa tay' WHERE indicator_id = '1.1'")
    conn.commit()
    conn.close()
    line = assert_refused(run_cff(home, "audit", "--verify"), "chỉ số 1.1 không khớp dòng nhật ký", "cff restore")
    assert json.dumps(line)  # one printable line


def test_an_exported_package_signs_the_head_and_the_keyring_keeps_it(demo_ws, tmp_path: Path) -> None:
    from cff_desktop.services import keys
    from cff_desktop.services.audit import audit_head, verify_audit
    from cff_desktop.services.packages import export_package

    usb = tmp_path / "usb"
    usb.mkdir()
    before = audit_head(demo_ws)
    res = export_package(demo_ws, usb, kind="sector-data", criteria="7")
    assert res.manifest["audit_head"] == before and res.manifest["revision"] == 1
    assert {k: keys.signed_audit_head(demo_ws)[k] for k in ("count", "hash")} == before
    assert export_package(demo_ws, usb, kind="sector-data", criteria="7").manifest["revision"] == 2
    assert verify_audit(demo_ws).ok
    _sql(demo_ws, f"DELETE FROM audit WHERE seq > {before['count'] - 1}")
    assert any("bị cắt bớt" in p for p in verify_audit(demo_ws).problems)
