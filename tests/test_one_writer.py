"""One writer for figures: no module but ``services/value_write`` changes the ``value`` table.

Typing, clearing, importing a sector package and switching rule sets must store and audit a figure
the same way; a second writer would drift (the "done" mark left set, an audit row missing). The walk
reads every string literal of the product's sources, so SQL split over several literals is joined
first, as Python itself joins adjacent literals.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import cff_desktop

ROOT = Path(cff_desktop.__file__).parent
WRITES_VALUE = re.compile(
    r"\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|DELETE\s+FROM|UPDATE(?:\s+OR\s+\w+)?)\s+[\"'`]?value[\"'`]?(?=[\s(;]|$)",
    re.I)


def sql_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"), str(path))
    return [(n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def writers() -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        for line, text in sql_literals(path):
            if WRITES_VALUE.search(text):
                found.setdefault(path.relative_to(ROOT).as_posix(), []).append(line)
    return found


def test_the_pattern_catches_each_way_of_writing_the_table() -> None:
    for sql in ("INSERT INTO value (round_id) VALUES (1)", "insert or replace into value VALUES (1)",
                'DELETE FROM "value" WHERE 1', "UPDATE value SET note = ''", "REPLACE INTO value(a) VALUES (1)"):
        assert WRITES_VALUE.search(sql), sql
    for sql in ("SELECT value FROM value", "UPDATE value_breakdown SET x = 1", "DELETE FROM override WHERE 1",
                "INSERT INTO audit (value) VALUES (1)"):
        assert not WRITES_VALUE.search(sql), sql


def test_only_value_write_writes_the_value_table() -> None:
    found = writers()
    assert set(found) == {"services/value_write.py"}, found
