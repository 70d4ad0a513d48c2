"""Input no commune can mean: refused with exit 2 and one line, and the database left as it was.

Each case here once crashed (exit 1 with a traceback) or was stored as something else than what was
typed: a help text with a bare ``%``, 5,000-digit numbers, JSON nested 100,000 deep, a year beyond
SQLite's integers, 10^30 children, "24.999999999999999999" stored as 25, look-alike officer names,
terminal escapes in names, an empty ``--out``. The commands run in this process through
``cli.run`` (see ``cli_inproc``); the broken pipe needs a real process and a real pipe.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import assert_refused, db_dump, folder_state, ok
from cli_inproc import cff_inproc, inbox_parser

from cff_desktop.cli import build_parser


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Unchanged:
    """The database file's bytes (and every row) before and after a refused command."""

    def __init__(self, db: Path) -> None:
        self.db, self.hash, self.rows = db, sha(db), db_dump(db)

    def check(self) -> None:
        assert not Path(f"{self.db}-wal").exists() or Path(f"{self.db}-wal").stat().st_size == 0
        assert db_dump(self.db) == self.rows
        assert sha(self.db) == self.hash


def refused(home: Path, db: Path, *args: str, needles: tuple[str, ...] = ()) -> str:
    before = Unchanged(db)
    line = assert_refused(cff_inproc(home, *args, db=db), *needles)
    before.check()
    return line


def stored_value(db: Path, iid: str) -> object:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT value FROM value WHERE indicator_id = ?", (iid,)).fetchone()
    finally:
        conn.close()
    return json.loads(row[0]) if row else None


# --- help texts ---------------------------------------------------------------------------------


def _all_parsers(p: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    yield path, p
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _all_parsers(sub, (*path, name))


@pytest.mark.parametrize("prog", ["cff", "cff-district"])
def test_every_help_text_prints(home: Path, prog: str) -> None:
    """``cff district --help`` crashed on a bare '%'; every command's help must format."""
    parser = build_parser() if prog == "cff" else inbox_parser()
    paths = [path for path, _ in _all_parsers(parser)]
    assert ("district", "target") in paths or prog != "cff"
    for path in paths:
        p = cff_inproc(home, *path, "--help", prog=prog)
        assert p.returncode == 0, (path, p.stderr)
        assert p.stdout.startswith("usage:"), (path, p.stdout[:80])
        assert p.stderr == ""
    if prog == "cff":
        assert "% đơn vị được công nhận" in cff_inproc(home, "district", "--help").stdout


# --- numbers ------------------------------------------------------------------------------------

HUGE = "9" * 5000


@pytest.mark.parametrize("indicator,value,officer,needles", [
    ("7.1", f"{HUGE}/{HUGE}9", "4", ("chỉ số 7.1", "tử số quá lớn", "tối đa 10.000.000")),
    ("7.1", f'{{"numerator": 1, "denominator": {HUGE}}}', "4", ("chỉ số 7.1", "có số quá lớn")),
    ("7.1", "1/1000000000000000000000000000000", "4", ("mẫu số quá lớn",)),
    ("7.1", '{"numerator": 5, "denominator": 10000001}', "4", ("mẫu số 10000001 quá lớn",)),
    ("3.1", "1000000000000000000000000000000", "3", ("số ca quá lớn",)),
    ("3.1", '{"count": 1e30}', "3", ("viết dạng lũy thừa",)),
    ("3.1", "1e3", "3", ("số ca phải là số nguyên", "1e3")),
    ("7.1", "1e3/1e4", "4", ("tử số phải là số nguyên", "1e3")),
    ("11.3", "24.999999999999999999", "6", ("tối đa 2 chữ số thập phân",)),
    ("11.3", '{"points": 24.999999999999999999}', "6", ("tối đa 2 chữ số thập phân",)),
    ("11.3", "12,345", "6", ("tối đa 2 chữ số thập phân",)),
    ("11.3", "1e1", "6", ("số viết thường", "1e1")),
    ("11.3", '{"points": 1e1}', "6", ("viết dạng lũy thừa",)),
    ("11.3", "[" * 100_000 + "]" * 100_000, "6", ("lồng nhau quá sâu",)),
    ("11.3", '{"points": ' * 50 + "1" + "}" * 50, "6", ("lồng nhau quá sâu",)),
])
def test_values_set_refuses_absurd_numbers(home: Path, demo_db: Path, indicator: str, value: str,
                                           officer: str, needles: tuple[str, ...]) -> None:
    line = refused(home, demo_db, "values", "set", indicator, value, "--as", officer, needles=needles)
    assert len(line) < 300  # a pasted megabyte is not echoed back


def test_exact_decimals_and_bounds_that_are_fine_are_kept(home: Path, demo_db: Path) -> None:
    ok(cff_inproc(home, "values", "set", "11.3", "24,99", "--as", "6", db=demo_db))
    assert stored_value(demo_db, "11.3") == {"points": 24.99}
    ok(cff_inproc(home, "values", "set", "3.1", "10000000/10000000", "--as", "3", db=demo_db))  # a rate
    assert stored_value(demo_db, "3.1") == {"count": 10_000_000, "population": 10_000_000}
    ok(cff_inproc(home, "values", "set", "5.2", "10000000", "--as", "4", db=demo_db))  # a plain count
    assert stored_value(demo_db, "5.2") == {"count": 10_000_000}
    ok(cff_inproc(home, "values", "set", "7.1", '{"numerator": 98.0, "denominator": 100}', "--as", "4",
                  db=demo_db))
    assert stored_value(demo_db, "7.1") == {"numerator": 98, "denominator": 100}


@pytest.mark.parametrize("content,needles", [
    ('{"values": {"7.1": {"numerator": ' + HUGE + ', "denominator": 1}}}', ("có số quá lớn",)),
    ('{"values": ' + "[" * 100_000 + "]" * 100_000 + "}", ("lồng nhau quá sâu",)),
    ("[" * 100_000 + "]" * 100_000, ("lồng nhau quá sâu",)),
    ('{"values": {"11.3": {"points": 24.999999999999999999}}}', ("tối đa 2 chữ số thập phân",)),
    ('{"values": {"3.1": {"count": 100000000000000000000000000000}}}', ("số ca", "quá lớn")),
])
def test_values_import_refuses_absurd_files(home: Path, demo_db: Path, tmp_path: Path, content: str,
                                            needles: tuple[str, ...]) -> None:
    f = tmp_path / "values.json"
    f.write_text(content, encoding="utf-8")
    refused(home, demo_db, "values", "import", str(f), "--as", "1", needles=needles)


def test_score_values_refuses_deep_json(home: Path, tmp_path: Path) -> None:
    f = tmp_path / "deep.json"
    f.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    before = folder_state(home)
    assert_refused(cff_inproc(home, "score", "--values", str(f)), "deep.json", "lồng nhau quá sâu")
    assert folder_state(home) == before


@pytest.mark.parametrize("args", [
    ("--round", "99999999999999999999", "score"),
    ("--round", "99999999999999999999", "values", "list"),
    ("--round", "-5", "score"),
    ("init", "--commune", "Xã A", "--province", "Lào Cai", "--category", "other",
     "--round", "99999999999999999999"),
])
def test_absurd_round_year_is_refused(home: Path, demo_db: Path, args: tuple[str, ...]) -> None:
    refused(home, demo_db, *args, needles=("--round", "không hợp lệ", "2000 đến 2100"))


# --- names --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "Hoàng Thị Mai\u200b",          # zero-width space at the end
    "Hoàng\u200d Thị Mai",          # zero-width joiner inside
    "Hoàng Thị Maі",                # Cyrillic і (U+0456)
    "Ноàng Thị Mai",                # Cyrillic Н and о
    "hoàng thị mai",                # the same name in other case
    "Hoa\u0300ng Thi\u0323 Mai",    # decomposed (NFD) letters
    "Hoàng  Thị   Mai",             # extra spaces
])
def test_lookalike_of_an_existing_officer_is_refused(home: Path, demo_db: Path, name: str) -> None:
    refused(home, demo_db, "officer", "add", "--name", name, "--sector", "vhxh",
            needles=("--name", "Hoàng Thị Mai", "(#1)"))


