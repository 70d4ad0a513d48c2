"""The inbox as an ASGI app: routing, the token gate, the sweeper of abandoned uploads, and ``serve``.

:class:`Inbox` is put together from one mixin per job: :mod:`.api` (JSON API), :mod:`.tus`
(uploads), :mod:`.finish` (verify, store, receipt) and :mod:`.admin` (the upper level's actions).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cff_desktop.sync.inbox_store import InboxStore, iso, utcnow
from cff_desktop.sync.protocol import API, TOKEN_RE, TUS_VERSION, ServerLimits
from cff_desktop.sync.server._common import Verifier, error
from cff_desktop.sync.server.admin import AdminMixin
from cff_desktop.sync.server.api import ApiMixin
from cff_desktop.sync.server.finish import FinishMixin
from cff_desktop.sync.server.tus import TusMixin, _Pumped


@dataclass
class Inbox(ApiMixin, TusMixin, FinishMixin, AdminMixin):
    """One inbox: its data folder, verifier, limits and clock (a test can skew the clock)."""

    data: Path
    verifier: Verifier
    limits: ServerLimits = field(default_factory=ServerLimits)
    clock: Callable[[], datetime] = utcnow
    sweep_seconds: float = 600.0

    def __post_init__(self) -> None:
        self.store = InboxStore(self.data)
        self._locks: dict[str, asyncio.Lock] = {}
        self._pumps: dict[str, asyncio.Task[_Pumped]] = {}
        self._finishing: dict[tuple[str, str], asyncio.Lock] = {}

    # -- the app ---------------------------------------------------------------------------------
    def app(self) -> Starlette:
        routes = [
            Route(f"{API}/ping", self.ping, methods=["GET"]),
            Route(f"{API}/enrol", self.enrol, methods=["POST"]),
            Route(f"{API}/packages/{{uuid}}", self.package_status, methods=["GET"]),
            Route(f"{API}/uploads/{{upload_id}}/finish", self.finish, methods=["POST"]),
            Route(f"{API}/decisions", self.decisions, methods=["GET"]),
            Route(f"{API}/rulesets", self.rulesets, methods=["GET"]),
            Route(f"{API}/rulesets/{{sha256}}", self.ruleset_file, methods=["GET"]),
            Route("/files/", self.tus_options, methods=["OPTIONS"]),
            Route("/files/", self.tus_create, methods=["POST"]),
            Route("/files/{upload_id}", self.tus_options, methods=["OPTIONS"]),
            Route("/files/{upload_id}", self.tus_head, methods=["HEAD"]),
            Route("/files/{upload_id}", self.tus_patch, methods=["PATCH"]),
        ]
        return Starlette(routes=routes, lifespan=self._lifespan)

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        self.recover()
        self.sweep()
        task = asyncio.create_task(self._sweeper())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _sweeper(self) -> None:
        while True:
            await asyncio.sleep(self.sweep_seconds)
            await run_in_threadpool(self.sweep)

    def sweep(self) -> int:
        """tus expiration: delete uploads abandoned past their ``Upload-Expires`` (and stray files)."""
        now = iso(self.clock())
        gone = self.store.query("SELECT id FROM upload WHERE expires_at < ?", (now,))
        for r in gone:
            if r["id"] in self._pumps and not self._pumps[r["id"]].done():
                continue
            self._drop_upload(r["id"])
        known = {r["id"] for r in self.store.query("SELECT id FROM upload")}
        for p in (self.data / "uploads").iterdir():
            if p.name.split(".")[0] not in known:
                with contextlib.suppress(OSError):
                    p.unlink()
        return len(gone)

    def _drop_upload(self, upload_id: str) -> None:
        with self.store.tx() as conn:
            conn.execute("DELETE FROM upload WHERE id = ?", (upload_id,))
        for p in (self.store.upload_path(upload_id), self._side_path(upload_id)):
            with contextlib.suppress(OSError):
                p.unlink()

    def _side_path(self, upload_id: str) -> Path:
        return self.store.upload_path(upload_id).with_name(f"{upload_id}.chunk")

    # -- auth ------------------------------------------------------------------------------------
    def _auth(self, request: Request) -> dict[str, Any] | Response:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not TOKEN_RE.fullmatch(token.strip()):
            return error(401, "unauthorized", "thiếu mã truy cập hoặc mã sai dạng. Đăng ký lại máy bằng "
                         "`cff sync enrol --server URL --code MÃ`.", {"WWW-Authenticate": "Bearer"})
        row = self.store.token_row(token.strip())
        if row is None:
            return error(401, "unauthorized", "mã truy cập không đúng. Đăng ký lại máy bằng mã mới của cấp trên.",
                         {"WWW-Authenticate": "Bearer"})
        if row["revoked_at"]:
            return error(401, "revoked", f"mã truy cập của máy này đã bị cấp trên thu hồi lúc {row['revoked_at']}. "
                         "Xin mã đăng ký mới rồi chạy `cff sync enrol`; hồ sơ chờ gửi vẫn được giữ.",
                         {"WWW-Authenticate": "Bearer"})
        return row


    def _check_version(self, request: Request) -> Response | None:
        if request.headers.get("tus-resumable") != TUS_VERSION:
            return error(412, "tus_version", f"máy chủ chỉ nói tus {TUS_VERSION}.", {"Tus-Version": TUS_VERSION})
        return None

    def _gate(self, request: Request) -> dict[str, Any] | Response:
        """Every tus request: the protocol version first, then the commune's token."""
        bad = self._check_version(request)
        return bad if bad is not None else self._auth(request)


def serve(inbox: Inbox, host: str, port: int, *, cert: Path | None = None, key: Path | None = None) -> None:
    """Run the inbox in the foreground with uvicorn (HTTPS when a certificate and key are given)."""
    import uvicorn

    config = uvicorn.Config(inbox.app(), host=host, port=port, log_level="info", proxy_headers=True,
                            ssl_certfile=str(cert) if cert else None, ssl_keyfile=str(key) if key else None,
                            timeout_graceful_shutdown=5)
    uvicorn.Server(config).run()
