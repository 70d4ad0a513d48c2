"""Helpers for tests that run ``cff`` as a process and compare databases before and after."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_inproc import cff_inproc, in_process


def run_cff(
    home: Path, *args: str, db: Path | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``cff ARGS`` as its own process with ``CFF_HOME=home`` (and ``--db`` when given); in the fast
    loop inside this process (see ``cli_inproc``)."""
    if in_process():
        return cff_inproc(home, *args, db=db, cwd=cwd or home.parent)
    return run_cff_process(home, *args, db=db, cwd=cwd)


def run_cff_process(
    home: Path, *args: str, db: Path | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``cff ARGS`` as its own process, always: exit codes, encodings and pipes as a script sees them."""
    env = dict(os.environ, CFF_HOME=str(home), PYTHONIOENCODING="utf-8")
    env.pop("CFF_DEBUG", None)
    cmd = [sys.executable, "-m", "cff_desktop.cli"]
    if db is not None:
        cmd += ["--db", str(db)]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, encoding="utf-8", env=env,
                          cwd=cwd or home.parent)


def ok(p: subprocess.CompletedProcess[str]) -> str:
    assert p.returncode == 0, f"exit {p.returncode}: {p.stderr}"
    return p.stdout


def assert_refused(p: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Exit 2, nothing on stdout, exactly one stderr line ``cff: lỗi…`` containing every needle."""
    assert p.returncode == 2, f"exit {p.returncode}\nstdout: {p.stdout}\nstderr: {p.stderr}"
    assert p.stdout == ""
    lines = p.stderr.splitlines()
    assert len(lines) == 1, p.stderr
    line = lines[0]
    assert line.startswith("cff: lỗi"), line
    for n in needles:
        assert n in line, f"{n!r} not in {line!r}"
    return line


def db_dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (value, audit, officer, ...), in a stable order."""
    assert db.is_file()
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


def folder_state(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path → SHA-256); empty when the folder is missing."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database per test session, made by ``cff demo create``; each test copies it.

    Building the demo takes about two seconds; a hundred tests that each built their own spent
    more time there than in what they test.
    """
    home = tmp_path_factory.mktemp("demo") / "home"
    ok(run_cff(home, "demo", "create"))
    db = home / "cff.sqlite"
    # closed cleanly (no -wal, -shm or -journal beside it): the copy a test makes is complete
    assert not any(Path(f"{db}{s}").exists() for s in ("-wal", "-shm", "-journal"))
    return db


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    h = tmp_path / "home"
    monkeypatch.setenv("CFF_HOME", str(h))  # for the services called in this process
    return h


@pytest.fixture
def demo_db(home: Path, demo_template: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy2(demo_template, home / "cff.sqlite")
    return home / "cff.sqlite"
