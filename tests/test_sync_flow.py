"""Sync against a real inbox on 127.0.0.1: delivery with a signed receipt, idempotency, conflicts,
decisions and rule sets coming back, enrolment and tokens, and the link cut at random points."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
from sync_helpers import CutProxy, District, make_package, sha_of
from test_package_damage import dump, memory_keyring  # noqa: F401  (fixture)

from cff_desktop.sync.outbox import Backoff
from cff_desktop.sync.tus import ChunkPolicy

FAST = Backoff(base=0.0, cap=0.0, jitter=0.0)  # every retry due at once: tests loop a bounded number of times


@pytest.fixture
def district(tmp_path: Path):
    d = District(tmp_path / "district")
    yield d
    d.stop()


def enrol(ws, url: str, district: District, commune: str = "03199"):
    from cff_desktop.services.sync import enrol as do_enrol

    cfg = do_enrol(ws, url, district.code(commune))
    # the settings point at the URL given (a proxy in some tests); the key is the server's
    assert cfg.fingerprint == district.inbox.store.fingerprint
    return cfg


def passes(ws, n: int = 20, **kw):
    """Run sync passes (at most ``n``) until the outbox has nothing pending; the last report."""
    from cff_desktop.services.sync import sync_once
    from cff_desktop.sync import outbox

    kw.setdefault("backoff", FAST)
    kw.setdefault("pause", lambda s: None)
    kw.setdefault("link_wait", 0.0)  # with pauses skipped, a dead link ends the try at once
    report = None
    for _ in range(n):
        report = sync_once(ws, **kw)
        if not outbox.pending(ws.store) or report.auth_error:
            break
    return report


def row(ws, uuid: str) -> dict:
    from cff_desktop.sync import outbox

    r = outbox.get(ws.store, uuid)
    assert r is not None
    return r


# --- the normal path ---------------------------------------------------------------------------


def test_deliver_with_signed_receipt_then_idempotent(demo_ws, district: District, tmp_path: Path) -> None:
    from cff_desktop.services.sync import queue_file, status
    from cff_desktop.sync.protocol import RECEIPT_TYPE, open_document

    enrol(demo_ws, district.url, district)
    path, uid, sha = make_package(demo_ws, tmp_path / "out", 300_000)
    q = queue_file(demo_ws, path)
    assert q.new and not queue_file(demo_ws, path).new  # queuing twice is a no-op
    report = passes(demo_ws)
    assert [d["uuid"] for d in report.delivered] == [uid]
    r = row(demo_ws, uid)
    assert r["state"] == "delivered" and r["sent"] == r["size"] == path.stat().st_size
    assert r["receipt_id"].startswith(f"TN-{datetime.now(UTC).year}-")
    body = open_document(json.loads(r["receipt"]), district.inbox.store.public_key, RECEIPT_TYPE)
    assert body["package"] == {"uuid": uid, "sha256": sha, "size": path.stat().st_size, "kind": "dossier",
                               "year": 2024}
    # the server keeps it by content, and the bytes are the package's
    stored = district.inbox.store.package_path(sha)
    assert stored.is_file() and sha_of(stored) == sha
    assert district.upload_files() == []
    text = status(demo_ws)["outbox"][0]["text"]
    assert text.startswith("Đã nhận lúc ") and f"mã tiếp nhận {r['receipt_id']}" in text
    # delivered packages are not sent again
    assert passes(demo_ws).delivered == []
    # the same package again (e.g. the outbox row lost): success with the original receipt
    with demo_ws.store.transaction() as conn:
        conn.execute("UPDATE sync_outbox SET state = 'queued', receipt = NULL, receipt_id = '' WHERE uuid = ?", (uid,))
    again = passes(demo_ws)
    assert again.delivered[0]["duplicate"] and again.delivered[0]["receipt_id"] == r["receipt_id"]
    assert len(district.packages()) == 1
    actions = [a["action"] for a in demo_ws.store.query("SELECT action FROM audit ORDER BY seq")]
    assert "sync.enrol" in actions and "package.queue" in actions and "package.deliver" in actions


def test_token_is_only_in_the_keyring(demo_ws, district: District, memory_keyring) -> None:  # noqa: F811
    enrol(demo_ws, district.url, district)
    tokens = [v for (svc, name), v in memory_keyring.items.items() if name.startswith("sync-token:")]
    assert len(tokens) == 1 and tokens[0].startswith("cfft_")
    assert tokens[0] not in json.dumps(dump(demo_ws), default=str)
    assert not any(tokens[0].encode() in p.read_bytes() for p in demo_ws.paths.home.rglob("*") if p.is_file())
    # and the server keeps only its hash
    assert tokens[0] not in json.dumps(district.inbox.store.query("SELECT * FROM token"))


def test_same_uuid_other_bytes_is_a_conflict(demo_ws, district: District, tmp_path: Path) -> None:
    from cff_desktop.services.sync import queue_file

    enrol(demo_ws, district.url, district)
    first, uid, sha = make_package(demo_ws, tmp_path / "a", 50_000, seed=1)
    queue_file(demo_ws, first)
    passes(demo_ws)
    other, uid2, sha2 = make_package(demo_ws, tmp_path / "b", 50_000, uid=uid, seed=2)
    assert uid2 == uid and sha2 != sha
    with demo_ws.store.transaction() as conn:  # a second laptop (or a bug) reusing the UUID
        conn.execute("DELETE FROM sync_outbox")
    queue_file(demo_ws, other)
    report = passes(demo_ws)
    assert report.failed and report.failed[0]["final"]
    r = row(demo_ws, uid)
    assert r["state"] == "conflict" and "cùng mã" in r["last_error"] and "nội dung khác" in r["last_error"]
    assert [(p["uuid"], p["sha256"]) for p in district.packages()] == [(uid, sha)]
    # and the raw protocol says 409 already at creation, with the clear message
    from cff_desktop.services.sync import _client

    cl = _client(demo_ws)
    resp = requests.post(f"{district.url}/files/", headers={
        "Tus-Resumable": "1.0.0", "Upload-Length": "10", "Authorization": f"Bearer {cl.token}",
        "Upload-Metadata": f"uuid {_b64(uid)},sha256 {_b64(sha2)}"}, timeout=10)
    assert resp.status_code == 409 and "nội dung khác" in resp.json()["message"]


def _b64(s: str) -> str:
    import base64

    return base64.b64encode(s.encode()).decode()


def test_one_failing_package_never_blocks_others(demo_ws, district: District, tmp_path: Path) -> None:
    from cff_desktop.services.sync import queue_file

    enrol(demo_ws, district.url, district)
    a, ua, _ = make_package(demo_ws, tmp_path / "o", 20_000, seed=1)
    b, ub, _ = make_package(demo_ws, tmp_path / "o", 20_000, seed=2)
    queue_file(demo_ws, a)
    queue_file(demo_ws, b)
    a.unlink()  # the first package's file is gone (deleted by hand)
    report = passes(demo_ws)
    assert [d["uuid"] for d in report.delivered] == [ub]
    assert row(demo_ws, ua)["state"] == "refused" and "không còn" in row(demo_ws, ua)["last_error"]


def test_unenrolled_device_and_tampered_package_are_refused_with_the_reason(demo_ws, district: District,
                                                                            tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from cff_desktop.services.sync import _client

    enrol(demo_ws, district.url, district)
    cl = _client(demo_ws, pause=lambda s: None)
    stranger, uid, sha = make_package(demo_ws, tmp_path / "x", 10_000, key=Ed25519PrivateKey.generate())
    from cff_desktop.sync.errors import PackageRefusedByServer

    with pytest.raises(PackageRefusedByServer) as e:
        cl.deliver(stranger, uid, sha)
    assert "chưa đăng ký" in e.value.message
    good, uid2, _ = make_package(demo_ws, tmp_path / "y", 10_000)
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 1  # inside the evidence member
    bad = tmp_path / "bad.cffpkg"
    bad.write_bytes(bytes(data))
    import hashlib

    with pytest.raises(PackageRefusedByServer) as e:
        cl.deliver(bad, uid2, hashlib.sha256(bytes(data)).hexdigest())
    assert "từ chối" in e.value.message
    assert district.packages() == [] and district.upload_files() == []


# --- cuts, restarts, faults --------------------------------------------------------------------


def test_link_cut_at_random_points_resumes_without_resending(demo_ws, district: District, tmp_path: Path) -> None:
    from cff_desktop.services.sync import queue_file

    proxy = CutProxy(district.port, cut_every=40_000, jitter=0.9, seed=7)
    try:
        enrol(demo_ws, proxy.url, district)
        path, uid, sha = make_package(demo_ws, tmp_path / "o", 600_000)
        queue_file(demo_ws, path)
        seen: list[int] = []
        passes(demo_ws, n=60, progress=lambda u, sent, total, speed: seen.append(sent),
               chunk=ChunkPolicy(size=64 * 1024))
        r = row(demo_ws, uid)
        assert r["state"] == "delivered", r["last_error"]
        assert proxy.cuts >= 10
        assert sha_of(district.inbox.store.package_path(sha)) == sha
        size = path.stat().st_size
        # bytes acknowledged are never resent: the wire carries the package plus headers and
        # whatever was in flight at each cut (at most one proxy read each), never whole re-sends
        assert proxy.up_bytes < size * 1.25, (proxy.up_bytes, size)
        assert seen == sorted(seen)  # the server's offset only moves forward
    finally:
        proxy.close()


def test_server_restarted_mid_upload_resumes_from_its_offset(demo_ws, district: District, tmp_path: Path) -> None:
    import threading

    from sync_helpers import wait_for

    from cff_desktop.services.sync import queue_file, sync_once

    proxy = CutProxy(district.port, rate=150_000)
    try:
        enrol(demo_ws, proxy.url, district)
        path, uid, sha = make_package(demo_ws, tmp_path / "o", 700_000)
        queue_file(demo_ws, path)
        result = {}
        t = threading.Thread(target=lambda: result.setdefault("r", sync_once(
            demo_ws, backoff=FAST, pause=lambda s: None, max_stalls=2, link_wait=0.0,
            chunk=ChunkPolicy(size=1 << 20))))
        t.start()
        wait_for(lambda: any(p.stat().st_size > 200_000 for p in district.upload_files()), "bytes at the server")
        district.stop()
        t.join(timeout=60)
        assert not t.is_alive()
        r = row(demo_ws, uid)
        assert r["state"] == "queued" and r["upload_url"] and "Mất kết nối" in r["last_error"]
        kept = sum(p.stat().st_size for p in (district.data / "uploads").iterdir())
        assert kept > 200_000  # the cut request's bytes were written as they arrived
        district.start()
        proxy.backend_port = district.port
        before = proxy.up_bytes
        report = passes(demo_ws)
        assert report.delivered and report.delivered[0]["uuid"] == uid
        assert proxy.up_bytes - before < path.stat().st_size - kept + 50_000  # only the rest went
        assert sha_of(district.inbox.store.package_path(sha)) == sha
    finally:
        proxy.close()


def test_clock_skew_between_machines_does_not_matter(demo_ws, tmp_path: Path) -> None:
    from cff_desktop.services.sync import queue_file

    for days in (3, -400):
        d = District(tmp_path / f"district{days}", clock=lambda days=days: datetime.now(UTC) + timedelta(days=days))
        try:
            enrol(demo_ws, d.url, d)
            path, uid, _ = make_package(demo_ws, tmp_path / f"o{days}", 20_000)
            queue_file(demo_ws, path)
            passes(demo_ws)
            r = row(demo_ws, uid)
            assert r["state"] == "delivered"
            shown = datetime.fromisoformat(r["received_at"])
            assert abs((shown - datetime.now(UTC)) - timedelta(days=days)) < timedelta(minutes=5)
        finally:
            d.stop()


def test_revoked_token_stops_sending_and_keeps_the_package(demo_ws, district: District, tmp_path: Path) -> None:
    from cff_desktop.services.sync import queue_file

    enrol(demo_ws, district.url, district)
    path, uid, _ = make_package(demo_ws, tmp_path / "o", 30_000)
    queue_file(demo_ws, path)
    assert district.inbox.store.revoke("03199") == 1
    report = passes(demo_ws)
    assert "thu hồi" in report.auth_error and "cff sync enrol" in report.auth_error
    r = row(demo_ws, uid)
    assert r["state"] == "queued" and path.is_file() and district.packages() == []
    enrol(demo_ws, district.url, district)  # a new code from the upper level
    assert passes(demo_ws).delivered[0]["uuid"] == uid


def test_two_clients_of_one_commune_send_the_same_package_at_once(demo_ws, district: District,
                                                                  tmp_path: Path) -> None:
    import threading

    from cff_desktop.services.sync import _client

    enrol(demo_ws, district.url, district)
    path, uid, sha = make_package(demo_ws, tmp_path / "o", 400_000)
    clients = [_client(demo_ws, chunk=ChunkPolicy(size=32 * 1024)) for _ in range(2)]
    out: list = [None, None]

    def go(i: int) -> None:
        try:
            out[i] = clients[i].deliver(path, uid, sha)
        except Exception as e:
            out[i] = e

    ts = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout=120)
    assert all(not isinstance(o, Exception) for o in out), out
    assert out[0].receipt.receipt_id == out[1].receipt.receipt_id
    assert len(district.packages()) == 1 and district.upload_files() == []


def test_expired_upload_is_swept_and_the_client_starts_a_new_one(demo_ws, tmp_path: Path) -> None:
    from cff_desktop.services.sync import _client, queue_file
    from cff_desktop.sync import outbox
    from cff_desktop.sync.protocol import ServerLimits

    skew = {"d": timedelta(0)}
    d = District(tmp_path / "district", limits=ServerLimits(min_free=0, upload_ttl_hours=1),
                 clock=lambda: datetime.now(UTC) + skew["d"])
    try:
        enrol(demo_ws, d.url, d)
        path, uid, _ = make_package(demo_ws, tmp_path / "o", 100_000)
        queue_file(demo_ws, path)
        cl = _client(demo_ws)
        from cff_desktop.sync.tus import TusUploader

        up = TusUploader(cl.session, f"{d.url}/files/", headers={"Authorization": f"Bearer {cl.token}"})
        url = up.create(path.stat().st_size, {"uuid": uid, "sha256": sha_of(path)})
        outbox.set_upload_url(demo_ws.store, uid, url)
        skew["d"] = timedelta(hours=2)
        assert d.inbox.sweep() == 1 and d.upload_files() == []
        assert requests.head(url, headers={"Tus-Resumable": "1.0.0", "Authorization": f"Bearer {cl.token}"},
                             timeout=10).status_code == 404
        report = passes(demo_ws)
        assert report.delivered and row(demo_ws, uid)["upload_url"] != url
    finally:
        d.stop()


def test_offline_says_when_it_will_try_again(demo_ws, district: District, tmp_path: Path) -> None:
    from cff_desktop.services.sync import queue_file, status, sync_once

    enrol(demo_ws, district.url, district)
    path, uid, _ = make_package(demo_ws, tmp_path / "o", 10_000)
    queue_file(demo_ws, path)
    district.stop()
    report = sync_once(demo_ws, backoff=Backoff(base=60, cap=60, jitter=0.5), rng=random.Random(1))
    assert not report.online
    r = row(demo_ws, uid)
    retry = datetime.fromisoformat(r["next_attempt_at"])
    assert timedelta(seconds=29) < retry - datetime.now(UTC) < timedelta(seconds=61)
    text = status(demo_ws)["outbox"][0]["text"]
    vietnam = retry.astimezone(timezone(timedelta(hours=7)))  # whatever this computer's zone is
    assert text == f"Mất kết nối — sẽ thử lại lúc {vietnam.strftime('%H:%M')}."
    # not due yet: another pass right away does not touch it
    before = r["attempts"]
    sync_once(demo_ws)
    assert row(demo_ws, uid)["attempts"] == before
    district.start()


# --- decisions and rule sets down the wire -----------------------------------------------------


def test_decisions_and_rule_sets_come_back_verified(demo_ws, district: District, tmp_path: Path) -> None:
    from cff_desktop.common.resources import resource_dir
    from cff_desktop.services.sync import install_ruleset, queue_file, status
    from cff_desktop.services.sync_district import decide, publish_ruleset

    enrol(demo_ws, district.url, district)
    path, uid, _ = make_package(demo_ws, tmp_path / "o", 10_000)
    queue_file(demo_ws, path)
    passes(demo_ws)
    decide(district.data, uid, "returned", ["7: Thiếu sổ tiêm chủng tháng 10", "Bổ sung chữ ký"])
    src = json.loads(resource_dir("rulesets", "qd06-2019.json").read_text("utf-8"))
    src["version"] = "2099.1"
    rs_file = tmp_path / "qd06-new.json"
    rs_file.write_text(json.dumps(src, ensure_ascii=False), "utf-8")
    publish_ruleset(district.data, rs_file)
    report = passes(demo_ws)
    assert report.decisions[0]["decision"] == "returned"
    assert report.decisions[0]["comments"][0] == {"criterion": "7", "text": "Thiếu sổ tiêm chủng tháng 10"}
    assert [r["version"] for r in report.rulesets] == ["2099.1"]
    st = status(demo_ws)
    assert st["decisions"][0]["package_uuid"] == uid and not st["rulesets"][0]["installed"]
    assert install_ruleset(demo_ws, st["rulesets"][0]["sha256"][:12])["new"]
    assert any(r.version == "2099.1" for r in demo_ws.library.all())
    assert passes(demo_ws).decisions == []  # pulled once


def test_forged_rule_set_is_never_offered(demo_ws, district: District, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from cff_desktop.services.sync import queue_file, status
    from cff_desktop.sync.protocol import RULESET_TYPE, sign_document

    enrol(demo_ws, district.url, district)
    forged = sign_document(Ed25519PrivateKey.generate(), {"type": RULESET_TYPE, "ruleset": {
        "id": "qd06-2019", "version": "9", "sha256": "0" * 64}})
    with district.inbox.store.tx() as conn:
        conn.execute("INSERT INTO ruleset (sha256, id, version, doc, published_at) VALUES (?, ?, ?, ?, ?)",
                     ("0" * 64, "qd06-2019", "9", json.dumps(forged), "2024-01-01"))
    path, _, _ = make_package(demo_ws, tmp_path / "o", 10_000)
    queue_file(demo_ws, path)
    report = passes(demo_ws)
    assert report.delivered and "chữ ký" in report.pull_error
    assert status(demo_ws)["rulesets"] == []


# --- enrolment ---------------------------------------------------------------------------------


def test_enrolment_codes_are_one_time_and_checked(demo_ws, district: District) -> None:
    from cff_desktop.common.errors import BadInput, CffError
    from cff_desktop.services.sync import config
    from cff_desktop.services.sync import enrol as do_enrol

    code = district.code()
    do_enrol(demo_ws, district.url, code)
    with pytest.raises(CffError) as e:
        do_enrol(demo_ws, district.url, code)
    assert "đã dùng" in e.value.message
    with pytest.raises(CffError) as e:
        do_enrol(demo_ws, district.url, "ABCD-EFGH-JKLM")
    assert "không đúng" in e.value.message
    with pytest.raises(BadInput):
        do_enrol(demo_ws, "ftp://x", code)
    with pytest.raises(CffError) as e:
        do_enrol(demo_ws, "http://127.0.0.1:9", code)
    assert "không kết nối được" in e.value.message
    assert config(demo_ws).commune == "03199"
    with pytest.raises(BadInput):
        district.inbox.store.new_enrol_code("../../x")


def test_sync_without_enrolment_is_refused(demo_ws) -> None:
    from cff_desktop.common.errors import Refused
    from cff_desktop.services.sync import sync_once

    with pytest.raises(Refused) as e:
        sync_once(demo_ws)
    assert "chưa đăng ký" in e.value.message


def test_proxy_settings_from_the_environment_are_honoured(demo_ws, district: District,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from cff_desktop.services.sync import _client
    from cff_desktop.sync.errors import Offline

    enrol(demo_ws, district.url, district)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # a proxy that is not there
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with pytest.raises(Offline):
        _client(demo_ws).ping()
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert _client(demo_ws).ping()["server"] == "cff-district"


def test_schema_tables_exist(demo_ws) -> None:
    conn = sqlite3.connect(demo_ws.paths.db)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert {"sync_outbox", "sync_event", "sync_decision", "sync_ruleset"} <= names


def test_paused_by_the_user_sends_nothing_until_resumed(demo_ws, district: District, tmp_path: Path) -> None:
    from cff_desktop.services.sync import queue_file, set_paused, status, sync_once

    enrol(demo_ws, district.url, district)
    path, uid, _ = make_package(demo_ws, tmp_path / "o", 10_000)
    queue_file(demo_ws, path)
    set_paused(demo_ws, True)
    assert sync_once(demo_ws).paused and status(demo_ws)["paused"]
    assert row(demo_ws, uid)["state"] == "queued" and row(demo_ws, uid)["attempts"] == 0
    assert district.upload_files() == [] and district.packages() == []
    set_paused(demo_ws, False)
    assert passes(demo_ws).delivered


def test_lost_device_key_is_said_plainly_with_the_fix_that_works(demo_ws, district: District, tmp_path: Path,
                                                                  memory_keyring) -> None:  # noqa: F811
    """The keyring lost the device's signing key (new Windows profile): a new key is made, the
    upper level does not know it, and the clerk is told exactly that and what fixes it; doing
    what the message says (enrol again, submit again) delivers."""
    from cff_desktop.services import keys
    from cff_desktop.services.sync import queue_file, status

    enrol(demo_ws, district.url, district)
    assert not status(demo_ws)["device_key_changed"]
    did = keys.load_settings(demo_ws)["device_id"]
    memory_keyring.delete_password(keys.KEYRING_SERVICE, f"device-key:{did}")
    path, uid, _ = make_package(demo_ws, tmp_path / "o", 20_000)  # signed with the new key
    queue_file(demo_ws, path)
    passes(demo_ws)
    r = row(demo_ws, uid)
    assert r["state"] == "refused", r
    for needle in ("mất khóa ký cũ", "xin cấp trên mã đăng ký mới", "cff sync enrol", "cff submit"):
        assert needle in r["last_error"], (needle, r["last_error"])
    st = status(demo_ws)
    assert st["device_key_changed"] and "cff sync enrol" in st["device_key_message"]
    assert st["outbox"][0]["state"] == "refused" and st["outbox"][0]["text"].startswith("Không gửi được: ")
    assert district.packages() == [] and district.upload_files() == []
    enrol(demo_ws, district.url, district)  # 1) a new code binds the new key
    assert not status(demo_ws)["device_key_changed"]
    path2, uid2, sha2 = make_package(demo_ws, tmp_path / "o2", 20_000)  # 2) packed again with it
    queue_file(demo_ws, path2)
    passes(demo_ws)
    assert row(demo_ws, uid2)["state"] == "delivered"
    assert [p["sha256"] for p in district.packages()] == [sha2]


def test_an_upload_finished_by_another_sender_is_not_sent_again(demo_ws, district: District,
                                                                 tmp_path: Path) -> None:
    """Two laptops of one commune send the same package: while A is about to send, B delivers it
    through the same upload (the inbox hands the same package's upload to both). A's upload
    then no longer exists: A asks whether the package arrived and takes the original receipt,
    instead of starting a fresh full upload."""
    from cff_desktop.services.sync import _client

    enrol(demo_ws, district.url, district)
    path, uid, sha = make_package(demo_ws, tmp_path / "o", 300_000)
    a, b = _client(demo_ws, link_wait=0.0), _client(demo_ws, link_wait=0.0)
    by_b = []

    def b_sends_first(sent: int, total: int, speed: float) -> None:
        if not by_b:
            by_b.append(b.deliver(path, uid, sha))

    got = a.deliver(path, uid, sha, progress=b_sends_first)
    assert by_b and not by_b[0].receipt.duplicate
    assert got.receipt.duplicate and got.receipt.receipt_id == by_b[0].receipt.receipt_id
    assert a.last_stats.wire_bytes <= 64 * 1024  # at most the one chunk under way, never the package again
    assert b.last_stats.wire_bytes == path.stat().st_size
    assert [p["sha256"] for p in district.packages()] == [sha] and district.upload_files() == []
