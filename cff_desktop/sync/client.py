"""The commune's side of the conversation with the inbox: enrol, deliver, pull.

Delivering a package is idempotent by its UUID and SHA-256: the client first asks whether the
server already holds the UUID (same bytes → the original receipt; other bytes → a conflict that
no retry can fix), then uploads with tus (resuming an upload the outbox remembered), then asks
the server to finish: verify the package and sign a receipt. The package counts as delivered
only once that receipt verifies against the server key pinned at enrolment and names exactly
this package and commune; a bare 200, garbage, or a receipt with a bad signature is not enough.
"""

from __future__ import annotations

import contextlib
import hashlib
import ssl
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from cff_desktop import __version__
from cff_desktop.common.errors import BadInput
from cff_desktop.sync.errors import (
    BadReceipt,
    Offline,
    PackageConflict,
    PackageRefusedByServer,
    ServerTrouble,
    SyncError,
    UploadGone,
)
from cff_desktop.sync.protocol import (
    API,
    DECISION_TYPE,
    RECEIPT_TYPE,
    RULESET_TYPE,
    TUS_PATH,
    UPLOAD_ID_RE,
    BadDocument,
    open_document,
)
from cff_desktop.sync.tus import DEFAULT_LINK_WAIT, ChunkPolicy, LinkState, Progress, TusStats, TusUploader, raise_for


def normalise_url(url: str) -> str:
    """``https://host:port`` without a trailing slash; refuses what is not an http(s) URL."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput("địa chỉ máy chủ phải có dạng https://ten-may:8765 (hoặc http:// trong mạng nội bộ).",
                       "--server")
    return url.rstrip("/")


class ResumingContext(ssl.SSLContext):
    """A TLS client context that offers a host's last TLS session when it reconnects.

    On a link cut every few hundred kB the client reconnects dozens of times per package; a full
    handshake costs two round trips and a few kB each time (on 2G, +10 % time at 24 reconnects),
    a resumed one much less. ``urllib3`` has no switch for this, but it wraps every socket
    through its context's ``wrap_socket``: here the last session of the host goes in, and
    :meth:`remember` (called after each response, when TLS 1.3 tickets have arrived) keeps it.
    Verification is untouched: same CA bundle, same host name check.
    """

    def wrap_socket(self, sock: Any, *args: Any, server_hostname: str | None = None,  # type: ignore[override]
                    session: ssl.SSLSession | None = None, **kw: Any) -> ssl.SSLSocket:
        sessions = self.__dict__.setdefault("cff_sessions", {})
        live = self.__dict__.setdefault("cff_live", [])
        offered = session or sessions.get(server_hostname)
        tls = super().wrap_socket(sock, *args, server_hostname=server_hostname, session=offered,  # type: ignore[misc]
                                  **kw)  # (*args never holds these two: they are keyword-only here)
        if offered is not None and tls.session_reused:
            self.__dict__["cff_resumed"] = self.__dict__.get("cff_resumed", 0) + 1
        self.__dict__["cff_handshakes"] = self.__dict__.get("cff_handshakes", 0) + 1
        live[:] = [*[(h, r) for h, r in live if r() is not None][-8:], (server_hostname, weakref.ref(tls))]
        return tls

    def remember(self) -> None:
        """Keep the newest session of every live connection (called after each response)."""
        sessions = self.__dict__.setdefault("cff_sessions", {})
        for host, ref in self.__dict__.get("cff_live", []):
            tls = ref()
            if tls is None:
                continue
            with contextlib.suppress(OSError, ValueError, AttributeError):
                if tls.session is not None:
                    sessions[host] = tls.session

    @property
    def resumed(self) -> int:
        """Reconnections that resumed a session instead of a full handshake."""
        return int(self.__dict__.get("cff_resumed", 0))


def resuming_context() -> ResumingContext:
    ctx = ResumingContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        import certifi

        ctx.load_verify_locations(certifi.where())
    except (ImportError, OSError):
        ctx.load_default_certs()
    return ctx


class _ResumingAdapter(HTTPAdapter):
    def __init__(self, ctx: ResumingContext) -> None:
        self.ctx = ctx
        super().__init__()

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any) -> None:
        pool_kwargs["ssl_context"] = self.ctx
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)


def new_session() -> requests.Session:
    """A requests session: proxies and CA bundle from the environment (HTTPS_PROXY, NO_PROXY...),
    one kept-alive connection reused across requests, TLS sessions resumed on reconnect."""
    s = requests.Session()
    s.trust_env = True
    s.headers["User-Agent"] = f"cff_desktop/{__version__}"
    ctx = resuming_context()
    s.mount("https://", _ResumingAdapter(ctx))
    s.hooks["response"].append(lambda resp, *a, **kw: ctx.remember())
    s.tls_context = ctx  # type: ignore[attr-defined]  # read by tests and benchmarks
    return s


def _json(resp: requests.Response, what: str) -> Any:
    try:
        return resp.json()
    except ValueError:
        raise ServerTrouble(f"{what}: máy chủ trả về nội dung không đọc được (không phải JSON); sẽ thử lại sau."
                            ) from None


def enrol(server: str, code: str, device: dict[str, str], *, session: requests.Session | None = None,
          timeout: float = 30.0) -> dict[str, Any]:
    """Exchange a one-time code for a token; returns the server's answer (token, commune, key)."""
    s = session or new_session()
    try:
        resp = s.post(f"{normalise_url(server)}{API}/enrol", json={"code": code.strip().upper(), "device": device},
                      timeout=timeout)
    except requests.RequestException as e:
        raise Offline(f"không kết nối được máy chủ {server} ({type(e).__name__}). Kiểm tra mạng và địa chỉ.") from None
    if resp.status_code in (400, 403):
        raise SyncError(_json(resp, "đăng ký").get("message", "mã đăng ký bị từ chối."), "--code",
                        status=resp.status_code)
    raise_for(resp, "đăng ký")
    doc = _json(resp, "đăng ký")
    ok = (isinstance(doc, dict) and isinstance(doc.get("token"), str) and isinstance(doc.get("commune"), dict)
          and isinstance(doc.get("server"), dict) and isinstance(doc["server"].get("public_key"), str))
    if not ok:
        raise ServerTrouble("máy chủ trả lời đăng ký sai cấu trúc.")
    return doc


