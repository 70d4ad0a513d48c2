"""Sending the dossier up when a connection exists (the commune's side): the use cases.

``enrol`` exchanges the upper level's one-time code for a token (kept only in the OS keyring)
and pins the server's signing key; ``submit`` builds the council's dossier package into the
outbox; ``sync_once`` probes the link, pushes every due package (resuming uploads), then pulls
decisions and published rule sets; ``status`` is what the sync panel and ``cff sync status``
show. The UI calls these off the UI thread; ``cff sync`` calls them in the foreground.
"""

from __future__ import annotations

import functools
import json
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import keyring
import keyring.errors

from cff_desktop.common import localtime
from cff_desktop.common.errors import CffError, NotFound, Refused
from cff_desktop.common.files import write_atomic
from cff_desktop.common.text import format_number
from cff_desktop.dossier.format import KIND_DOSSIER
from cff_desktop.rules.loader import parse_bytes
from cff_desktop.services import keys
from cff_desktop.services.packages import export_package, verify_package
from cff_desktop.services.rounds import ADMIN, get_round
from cff_desktop.services.workspace import Workspace
from cff_desktop.storage.db import now_iso
from cff_desktop.storage.paths import ensure_dir
from cff_desktop.sync import client as sync_client
from cff_desktop.sync import outbox
from cff_desktop.sync import sender_lock as locks
from cff_desktop.sync.errors import AuthFailed, Offline, PackageConflict, PackageRefusedByServer, SyncError
from cff_desktop.sync.outbox import Backoff
from cff_desktop.sync.protocol import BadDocument
from cff_desktop.sync.sender_lock import SenderBusy, SenderLock
from cff_desktop.sync.tus import ChunkPolicy

S_SERVER, S_KEY, S_FP, S_COMMUNE, S_COMMUNE_NAME = (
    "sync.server", "sync.server_key", "sync.server_fingerprint", "sync.commune", "sync.commune_name")
S_DEVICE_FP = "sync.device_fingerprint"  # the signing key the token was bound to at enrolment
PROBE_EVERY = (20.0, 40.0)  # while waiting for the next try, ping the inbox this often (jittered)
DEFAULT_BACKOFF = Backoff()
PassProgress = Callable[[str, int, int, float], None]  # (package uuid, bytes on server, size, bytes/s)


# --- configuration -----------------------------------------------------------------------------

def _setting(ws: Workspace, key: str) -> str:
    row = ws.store.one("SELECT value FROM setting WHERE key = ?", (key,))
    return str(row["value"]) if row else ""


def _token_name(fingerprint: str) -> str:
    return f"sync-token:{fingerprint}"


def _token(fingerprint: str) -> str | None:
    keys.check_backend()
    try:
        return keyring.get_password(keys.KEYRING_SERVICE, _token_name(fingerprint))
    except keyring.errors.KeyringError as e:
        raise keys._keyring_error(e) from None


@dataclass(frozen=True)
class Config:
    server: str
    server_key: str
    fingerprint: str
    commune: str
    commune_name: str


def config(ws: Workspace) -> Config | None:
    server = _setting(ws, S_SERVER)
    if not server:
        return None
    return Config(server, _setting(ws, S_KEY), _setting(ws, S_FP), _setting(ws, S_COMMUNE),
                  _setting(ws, S_COMMUNE_NAME))


