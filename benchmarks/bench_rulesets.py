"""The Excel path for the official table and the rule set comparisons, as a clerk would use them.

Writing the workbook of qd06-2019, reading an edited one back (every cell checked), comparing
two rule sets, and previewing the demo round under another rule set (no writes).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import describe, timed

from cff_desktop.common.resources import resource_dir
from cff_desktop.rules import spreadsheet
from cff_desktop.rules.compare import diff
from cff_desktop.rules.loader import load_file, parse_bytes


def main() -> None:
    rs = load_file(resource_dir("rulesets", "qd06-2019.json"))
    old = load_file(resource_dir("rulesets", "superseded", "qd06-2019-2019.1.json"))
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "bang.xlsx"
        n = 0

        def write() -> None:
            nonlocal n
            n += 1
            (Path(tmp) / f"b{n}.xlsx").write_bytes(spreadsheet.template_bytes(rs))
        print(f"write template (qd06-2019, {sum(len(i.bands) or 1 for i in rs.indicators.values())} band rows): "
              f"{describe(timed(write, 20))}")
        book.write_bytes(spreadsheet.template_bytes(rs))
        print(f"workbook size: {book.stat().st_size:,} bytes")
        print(f"read + check workbook: {describe(timed(lambda: spreadsheet.read_workbook(book), 20))}")
        print(f"read + check + load as rule set: "
              f"{describe(timed(lambda: parse_bytes(spreadsheet.read_workbook(book), 'b.xlsx'), 20))}")
        print(f"diff 2019.1 → 2019.2 ({len(diff(old, rs))} changes): {describe(timed(lambda: diff(old, rs), 500))}")

        os.environ["CFF_HOME"] = str(Path(tmp) / "home")
        from cff_desktop.services.demo import create_demo
        from cff_desktop.services.rulesets import preview
        from cff_desktop.services.workspace import open_workspace

        with open_workspace(create=True) as ws:
            create_demo(ws, seed=3)
            print(f"preview demo round under 2019.1: {describe(timed(lambda: preview(ws, old), 50))}")


if __name__ == "__main__":
    main()
