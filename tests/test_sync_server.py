"""The inbox at the protocol level, against every bad input and fault the issue lists: bodies far
above the limits, path tricks in every id, wrong or missing chunk checksums, another commune's
token, a full disk, a server answering 500 / garbage / a badly signed receipt, and TLS."""

from __future__ import annotations

import base64
import errno
import hashlib
import http.client
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sync_helpers import CutProxy, District, ServerThread, make_package, sha_of
from test_package_damage import memory_keyring  # noqa: F401  (fixture)
from test_sync_flow import FAST, enrol, passes, row

from cff_desktop.sync.protocol import ServerLimits, encode_metadata, fingerprint, public_text

UID = "0b7e1c52-4a40-4d1e-9a43-5a1f0f3b9c11"


@pytest.fixture
def district(tmp_path: Path):
    d = District(tmp_path / "district", limits=ServerLimits(min_free=0, max_package=5_000_000, max_json=64 * 1024))
    yield d
    d.stop()


def token_for(d: District, commune: str = "03199") -> str:
    key = Ed25519PrivateKey.generate()
    pub = public_text(key)
    token, _ = d.inbox.store.redeem_code(d.code(commune), {"id": f"dev-{commune}", "public_key": pub,
                                                           "fingerprint": fingerprint(pub)}, datetime.now(UTC))
    return token


def tus(token: str, **extra: str) -> dict[str, str]:
    return {"Tus-Resumable": "1.0.0", "Authorization": f"Bearer {token}"} | extra


def create(d: District, token: str, length: int, sha: str = "a" * 64, uid: str = UID) -> str:
    r = requests.post(f"{d.url}/files/", headers=tus(token, **{
        "Upload-Length": str(length), "Upload-Metadata": encode_metadata({"uuid": uid, "sha256": sha})}), timeout=10)
    assert r.status_code == 201, r.text
    return d.url + r.headers["Location"]


def patch(url: str, token: str, offset: int, data: bytes, **extra: str) -> requests.Response:
    return requests.patch(url, data=data, timeout=10, headers=tus(token, **{
        "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"} | extra))


def offset(url: str, token: str) -> int:
    r = requests.head(url, headers=tus(token), timeout=10)
    assert r.status_code == 200
    return int(r.headers["Upload-Offset"])


def raw(d: District, method: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10)
    try:
        c.request(method, path, headers=headers or {})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


# --- tus basics --------------------------------------------------------------------------------


def test_options_advertise_the_tus_subset(district: District) -> None:
    r = requests.options(f"{district.url}/files/", timeout=10)
    assert r.status_code == 204
    assert r.headers["Tus-Version"] == "1.0.0"
    assert set(r.headers["Tus-Extension"].split(",")) == {"creation", "creation-with-upload", "checksum",
                                                          "expiration"}
    assert requests.get(f"{district.url}/api/v1/ping", timeout=10).json()["tus_extensions"] == [
        "creation", "creation-with-upload", "checksum", "expiration"]
    assert r.headers["Tus-Max-Size"] == "5000000" and "sha256" in r.headers["Tus-Checksum-Algorithm"]


def test_upload_needs_version_auth_and_metadata(district: District) -> None:
    t = token_for(district)
    base = {"Upload-Length": "10", "Upload-Metadata": encode_metadata({"uuid": UID, "sha256": "a" * 64})}
    assert requests.post(f"{district.url}/files/", headers=base | {"Authorization": f"Bearer {t}"},
                         timeout=10).status_code == 412
    r = requests.post(f"{district.url}/files/", headers=base | {"Tus-Resumable": "1.0.0"}, timeout=10)
    assert r.status_code == 401 and "mã truy cập" in r.json()["message"]
    r = requests.post(f"{district.url}/files/", headers=tus(t, **{"Upload-Length": "10"}), timeout=10)
    assert r.status_code == 400 and "uuid" in r.json()["message"]
    r = requests.post(f"{district.url}/files/", headers=tus(t, **{"Upload-Length": "10", "Upload-Metadata": "uuid"}),
                      timeout=10)
    assert r.status_code == 400
    r = requests.post(f"{district.url}/files/", headers=tus(t, **{"Upload-Defer-Length": "1"}), timeout=10)
    assert r.status_code == 400
    url = create(district, t, 10)
    r = requests.head(url, headers=tus(t), timeout=10)
    assert r.headers["Upload-Offset"] == "0" and r.headers["Upload-Length"] == "10"
    assert r.headers["Cache-Control"] == "no-store" and "GMT" in r.headers["Upload-Expires"]
    assert patch(url, t, 0, b"x", **{"Content-Type": "text/plain"}).status_code == 415
    r = patch(url, t, 3, b"abc")
    assert r.status_code == 409 and r.headers["Upload-Offset"] == "0"


