"""The one atomic write: the target is the old file or the new one, never half of either, and no temp is left."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from cff_desktop.common import files


def test_write_replaces_whole_and_leaves_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "keys.json"
    target.write_bytes(b"old")
    assert files.write_atomic(target, b"new content") == target
    assert target.read_bytes() == b"new content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys.json"]


@pytest.mark.parametrize("fault", ["fsync", "replace"])
def test_a_failed_write_keeps_the_old_file_and_removes_the_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               fault: str) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"old")

    def broken(*a: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, fault, broken)
    with pytest.raises(OSError) as e:
        files.write_atomic(target, b"new")
    assert e.value.errno == errno.ENOSPC
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]


def test_an_error_inside_the_block_changes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "a.pdf"
    with pytest.raises(ValueError), files.atomic_file(target) as fh:
        fh.write(b"half")
        raise ValueError("layout failed")
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_temp_names_say_incomplete_and_private_files_are_owner_only(tmp_path: Path) -> None:
    tmp, fh = files.open_temp(tmp_path, "pkg.cffpkg.{token}.part", private=True)
    with fh:
        fh.write(b"x")
    assert tmp.name.startswith("pkg.cffpkg.") and tmp.name.endswith(".part")
    if os.name != "nt":
        assert stat.S_IMODE(tmp.stat().st_mode) == 0o600
    files.commit_temp(tmp, tmp_path / "pkg.cffpkg")
    assert (tmp_path / "pkg.cffpkg").read_bytes() == b"x" and not tmp.exists()
