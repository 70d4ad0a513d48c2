"""Scoring one full assessment (13 criteria, 23 indicators) with the pure engine."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import describe, timed

from cff_desktop.rules.engine import parse_values, score
from cff_desktop.rules.loader import bundled_files, load_file
from cff_desktop.services.demo import demo_figures


def main() -> None:
    rs = next(r for r in map(load_file, bundled_files()) if r.id == "qd06-2019")
    raw = demo_figures(0)
    values = parse_values(rs, raw)
    for _ in range(200):
        score(rs, "other", values)
    samples = timed(lambda: score(rs, "other", values), 5000)
    print(f"engine score(): {describe(samples)}")
    print(f"assessments scored per second: {1 / statistics.median(samples):,.0f}")
    samples = timed(lambda: score(rs, "other", parse_values(rs, raw)), 2000)
    print(f"parse + score from raw JSON values: {describe(samples)}")


if __name__ == "__main__":
    main()
