"""What the trust checks add per dossier at the upper level: the members' schemas, the strict JSON
parse and the recomputation of the score with the pinned rule set (the rest of an import, opening,
hashing and decrypting the package, was there before).

Builds ``--dossiers`` real dossiers (demo rounds with different seeds, councils closed, exported
without printed papers), then for each: parses snapshot/audit/evidence the old way (``json.loads``)
and the new way (strict parse + schema), and times ``recompute_dossier``. Prints per-dossier figures
and, with ``--import``, the wall time of importing them all from a folder with every check on.

    .venv/bin/python benchmarks/bench_trust.py [--dossiers 40] [--import]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import keyring

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from memory_keyring import MemoryKeyring

CATS = ("mountain_island_disadvantaged", "other", "urban_ward")
MEMBERS = ("snapshot.json", "audit.json", "evidence.json")


def build(root: Path, n: int) -> tuple[Path, list[tuple[str, str]]]:
    from cff_desktop.services import council, demo, keys, packages
    from cff_desktop.services.workspace import open_workspace

    packages.export._printing_available = lambda: False  # type: ignore[assignment]
    usb = root / "usb"
    usb.mkdir()
    signers = []
    for i in range(n):
        os.environ["CFF_HOME"] = str(root / f"c{i}")
        with open_workspace(create=True) as ws:
            code = f"1{i + 1:04d}"
            demo.create_demo(ws, commune=f"Xã Số {i + 1}", seed=i, category=CATS[i % 3], code=code)
            council.record_vote(ws, votes_for=9, votes_against=0)
            council.close_meeting(ws, conclusion="Đề nghị công nhận", ended_at="2024-11-05T10:30")
            packages.export_package(ws, usb)
            signers.append((code, keys.device_info(ws)["fingerprint"]))
    return usb, signers


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dossiers", type=int, default=40)
    ap.add_argument("--import", dest="do_import", action="store_true", help="also time a folder import")
    args = ap.parse_args()
    keyring.set_keyring(MemoryKeyring())
    from cff_desktop.dossier.schemas import check_member, loads_strict
    from cff_desktop.services.recompute import pinned_ruleset, recompute_dossier
    from cff_desktop.services.workspace import open_workspace

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t = time.perf_counter()
        usb, signers = build(root, args.dossiers)
        print(f"built {len(signers)} dossiers in {time.perf_counter() - t:.1f} s")
        os.environ["CFF_HOME"] = str(root / "upper")
        with open_workspace(create=True) as ws:
            old_ms, new_ms, rescore_ms = [], [], []
            rs = None
            for pkg in sorted(usb.iterdir()):
                with zipfile.ZipFile(pkg) as z:
                    manifest = json.loads(z.read("manifest.json"))
                    raw = {n: z.read(f"payload/{n}") for n in MEMBERS}
                t0 = time.perf_counter()
                for n in MEMBERS:
                    json.loads(raw[n])
                old_ms.append(1000 * (time.perf_counter() - t0))
                t0 = time.perf_counter()
                docs = {}
                for n in MEMBERS:
                    docs[n] = loads_strict(raw[n], n)
                    check_member(n, docs[n])
                new_ms.append(1000 * (time.perf_counter() - t0))
                rs = rs or pinned_ruleset(ws, manifest["ruleset"])
                t0 = time.perf_counter()
                recompute_dossier(ws, manifest, docs["snapshot.json"], str(pkg), ruleset=rs)
                rescore_ms.append(1000 * (time.perf_counter() - t0))
            added = [n - o + r for o, n, r in zip(old_ms, new_ms, rescore_ms, strict=True)]
            print(f"parse (json.loads): median {statistics.median(old_ms):.2f} ms per dossier")
            print(f"strict parse + schemas: median {statistics.median(new_ms):.2f} ms, max {max(new_ms):.2f} ms")
            print(f"recompute score: median {statistics.median(rescore_ms):.2f} ms, max {max(rescore_ms):.2f} ms")
            print(f"added per dossier: median {statistics.median(added):.2f} ms, max {max(added):.2f} ms")
            out = {"added_median_ms": round(statistics.median(added), 2), "added_max_ms": round(max(added), 2)}
            if args.do_import:
                from cff_desktop.services.district import import_path, import_units, init_area
                from cff_desktop.services.unit_keys import add_key

                init_area(ws, name="Tỉnh Lạng Sơn", level="province", province="Lạng Sơn")
                csv = root / "units.csv"
                csv.write_text("code,name,category\n" + "".join(
                    f"1{i + 1:04d},Xã Số {i + 1},{CATS[i % 3]}\n" for i in range(args.dossiers)), "utf-8")
                import_units(ws, csv)
                for code, fp in signers:
                    add_key(ws, code, fp)
                t0 = time.perf_counter()
                res = import_path(ws, usb)
                dt = time.perf_counter() - t0
                ok = sum(r.status == "imported" for r in res)
                print(f"import+verify+recompute {ok}/{len(res)} from a folder: {dt:.2f} s "
                      f"({1000 * dt / len(res):.1f} ms per dossier)")
                out["import_s"] = round(dt, 2)
            print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
