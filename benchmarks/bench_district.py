"""The upper level with a province of 150 units: import and verify 150 commune dossiers from a folder,
open the inbox with 150 units × 5 rounds, build the summary report and the Excel export.

The 150 packages are real: each made by the commune side (demo round, council closed, dossier
exported and encrypted to the province's key), without the printed PDFs unless ``--with-pdfs``
(they make a package ~140 kB instead of ~9 kB and the build about three times slower). The four
earlier rounds of the inbox are copies of the imported rows under other years (the inbox reads
rows, not package files). Keys live in an in-memory keyring.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import keyring

# The in-memory keyring the tests use (no keyring service on a build machine).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from memory_keyring import MemoryKeyring

CATS = ("mountain_island_disadvantaged", "other", "urban_ward")


def build_packages(root: Path, n: int, year: int, with_pdfs: bool) -> tuple[Path, Path]:
    from cff_desktop.services import council, demo, keys, packages, profile
    from cff_desktop.services.workspace import open_workspace
    from cff_desktop.storage.paths import data_paths

    os.environ["CFF_HOME"] = str(root / "upper")
    pub = root / "upper.pub"
    keys.generate_upper(data_paths(), pub)
    if not with_pdfs:
        packages.export._printing_available = lambda: False  # type: ignore[assignment]
    usb = root / "usb"
    usb.mkdir()
    for i in range(n):
        os.environ["CFF_HOME"] = str(root / f"c{i}")
        with open_workspace(create=True) as ws:
            demo.create_demo(ws, commune=f"Xã Số {i + 1}", seed=i, year=year, category=CATS[i % 3])
            profile.update_commune(ws, {"code": f"1{i + 1:04d}"})
            keys.import_upper(ws, str(pub))
            council.record_vote(ws, votes_for=10, votes_against=0)
            council.close_meeting(ws, conclusion="Đề nghị công nhận", ended_at=f"{year}-11-05T10:30")
            packages.export_package(ws, usb)
    os.environ["CFF_HOME"] = str(root / "upper")
    csv = root / "units.csv"
    csv.write_text("code,name,category\n" + "".join(f"1{i + 1:04d},Xã Số {i + 1},{CATS[i % 3]}\n" for i in range(n)),
                   "utf-8")
    return usb, csv


def copy_rounds(ws, year: int, rounds: int) -> None:
    """Earlier rounds as copies of this year's rows (new hashes and ids), recognised in most years."""
    rows = ws.store.query("SELECT * FROM received_package WHERE year = ?", (year,))
    with ws.store.transaction() as conn:
        for r in rows:
            if int(r["unit_code"]) % 4:
                conn.execute("INSERT INTO recognition (unit_code, year, package_sha256, recognized, decided_at)"
                             " VALUES (?, ?, ?, 1, ?)", (r["unit_code"], year, r["sha256"], r["received_at"]))
        for k in range(1, rounds):
            for r in rows:
                sha = uuid.uuid4().hex + uuid.uuid4().hex
                new = dict(r, id=None, sha256=sha, uuid=str(uuid.uuid4()), year=year - k, state="recognised")
                cols = ",".join(new)
                conn.execute(f"INSERT INTO received_package ({cols}) VALUES ({','.join('?' * len(new))})",
                             list(new.values()))
                if int(r["unit_code"]) % 4:
                    conn.execute("INSERT INTO recognition (unit_code, year, package_sha256, recognized, decided_at)"
                                 " VALUES (?, ?, ?, 1, ?)", (r["unit_code"], year - k, sha, r["received_at"]))


def bench_inbox_open(db: Path) -> tuple[float, float]:
    """Seconds from building the window to its first paint, and to the inbox being filled."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from cff_desktop.ui.app import build_window

    app = QApplication.instance() or QApplication([])
    painted: list[float] = []

    class Paint(QObject):
        def eventFilter(self, obj, event) -> bool:
            if event.type() == QEvent.Type.Paint and not painted:
                painted.append(time.perf_counter())
            return False

    f = Paint()
    app.installEventFilter(f)
    t0 = time.perf_counter()
    win = build_window(str(db))
    win.resize(1366, 768)
    win.show()
    while not painted or not win.shell.inbox.loaded:
        app.processEvents()
        time.sleep(0.001)
    t_loaded = time.perf_counter()
    app.removeEventFilter(f)
    assert win.shell.inbox.table.rowCount() > 0
    win.close()
    win.deleteLater()
    app.processEvents()
    return painted[0] - t0, t_loaded - t0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--communes", type=int, default=150)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--with-pdfs", action="store_true")
    args = ap.parse_args()
    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t = time.perf_counter()
        usb, csv = build_packages(root, args.communes, 2025, args.with_pdfs)
        sizes = [p.stat().st_size for p in usb.iterdir()]
        print(f"built {len(sizes)} packages in {time.perf_counter() - t:.1f} s "
              f"(median size {statistics.median(sizes) / 1000:.1f} kB)")
        from cff_desktop.services.district import import_path, import_units, init_area
        from cff_desktop.services.district_report import export_xlsx, report
        from cff_desktop.services.workspace import open_workspace

        with open_workspace(create=True) as ws:
            init_area(ws, name="Tỉnh Lạng Sơn", level="province", province="Lạng Sơn")
            import_units(ws, csv)
            t = time.perf_counter()
            res = import_path(ws, usb, trust=True)
            dt = time.perf_counter() - t
            ok = sum(r.status == "imported" for r in res)
            print(f"import+verify {ok}/{len(res)} packages from a folder: {dt:.2f} s total, "
                  f"{1000 * dt / len(res):.1f} ms per package")
            copy_rounds(ws, 2025, args.rounds)
            db = ws.paths.db
            samples = []
            for _ in range(5):
                t = time.perf_counter()
                rep = report(ws, 2025)
                samples.append(time.perf_counter() - t)
            print(f"summary report ({rep['units']} units, {args.rounds} rounds in the database): median "
                  f"{1000 * statistics.median(samples):.1f} ms; 3-in-a-row {len(rep['recognized_3_in_a_row'])}")
            samples = []
            for i in range(5):
                t = time.perf_counter()
                out = export_xlsx(ws, root / f"r{i}.xlsx", 2025)
                samples.append(time.perf_counter() - t)
            print(f"Excel export: median {1000 * statistics.median(samples):.1f} ms, "
                  f"{out.stat().st_size / 1000:.1f} kB")
        first, loaded = bench_inbox_open(db)
        print(f"inbox {args.communes} units × {args.rounds} rounds: first paint {1000 * first:.0f} ms, "
              f"fully loaded {1000 * loaded:.0f} ms")
        print(json.dumps({"import_total_s": round(dt, 3), "first_paint_ms": round(1000 * first),
                          "loaded_ms": round(1000 * loaded)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
