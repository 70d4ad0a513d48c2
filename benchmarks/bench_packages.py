"""Packages: export, size and verify of the demo dossier with 20 evidence photos of ~4 MB each,
and the import of a sector-data package of 4 criteria.

The photos are generated (Pillow): camera-sized 4000x3000 JPEGs with grain, at a quality chosen
so each file is close to 4 MB like a phone photo. They go through ``evidence.attach``, which
downscales them (long side 1600 px, JPEG 80), so the figure to look at is the package size
against the 80 MB of originals. Keys live in an in-memory keyring (no desktop keyring needed).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import keyring

# The in-memory keyring the tests use (no keyring service on a build machine).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from memory_keyring import MemoryKeyring


def make_photo(path: Path, seed: int, target: int = 4_000_000) -> int:
    """A 4000x3000 JPEG of about ``target`` bytes: a gradient scene with sensor-like grain."""
    from PIL import Image, ImageChops

    w, h = 4000, 3000
    grain = Image.effect_noise((w, h), 24 + seed % 5)
    scene = Image.linear_gradient("L").resize((w, h)).rotate(seed * 17 % 360)
    r = ImageChops.add(scene, grain, scale=2.0)
    g = ImageChops.add(scene.transpose(Image.Transpose.FLIP_LEFT_RIGHT), grain, scale=2.0)
    b = ImageChops.add(grain, scene.transpose(Image.Transpose.FLIP_TOP_BOTTOM), scale=2.0)
    img = Image.merge("RGB", (r, g, b))
    lo, hi = 40, 98
    best = None
    while lo <= hi:  # binary search on quality for the size of a phone photo
        q = (lo + hi) // 2
        img.save(path, "JPEG", quality=q)
        size = path.stat().st_size
        best = size
        if abs(size - target) < target * 0.05:
            break
        lo, hi = (q + 1, hi) if size < target else (lo, q - 1)
    return best or path.stat().st_size


def main() -> None:
    keyring.set_keyring(MemoryKeyring())
    base = Path(tempfile.mkdtemp(prefix="cff-bench-pkg-"))
    os.environ["CFF_HOME"] = str(base / "commune")
    from cff_desktop.services import keys
    from cff_desktop.services.council import close_meeting, record_vote
    from cff_desktop.services.demo import create_demo
    from cff_desktop.services.evidence import attach
    from cff_desktop.services.packages import export_package, import_package, verify_package
    from cff_desktop.services.values import set_value
    from cff_desktop.services.workspace import open_workspace

    photos = base / "photos"
    photos.mkdir()
    sizes = [make_photo(photos / f"anh-{i:02d}.jpg", i) for i in range(20)]
    originals = sum(sizes)
    print(f"20 photos generated: {originals / 1e6:.1f} MB in total ({min(sizes) / 1e6:.2f}–"
          f"{max(sizes) / 1e6:.2f} MB each)")

    ws = open_workspace(create=True)
    create_demo(ws)
    owners = {"1": "Hoàng Thị Mai", "7": "Vi Thị Hồng", "9": "Vi Thị Hồng", "10": "Lăng Thị Thu"}
    t0 = time.perf_counter()
    for i, p in enumerate(sorted(photos.iterdir())):
        crit = list(owners)[i % 4]
        attach(ws, crit, p, owners[crit])
    t_attach = time.perf_counter() - t0
    stored = sum(f.stat().st_size for f in ws.paths.blobs.rglob("*") if f.is_file())
    print(f"attach with downscaling: {t_attach:.2f} s for 20 photos ({t_attach / 20 * 1000:.0f} ms each); "
          f"stored {stored / 1e6:.2f} MB")
    record_vote(ws, votes_for=10, votes_against=0)
    close_meeting(ws, conclusion="Đạt")

    os.environ["CFF_HOME"] = str(base / "province")
    province = open_workspace(create=True)
    keys.generate_upper(province, base / "province.pub")
    keys.import_upper(ws, str(base / "province.pub"))

    usb = base / "usb"
    usb.mkdir()
    times = []
    res = None
    for _ in range(3):
        t0 = time.perf_counter()
        res = export_package(ws, usb)
        times.append(time.perf_counter() - t0)
    assert res is not None
    print(f"export dossier (encrypted, printed PDF included: {len(res.manifest['summary']['documents'])}): "
          f"first {times[0]:.2f} s, median {statistics.median(times):.2f} s over {len(times)} runs "
          f"(build + write + fsync + read-back + verify)")
    print(f"package size: {res.size / 1e6:.2f} MB = {res.size / 80e6:.1%} of 80 MB "
          f"({res.size / originals:.1%} of the {originals / 1e6:.1f} MB of originals)")

    vt = []
    for _ in range(5):
        t0 = time.perf_counter()
        verify_package(ws, res.path)
        vt.append(time.perf_counter() - t0)
    print(f"verify at the commune (integrity, no key): median {statistics.median(vt) * 1000:.0f} ms")
    vt = []
    for i in range(5):
        t0 = time.perf_counter()
        verify_package(province, res.path, trust=i == 0)
        vt.append(time.perf_counter() - t0)
    print(f"verify at the upper level (decrypt + inner hashes): median {statistics.median(vt) * 1000:.0f} ms")

    clerks = []
    for i in range(5):  # the clerk's laptops hold the round before the officer's later figures
        os.environ["CFF_HOME"] = str(base / f"clerk{i}")
        clerk = open_workspace(create=True)
        create_demo(clerk)
        clerks.append(clerk)
    os.environ["CFF_HOME"] = str(base / "health")
    health = open_workspace(create=True)
    create_demo(health)
    for iid, v in (("5.2", {"count": 1}), ("7.1", "97/100"), ("8.1", "20/500"), ("9.1", "2000/2300")):
        set_value(health, iid, v, as_officer="Vi Thị Hồng")
    sector = export_package(health, usb, kind="sector-data", criteria="5,7,8,9")
    it = []
    for clerk in clerks:
        t0 = time.perf_counter()
        out = import_package(clerk, sector.path, trust=True)
        it.append(time.perf_counter() - t0)
        clerk.close()
    print(f"import sector-data of 4 criteria ({len(out.applied)} figures applied, {len(out.unchanged)} unchanged; "
          f"package {sector.size:,} bytes): median {statistics.median(it) * 1000:.0f} ms")
    for w in (ws, province, health):
        w.close()


if __name__ == "__main__":
    sys.exit(main())