@dataclass
class Receipt:
    """A verified receipt: what the clerk sees ("Đã nhận lúc …, mã tiếp nhận …") and the signed doc."""

    receipt_id: str
    received_at: str
    body: dict[str, Any]
    doc: dict[str, Any]
    duplicate: bool = False


@dataclass
class Delivery:
    receipt: Receipt
    wire_bytes: int
    resumed: int


class SyncClient:
    """Talks to one inbox with one token; ``server_key`` is the public key pinned at enrolment."""

    def __init__(self, server: str, token: str, server_key: str, commune: str, *,
                 session: requests.Session | None = None, timeout: tuple[float, float] = (15.0, 60.0),
                 chunk: ChunkPolicy | None = None, max_stalls: int = 4,
                 pause: Callable[[float], None] | None = None, link_wait: float = DEFAULT_LINK_WAIT) -> None:
        self.server = normalise_url(server)
        self.token = token
        self.server_key = server_key
        self.commune = commune
        self.session = session or new_session()
        self.timeout = timeout
        self.chunk = chunk or ChunkPolicy()
        self.max_stalls = max_stalls
        self.pause = pause
        self.link_wait = link_wait
        # tus extensions the inbox offers (its ping says); creation-with-upload only when offered
        self.extensions: set[str] = set()
        self.last_stats = TusStats()  # what the last delivery put on the wire, even when it failed

    @property
    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def _get(self, path: str, what: str, **kw: Any) -> requests.Response:
        try:
            return self.session.get(f"{self.server}{path}", headers=self._auth, timeout=self.timeout, **kw)
        except requests.RequestException as e:
            raise Offline(f"{what}: mất kết nối tới máy chủ ({type(e).__name__}).") from None

    def ping(self, timeout: float = 10.0) -> dict[str, Any]:
        """Connectivity probe: is the inbox reachable right now?"""
        try:
            resp = self.session.get(f"{self.server}{API}/ping", timeout=timeout)
        except requests.RequestException as e:
            raise Offline(f"không kết nối được máy chủ ({type(e).__name__}).") from None
        raise_for(resp, "kiểm tra kết nối")
        try:
            doc = resp.json()
        except ValueError:
            doc = None
        if not isinstance(doc, dict) or doc.get("server") != "cff-district":
            raise ServerTrouble("địa chỉ này trả lời nhưng không phải máy chủ nhận hồ sơ cff-district "
                                "(có thể là trang đăng nhập wifi).")
        ext = doc.get("tus_extensions")
        self.extensions = {str(x) for x in ext} if isinstance(ext, list) else set()
        return doc

    # -- delivering a package ---------------------------------------------------------------------
    def _verify_receipt(self, doc: Any, uuid: str, sha256: str, duplicate: bool) -> Receipt:
        try:
            body = open_document(doc, self.server_key, RECEIPT_TYPE)
        except BadDocument as e:
            raise BadReceipt(e.message, "máy chủ") from None
        pkg: dict[str, Any] = body["package"] if isinstance(body.get("package"), dict) else {}
        if pkg.get("uuid") != uuid or pkg.get("sha256") != sha256:
            raise BadReceipt("giấy báo nhận của máy chủ ghi một gói khác (mã hoặc SHA-256 không khớp); chưa coi là "
                             "đã gửi.", "máy chủ")
        if self.commune and body.get("commune") != self.commune:
            raise BadReceipt("giấy báo nhận ghi tên một xã khác; chưa coi là đã gửi.", "máy chủ")
        if not isinstance(body.get("receipt_id"), str) or not isinstance(body.get("received_at"), str):
            raise BadReceipt("giấy báo nhận thiếu mã tiếp nhận hoặc thời điểm nhận.", "máy chủ")
        return Receipt(body["receipt_id"], body["received_at"], body, doc, duplicate)

    def status(self, uuid: str, sha256: str) -> Receipt | None:
        """The original receipt when the server already holds this package; None when it does not."""
        resp = self._get(f"{API}/packages/{uuid}", "hỏi trạng thái gói")
        if resp.status_code == 404:
            return None
        raise_for(resp, "hỏi trạng thái gói")
        doc = _json(resp, "hỏi trạng thái gói")
        if not isinstance(doc, dict):
            raise ServerTrouble("máy chủ trả lời trạng thái gói sai cấu trúc.")
        if doc.get("sha256") != sha256:
            raise PackageConflict(
                f"máy chủ đã nhận một gói cùng mã {uuid} nhưng nội dung khác. Một gói đã gửi thì không sửa được: "
                "xuất hồ sơ mới (gói mới sẽ thay thế gói cũ) rồi gửi lại.", uuid)
        return self._verify_receipt(doc.get("receipt"), uuid, sha256, True)

    def deliver(self, path: Path, uuid: str, sha256: str, *, upload_url: str = "",
                on_upload_url: Callable[[str], None] | None = None, progress: Progress | None = None,
                create_with_body: bool = True, on_create_body: Callable[[], None] | None = None,
                on_link: LinkState | None = None) -> Delivery:
        """Upload (or resume) and obtain the signed receipt; raises a :class:`SyncError` otherwise.

        ``create_with_body``: send the first chunk with the creation request when the inbox offers
        ``creation-with-upload``; the caller passes False once such a request was cut for this
        package (its URL never came back, and the bytes must not go twice): the plain creation
        then gets the same upload back from the inbox, with its offset.
        """
        self.last_stats = TusStats()  # this package's figures only, even if it fails before sending
        path = Path(path)
        if not path.is_file():
            raise PackageRefusedByServer("tệp gói trong hộp thư đi không còn; gửi lại hồ sơ (Gửi hồ sơ).", str(path))
        size = path.stat().st_size
        known = self.status(uuid, sha256)
        if known is not None:
            return Delivery(known, 0, 0)
        up = TusUploader(self.session, f"{self.server}{TUS_PATH}", headers=self._auth, timeout=self.timeout,
                         chunk=self.chunk, progress=progress, max_stalls=self.max_stalls, link_wait=self.link_wait,
                         on_link=on_link, **cast("dict[str, Any]", {"pause": self.pause} if self.pause else {}))
        self.last_stats = up.stats
        meta = {"uuid": uuid, "sha256": sha256, "filename": f"{uuid}.cffpkg"}
        for _ in range(3):  # an upload that expired or was thrown away is started again
            url, offset = upload_url, None
            if not url:
                if create_with_body and "creation-with-upload" in self.extensions:
                    create_with_body = False
                    if on_create_body:
                        on_create_body()
                    try:
                        url, offset = up.create_with_upload(path, meta, on_created=on_upload_url)
                    except Offline as e:
                        # the URL was lost with the reply: wait for the link, then ask again without a body
                        up.resync_link(self.ping, e)
                        url = ""
                if not url:
                    url, offset = up.create_plain(size, meta)
                    if on_upload_url:
                        on_upload_url(url)
            try:
                up.upload(path, url, offset=offset)
                receipt = self._finish(url, uuid, sha256)
            except UploadGone:
                upload_url = ""
                if on_upload_url:
                    on_upload_url("")
                # the server no longer knows this upload: the package may have arrived already
                # (another sender, or a finish whose reply was lost); never send it twice
                known = self.status(uuid, sha256)
                if known is not None:
                    return Delivery(known, up.stats.wire_bytes, up.stats.resumes)
                continue
            return Delivery(receipt, up.stats.wire_bytes, up.stats.resumes)
        raise ServerTrouble("máy chủ liên tục bỏ lần tải lên; sẽ thử lại sau.")

    def _finish(self, url: str, uuid: str, sha256: str) -> Receipt:
        upload_id = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
        if not UPLOAD_ID_RE.fullmatch(upload_id):
            raise ServerTrouble("địa chỉ lần tải lên do máy chủ cấp không đúng dạng.")
        try:
            resp = self.session.post(f"{self.server}{API}/uploads/{upload_id}/finish", headers=self._auth,
                                     timeout=(self.timeout[0], max(self.timeout[1], 300.0)))
        except requests.RequestException as e:
            raise Offline(f"kết thúc gửi: mất kết nối tới máy chủ ({type(e).__name__}).") from None
        if resp.status_code == 422:
            doc = _json(resp, "kết thúc gửi")
            code = str(doc.get("error", "")) if isinstance(doc, dict) else ""
            msg = str(doc.get("message", "")) if isinstance(doc, dict) else ""
            if code == "checksum_mismatch":
                raise UploadGone(msg or "gói hỏng trên đường truyền; gửi lại từ đầu.", code=code)
            raise PackageRefusedByServer(f"máy chủ từ chối gói: {msg or code}", uuid, status=422, code=code)
        if resp.status_code == 409:
            doc = _json(resp, "kết thúc gửi")
            if isinstance(doc, dict) and doc.get("error") == "incomplete":
                raise ServerTrouble("máy chủ chưa nhận đủ gói; gửi tiếp.", status=409)
        raise_for(resp, "kết thúc gửi")
        doc = _json(resp, "kết thúc gửi")
        if not isinstance(doc, dict):
            raise BadReceipt("máy chủ trả lời thành công nhưng không kèm giấy báo nhận; chưa coi là đã gửi.",
                             "máy chủ")
        return self._verify_receipt(doc.get("receipt"), uuid, sha256, bool(doc.get("duplicate")))

    # -- down the wire ----------------------------------------------------------------------------
    def decisions(self, after: int = 0) -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
        """New decisions for this commune: (seq, verified body, signed doc), oldest first."""
        resp = self._get(f"{API}/decisions", "lấy quyết định", params={"after": str(after)})
        raise_for(resp, "lấy quyết định")
        doc = _json(resp, "lấy quyết định")
        out = []
        for item in (doc.get("decisions") if isinstance(doc, dict) else None) or []:
            body = open_document(item.get("doc") if isinstance(item, dict) else None, self.server_key, DECISION_TYPE)
            if self.commune and body.get("commune") != self.commune:
                raise BadDocument("máy chủ gửi quyết định của xã khác.", "máy chủ")
            out.append((int(item["seq"]), body, item["doc"]))
        return out

    def rulesets(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """Published rule sets whose announcement verifies: (verified body, signed doc)."""
        resp = self._get(f"{API}/rulesets", "lấy bộ tiêu chí")
        raise_for(resp, "lấy bộ tiêu chí")
        doc = _json(resp, "lấy bộ tiêu chí")
        return [(open_document(item.get("doc"), self.server_key, RULESET_TYPE), item["doc"])
                for item in (doc.get("rulesets") if isinstance(doc, dict) else None) or [] if isinstance(item, dict)]

    def ruleset_bytes(self, sha256: str, max_size: int = 4 * 1024 * 1024) -> bytes:
        """The rule set file; refused unless its SHA-256 is the one the signed announcement names."""
        resp = self._get(f"{API}/rulesets/{sha256}", "tải bộ tiêu chí", stream=True)
        raise_for(resp, "tải bộ tiêu chí")
        data = bytearray()
        for block in resp.iter_content(64 * 1024):
            data += block
            if len(data) > max_size:
                raise BadDocument("tệp bộ tiêu chí lớn bất thường; không nhận.", "máy chủ")
        if hashlib.sha256(data).hexdigest() != sha256:
            raise BadDocument("tệp bộ tiêu chí tải về không khớp mã băm đã ký; không cài.", "máy chủ")
        return bytes(data)