def enrol(ws: Workspace, server: str, code: str, *, actor: str = ADMIN) -> Config:
    """Exchange the one-time code; keep the token in the keyring and pin the server's key."""
    url = sync_client.normalise_url(server)
    dev = keys.device_key(ws)
    answer = sync_client.enrol(url, code, {"id": dev.device_id, "public_key": dev.public_key,
                                           "fingerprint": dev.fingerprint})
    srv = answer["server"]
    cfg = Config(url, srv["public_key"], str(srv.get("fingerprint", "")), str(answer["commune"].get("code", "")),
                 str(answer["commune"].get("name", "")))
    keys.check_backend()
    try:
        keyring.set_password(keys.KEYRING_SERVICE, _token_name(cfg.fingerprint), answer["token"])
    except keyring.errors.KeyringError as e:
        raise keys._keyring_error(e) from None
    with ws.store.transaction() as conn:
        for k, v in ((S_SERVER, cfg.server), (S_KEY, cfg.server_key), (S_FP, cfg.fingerprint),
                     (S_COMMUNE, cfg.commune), (S_COMMUNE_NAME, cfg.commune_name)):
            conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (k, v))
        ws.store.audit(actor, "sync.enrol", "sync", None, {"server": cfg.server, "fingerprint": cfg.fingerprint,
                                                           "commune": cfg.commune, "device": dev.fingerprint})
    with ws.store.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (S_DEVICE_FP, dev.fingerprint))

    from cff_desktop.services.upper_key import key_from_enrolment

    key_from_enrolment(ws, srv)  # the upper level's encryption key, when the inbox sends it
    outbox.retry_now(ws.store)
    return cfg


def lost_key_message() -> str:
    """What to do when the keyring lost the device's signing key (said plainly, with the fix)."""
    return ("Máy này đã mất khóa ký cũ (kho khóa của hệ điều hành bị xóa, cài lại Windows hoặc đổi người dùng) "
            "nên đã tạo khóa mới; cấp trên chưa biết khóa mới nên không nhận gói ký bằng nó. Cách sửa: "
            "1) xin cấp trên mã đăng ký mới và đăng ký lại (`cff sync enrol --server URL --code MÃ` hoặc nút "
            "Đăng ký); 2) bấm Gửi hồ sơ (`cff submit`) để đóng gói lại hồ sơ bằng khóa mới. Hồ sơ và điểm "
            "không mất.")


def device_key_changed(ws: Workspace) -> bool:
    """True when the device key differs from the one enrolled (the keyring lost the old one)."""
    enrolled = _setting(ws, S_DEVICE_FP)
    if not enrolled:
        return False
    current = str(keys.load_settings(ws).get("device_fingerprint", ""))
    return bool(current) and current != enrolled


def _client(ws: Workspace, **kw: Any) -> sync_client.SyncClient:
    cfg = config(ws)
    if cfg is None:
        raise Refused("máy này chưa đăng ký với máy chủ của cấp trên. Xin cấp trên mã đăng ký rồi đăng ký máy.",
                      "sync", remedy="enrol_device")
    token = _token(cfg.fingerprint)
    if not token:
        raise Refused("không thấy mã truy cập trong kho khóa của máy (kho khóa đã bị xóa hoặc đổi người dùng "
                      "Windows). Xin mã đăng ký mới rồi đăng ký lại máy.", "keyring", remedy="enrol_device")
    return sync_client.SyncClient(cfg.server, token, cfg.server_key, cfg.commune, **kw)


# --- queueing ----------------------------------------------------------------------------------

@dataclass
class Queued:
    uuid: str
    path: Path
    size: int
    new: bool


def _outbox_dir(ws: Workspace) -> Path:
    return ensure_dir(ws.paths.outbox)


def submit(ws: Workspace, *, year: int | None = None, actor: str = ADMIN,
           progress: Callable[[int, int], None] | None = None) -> Queued:
    """Queue the council's dossier for sending ("Gửi hồ sơ"); the same snapshot is queued once."""
    rnd = get_round(ws, year)
    snap = ws.store.one("SELECT sha256 FROM snapshot WHERE round_id = ?", (rnd.id,))
    if rnd.closed and snap:
        for r in ws.store.query("SELECT o.uuid, o.path, o.size, p.manifest FROM sync_outbox o JOIN package p ON"
                                " p.uuid = o.uuid WHERE o.round_id = ? AND o.kind = ? AND o.state NOT IN"
                                " ('refused', 'conflict')", (rnd.id, KIND_DOSSIER)):
            if json.loads(r["manifest"]).get("snapshot_sha256") == snap["sha256"]:
                return Queued(r["uuid"], Path(r["path"]), r["size"], False)
    res = export_package(ws, _outbox_dir(ws), kind=KIND_DOSSIER, year=rnd.year, actor=actor, progress=progress)
    outbox.add(ws.store, uuid=res.uuid, kind=res.kind, round_id=rnd.id, path=str(res.path), sha256=res.sha256,
               size=res.size, actor=actor)
    return Queued(res.uuid, res.path, res.size, True)