def test_creation_with_upload_and_creating_the_same_package_again(district: District) -> None:
    """The first chunk rides on the creation; creating the same package again (its reply was
    lost) gives back the same upload and offset instead of a second upload."""
    t = token_for(district)
    data = bytes(range(256)) * 400  # 102,400 bytes
    sha = hashlib.sha256(data).hexdigest()
    meta = {"Upload-Length": str(len(data)), "Upload-Metadata": encode_metadata({"uuid": UID, "sha256": sha})}
    r = requests.post(f"{district.url}/files/", data=data[:30_000], timeout=10, headers=tus(t, **meta, **{
        "Content-Type": "application/offset+octet-stream"}))
    assert r.status_code == 201 and r.headers["Upload-Offset"] == "30000", r.text
    url = district.url + r.headers["Location"]
    assert offset(url, t) == 30_000
    again = requests.post(f"{district.url}/files/", headers=tus(t, **meta), timeout=10)
    assert again.status_code == 201 and district.url + again.headers["Location"] == url
    assert again.headers["Upload-Offset"] == "30000"
    # a body for an upload that moved on is not appended at 0
    r = requests.post(f"{district.url}/files/", data=data[:5_000], timeout=10, headers=tus(t, **meta, **{
        "Content-Type": "application/offset+octet-stream"}))
    assert r.status_code == 201 and r.headers["Upload-Offset"] == "30000"
    assert len(district.upload_files()) == 1 and district.upload_files()[0].read_bytes() == data[:30_000]
    # a body that is not an octet stream, or longer than the package, is refused and nothing is created
    other = encode_metadata({"uuid": "1b7e1c52-4a40-4d1e-9a43-5a1f0f3b9c11", "sha256": sha})
    r = requests.post(f"{district.url}/files/", data=b"x" * 10, timeout=10, headers=tus(t, **{
        "Upload-Length": "100", "Upload-Metadata": other, "Content-Type": "text/plain"}))
    assert r.status_code == 400 and "application/offset+octet-stream" in r.json()["message"]
    r = requests.post(f"{district.url}/files/", data=b"x" * 200, timeout=10, headers=tus(t, **{
        "Upload-Length": "100", "Upload-Metadata": other, "Content-Type": "application/offset+octet-stream"}))
    assert r.status_code == 400 and len(district.upload_files()) == 1


def test_head_stops_a_half_open_patch_so_its_offset_is_final(district: District) -> None:
    """A PATCH whose connection the client gave up on (half-open on 2G) still "runs" on the
    server: the client's position check stops it, and the next PATCH at that offset fits."""
    import socket
    import time

    t = token_for(district)
    data = bytes(range(256)) * 400
    url = create(district, t, len(data), hashlib.sha256(data).hexdigest())
    path = url.split(str(district.port), 1)[1]
    s = socket.create_connection(("127.0.0.1", district.port))
    head = (f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\nAuthorization: Bearer {t}\r\n"
            f"Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
            f"Content-Length: {len(data)}\r\n\r\n")
    s.sendall(head.encode() + data[:40_000])  # then silence: the connection stays open
    for _ in range(500):
        if district.upload_files()[0].stat().st_size == 40_000:
            break
        time.sleep(0.01)
    try:
        assert offset(url, t) == 40_000
        r = patch(url, t, 40_000, data[40_000:])
        assert r.status_code == 204 and r.headers["Upload-Offset"] == str(len(data))
        assert district.upload_files()[0].read_bytes() == data
    finally:
        s.close()


