"""Printing the demo commune's papers: the full dossier PDF (median time, size, pages) and all eight kinds.

Times go through the service (snapshot, numbering, layout, temporary file, rename, record), i.e.
what a clerk waits for after pressing "In". The first render registers the fonts and is reported apart.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import describe, timed


def main(repeat: int = 15) -> None:
    home = Path(tempfile.mkdtemp(prefix="cff-bench-docs-"))
    os.environ["CFF_HOME"] = str(home)
    from pypdf import PdfReader

    from cff_desktop.documents import KINDS
    from cff_desktop.services.council import close_meeting, record_vote
    from cff_desktop.services.demo import create_demo
    from cff_desktop.services.printing import render, render_all
    from cff_desktop.services.workspace import open_workspace

    out = home / "in"
    with open_workspace(create=True) as ws:
        create_demo(ws)
        record_vote(ws, votes_for=10, votes_against=0)
        close_meeting(ws, conclusion="Đề nghị công nhận", ended_at="2024-11-05T10:30")
        t0 = time.perf_counter()
        path = render(ws, "dossier", out)
        first = time.perf_counter() - t0
        samples = timed(lambda: render(ws, "dossier", out), repeat)
        size = path.stat().st_size
        n_pages = len(PdfReader(str(path)).pages)
        print(f"dossier PDF (demo commune, closed round): {describe(samples)}; first render {first * 1000:.0f} ms")
        print(f"dossier size {size / 1024:,.0f} KiB, {n_pages} pages")
        all_samples = timed(lambda: render_all(ws, out), max(3, repeat // 3))
        print(f"all {len(KINDS)} kinds: median {statistics.median(all_samples) * 1000:.0f} ms "
              f"over {len(all_samples)} runs")
        for kind in KINDS:
            s = timed(lambda k=kind: render(ws, k, out), 3)
            p = next(out.glob(f"*{kind_stem(kind)}*"))
            print(f"  {kind:<9} median {statistics.median(s) * 1000:6.0f} ms, {p.stat().st_size / 1024:5.0f} KiB, "
                  f"{len(PdfReader(str(p)).pages):2d} pages")


def kind_stem(kind: str) -> str:
    from cff_desktop.services.printing import FILE_NAMES

    return FILE_NAMES[kind]


if __name__ == "__main__":
    sys.exit(main())
