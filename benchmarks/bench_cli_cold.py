"""`cff score --json` as a whole process, cold: what a user (or a script) waits for."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(runs: int = 15) -> None:
    home = tempfile.mkdtemp(prefix="cff-bench-")
    env = dict(os.environ, CFF_HOME=home)
    cmd = [sys.executable, "-m", "cff_desktop.cli"]
    subprocess.run([*cmd, "demo", "create"], check=True, env=env, capture_output=True, cwd=ROOT)
    subprocess.run([*cmd, "score", "--json"], check=True, env=env, capture_output=True, cwd=ROOT)
    for label, args in (("round in the database", ["score", "--json"]),
                        ("--version (interpreter + argparse only)", ["--version"])):
        samples = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run([*cmd, *args], check=True, env=env, capture_output=True, cwd=ROOT)
            samples.append(time.perf_counter() - t0)
        print(f"cff {' '.join(args)} [{label}]: median {statistics.median(samples) * 1000:.0f} ms, "
              f"min {min(samples) * 1000:.0f} ms, max {max(samples) * 1000:.0f} ms over {runs} runs")


if __name__ == "__main__":
    main()