def test_client_sends_the_first_chunk_with_the_creation_and_no_position_check(demo_ws, district: District,
                                                                              tmp_path: Path) -> None:
    from cff_desktop.services.sync import _client, queue_file
    from cff_desktop.sync import outbox

    enrol(demo_ws, district.url, district)
    path, uid, sha = make_package(demo_ws, tmp_path / "o", 150_000)
    queue_file(demo_ws, path)
    cl = _client(demo_ws)
    assert passes(demo_ws, client=cl).delivered
    st = cl.last_stats
    assert st.head_probes == 0 and st.failures == 0 and st.conflicts == 0
    assert st.wire_bytes == path.stat().st_size  # every byte once, the first chunk with the creation
    assert [e["event"] for e in outbox.history(demo_ws.store, uid)] == [
        "queued", "create_body", "upload", "delivered"]
    assert sha_of(district.inbox.store.package_path(sha)) == sha


def test_creation_with_upload_cut_midway_creates_again_without_the_body(demo_ws, district: District,
                                                                        tmp_path: Path) -> None:
    """The creation request is cut in the middle of its body: its reply (the URL) is lost. The
    client waits for the link and creates again *without* a body; the inbox hands back the same
    upload with the bytes it kept, and only the rest goes."""
    from cff_desktop.services.sync import _client, queue_file
    from cff_desktop.sync import outbox

    proxy = CutProxy(district.port, cut_every=40_000)
    try:
        enrol(demo_ws, proxy.url, district)
        path, uid, sha = make_package(demo_ws, tmp_path / "o", 200_000)
        queue_file(demo_ws, path)
        cl = _client(demo_ws, pause=lambda s: None)
        assert passes(demo_ws, client=cl, n=40).delivered
        events = [e["event"] for e in outbox.history(demo_ws.store, uid)]
        assert events.count("create_body") == 1 and len({e["detail"] for e in outbox.history(demo_ws.store, uid)
                                                          if e["event"] == "upload"}) == 1, events
        assert sha_of(district.inbox.store.package_path(sha)) == sha
        assert proxy.up_bytes < path.stat().st_size * 1.05 + 20_000, (proxy.up_bytes, path.stat().st_size)
    finally:
        proxy.close()


# --- limits ------------------------------------------------------------------------------------


