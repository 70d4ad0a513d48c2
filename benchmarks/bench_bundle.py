"""The release bundle: its size, what an installer of it weighs, and how fast the frozen app starts.

    .venv/bin/python benchmarks/bench_bundle.py [--bundle DIR] [--runs N]

Builds the PyInstaller one-folder bundle (installer/cff_desktop.spec) into a temporary folder
unless --bundle names one, then prints:
- the bundle's size on disk (files, not counting the links PyInstaller adds on Linux);
- the size of a real NSIS installer of it (makensis, LZMA solid, as the release builds it) when
  makensis is installed, and of a ZIP and an LZMA (xz -9) archive of the folder, which bound
  what any installer or download of it weighs;
- cold start to first paint of the sign-in window, frozen and from the source tree, alternated
  in the same run so both see the same machine state (``--probe-startup``), and resident memory.

On this Linux machine the bundle is a Linux one; a Windows bundle differs (no ICU, but Qt's DLLs
and the Visual C++ runtime instead), so the figures are indicative for the installer's weight.
"""

from __future__ import annotations

import argparse
import io
import lzma
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024
EXE = ".exe" if os.name == "nt" else ""


def build(dest: Path) -> tuple[Path, float]:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "PyInstaller", str(ROOT / "installer" / "cff_desktop.spec"),
                    "--noconfirm", "--log-level", "WARN", "--distpath", str(dest / "dist"),
                    "--workpath", str(dest / "work")], check=True, cwd=ROOT, capture_output=True)
    return dest / "dist" / "cff-desktop", time.perf_counter() - t0


def files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def bundle_size(folder: Path) -> tuple[int, int]:
    found = files(folder)
    return sum(p.stat().st_size for p in found), len(found)


def zip_size(folder: Path) -> int:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for p in files(folder):
            z.write(p, p.relative_to(folder).as_posix())
    return buf.tell()


def xz_size(folder: Path) -> int:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as t:
        t.add(folder, arcname=folder.name)
    return len(lzma.compress(raw.getvalue(), preset=9 | lzma.PRESET_EXTREME))


def nsis_size(folder: Path, out: Path) -> tuple[int, float] | None:
    makensis = shutil.which("makensis")
    if not makensis:
        return None
    t0 = time.perf_counter()
    subprocess.run([makensis, "-V1", "-INPUTCHARSET", "UTF8", f"-DSOURCE_DIR={folder}", f"-DOUTFILE={out}",
                    str(ROOT / "installer" / "cff_desktop.nsi")], check=True, cwd=ROOT / "installer",
                   capture_output=True)
    return out.stat().st_size, time.perf_counter() - t0


def first_paint(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    t0 = time.time()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)
    line = next(ln for ln in p.stdout.splitlines() if ln.startswith("first-paint"))
    parts = line.split()
    return float(parts[1]) - t0, int(parts[3]) if parts[3:] and parts[3].isdigit() else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bundle", type=Path, help="an existing dist/cff-desktop folder (skip the build)")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cff-bench-bundle-"))
    if args.bundle:
        bundle = args.bundle
    else:
        bundle, secs = build(tmp)
        print(f"PyInstaller build: {secs:.1f} s")

    size, count = bundle_size(bundle)
    print(f"bundle (one folder): {size / MB:.1f} MB in {count} files")
    nsis = nsis_size(bundle, tmp / "setup.exe")
    if nsis:
        print(f"NSIS installer of it (LZMA solid, as released): {nsis[0] / MB:.1f} MB "
              f"({nsis[0] / size:.0%} of the bundle), compiled in {nsis[1]:.0f} s")
    else:
        print("NSIS installer: makensis not installed, skipped")
    z = zip_size(bundle)
    print(f"ZIP (deflate -9) of the folder: {z / MB:.1f} MB ({z / size:.0%})")
    x = xz_size(bundle)
    print(f"tar.xz (LZMA -9e) of the folder: {x / MB:.1f} MB ({x / size:.0%})")

    home = tmp / "home"
    env = dict(os.environ, CFF_HOME=str(home))
    subprocess.run([str(bundle / f"cff{EXE}"), "demo", "create"], check=True, env=env, capture_output=True)
    commands = {
        "frozen bundle": [str(bundle / f"cff-desktop{EXE}"), "--probe-startup"],
        "source tree": [sys.executable, "-m", "cff_desktop.ui.app", "--probe-startup"],
    }
    for cmd in commands.values():  # one unmeasured start each: both read from a warm file cache
        first_paint(cmd, env)
    times: dict[str, list[float]] = {k: [] for k in commands}
    rss: dict[str, list[int]] = {k: [] for k in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            t, r = first_paint(cmd, env)
            times[name].append(t)
            rss[name].append(r)
    for name in commands:
        s = times[name]
        print(f"cold start to first paint, {name}: median {statistics.median(s) * 1000:.0f} ms "
              f"(min {min(s) * 1000:.0f}, max {max(s) * 1000:.0f}) over {args.runs} runs; "
              f"memory {statistics.median(rss[name]) / 1024:.0f} MiB")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
