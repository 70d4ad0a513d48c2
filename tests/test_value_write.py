"""A figure typed in the window and a figure taken from a sector officer's package are written by one
function: the same row, the same "done" mark cleared, and an audit row of a fixed shape for each path."""

from __future__ import annotations

import json
from pathlib import Path

from test_package_damage import memory_keyring  # noqa: F401  (fixture)
from test_package_flow import _usb, two_laptops  # noqa: F401  (fixture)


def _done(ws, cid: str) -> int:
    row = ws.store.one("SELECT done FROM criterion_status WHERE criterion_id = ?", (cid,))
    return int(row["done"]) if row else 0


def _audit(ws, action: str, iid: str) -> dict:
    row = ws.store.one("SELECT * FROM audit WHERE action = ? AND entity LIKE ? ORDER BY seq DESC LIMIT 1",
                       (action, f"%/indicator:{iid}"))
    assert row is not None, (action, iid)
    return row


def test_typed_and_imported_figures_reopen_the_criterion_and_audit_alike(
        two_laptops, tmp_path: Path) -> None:  # noqa: F811  (the fixture imported above)
    from cff_desktop.services.audit import verify_chain
    from cff_desktop.services.packages import export_package, import_package
    from cff_desktop.services.progress import mark_done
    from cff_desktop.services.values import set_value

    clerk, health = two_laptops
    for cid in ("5", "7"):
        mark_done(clerk, cid, as_officer="Hoàng Thị Mai")
        assert _done(clerk, cid) == 1

    set_value(clerk, "5.2", {"count": 3}, as_officer="Hoàng Thị Mai", note="Theo sổ")
    typed = _audit(clerk, "value.set", "5.2")
    assert typed["actor"].startswith("Hoàng Thị Mai")
    assert set(json.loads(typed["old"])) == {"value", "note"}
    assert json.loads(typed["new"]) == {"value": {"count": 3}, "note": "Theo sổ"}
    assert _done(clerk, "5") == 0 and _done(clerk, "7") == 1

    set_value(health, "7.1", "91/100", as_officer="Vi Thị Hồng", note="Sổ tiêm chủng")
    theirs = health.store.one("SELECT entered_at FROM value WHERE indicator_id = '7.1'")["entered_at"]
    mine_before = clerk.store.one("SELECT value, note, entered_at FROM value WHERE indicator_id = '7.1'")
    p = export_package(health, _usb(tmp_path), kind="sector-data", criteria=["7"])
    assert import_package(clerk, p.path, device_of="Vi Thị Hồng", resolutions={"7.1": "theirs"}).applied == ["7.1"]
    row = clerk.store.one("SELECT v.value, v.note, v.entered_at, o.name FROM value v JOIN officer o"
                          " ON o.id = v.officer_id WHERE indicator_id = '7.1'")
    assert (json.loads(row["value"]), row["note"], row["entered_at"], row["name"]) == (
        {"numerator": 91, "denominator": 100}, "Sổ tiêm chủng", theirs, "Vi Thị Hồng")
    imported = _audit(clerk, "value.import", "7.1")
    assert imported["actor"].startswith("Vi Thị Hồng")
    assert json.loads(imported["old"]) == {"value": json.loads(mine_before["value"]), "note": mine_before["note"],
                                           "entered_at": mine_before["entered_at"]}
    new = json.loads(imported["new"])
    assert new == {"value": {"numerator": 91, "denominator": 100}, "note": "Sổ tiêm chủng", "entered_at": theirs,
                   "package": p.uuid, "device": new["device"]} and len(new["device"]) >= 16
    assert _done(clerk, "7") == 0
    assert verify_chain(clerk) is None