def queue_file(ws: Workspace, path: Path, *, actor: str = ADMIN) -> Queued:
    """Queue a package file already written (verified first: a damaged file never goes out)."""
    v = verify_package(ws, path)
    new = outbox.add(ws.store, uuid=v.uuid, kind=v.kind, round_id=None, path=str(Path(path).absolute()),
                     sha256=v.sha256, size=v.size, actor=actor)
    return Queued(v.uuid, Path(path), v.size, new)


# --- one pass ----------------------------------------------------------------------------------

@dataclass
class PassReport:
    online: bool = True
    delivered: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    rulesets: list[dict[str, Any]] = field(default_factory=list)
    pull_error: str = ""
    auth_error: str = ""
    paused: bool = False
    busy: str = ""  # another program of this installation is sending (who)
    not_due: list[dict[str, Any]] = field(default_factory=list)  # pending, next try later (uuid, retry_at)

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


def local_hhmm(iso_time: str) -> str:
    """"14:32" (local time) for a stored UTC time; with the date when it is not today."""
    if not iso_time:
        return ""
    t = localtime.to_local(iso_time)
    return t.strftime("%H:%M") if t.date() == localtime.today() else localtime.time_text(t)


def local_time(iso_time: str) -> str:
    if not iso_time:
        return ""
    return localtime.time_text(iso_time)


def _retry_message(e: SyncError, retry_at: datetime) -> str:
    when = local_hhmm(retry_at.isoformat())
    if isinstance(e, Offline):
        return f"Mất kết nối — sẽ thử lại lúc {when}."
    text = re.sub(r"[;,]?\s*sẽ thử lại sau\.?$", "", e.message.strip()).rstrip(" .;")
    return f"{text[:1].upper()}{text[1:]}. Sẽ thử lại lúc {when}."


def sender_lock(ws: Workspace, program: str) -> SenderLock:
    """The installation's one-sender lock (the window's auto-sync and ``cff sync`` share it)."""
    return SenderLock(ws.paths.home, program)


def sender(ws: Workspace) -> locks.Holder | None:
    """Who is sending this outbox right now (None when nobody is)."""
    return locks.holder(ws.paths.home)


def _created_with_body(ws: Workspace, uuid: str) -> bool:
    return ws.store.one("SELECT 1 FROM sync_event WHERE uuid = ? AND event = 'create_body'", (uuid,)) is not None


def sync_once(ws: Workspace, *, progress: PassProgress | None = None, backoff: Backoff = DEFAULT_BACKOFF,
              rng: random.Random | None = None, chunk: ChunkPolicy | None = None,
              client: sync_client.SyncClient | None = None, pull: bool = True,
              program: str = "cửa sổ chương trình", lock: SenderLock | None = None,
              on_state: Callable[[str, str], None] | None = None, **client_kw: Any) -> PassReport:
    """Probe, push every due package (one failure never blocks the others), then pull.

    Nothing is sent while the user has paused sending (a metered or slow link, ``cff sync pause``),
    nor while another program of this installation holds the sender lock (``report.busy`` says
    who). ``lock``: a lock the caller already holds (``cff sync`` keeps it for its whole run).
    """
    cl = client or _client(ws, chunk=chunk, **client_kw)
    report = PassReport()
    if is_paused(ws):
        report.paused = True
        return report
    own = lock is None
    lk = lock or sender_lock(ws, program)
    if not lk.try_acquire():
        report.busy = SenderBusy(sender(ws)).message
        return report
    try:
        _push(ws, cl, report, progress, backoff, rng, on_state)
    finally:
        if own:
            lk.release()
    if pull and report.online and not report.auth_error and not any(f.get("offline") for f in report.failed):
        try:  # a link found dead a moment ago is not asked for more
            report.decisions = pull_decisions(ws, cl)
            report.rulesets = pull_rulesets(ws, cl)
        except AuthFailed as e:
            report.auth_error = e.message
        except (SyncError, BadDocument) as e:
            report.pull_error = e.message
    return report


