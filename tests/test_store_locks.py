"""A second workspace in the same process must not take the first one's SQLite locks away.

POSIX drops every lock a process holds on a file when any descriptor to it is closed. Peeking at
the header of a database this process already has open (a background job opening its own
workspace while the window keeps one) used to do exactly that; another process writing then made
the window's connection read "database disk image is malformed".
"""

from __future__ import annotations

import sqlite3

import pytest
from cli_helpers import ok, run_cff

from cff_desktop.services.rounds import get_round
from cff_desktop.services.workspace import open_workspace


@pytest.mark.real_process
def test_open_connections_keep_reading_after_another_process_writes(home, demo_db) -> None:
    first = open_workspace()
    second = open_workspace()  # peeks at the header while `first` holds its locks
    try:
        assert get_round(first).status == "open"
        ok(run_cff(home, "council", "vote", "--for", "10"))
        ok(run_cff(home, "council", "close", "--conclusion", "Đạt", "--ended-at", "2024-11-05T10:00"))
        assert get_round(first).status == "closed"
        assert get_round(second).status == "closed"
        with open_workspace() as third:  # and a third, opened and closed again meanwhile
            assert get_round(third).status == "closed"
        ok(run_cff(home, "council", "reopen", "--reason", "Sửa số liệu"))
        assert get_round(first).status == "open"
    finally:
        first.close()
        second.close()
    con = sqlite3.connect(demo_db)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
