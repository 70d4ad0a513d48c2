"""First start of a new installation: decide what this computer is for.

A commune's computer gets its commune, first round and the clerk who will set up the rest; an
upper-level computer gets its area (district or province). Everything is checked before anything
is written, so a refused form leaves no half-made database behind.
"""

from __future__ import annotations

from pathlib import Path

from cff_desktop.common.errors import BadInput
from cff_desktop.common.text import nfc
from cff_desktop.services.workspace import Workspace, open_workspace
from cff_desktop.storage.paths import data_paths


def needs_first_run(db: str | None = None) -> bool:
    """True on a fresh installation: no database yet, and its folder is where one can be made.

    A database folder whose parent is missing (a USB stick or network drive not attached) is NOT a
    fresh installation: setting up anew there would hide the real data, so that case is an error.
    """
    paths = data_paths(db)
    if paths.db.exists():
        if paths.db.stat().st_size == 0:
            return True
        with open_workspace(db) as ws:
            return ws.store.one("SELECT 1 AS x FROM commune LIMIT 1") is None and not _is_upper(ws)
    folder = paths.db.parent
    return folder.is_dir() or folder.parent.is_dir()


def _is_upper(ws: Workspace) -> bool:
    from cff_desktop.services.district import is_upper

    return is_upper(ws)


def start_commune(db: str | None, *, commune: str, province: str, category: str, year: int,
                  clerk_name: str, clerk_pin: str, clerk_position: str = "Công chức Văn hóa - Xã hội") -> Path:
    """Create the commune, its round and the clerk (VHXH) with a PIN; returns the database path."""
    from cff_desktop.services.officers import add_officer
    from cff_desktop.services.rounds import check_category, init_round

    if not nfc(clerk_name):
        raise BadInput("nhập họ tên công chức Văn hóa - Xã hội (người quản lý vòng đánh giá)", "clerk_name")
    pin = nfc(clerk_pin)
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise BadInput("mã PIN phải gồm 4 đến 8 chữ số", "clerk_pin")
    if not nfc(commune) or not nfc(province):
        raise BadInput("nhập tên xã và tên tỉnh", "commune")
    check_category(category)
    with open_workspace(db, create=True) as ws:
        init_round(ws, commune=commune, province=province, category=category, year=int(year))
        add_officer(ws, name=clerk_name, sector="vhxh", role="clerk", position=clerk_position, pin=pin)
        return ws.paths.db


def start_demo(db: str | None) -> Path:
    from cff_desktop.services.demo import create_demo

    with open_workspace(db, create=True) as ws:
        create_demo(ws)
        return ws.paths.db


def start_upper(db: str | None, *, name: str, level: str, province: str = "", signer_name: str = "") -> Path:
    from cff_desktop.services.district import LEVELS, init_area

    if not nfc(name):
        raise BadInput("nhập tên huyện hoặc tỉnh", "name")
    if level not in LEVELS:
        raise BadInput(f"cấp '{level}' không hợp lệ. Chọn: {', '.join(LEVELS)}", "level")
    with open_workspace(db, create=True) as ws:
        init_area(ws, name=name, level=level, province=province, signer_name=signer_name)
        return ws.paths.db
