"""Names typed in the set-up window get the same cleaning and look-alike check as at the CLI.

A clerk renaming an officer to a name that prints like another officer's (a Cyrillic "і" pasted
from a chat) is told so in Vietnamese, and nothing changes; invisible characters and terminal
escapes are removed before a name is stored.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest


@pytest.fixture
def officers_tab(clerk):
    yield clerk.shell.pages["setup"].officers  # `clerk` stays referenced (alive) until the test ends


def names(home: Path) -> list[str]:
    con = sqlite3.connect(home / "cff.sqlite")
    try:
        return [r[0] for r in con.execute("SELECT name FROM officer ORDER BY id")]
    finally:
        con.close()


def test_rename_to_a_lookalike_is_refused_in_vietnamese(qtbot, officers_tab, cff_home: Path,
                                                        tmp_path: Path) -> None:
    before = names(cff_home)
    item = officers_tab.table.item(1, 0)  # Lương Văn Tiến
    item.setText("Hoàng Thị Maі")  # Cyrillic і
    text = officers_tab.status.text()
    assert "trông giống hệt cán bộ đã có 'Hoàng Thị Mai' (#1)" in text
    assert names(cff_home) == before
    assert officers_tab.table.item(1, 0).text() == "Lương Văn Tiến"  # the table shows what is stored
    officers_tab.grab().save(str(tmp_path / "lookalike.png"))


def test_rename_strips_invisible_characters(qtbot, officers_tab, cff_home: Path) -> None:
    officers_tab.table.item(1, 0).setText("\x1b[31mLương\u200b Văn  Tiến Anh\x1b[0m")
    assert "Đã lưu" in officers_tab.status.text()
    assert names(cff_home)[1] == "Lương Văn Tiến Anh"
