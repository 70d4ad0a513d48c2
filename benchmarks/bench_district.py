"""The upper level with a province of 150 units: import and verify 150 commune dossiers from a folder,
work the whole round (10 appraisals, the rest agreed in one batch, batch council and decision, the
decision's number, report, Excel and the three papers), open the inbox with 150 units × 5 rounds,
and time painting and filtering it.

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


SIGNERS: list[tuple[str, str]] = []  # (unit code, device fingerprint) as the province confirmed them by phone


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
            SIGNERS.append((f"1{i + 1:04d}", keys.device_info(ws)["fingerprint"]))
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
                conn.execute("INSERT OR IGNORE INTO recognition (unit_code, year, package_sha256, recognized,"
                             " decided_at) VALUES (?, ?, ?, 1, ?)", (r["unit_code"], year, r["sha256"],
                                                                     r["received_at"]))
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


def bench_round(ws, root: Path, year: int) -> dict[str, float]:
    """The round after the import, step by step: seconds of wall time and of this process's CPU time."""
    from cff_desktop.services.district import appraise, area_ruleset, set_decision
    from cff_desktop.services.district_batch import apply_to, council_all_appraised, decide_all_passing
    from cff_desktop.services.district_print import render
    from cff_desktop.services.district_report import export_xlsx, inbox_rows, report

    out: dict[str, float] = {}
    rows = inbox_rows(ws, year)
    rs = area_ruleset(ws)
    ratio = next(i.id for i in rs.indicators.values() if i.kind == "ratio")
    steps = {
        "10 appraisals": lambda: [appraise(ws, r["sha256"], ratio, "disagree", comment="Sổ sách ghi khác",
                                           corrected="1/10") if k % 2 else appraise(ws, r["sha256"], "1.1", "agree")
                                  for k, r in enumerate(rows[:10])],
        "batch agree (140)": lambda: apply_to(ws, [r["sha256"] for r in rows[10:]], "agree"),
        "batch council": lambda: council_all_appraised(ws, year),
        "batch decide": lambda: decide_all_passing(ws, year),
        "decision": lambda: set_decision(ws, year, number="125/QĐ-UBND", signed_on=f"{year}-12-05"),
        "report": lambda: report(ws, year),
        "Excel": lambda: export_xlsx(ws, root / "round.xlsx", year),
        "three papers": lambda: [render(ws, k, root / "papers", year) for k in ("council-minutes", "decision",
                                                                                "report")],
    }
    for name, fn in steps.items():
        t, c = time.perf_counter(), time.process_time()
        fn()
        out[name] = time.perf_counter() - t
        out[name + " cpu"] = time.process_time() - c
    return out


def bench_inbox_filters(db: Path) -> list[float]:
    """Milliseconds to re-filter and repaint the inbox for each filter a reviewer uses (150 units × 5 rounds)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from cff_desktop.ui.app import build_window

    app = QApplication.instance() or QApplication([])
    win = build_window(str(db))
    win.resize(1366, 768)
    win.show()
    inbox = win.shell.inbox
    while not inbox.loaded:
        app.processEvents()
        time.sleep(0.001)
    actions = [
        lambda: inbox.state_filter.setCurrentIndex(inbox.state_filter.findData("council")),
        lambda: inbox.state_filter.setCurrentIndex(0),
        lambda: inbox.result_filter.setCurrentIndex(inbox.result_filter.findData("fail")),
        lambda: inbox.result_filter.setCurrentIndex(0),
        lambda: inbox.category_filter.setCurrentIndex(inbox.category_filter.findData("other")),
        lambda: inbox.category_filter.setCurrentIndex(0),
        lambda: inbox.missing_box.setChecked(True), lambda: inbox.missing_box.setChecked(False),
        lambda: inbox.late_box.setChecked(True), lambda: inbox.late_box.setChecked(False),
        lambda: inbox.warn_box.setChecked(True), lambda: inbox.warn_box.setChecked(False),
        lambda: inbox.table.sortByColumn(4, Qt.SortOrder.DescendingOrder),
        lambda: inbox.table.sortByColumn(0, Qt.SortOrder.AscendingOrder),
        lambda: inbox.model.set_rows(list(inbox.model.rows)),
    ]
    times = []
    for act in actions:
        t = time.perf_counter()
        act()
        win.grab()  # a full paint of the window with the table as filtered
        times.append(1000 * (time.perf_counter() - t))
    win.grab().save(str(Path(os.environ.get("BENCH_PNG", "/tmp")) / "bench-inbox-150.png"))
    win.close()
    win.deleteLater()
    app.processEvents()
    return times


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
    assert win.shell.inbox.proxy.rowCount() > 0
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
            from cff_desktop.services.unit_keys import add_key

            for code, fp in SIGNERS:  # each unit's laptop, registered before the stick arrives
                add_key(ws, code, fp)
            t, c = time.perf_counter(), time.process_time()
            res = import_path(ws, usb)
            dt, import_cpu = time.perf_counter() - t, time.process_time() - c
            ok = sum(r.status == "imported" for r in res)
            print(f"import+verify {ok}/{len(res)} packages from a folder: {dt:.2f} s total, "
                  f"{1000 * dt / len(res):.1f} ms per package")
            c0 = time.process_time()
            steps = bench_round(ws, root, 2025)
            for k, v in steps.items():
                if not k.endswith(" cpu"):
                    print(f"  {k}: {v:.2f} s (cpu {steps[k + ' cpu']:.2f} s)")
            whole = dt + sum(v for k, v in steps.items() if not k.endswith(" cpu"))
            print(f"whole round for {args.communes} units (import, 10 appraisals, batch agree, council, decide, "
                  f"decision, report, Excel, three papers): {whole:.1f} s wall, "
                  f"{time.process_time() - c0 + import_cpu:.1f} s cpu of this process")
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
        filt = bench_inbox_filters(db)
        print(f"inbox filter/sort + full repaint: median {statistics.median(filt):.1f} ms, "
              f"max {max(filt):.1f} ms over {len(filt)} changes")
        print(json.dumps({"import_total_s": round(dt, 3), "whole_round_s": round(whole, 2),
                          "first_paint_ms": round(1000 * first), "loaded_ms": round(1000 * loaded),
                          "filter_repaint_max_ms": round(max(filt), 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