def _push(ws: Workspace, cl: sync_client.SyncClient, report: PassReport, progress: PassProgress | None,
          backoff: Backoff, rng: random.Random | None, on_state: Callable[[str, str], None] | None) -> None:
    now = datetime.now(UTC)
    due = outbox.due(ws.store, now)
    report.not_due = [{"uuid": r["uuid"], "retry_at": r["next_attempt_at"]} for r in outbox.pending(ws.store)
                      if r["uuid"] not in {d["uuid"] for d in due}]
    if not due:
        return
    try:
        cl.ping()
    except SyncError as e:
        report.online = False
        for row in due:
            retry = outbox.when(backoff.delay(row["attempts"] + 1, rng))
            outbox.failed(ws.store, row["uuid"], _retry_message(e, retry), code=e.code, retry_at=retry)
            with ws.store.transaction() as conn:
                conn.execute("UPDATE sync_outbox SET attempts = attempts + 1 WHERE uuid = ?", (row["uuid"],))
            report.failed.append({"uuid": row["uuid"], "error": e.message, "retry_at": retry.isoformat(),
                                  "offline": True})
        return
    for row in due:
        uuid = row["uuid"]
        outbox.started(ws.store, uuid)
        seen: list[int] = []  # server offsets of this try: did it move bytes?

        def on_progress(sent: int, total: int, speed: float, _uuid: str = uuid, _seen: list[int] = seen,
                        last_saved: list[float] = [0.0]) -> None:  # noqa: B006 (one list per package)
            _seen.append(sent)
            if progress:
                progress(_uuid, sent, total, speed)
            t = time.monotonic()
            if t - last_saved[0] > 2.0 or sent >= total or len(_seen) == 1:
                last_saved[0] = t
                outbox.progress(ws.store, _uuid, sent, speed)

        def on_link(up: bool, _uuid: str = uuid) -> None:
            text = "" if up else (f"Mất kết nối lúc {local_hhmm(datetime.now(UTC).isoformat())} — đang thử lại "
                                  "liên tục; phần đã gửi được giữ.")
            outbox.note(ws.store, _uuid, text)
            if on_state:
                on_state(_uuid, text or "Có kết nối lại; gửi tiếp từ phần máy chủ đã nhận.")

        try:
            d = cl.deliver(Path(row["path"]), uuid, row["sha256"], upload_url=row["upload_url"],
                           on_upload_url=functools.partial(outbox.set_upload_url, ws.store, uuid),
                           progress=on_progress, create_with_body=not _created_with_body(ws, uuid),
                           on_create_body=functools.partial(outbox.event, ws.store, uuid, "create_body"),
                           on_link=on_link)
        except AuthFailed as e:
            outbox.failed(ws.store, uuid, e.message, code=e.code, retry_at=None, wire_bytes=cl.last_stats.wire_bytes)
            report.auth_error = e.message
            report.failed.append({"uuid": uuid, "error": e.message})
            return  # every other package would be refused the same way
        except (PackageConflict, PackageRefusedByServer) as e:
            msg = e.message
            if e.code == "unknown_device":
                msg = lost_key_message() if device_key_changed(ws) else msg
            outbox.failed(ws.store, uuid, msg, code=e.code, retry_at=None, wire_bytes=cl.last_stats.wire_bytes,
                          final_state="conflict" if isinstance(e, PackageConflict) else "refused")
            report.failed.append({"uuid": uuid, "error": msg, "final": True})
        except SyncError as e:
            moved = len(seen) > 1 and seen[-1] > seen[0]
            attempts = 1 if moved else (outbox.get(ws.store, uuid) or {}).get("attempts", 1)
            retry = outbox.when(backoff.delay(attempts, rng))
            outbox.failed(ws.store, uuid, _retry_message(e, retry), code=e.code, retry_at=retry,
                          wire_bytes=cl.last_stats.wire_bytes, progressed=moved)
            report.failed.append({"uuid": uuid, "error": e.message, "retry_at": retry.isoformat(),
                                  "offline": isinstance(e, Offline)})
        else:
            outbox.delivered(ws.store, uuid, d.receipt.body, d.receipt.doc, d.wire_bytes)
            report.delivered.append({"uuid": uuid, "receipt_id": d.receipt.receipt_id,
                                     "received_at": d.receipt.received_at, "duplicate": d.receipt.duplicate})


