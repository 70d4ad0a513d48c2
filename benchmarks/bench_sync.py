"""Sync figures: delivery over a bad 2G link, and the inbox under 50 communes at once.

1. Through a proxy throttled to 64 kbit/s (8,000 bytes/s upstream) that drops the connection
   every 200 kB, deliver one package: time against the ideal (size ÷ bandwidth) and bytes on the
   wire ÷ package size. In the same run, the same link with what a plain (multipart-like) upload
   does: send the whole package again after each failure (bounded to a few attempts: with a cut
   every 200 kB a package larger than that can never arrive this way).
2. 50 simulated communes (each its own device key and token) deliver packages concurrently to a
   ``cff-district serve`` process on loopback: packages accepted per second, and the server's
   resident memory (peak and at the end).

    .venv/bin/python benchmarks/bench_sync.py [--size-mb 5] [--communes 50] [--per-commune 4]
                                               [--skip-link] [--skip-load]

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
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from memory_keyring import MemoryKeyring  # noqa: E402
from sync_helpers import CutProxy, District, make_package, wait_for  # noqa: E402

RATE = 8000  # 64 kbit/s
CUT = 200_000




def _workspace(tmp: Path):
    os.environ["CFF_HOME"] = str(tmp / "commune")
    from cff_desktop.services.demo import create_demo
    from cff_desktop.services.workspace import open_workspace

    ws = open_workspace(create=True)
    create_demo(ws, seed=0)
    return ws


def link(tmp: Path, size: int) -> None:
    from cff_desktop.services.sync import enrol, queue_file, sync_once
    from cff_desktop.sync import outbox
    from cff_desktop.sync.client import new_session
    from cff_desktop.sync.outbox import Backoff
    from cff_desktop.sync.protocol import encode_metadata

    ws = _workspace(tmp)
    d = District(tmp / "district")
    path, uid, sha = make_package(ws, tmp / "out", size)
    real = path.stat().st_size
    ideal = real / RATE
    print(f"package {real:,} bytes; link {RATE * 8 // 1000} kbit/s, cut every {CUT:,} bytes; "
          f"ideal time {ideal:.0f} s")

    proxy = CutProxy(d.port, cut_every=CUT, rate=RATE)
    enrol(ws, proxy.url, d.code())
    queue_file(ws, path)
    t0 = time.monotonic()
    passes = 0
    while outbox.pending(ws.store) and passes < 200:
        sync_once(ws, backoff=Backoff(base=1, cap=1, jitter=0), pause=lambda s: time.sleep(0.5), max_stalls=6)
        passes += 1
        nxt = outbox.next_due(ws.store)
        if nxt and outbox.pending(ws.store):
            time.sleep(1)
    took = time.monotonic() - t0
    r = outbox.get(ws.store, uid)
    print(f"resumable (tus): {r['state']} in {took:.0f} s = {took / ideal:.2f} x ideal; "
          f"wire {proxy.up_bytes:,} bytes = {proxy.up_bytes / real:.3f} x size; {proxy.cuts} cuts, {passes} passes")
    proxy.close()

    # the same link, re-sending the whole package after each failure
    proxy = CutProxy(d.port, cut_every=CUT, rate=RATE)
    token = ws.store.one("SELECT value FROM setting WHERE key = 'sync.server_fingerprint'")["value"]
    token = keyring.get_password("cff_desktop", f"sync-token:{token}")
    s = new_session()
    headers = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
    attempts, done = 0, False
    t0 = time.monotonic()
    while attempts < 5 and not done:
        attempts += 1
        other = str(uuidlib.uuid4())  # a new upload each time, as a plain POST would be
        try:
            resp = s.post(f"{proxy.url}/files/", timeout=30, headers=headers | {
                "Upload-Length": str(real), "Upload-Metadata": encode_metadata({"uuid": other, "sha256": sha})})
            url = proxy.url + resp.headers["Location"]
            resp = s.patch(url, data=path.read_bytes(), timeout=(30, 120), headers=headers | {
                "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
            done = resp.status_code == 204
        except requests.RequestException:
            pass
    took = time.monotonic() - t0
    state = "delivered" if done else f"NOT delivered after {attempts} attempts"
    print(f"whole package again on each failure: {state} in {took:.0f} s; wire {proxy.up_bytes:,} bytes = "
          f"{proxy.up_bytes / real:.3f} x size (each attempt dies at the next cut: it can never arrive)")
    proxy.close()
    d.stop()
    ws.close()


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
        def up() -> bool:
            try:
                return requests.get(f"{url}/api/v1/ping", timeout=1).ok
            except requests.RequestException:
                return False

        wait_for(up, "the server", tries=300, step=0.1)
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
        for e in errors[:3]:
            print("  error:", e)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=float, default=5.0)
    ap.add_argument("--communes", type=int, default=50)
    ap.add_argument("--per-commune", type=int, default=4)
    ap.add_argument("--load-kb", type=int, default=200)
    ap.add_argument("--skip-link", action="store_true")
    ap.add_argument("--skip-load", action="store_true")
    args = ap.parse_args()
    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        if not args.skip_load:
            load(tmp, args.communes, args.per_commune, args.load_kb * 1000)
        if not args.skip_link:
            link(tmp, int(args.size_mb * 1_000_000))


if __name__ == "__main__":
    main()
