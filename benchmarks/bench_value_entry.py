"""10,000 values entered one by one through the services, each its own transaction + audit row."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main(n: int = 10_000) -> None:
    home = Path(tempfile.mkdtemp(prefix="cff-bench-"))
    os.environ["CFF_HOME"] = str(home)
    from cff_desktop.services.demo import create_demo
    from cff_desktop.services.values import set_value
    from cff_desktop.services.workspace import open_workspace

    with open_workspace(create=True) as ws:
        create_demo(ws)
        size0 = ws.paths.db.stat().st_size
        t0 = time.perf_counter()
        for k in range(n):
            den = 100 + k % 50
            set_value(ws, "7.1", {"numerator": den - k % 5, "denominator": den}, as_officer="Vi Thị Hồng",
                      note=f"lần nhập {k}")
        dt = time.perf_counter() - t0
        ws.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        audit = ws.store.one("SELECT count(*) AS n FROM audit")["n"]
    size = (home / "cff.sqlite").stat().st_size
    print(f"{n:,} values in {dt:.2f} s: {n / dt:,.0f} values/s ({dt / n * 1000:.2f} ms each, "
          f"synchronous=FULL, WAL)")
    print(f"audit rows: {audit:,}; database size after: {size / 1024:,.0f} KiB "
          f"(demo before: {size0 / 1024:,.0f} KiB)")


if __name__ == "__main__":
    sys.exit(main())
