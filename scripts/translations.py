#!/usr/bin/env python3
"""Translator's helper: which UI strings a language still lacks, and a Qt Linguist file.

    python scripts/translations.py check en        # list untranslated strings (exit 1 if any)
    python scripts/translations.py ts en out.ts    # write a .ts for Qt Linguist / pyside6-lrelease

The source strings are the literal first arguments of ``tr(...)`` in cff_desktop/ui.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]


def source_strings() -> list[str]:
    found: list[str] = []
    for path in sorted((ROOT / "cff_desktop" / "ui").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.append(node.args[0].value)
    return list(dict.fromkeys(found))


def translations(lang: str) -> dict[str, str]:
    path = ROOT / "resources" / "translations" / f"cff_{lang}.json"
    return json.loads(path.read_text("utf-8")) if path.is_file() else {}


def missing(lang: str) -> list[str]:
    have = translations(lang)
    return [s for s in source_strings() if not have.get(s)]


def write_ts(lang: str, out: Path) -> None:
    have = translations(lang)
    rows = [f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n<TS version="2.1" language="{lang}" '
            'sourcelanguage="vi">\n<context>\n<name>cff</name>']
    for s in source_strings():
        t = have.get(s, "")
        kind = "" if t else ' type="unfinished"'
        rows.append(f"<message><source>{escape(s)}</source><translation{kind}>{escape(t)}</translation></message>")
    rows.append("</context>\n</TS>\n")
    out.write_text("\n".join(rows), "utf-8")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "check":
        gaps = missing(sys.argv[2])
        for s in gaps:
            print(s)
        print(f"{len(gaps)} chuỗi chưa dịch", file=sys.stderr)
        sys.exit(1 if gaps else 0)
    if len(sys.argv) == 4 and sys.argv[1] == "ts":
        write_ts(sys.argv[2], Path(sys.argv[3]))
        sys.exit(0)
    print(__doc__)
    sys.exit(2)