def test_officer_names_are_cleaned_and_bounded(home: Path, demo_db: Path) -> None:
    refused(home, demo_db, "officer", "add", "--name", "A" * 10_000, "--sector", "vhxh",
            needles=("--name", "10000 ký tự", "tối đa 120"))
    refused(home, demo_db, "officer", "add", "--name", "\x1b[2J\u200b\x07", "--sector", "vhxh",
            needles=("--name", "không được để trống"))
    ok(cff_inproc(home, "officer", "add", "--name", "\x1b[31mLò Văn\tSáng\x1b[0m\x07",
                  "--position", "Cán bộ\u200b địa chính", "--sector", "tu_phap", db=demo_db))
    rows = json.loads(ok(cff_inproc(home, "officer", "list", "--json", db=demo_db)))
    new = rows[-1]
    assert new["name"] == "Lò Văn Sáng"
    assert new["position"] == "Cán bộ địa chính"
    text = ok(cff_inproc(home, "officer", "list", db=demo_db))
    assert "\x1b" not in text and "\x07" not in text


def test_council_member_and_commune_names_are_cleaned(home: Path, demo_db: Path) -> None:
    refused(home, demo_db, "council", "member", "--name", "B" * 500,
            needles=("--name", "tối đa 120"))
    from cff_desktop.services.profile import update_commune
    from cff_desktop.services.workspace import open_workspace

    with open_workspace(demo_db) as ws:
        commune = update_commune(ws, {"chair_name": "\x1b[1mNông Văn\u200b Bình\x1b[0m"})
    assert commune["chair_name"] == "Nông Văn Bình"


# --- paths --------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("print", "minutes", "--out", ""),
    ("print", "all", "--out", "  "),
    ("package", "export", "--to", ""),
    ("keys", "generate", "--out", ""),
])
def test_empty_paths_are_refused(home: Path, demo_db: Path, tmp_path: Path,
                                 args: tuple[str, ...]) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    before = Unchanged(demo_db)
    p = cff_inproc(home, *args, db=demo_db, cwd=cwd)
    flag = next(a for a in args if a.startswith("--"))
    assert_refused(p, flag, "đường dẫn trống")
    before.check()
    assert list(cwd.iterdir()) == []


# --- a reader that stops reading ----------------------------------------------------------------

def test_broken_pipe_exits_quietly(home: Path, demo_db: Path) -> None:
    """``cff audit | head -1``: the reader closes the pipe before cff writes; no message, exit 0."""
    env = dict(os.environ, CFF_HOME=str(home), PYTHONIOENCODING="utf-8")
    env.pop("CFF_DEBUG", None)
    p = subprocess.Popen([sys.executable, "-m", "cff_desktop.cli", "--db", str(demo_db), "audit"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert p.stdout is not None and p.stderr is not None
    p.stdout.close()  # closed before the interpreter has even started writing
    err = p.stderr.read().decode("utf-8")
    assert p.wait() == 0, err
    assert err == ""