def waiting_for_link(ws: Workspace) -> bool:
    """True when a pending package's last try ended because the inbox could not be reached: only
    then does a successful ping mean "go now" (a server that answers with errors keeps its
    backoff)."""
    return ws.store.one(
        "SELECT 1 FROM sync_outbox o WHERE o.state IN ('queued', 'sending') AND (SELECT e.event FROM sync_event e"
        " WHERE e.uuid = o.uuid ORDER BY e.id DESC LIMIT 1) = 'offline'") is not None


def wait_for_next(ws: Workspace, cl: sync_client.SyncClient, *, sleep: Callable[[float], None] = time.sleep,
                  rng: random.Random | None = None, limit: float = 600.0) -> str:
    """Wait until a package is due, probing the inbox cheaply (``/ping``) every half minute or so.

    Returns why the wait ended: "due" (its time came, or the clerk pressed "Gửi ngay" in another
    program), "reachable" (the inbox answered: the waiting packages are made due at once) or
    "idle" (nothing pending any more).
    """
    rng = rng or random.Random()
    start = time.monotonic()
    next_probe = start + rng.uniform(*PROBE_EVERY)
    while True:
        if not outbox.pending(ws.store):
            return "idle"
        nxt = outbox.next_due(ws.store)
        now = time.monotonic()
        if nxt is None or nxt <= datetime.now(UTC) or now - start >= limit:
            return "due"
        if now >= next_probe and waiting_for_link(ws):
            try:
                cl.ping(timeout=8.0)
            except SyncError:
                next_probe = time.monotonic() + rng.uniform(*PROBE_EVERY)
            else:
                outbox.retry_now(ws.store)
                return "reachable"
        sleep(min(2.0, max(0.05, (nxt - datetime.now(UTC)).total_seconds())))


def probe(ws: Workspace) -> bool:
    """Did the inbox come back? One cheap ``/ping`` (no login, a few hundred bytes), asked only
    while a package waits because the link was down."""
    if not waiting_for_link(ws):
        return False
    try:
        _client(ws).ping(timeout=8.0)
    except SyncError:
        return False
    return True


def run(ws: Workspace, *, once: bool = False, max_passes: int | None = None,
        sleep: Callable[[float], None] = time.sleep, on_pass: Callable[[PassReport], None] | None = None,
        now: bool = False, program: str = "cff sync",
        on_wait: Callable[[locks.Holder | None], None] | None = None, **kw: Any) -> PassReport:
    """``cff sync``: passes until the outbox has nothing pending (or one pass with ``once``).

    Holds the sender lock for the whole run (waiting, after saying so via ``on_wait``, while
    another program sends); keeps one client, so one kept-alive connection, across passes.
    ``now``: every pending package is due at once, whatever its schedule ("Gửi ngay").
    """
    lk = sender_lock(ws, program)
    lk.acquire(wait=True, on_wait=on_wait, sleep=sleep)
    try:
        if now:
            outbox.retry_now(ws.store)
        cl = kw.pop("client", None) or _client(ws, chunk=kw.pop("chunk", None), **{
            k: kw.pop(k) for k in ("pause", "max_stalls", "link_wait", "timeout") if k in kw})
        passes = 0
        while True:
            report = sync_once(ws, client=cl, lock=lk, **kw)
            passes += 1
            if on_pass:
                on_pass(report)
            stop = once or report.auth_error or report.paused or (max_passes and passes >= max_passes)
            if stop or not outbox.pending(ws.store):
                return report
            wait_for_next(ws, cl, sleep=sleep, rng=kw.get("rng"))
    finally:
        lk.release()


