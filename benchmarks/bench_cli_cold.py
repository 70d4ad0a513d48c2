"""`cff score --json` as a whole process, cold: what a user (or a script) waits for.

Prints, for the bare interpreter (`python -c pass`), `cff score --json` on the demo round and
`cff --version`, the median wall time and the median CPU time (user + system) of the process,
and the ratio of `cff score --json` to the bare interpreter. The three commands take turns, so a
machine that gets busier during the run slows all three alike; CPU time is the steadier figure
on a shared machine. Use `python -X importtime -m cff_desktop.cli score --json` to see where the
time goes.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, env=env, capture_output=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(runs: int = 21) -> None:
    home = tempfile.mkdtemp(prefix="cff-bench-")
    env = dict(os.environ, CFF_HOME=home)
    # An installed copy has its modules compiled (pip and PyInstaller write the .pyc files); a
    # checkout run with PYTHONDONTWRITEBYTECODE would compile every module on every start instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmd = [sys.executable, "-m", "cff_desktop.cli"]
    subprocess.run([*cmd, "demo", "create"], check=True, env=env, capture_output=True, cwd=ROOT)
    commands = {"python -c pass": [sys.executable, "-c", "pass"],
                "cff score --json": [*cmd, "score", "--json"],
                "cff --version": [*cmd, "--version"]}
    for argv in commands.values():  # warm the file cache and the compiled modules
        subprocess.run(argv, check=True, env=env, capture_output=True, cwd=ROOT)
    walls: dict[str, list[float]] = {k: [] for k in commands}
    cpus: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            wall, cpu = _timed(argv, env)
            walls[name].append(wall)
            cpus[name].append(cpu)
    for name in commands:
        print(f"{name:<18} wall median {statistics.median(walls[name]) * 1000:6.0f} ms "
              f"(min {min(walls[name]) * 1000:.0f}), CPU median {statistics.median(cpus[name]) * 1000:5.0f} ms"
              f"  over {runs} runs")
    for label, series in (("wall", walls), ("CPU", cpus)):
        ratio = statistics.median(series["cff score --json"]) / statistics.median(series["python -c pass"])
        print(f"cff score --json / python -c pass ({label}): {ratio:.1f} x  (target <= 4 x)")


if __name__ == "__main__":
    main()