def test_bodies_far_above_the_limit_are_refused_unread(district: District, tmp_path: Path) -> None:
    t = token_for(district)
    before = tree(district.data)
    # a JSON body that claims 200 MB: refused on the header, before reading
    c = http.client.HTTPConnection("127.0.0.1", district.port, timeout=10)
    c.putrequest("POST", "/api/v1/enrol")
    c.putheader("Content-Length", str(200 * 1024 * 1024))
    c.putheader("Content-Type", "application/json")
    c.endheaders()
    c.send(b"{" + b" " * 100_000)
    resp = c.getresponse()
    assert resp.status == 413 and "quá lớn" in json.loads(resp.read())["message"]
    c.close()
    # the same with no length (chunked): the server stops reading after its limit
    sent = [0]

    def body():
        for _ in range(3200):  # 200 MB in 64 kB pieces, if anybody read them
            sent[0] += 65536
            yield b" " * 65536

    try:
        r = requests.post(f"{district.url}/api/v1/enrol", data=body(), timeout=30)
        assert r.status_code == 413
    except requests.ConnectionError:
        pass  # the server answered and closed while we were still sending: also a refusal
    assert sent[0] < 50 * 1024 * 1024
    # a package larger than the server accepts: refused at creation
    r = requests.post(f"{district.url}/files/", headers=tus(t, **{
        "Upload-Length": str(6_000_000), "Upload-Metadata": encode_metadata({"uuid": UID, "sha256": "a" * 64})}),
        timeout=10)
    assert r.status_code == 413 and "vượt giới hạn" in r.json()["message"]
    # a PATCH longer than what is left of the upload: refused on the header, offset unchanged
    url = create(district, t, 100)
    r = patch(url, t, 0, b"x" * 1000)
    assert r.status_code == 413 and offset(url, t) == 0
    # and without a length header: the excess is dropped, never written past the declared length
    r = requests.patch(url, data=iter([b"y" * 60, b"y" * 60, b"y" * 60]), timeout=10, headers=tus(t, **{
        "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}))
    assert r.status_code == 413 and offset(url, t) == 100
    assert requests.get(f"{district.url}/api/v1/ping", timeout=10).json()["ok"]
    new = tree(district.data) - before
    assert all(n.startswith("uploads") for n in new) and len([n for n in new if n != "uploads"]) == 1


def test_path_tricks_in_ids_find_nothing(district: District, tmp_path: Path) -> None:
    t = token_for(district)
    auth = tus(t)
    before = tree(tmp_path)
    for method, path in [
        ("HEAD", "/files/../inbox.sqlite"), ("HEAD", "/files/..%2Finbox.sqlite"), ("HEAD", "/files/%2e%2e"),
        ("HEAD", "/files/" + "A" * 32), ("HEAD", "/files/" + "a" * 31 + "%00"), ("PATCH", "/files/..%2f..%2fx"),
        ("GET", "/api/v1/rulesets/..%2F..%2Fserver-key.pem"), ("GET", "/api/v1/rulesets/../server-key.pem"),
        ("GET", "/api/v1/packages/..%2F..%2Finbox.sqlite"), ("GET", "/api/v1/packages/" + UID.upper()),
        ("POST", "/api/v1/uploads/..%2F..%2Finbox.sqlite/finish"), ("POST", "/api/v1/uploads/%2e%2e/finish"),
        ("GET", "/server-key.pem"), ("GET", "/uploads/"), ("GET", "/inbox.sqlite"),
    ]:
        status, body = raw(district, method, path, auth)
        assert status in (404, 405), (method, path, status)
        assert b"PRIVATE KEY" not in body and b"SQLite format" not in body
    for uid in ("../../etc/passwd", "0b7e1c52-4a40-4d1e-9a43-5a1f0f3b9c11/../x", "C:\\x"):
        r = requests.post(f"{district.url}/files/", headers=tus(t, **{
            "Upload-Length": "10", "Upload-Metadata": encode_metadata({"uuid": uid, "sha256": "a" * 64})}), timeout=10)
        assert r.status_code == 400
    r = requests.post(f"{district.url}/api/v1/enrol", json={"code": "../../x", "device": {}}, timeout=10)
    assert r.status_code == 400
    assert tree(tmp_path) == before


# --- checksum ----------------------------------------------------------------------------------


def _checksum(algo: str, data: bytes) -> str:
    return f"{algo} {base64.b64encode(hashlib.new(algo, data).digest()).decode()}"


def test_chunk_checksums(district: District) -> None:
    t = token_for(district)
    data = bytes(range(256)) * 6  # 1536 bytes
    url = create(district, t, len(data), sha=hashlib.sha256(data).hexdigest())
    r = patch(url, t, 0, data[:500], **{"Upload-Checksum": _checksum("sha1", b"something else")})
    assert r.status_code == 460 and "không khớp" in r.json()["message"]
    assert offset(url, t) == 0 and not list((district.data / "uploads").glob("*.chunk"))
    assert patch(url, t, 0, data[:500], **{"Upload-Checksum": "crc32 AAAA"}).status_code == 400
    assert patch(url, t, 0, data[:500], **{"Upload-Checksum": "sha1 !!notbase64"}).status_code == 400
    assert offset(url, t) == 0
    r = patch(url, t, 0, data[:500], **{"Upload-Checksum": _checksum("sha256", data[:500])})
    assert r.status_code == 204 and r.headers["Upload-Offset"] == "500"
    r = patch(url, t, 500, data[500:])  # no checksum: accepted (it is optional in tus)
    assert r.status_code == 204 and r.headers["Upload-Offset"] == str(len(data))
    assert (district.data / "uploads" / url.rsplit("/", 1)[1]).read_bytes() == data


def test_bytes_damaged_without_a_checksum_are_caught_by_the_package_hash(district: District) -> None:
    t = token_for(district)
    data = b"z" * 1000
    url = create(district, t, len(data), sha=hashlib.sha256(b"q" * 1000).hexdigest())
    assert patch(url, t, 0, data).status_code == 204
    upload_id = url.rsplit("/", 1)[1]
    r = requests.post(f"{district.url}/api/v1/uploads/{upload_id}/finish", headers=tus(t), timeout=10)
    assert r.status_code == 422 and r.json()["error"] == "checksum_mismatch" and "gửi lại từ đầu" in r.json()["message"]
    assert requests.head(url, headers=tus(t), timeout=10).status_code == 404
    assert district.upload_files() == [] and district.packages() == []


def test_checksummed_chunks_cut_midway_are_discarded_and_resent(demo_ws, district: District, tmp_path: Path) -> None:
    from cff_desktop.services.sync import _client
    from cff_desktop.sync.tus import ChunkPolicy, TusUploader

    enrol(demo_ws, district.url, district)
    proxy = CutProxy(district.port, cut_every=150_000, jitter=0.3, seed=3)
    try:
        cl = _client(demo_ws)
        path, uid, sha = make_package(demo_ws, tmp_path / "o", 500_000)
        up = TusUploader(cl.session, f"{proxy.url}/files/", headers={"Authorization": f"Bearer {cl.token}"},
                         chunk=ChunkPolicy(size=64 * 1024, maximum=64 * 1024), checksum="sha256",
                         pause=lambda s: None, max_stalls=10)
        url = up.create(path.stat().st_size, {"uuid": uid, "sha256": sha})
        assert up.upload(path, url) == path.stat().st_size
        assert proxy.cuts >= 2 and up.stats.failures >= 2
        assert (district.data / "uploads" / url.rsplit("/", 1)[1]).read_bytes() == path.read_bytes()
        assert not list((district.data / "uploads").glob("*.chunk"))
    finally:
        proxy.close()


# --- isolation and auth ------------------------------------------------------------------------


def test_one_commune_cannot_see_or_touch_anothers_uploads(demo_ws, district: District, tmp_path: Path) -> None:
    from cff_desktop.services.sync import _client, queue_file
    from cff_desktop.services.sync_district import decide

    enrol(demo_ws, district.url, district, "03199")
    path, uid, _ = make_package(demo_ws, tmp_path / "o", 10_000)
    queue_file(demo_ws, path)
    passes(demo_ws)
    decide(district.data, uid, "accepted", [])
    mine = _client(demo_ws).token
    other = token_for(district, "03200")
    url = create(district, mine, 100)
    upload_id = url.rsplit("/", 1)[1]
    assert requests.head(url, headers=tus(other), timeout=10).status_code == 404
    assert patch(url, other, 0, b"x" * 10).status_code == 404
    assert requests.post(f"{district.url}/api/v1/uploads/{upload_id}/finish", headers=tus(other),
                         timeout=10).status_code == 404
    assert requests.get(f"{district.url}/api/v1/packages/{uid}", headers=tus(other), timeout=10).status_code == 404
    assert requests.get(f"{district.url}/api/v1/decisions", headers=tus(other), timeout=10).json() == {
        "decisions": []}
    assert offset(url, mine) == 0
    assert requests.get(f"{district.url}/api/v1/packages/{uid}", headers=tus(mine), timeout=10).status_code == 200
    district.inbox.store.revoke("03200")
    r = requests.head(url, headers=tus(other), timeout=10)
    assert r.status_code == 401
    r = requests.get(f"{district.url}/api/v1/decisions", headers=tus(other), timeout=10)
    assert r.status_code == 401 and "thu hồi" in r.json()["message"]


# --- a full disk -------------------------------------------------------------------------------


def test_disk_full_at_creation_refuses_cleanly_and_the_client_retries_later(demo_ws, tmp_path: Path) -> None:
    from cff_desktop.services.sync import queue_file

    d = District(tmp_path / "district", limits=ServerLimits(min_free=10**18))  # "less free than needed"
    try:
        enrol(demo_ws, d.url, d)
        path, uid, _ = make_package(demo_ws, tmp_path / "o", 10_000)
        queue_file(demo_ws, path)
        report = passes(demo_ws, n=1)
        assert report.failed and not report.delivered
        r = row(demo_ws, uid)
        assert r["state"] == "queued" and "hết chỗ trống" in r["last_error"] and "Sẽ thử lại lúc" in r["last_error"]
        assert d.upload_files() == [] and d.inbox.store.query("SELECT * FROM upload") == []
    finally:
        d.stop()


def test_disk_full_mid_upload_keeps_what_was_written_then_resumes(demo_ws, district: District, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from cff_desktop.services.sync import queue_file
    from cff_desktop.sync.server import tus as server_tus

    written = [0]
    real = server_tus.write_chunk

    def full_disk(fh: Any, data: bytes) -> None:
        if written[0] + len(data) > 120_000:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fh, data)
        written[0] += len(data)

    monkeypatch.setattr(server_tus, "write_chunk", full_disk)
    enrol(demo_ws, district.url, district)
    path, uid, sha = make_package(demo_ws, tmp_path / "o", 400_000)
    queue_file(demo_ws, path)
    passes(demo_ws, n=1)
    r = row(demo_ws, uid)
    assert r["state"] == "queued" and "hết chỗ trống" in r["last_error"]
    kept = [p.stat().st_size for p in district.upload_files()]
    assert kept and 0 < kept[0] <= 120_000
    assert path.read_bytes()[:kept[0]] == district.upload_files()[0].read_bytes()  # a true prefix, nothing torn
    monkeypatch.setattr(server_tus, "write_chunk", real)  # space freed
    assert passes(demo_ws).delivered
    assert sha_of(district.inbox.store.package_path(sha)) == sha


# --- answers that are not receipts -------------------------------------------------------------


class Tamper:
    """ASGI middleware in front of the inbox: make it answer 500, garbage, or forge receipts."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.mode: str | None = None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or self.mode is None:
            return await self.app(scope, receive, send)
        path = scope["path"]
        if self.mode == "500" and not path.endswith("/ping"):
            await send({"type": "http.response.start", "status": 500, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"Internal Server Error"})
            return None
        if self.mode == "portal" and path.endswith("/ping"):
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
            await send({"type": "http.response.body", "body": b"<html>Dang nhap wifi</html>"})
            return None
        if not path.endswith("/finish") and not (self.mode == "badsig" and "/packages/" in path):
            return await self.app(scope, receive, send)
        parts: list[dict] = []

        async def keep(msg: dict) -> None:
            parts.append(msg)

        await self.app(scope, receive, keep)
        status = parts[0]["status"]
        body = b"".join(p.get("body", b"") for p in parts[1:])
        if self.mode == "garbage":
            status, body = 200, b"\x00\xffnot json"
        elif self.mode == "bare200":
            body = b"{}"
        elif self.mode == "badsig" and status == 200:
            doc = json.loads(body)
            forged = Ed25519PrivateKey.generate()
            doc["receipt"]["signature"] = base64.b64encode(forged.sign(doc["receipt"]["payload"].encode())).decode()
            body = json.dumps(doc).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
        return None


@pytest.mark.parametrize("mode,needle", [
    ("500", "máy chủ gặp lỗi (HTTP 500)"), ("garbage", "không đọc được"), ("bare200", "giấy báo nhận sai cấu trúc"),
    ("badsig", "chữ ký trên giấy báo nhận không khớp"), ("portal", "không phải máy chủ nhận hồ sơ"),
])
def test_no_receipt_no_delivery(demo_ws, tmp_path: Path, mode: str, needle: str) -> None:
    from cff_desktop.services.sync import queue_file, sync_once

    holder: dict[str, Tamper] = {}

    def wrap(app: Any) -> Tamper:
        holder["t"] = Tamper(app)
        return holder["t"]

    d = District(tmp_path / "district", wrap=wrap)
    try:
        enrol(demo_ws, d.url, d)
        path, uid, sha = make_package(demo_ws, tmp_path / "o", 30_000)
        queue_file(demo_ws, path)
        holder["t"].mode = mode
        sync_once(demo_ws, backoff=FAST, pause=lambda s: None, max_stalls=2, link_wait=0.0)
        r = row(demo_ws, uid)
        assert r["state"] == "queued" and r["receipt"] is None and not r["receipt_id"], r
        assert needle.lower() in r["last_error"].lower() and "Sẽ thử lại lúc" in r["last_error"]
        assert "sẽ thử lại sau" not in r["last_error"]  # one promise, with its time
        holder["t"].mode = None
        report = passes(demo_ws)
        assert report.delivered and row(demo_ws, uid)["state"] == "delivered"
        assert len(d.packages()) == 1 and d.packages()[0]["sha256"] == sha
    finally:
        d.stop()


# --- TLS ---------------------------------------------------------------------------------------


def _self_signed(tmp_path: Path) -> tuple[str, str]:
    import ipaddress
    from datetime import timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    c, k = tmp_path / "cert.pem", tmp_path / "key.pem"
    c.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    k.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    return str(c), str(k)


def test_tls_with_cert_and_key(demo_ws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cff_desktop.services.sync import queue_file
    from cff_desktop.services.sync_district import open_inbox

    cert, key = _self_signed(tmp_path)
    inbox = open_inbox(tmp_path / "district", ServerLimits(min_free=0))
    srv = ServerThread(inbox.app(), ssl=(cert, key))
    try:
        assert srv.url.startswith("https://")
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(f"{srv.url}/api/v1/ping", timeout=10)  # not trusted until the CA is given
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", cert)  # what an office sets for its own certificate
        from cff_desktop.services.sync import enrol as do_enrol

        do_enrol(demo_ws, srv.url, inbox.store.new_enrol_code("03199"))
        path, _, _ = make_package(demo_ws, tmp_path / "o", 20_000)
        queue_file(demo_ws, path)
        assert passes(demo_ws).delivered
    finally:
        srv.stop()
        inbox.store.close()


def test_tls_sessions_are_resumed_after_a_cut(demo_ws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each reconnect after a cut resumes the TLS session instead of a full handshake; the
    certificate is still checked (an untrusted one is still refused)."""
    from sync_helpers import CutProxy

    from cff_desktop.services.sync import _client, queue_file
    from cff_desktop.services.sync_district import open_inbox

    cert, key = _self_signed(tmp_path)
    inbox = open_inbox(tmp_path / "district", ServerLimits(min_free=0))
    srv = ServerThread(inbox.app(), ssl=(cert, key))
    proxy = CutProxy(srv.port, cut_every=60_000)
    try:
        url = f"https://127.0.0.1:{proxy.port}"
        from cff_desktop.sync.client import new_session

        with pytest.raises(requests.exceptions.SSLError):
            new_session().get(f"{url}/api/v1/ping", timeout=10)  # resumption does not skip verification
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", cert)
        from cff_desktop.services.sync import enrol as do_enrol

        do_enrol(demo_ws, url, inbox.store.new_enrol_code("03199"))
        path, uid, sha = make_package(demo_ws, tmp_path / "o", 400_000)
        queue_file(demo_ws, path)
        cl = _client(demo_ws, pause=lambda s: None, link_wait=0.0)
        report = passes(demo_ws, client=cl)
        assert report.delivered and row(demo_ws, uid)["state"] == "delivered"
        ctx = cl.session.tls_context
        assert proxy.cuts >= 4 and ctx.resumed >= proxy.cuts - 1, (proxy.cuts, ctx.resumed)
        assert inbox.store.one("SELECT sha256 FROM package WHERE uuid = ?", (uid,))["sha256"] == sha
    finally:
        proxy.close()
        srv.stop()
        inbox.store.close()