# --- down the wire -----------------------------------------------------------------------------

def pull_decisions(ws: Workspace, cl: sync_client.SyncClient) -> list[dict[str, Any]]:
    """Store the upper level's new decisions (signature verified) and return them."""
    row = ws.store.one("SELECT max(seq) AS s FROM sync_decision")
    after = int(row["s"] or 0) if row else 0
    new = []
    from cff_desktop.dossier.format import PackageRejected
    from cff_desktop.services.packages.receipt import check_decision

    for seq, body, doc in cl.decisions(after):
        try:
            check_decision(ws, body, "máy chủ")
        except PackageRejected as e:
            # Signed by the pinned server but unusable (malformed, or about a package not sent
            # from here): never stored, so nothing shown later can crash on it; kept as an event.
            with ws.store.transaction() as conn:
                conn.execute("INSERT INTO sync_event (uuid, at, event, detail) VALUES (?, ?, 'decision_refused', ?)",
                             (str(body.get("package_uuid", ""))[:36], now_iso(), e.message))
            continue
        with ws.store.transaction() as conn:
            if conn.execute("SELECT 1 FROM sync_decision WHERE id = ?", (body["id"],)).fetchone():
                continue
            conn.execute("INSERT INTO sync_decision (id, seq, package_uuid, decision, comments, decided_at, doc,"
                         " received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (body["id"], seq, body["package_uuid"], body["decision"],
                          json.dumps(body.get("comments", []), ensure_ascii=False), body["decided_at"],
                          json.dumps(doc, ensure_ascii=False), now_iso()))
            ws.store.audit("đồng bộ", "sync.decision", f"package:{body['package_uuid']}", None,
                           {"id": body["id"], "decision": body["decision"], "comments": body.get("comments", [])})
        new.append(body)
    return new


def pull_rulesets(ws: Workspace, cl: sync_client.SyncClient) -> list[dict[str, Any]]:
    """Fetch newly published rule sets; each is offered only after signature, hash and schema pass."""
    folder = ensure_dir(ws.paths.sync_rulesets)
    new = []
    for body, doc in cl.rulesets():
        meta = body.get("ruleset") or {}
        sha = str(meta.get("sha256", ""))
        if ws.store.one("SELECT 1 FROM sync_ruleset WHERE sha256 = ?", (sha,)):
            continue
        data = cl.ruleset_bytes(sha)
        rs = parse_bytes(data, f"{meta.get('id')} {meta.get('version')} (máy chủ)")
        path = folder / f"{rs.id}-{rs.version}-{sha[:12]}.json"
        write_atomic(path, data)
        with ws.store.transaction() as conn:
            conn.execute("INSERT INTO sync_ruleset (sha256, id, version, title, published_at, path, doc, received_at)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (sha, rs.id, rs.version, rs.title, body.get("published_at", ""), str(path),
                          json.dumps(doc, ensure_ascii=False), now_iso()))
        new.append({"id": rs.id, "version": rs.version, "title": rs.title, "sha256": sha, "path": str(path)})
    return new


