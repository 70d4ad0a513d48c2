"""Secrets handled as secrets: no clear-text keyring, owner-only files, no PIN on the command line."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cli_helpers import assert_refused, db_dump, folder_state, ok, run_cff

# the keyring backend is chosen when a process starts (PYTHON_KEYRING_BACKEND): every `cff` here is a process
pytestmark = pytest.mark.real_process
posix = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")  # Windows: the profile's ACLs


@pytest.mark.parametrize("backend", ["keyrings.alt.file.PlaintextKeyring", "keyring.backends.null.Keyring"])
def test_an_insecure_keyring_is_refused_outside_the_tests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          backend: str) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", backend)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("CFF_ALLOW_INSECURE_KEYRING")
    home = tmp_path / "home"
    line = assert_refused(run_cff(home, "keys", "show"), "không bảo vệ khóa bí mật", "GNOME Keyring",
                          "PYTHON_KEYRING_BACKEND")
    assert backend.rsplit(".", 1)[-1] in line
    assert not (home / "keys.json").exists()
    assert folder_state(tmp_path / "xdg") == {}  # no private key written in clear


def test_the_same_keyring_is_allowed_for_the_test_suite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    out = ok(run_cff(tmp_path / "home", "keys", "show"))
    assert "dấu vân tay khóa ký" in out


@posix
def test_database_keys_and_folders_are_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    home = tmp_path / "data" / "cff"
    ok(run_cff(home, "demo", "create", cwd=tmp_path))
    ok(run_cff(home, "keys", "show", cwd=tmp_path))
    ok(run_cff(home, "backup", cwd=tmp_path))

    def mode(p: Path) -> int:
        return stat.S_IMODE(p.stat().st_mode)

    assert mode(home) == 0o700 and mode(home.parent) == 0o700
    assert mode(home / "cff.sqlite") == 0o600
    assert mode(home / "keys.json") == 0o600
    [bk] = list((home / "backups").glob("*.sqlite"))
    assert mode(bk) == 0o600 and mode(home / "backups") == 0o700


@posix
def test_inbox_database_and_upload_folders_are_owner_only(tmp_path: Path) -> None:
    from cff_desktop.sync.inbox_store import InboxStore

    InboxStore(tmp_path / "inbox").close()
    for sub in ("", "uploads", "packages", "rulesets"):
        assert stat.S_IMODE((tmp_path / "inbox" / sub).stat().st_mode) == 0o700, sub
    for f in ("inbox.sqlite", "server-key.pem"):
        assert stat.S_IMODE((tmp_path / "inbox" / f).stat().st_mode) == 0o600, f


# --- PINs ----------------------------------------------------------------------------------------

def test_a_pin_on_the_command_line_is_refused(home: Path, demo_db: Path) -> None:
    before = db_dump(demo_db)
    assert_refused(run_cff(home, "officer", "add", "--name", "Lò Văn Páo", "--sector", "y_te", "--pin", "4321"),
                   "không ghi mã PIN trên dòng lệnh", "CFF_PIN")
    assert_refused(run_cff(home, "officer", "pin", "Vi Thị Hồng", "--pin", "4321"), "không ghi mã PIN trên dòng lệnh")
    assert db_dump(demo_db) == before


def test_pin_from_the_environment_when_not_at_a_terminal(home: Path, demo_db: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CFF_PIN")
    before = db_dump(demo_db)
    assert_refused(run_cff(home, "officer", "add", "--name", "Lò Văn Páo", "--sector", "y_te", "--pin"),
                   "cần mã PIN", "CFF_PIN")
    assert db_dump(demo_db) == before
    monkeypatch.setenv("CFF_PIN", "24680")
    ok(run_cff(home, "officer", "add", "--name", "Lò Văn Páo", "--sector", "y_te", "--pin"))
    [row] = [r for r in db_dump(demo_db)["officer"] if r[2] == "Lò Văn Páo"]
    assert row[6].startswith("scrypt") or len(row[6]) > 20  # a hash of 24680, never the PIN itself
    assert "24680" not in str(row)


def test_acting_as_an_officer_asks_for_their_pin(home: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CFF_PIN")
    before = db_dump(demo_db)
    assert_refused(run_cff(home, "values", "set", "7.1", "90/100", "--as", "Vi Thị Hồng"),
                   "Vi Thị Hồng có mã PIN", "CFF_PIN", "Không ghi PIN trên dòng lệnh")
    assert db_dump(demo_db) == before
    monkeypatch.setenv("CFF_PIN", "0000")
    assert_refused(run_cff(home, "values", "set", "7.1", "90/100", "--as", "Vi Thị Hồng"), "Mã PIN không đúng")
    after = db_dump(demo_db)
    assert after["value"] == before["value"]  # the figure was not written
    assert next(r for r in after["audit"] if r not in before["audit"])[3] == "signin.failed"  # counts to the lock
    monkeypatch.setenv("CFF_PIN", "1234")
    ok(run_cff(home, "values", "set", "7.1", "90/100", "--as", "Vi Thị Hồng"))
