"""Sync figures: delivery over a mountain 2G link, and the inbox under many communes at once.

1. Link scenarios, each through a proxy on 127.0.0.1 with a 300 ms round trip that resets both
   sides of every connection after a given number of upstream bytes and can stay down after
   each cut, with the real ``cff sync`` loop (``services.sync.run``) at its DEFAULT settings:
   (a) 64 kbit/s, cut every 200 kB;
   (b) 640 kbit/s, cut every 150 kB, link down 1.5 s after each cut;
   (c) 64 kbit/s, cut every 200 kB, link down 20 s after each cut.
   Printed: time ÷ ideal (size ÷ bandwidth), time ÷ (ideal + total outage), bytes on the link ÷
   package size, cuts, and whether the inbox stored the package exactly once.
2. Many simulated communes (each its own device key and token) deliver packages concurrently to
   a ``cff-district serve`` process on loopback: packages accepted per second, duplicates,
   and the server's resident memory (peak and at the end).

    .venv/bin/python benchmarks/bench_sync.py [--scenarios abc] [--size-a-mb 1] [--size-b-mb 4]
        [--size-c-mb 1] [--communes 50] [--per-commune 4] [--skip-link] [--skip-load]

Default sizes keep each link scenario within about 2–4 minutes (a full 5 MB at 64 kbit/s takes
over 10 minutes; the ratios do not depend on the size once a package spans several cuts).
Everything runs on 127.0.0.1; keys live in an in-memory keyring.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid as uuidlib
from pathlib import Path

import keyring

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from memory_keyring import MemoryKeyring  # noqa: E402
from sync_helpers import District, LinkProxy, make_package, wait_until_serving  # noqa: E402

SCENARIOS = {  # name: (bytes per second, cut every, outage seconds after each cut)
    "a": (8_000, 200_000, 0.0),
    "b": (80_000, 150_000, 1.5),
    "c": (8_000, 200_000, 20.0),
}
RTT = 0.3


def _workspace(tmp: Path):
    os.environ["CFF_HOME"] = str(tmp / "commune")
    from cff_desktop.services.demo import create_demo
    from cff_desktop.services.workspace import open_workspace

    ws = open_workspace(create=True)
    create_demo(ws, seed=0)
    return ws


def link(tmp: Path, name: str, size: int, ws, d: District, up_share: float = 0.5) -> None:
    from cff_desktop.services.sync import enrol, queue_file, run, set_paused
    from cff_desktop.sync import outbox

    rate, cut, outage = SCENARIOS[name]
    path, uid, _ = make_package(ws, tmp / f"out-{name}", size, seed=ord(name))
    real = path.stat().st_size
    ideal = real / rate
    bound = ideal * 4 + 600
    proxy = LinkProxy(d.port, rate=rate, rtt=RTT, cut_every=cut, outage=outage, max_seconds=bound + 60,
                      up_share=up_share)
    enrol(ws, proxy.url, d.code())
    queue_file(ws, path)
    timer = threading.Timer(bound, lambda: set_paused(ws, True))  # a run can never hang the benchmark
    timer.start()
    t0 = time.monotonic()
    run(ws)  # cff sync's loop, default settings
    took = time.monotonic() - t0
    timer.cancel()
    set_paused(ws, False)
    r = outbox.get(ws.store, uid)
    outages = proxy.cuts * outage
    got = d.inbox.store.one("SELECT count(*) AS n FROM package WHERE uuid = ?", (uid,))["n"]
    lost_in_air = proxy.cuts * rate * RTT * up_share
    print(f"({name}) {real:,} bytes at {rate * 8 // 1000} kbit/s, RTT {RTT * 1000:.0f} ms ({up_share * 100:.0f}% of it "
          f"upward), cut every {cut:,} bytes"
          f"{f', down {outage:g} s after each cut' if outage else ''}: {r['state']} in {took:.0f} s "
          f"(ideal {ideal:.0f} s) = {took / ideal:.2f} x ideal, {took / (ideal + outages):.2f} x (ideal + "
          f"{outages:.0f} s outage); link bytes {proxy.up_bytes:,} = {proxy.up_bytes / real:.3f} x size; "
          f"{proxy.cuts} cuts (≈{lost_in_air / 1000:.0f} kB lost in the air: "
          f"{(proxy.up_bytes - lost_in_air) / real:.3f} x size without it), {proxy.refused} connections refused "
          f"while down; stored once: {got == 1}; "
          f"receipt {r['receipt_id'] or '-'}", flush=True)
    proxy.close()


def _rss(pid: int) -> tuple[int, int]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0, 0
    vals = {ln.split(":")[0]: int(ln.split()[1]) for ln in text.splitlines() if ln.startswith(("VmRSS", "VmHWM"))}
    return vals.get("VmRSS", 0) * 1024, vals.get("VmHWM", 0) * 1024


def load(tmp: Path, communes: int, per: int, size: int) -> None:
    import socket

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from cff_desktop.dossier.package import PayloadFile, build
    from cff_desktop.sync.client import SyncClient, enrol, new_session
    from cff_desktop.sync.inbox_store import InboxStore
    from cff_desktop.sync.protocol import fingerprint, public_text

    data = tmp / "load-district"
    store = InboxStore(data)
    codes = [(f"{10000 + i}", store.new_enrol_code(f"{10000 + i}", f"Xã {i}")) for i in range(communes)]
    store.close()
    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0))
        port = sk.getsockname()[1]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "cff_desktop.cli.inbox_server", "serve", "--data", str(data),
                             "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, "the server")
        base_rss = _rss(proc.pid)[0]
        jobs = []
        for code, one_time in codes:
            key = Ed25519PrivateKey.generate()
            pub = public_text(key)
            dev = {"id": f"dev-{code}", "public_key": pub, "fingerprint": fingerprint(pub)}
            ans = enrol(url, one_time, dev)
            pkgs = []
            for _ in range(per):
                uid = str(uuidlib.uuid4())
                header = {"uuid": uid, "kind": "dossier", "commune": {"code": code, "name": "x", "province": "y"},
                          "round": {"year": 2024}, "ruleset": {"id": "qd06-2019", "version": "1", "sha256": "0" * 64},
                          "created_at": "2024-11-20T00:00:00+00:00", "app_version": "bench",
                          "device": {"id": dev["id"]}, "supersedes": None, "chain": []}
                out = tmp / "pk" / f"{uid}.cffpkg"
                out.parent.mkdir(exist_ok=True)
                work = tmp / "pk" / f"w-{uid}"
                work.mkdir()
                built = build(out, header, [PayloadFile("evidence/x", data=random.randbytes(size), compress=False)],
                              key, None, work)
                work.rmdir()
                pkgs.append((out, uid, built.sha256))
            jobs.append((SyncClient(url, ans["token"], ans["server"]["public_key"], code, session=new_session()), pkgs))
        peak = [0]
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], _rss(proc.pid)[0])
                time.sleep(0.05)

        accepted = [0]
        errors: list[str] = []
        lock = threading.Lock()

        def commune(cl: SyncClient, pkgs: list) -> None:
            for path, uid, sha in pkgs:
                try:
                    cl.deliver(path, uid, sha)
                    with lock:
                        accepted[0] += 1
                except Exception as e:  # counted and shown, never hidden
                    errors.append(f"{type(e).__name__}: {e}")

        w = threading.Thread(target=watch)
        w.start()
        threads = [threading.Thread(target=commune, args=job) for job in jobs]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.monotonic() - t0
        stop.set()
        w.join()
        rss, hwm = _rss(proc.pid)
        total = sum(p[0].stat().st_size for _, pk in jobs for p in pk)
        print(f"{communes} communes x {per} packages of {size // 1000} kB concurrently: {accepted[0]} accepted in "
              f"{took:.1f} s = {accepted[0] / took:.1f} packages/s ({total / took / 1e6:.1f} MB/s); "
              f"errors {len(errors)}")
        print(f"server memory: {base_rss / 1e6:.0f} MB idle, peak {max(peak[0], hwm) / 1e6:.0f} MB, "
              f"{rss / 1e6:.0f} MB after")
        import sqlite3

        conn = sqlite3.connect(data / "inbox.sqlite")
        try:
            rows, distinct = conn.execute("SELECT count(*), count(DISTINCT commune || uuid) FROM package").fetchone()
        finally:
            conn.close()
        print(f"stored: {rows} package rows for {communes * per} packages, {rows - distinct} duplicates; "
              f"{len(list((data / 'uploads').iterdir()))} upload files left")
        for e in errors[:3]:
            print("  error:", e)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenarios", default="abc")
    ap.add_argument("--size-a-mb", type=float, default=1.0)
    ap.add_argument("--size-b-mb", type=float, default=4.0)
    ap.add_argument("--size-c-mb", type=float, default=1.0)
    ap.add_argument("--communes", type=int, default=50)
    ap.add_argument("--per-commune", type=int, default=4)
    ap.add_argument("--load-kb", type=int, default=200)
    ap.add_argument("--up-share", type=float, default=0.5, help="part of the round trip on the way up")
    ap.add_argument("--skip-link", action="store_true")
    ap.add_argument("--skip-load", action="store_true")
    args = ap.parse_args()
    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        if not args.skip_load:
            load(tmp, args.communes, args.per_commune, args.load_kb * 1000)
        if not args.skip_link:
            ws = _workspace(tmp)
            d = District(tmp / "district")
            try:
                for name in args.scenarios:
                    link(tmp, name, int(getattr(args, f"size_{name}_mb") * 1_000_000), ws, d, args.up_share)
            finally:
                d.stop()
                ws.close()


if __name__ == "__main__":
    main()