def install_ruleset(ws: Workspace, sha256: str, *, actor: str = ADMIN) -> dict[str, Any]:
    """Install a pulled rule set (already verified) into the library; rounds keep their own."""
    row = ws.store.one("SELECT * FROM sync_ruleset WHERE sha256 = ? OR sha256 LIKE ?", (sha256, f"{sha256}%"))
    if row is None:
        raise NotFound("không có bộ tiêu chí này trong danh sách cấp trên đã gửi.", sha256)
    rs, new = ws.library.import_file(Path(row["path"]))
    with ws.store.transaction() as conn:
        conn.execute("UPDATE sync_ruleset SET installed_at = ? WHERE sha256 = ?", (now_iso(), row["sha256"]))
        ws.store.audit(actor, "ruleset.install", f"ruleset:{rs.id}:{rs.version}", None,
                       {"sha256": row["sha256"], "from": "sync", "new": new})
    return {"id": rs.id, "version": rs.version, "new": new}


def set_paused(ws: Workspace, paused: bool, *, actor: str = ADMIN) -> None:
    """Pause sending (a metered or very slow link) or resume it; queued packages wait meanwhile."""
    with ws.store.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES ('sync.paused', ?)", ("1" if paused else "",))
        ws.store.audit(actor, "sync.pause" if paused else "sync.resume", "sync", None, None)


def is_paused(ws: Workspace) -> bool:
    return _setting(ws, "sync.paused") == "1"


def retry_now(ws: Workspace) -> int:
    """Make every pending package due now (the clerk asked to send, or a link appeared)."""
    return outbox.retry_now(ws.store)


def next_due(ws: Workspace) -> datetime | None:
    """When the next pending package is due (None when nothing is pending)."""
    return outbox.next_due(ws.store)


# --- what the panel shows ----------------------------------------------------------------------

def size_text(n: float) -> str:
    """"820 kB", "4,8 MB" (Vietnamese decimal comma)."""
    if n >= 1_000_000:
        return f"{format_number(n / 1e6, 1)} MB"
    return f"{format_number(n / 1e3, 0)} kB"


def duration_text(seconds: float) -> str:
    """"45 giây", "7 phút", "1 giờ 20 phút": time remaining as a clerk says it."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} giây"
    m = (s + 30) // 60
    return f"{m} phút" if m < 60 else f"{m // 60} giờ {m % 60} phút"


def view(row: dict[str, Any], holder: locks.Holder | None, paused: bool = False) -> dict[str, Any]:
    """One outbox row as it truly stands: ``state`` sending / waiting / paused / delivered /
    refused / conflict, ``until`` (when waiting for a scheduled try), ``reason``, ``speed_bps``
    (server-confirmed, last minute) and ``eta_s``. A row left "sending" by a sender that was
    killed is *waiting*, not sending: nobody holds the sender lock."""
    state = row["state"]
    sending = state == "sending" and holder is not None
    if state in ("queued", "sending") and not sending:
        state = "paused" if paused else "waiting"
    elif sending:
        state = "sending"
    until = row["next_attempt_at"] if state == "waiting" else ""
    if until and datetime.fromisoformat(until) <= datetime.now(UTC):
        until = ""
    speed = float(row["speed"] or 0) if sending else 0.0
    left = max(int(row["size"]) - int(row["sent"]), 0)
    eta = round(left / speed) if speed > 0 else None
    reason = row["last_error"] if state != "delivered" else ""
    return {"state": state, "until": until, "reason": reason, "speed_bps": round(speed), "eta_s": eta}


def describe(row: dict[str, Any], holder: locks.Holder | None = None, paused: bool = False) -> str:
    """One line for a package in the outbox, as the clerk reads it (agrees with :func:`view`)."""
    v = view(row, holder, paused)
    part = f"{size_text(row['sent'])} / {size_text(row['size'])} ({row['sent'] * 100 // max(row['size'], 1)}%)"
    if v["state"] == "delivered":
        return f"Đã nhận lúc {local_time(row['received_at'])}, mã tiếp nhận {row['receipt_id']}."
    if v["state"] in ("refused", "conflict"):
        return f"Không gửi được: {row['last_error']}"
    if v["state"] == "sending":
        if v["reason"]:
            return f"{v['reason']} Máy chủ đã nhận {part}."
        tail = f", {size_text(v['speed_bps'])}/s" if v["speed_bps"] else ""
        eta = f", còn khoảng {duration_text(v['eta_s'])}" if v["eta_s"] is not None else ""
        return f"Đang gửi: {part}{tail}{eta}."
    got = f" Máy chủ đã nhận {part}." if row["sent"] else ""
    if v["state"] == "paused":
        return f"Đang tạm dừng gửi (bấm Gửi tiếp hoặc `cff sync resume`).{got}"
    if row["state"] == "sending":  # the sender stopped in the middle (closed or killed)
        return f"Đã dừng giữa chừng; sẽ gửi tiếp từ phần máy chủ đã nhận ở lần đồng bộ sau.{got}"
    if row["last_error"]:
        return f"{row['last_error']}{got}"
    return f"Đang chờ gửi.{got}"


def status(ws: Workspace) -> dict[str, Any]:
    """Everything the sync panel and ``cff sync status --json`` show (the same figures)."""
    cfg = config(ws)
    holder = sender(ws)
    paused = is_paused(ws)
    items = []
    for r in outbox.rows(ws.store):
        items.append({k: r[k] for k in ("uuid", "kind", "size", "sent", "wire_bytes", "speed", "attempts",
                                         "next_attempt_at", "last_error", "queued_at", "delivered_at", "receipt_id",
                                         "received_at")} | view(r, holder, paused)
                     | {"text": describe(r, holder, paused), "path": r["path"]})
    decisions = [{"id": d["id"], "package_uuid": d["package_uuid"], "decision": d["decision"],
                  "comments": json.loads(d["comments"]), "decided_at": d["decided_at"],
                  "action": decision_action(d["doc"])}
                 for d in ws.store.query("SELECT * FROM sync_decision ORDER BY seq DESC")]
    rulesets = [{"id": r["id"], "version": r["version"], "title": r["title"], "sha256": r["sha256"],
                 "path": r["path"], "installed": bool(r["installed_at"])}
                for r in ws.store.query("SELECT * FROM sync_ruleset ORDER BY published_at DESC")]
    changed = device_key_changed(ws)
    return {"enrolled": cfg is not None, "paused": paused, "server": cfg.server if cfg else "",
            "server_fingerprint": cfg.fingerprint if cfg else "", "commune": cfg.commune if cfg else "",
            "sender": holder.text() if holder else "", "device_key_changed": changed,
            "device_key_message": lost_key_message() if changed else "",
            "outbox": items, "decisions": decisions, "rulesets": rulesets}


# What the upper level did, as its signed decision says (``action``): "accepted"/"returned" alone
# cannot tell a recognised unit from one merely passed to the review council, nor a refusal of
# recognition from a dossier sent back for corrections.
ACTION_HEADS = {"recognised": "Cấp trên đã công nhận đạt chuẩn",
                "not_recognised": "Cấp trên không công nhận đạt chuẩn",
                "council": "Cấp trên đã chấp nhận hồ sơ, trình Hội đồng xét duyệt"}


def decision_action(doc: str | None) -> str | None:
    """The ``action`` of a stored decision document (receipts carry it; older decisions do not)."""
    try:
        action = json.loads(doc or "{}").get("action")
    except (ValueError, AttributeError):
        return None
    return action if action in ACTION_HEADS else None


def decision_text(d: dict[str, Any]) -> str:
    head = ACTION_HEADS.get(d.get("action") or "") or (
        "Cấp trên đã chấp nhận hồ sơ" if d["decision"] == "accepted" else "Cấp trên trả lại hồ sơ")
    parts = [f"{head} ({d['id']}, {local_time(d['decided_at'])})"]
    for c in d.get("comments", []):
        crit = f"tiêu chí {c.get('criterion')}: " if c.get("criterion") else ""
        parts.append(f"{crit}{c.get('text', '')}")
    return " — ".join(parts)


__all__ = ["CffError", "Config", "PassReport", "Queued", "config", "enrol", "install_ruleset", "queue_file", "run",
           "status", "submit", "sync_once"]
